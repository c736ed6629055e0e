import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMutableJobSpecPath, validateUpdate } from 'cdk8s-batch/rules';
import { defaultConfig } from '../../src/core/config.ts';
import { decide } from '../../src/core/decide.ts';
import type { KubeObject, Observed, ObjectRef, PatchAction, ReconcilerConfig } from '../../src/core/types.ts';
import { MINUTE, NOW, applyMergePatch, at, cronJob, finishedJob, job, observe, pod } from './fixtures.ts';

// Values chosen to reach every branch: valid and invalid numbers, timestamps, schedules, labels.
const num = fc.oneof(fc.integer({ min: -3, max: 120 }), fc.double({ noNaN: false }), fc.constant(null), fc.string({ maxLength: 4 }));
const time = fc.oneof(
  fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('not a time', '', 42 as unknown as string),
);
const schedule = fc.constantFrom('*/5 * * * *', '30 * * * *', '* * * * *', '@hourly', '@every 90s', '@every 0s', 'TZ=Europe/Berlin 0 9 * * *', '0 0 30 2 *', 'x', '0 0 * * * *', 7);
const labelKeys = fc.constantFrom('batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'kueue.x-k8s.io/queue-name', 'app');
const annotationKeys = fc.constantFrom('batch.cdk8s.io/admission-gate', 'batch.cdk8s.io/enforced', 'batch.cdk8s.io/rerun-of', 'batch.kubernetes.io/cronjob-scheduled-timestamp', 'x');
const stringish = fc.oneof(fc.constantFrom('pending', 'released', 'u1', 'report', '["X"]', '{'), fc.jsonValue({ maxDepth: 1 }));
const ownerRef = fc.record(
  { apiVersion: fc.constantFrom('batch/v1', 'v1'), kind: fc.constantFrom('CronJob', 'Job', 'JobSet', 3), name: fc.string(), uid: fc.constantFrom('u1', 'c1'), controller: fc.boolean() },
  { requiredKeys: [] },
);
const condition = fc.record(
  { type: fc.constantFrom('Complete', 'Failed', 'Ready', 'Suspended', 'SuccessCriteriaMet'), status: fc.constantFrom('True', 'False', 'Unknown'), lastTransitionTime: time },
  { requiredKeys: [] },
);
const container = fc.record(
  {
    name: fc.string({ maxLength: 3 }),
    restartPolicy: fc.constantFrom('Always', 'Never'),
    resources: fc.record({ requests: fc.dictionary(fc.constantFrom('cpu', 'memory'), fc.oneof(fc.constantFrom('100m', '1Gi', '2', 'bad', '1e400'), num)) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const podTemplate = fc.record(
  {
    metadata: fc.record({ labels: fc.dictionary(labelKeys, stringish) }, { requiredKeys: [] }),
    spec: fc.record(
      { restartPolicy: fc.constantFrom('Never', 'OnFailure', 'Always'), containers: fc.array(container, { maxLength: 2 }), initContainers: fc.array(container, { maxLength: 1 }), nodeName: fc.constantFrom('n1', 'n2') },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const jobSpec = fc.record(
  {
    suspend: fc.oneof(fc.boolean(), num),
    parallelism: num,
    completions: num,
    ttlSecondsAfterFinished: num,
    activeDeadlineSeconds: num,
    completionMode: fc.constantFrom('Indexed', 'NonIndexed', 'Other'),
    manualSelector: fc.boolean(),
    managedBy: fc.constantFrom('kubernetes.io/job-controller', 'example.com/other', 5),
    selector: fc.jsonValue({ maxDepth: 2 }),
    template: fc.oneof(podTemplate, fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
);
const object = fc.record(
  {
    apiVersion: fc.constantFrom('batch/v1', 'v1', 'batch/v2'),
    kind: fc.constantFrom('Job', 'CronJob', 'Pod'),
    metadata: fc.record(
      {
        name: fc.oneof(fc.constantFrom('report', 'x'.repeat(70)), fc.string({ maxLength: 8 })),
        namespace: fc.constantFrom('team-a', 'team-b'),
        uid: fc.constantFrom('u1', 'c1'),
        resourceVersion: fc.oneof(fc.constantFrom('1', '2'), num),
        creationTimestamp: time,
        deletionTimestamp: time,
        labels: fc.oneof(fc.dictionary(labelKeys, stringish), fc.jsonValue({ maxDepth: 1 })),
        annotations: fc.oneof(fc.dictionary(annotationKeys, stringish), fc.jsonValue({ maxDepth: 1 })),
        ownerReferences: fc.oneof(fc.array(ownerRef, { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    ),
    spec: fc.oneof(
      jobSpec,
      fc.record(
        {
          schedule,
          timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Nowhere/Land'),
          suspend: fc.boolean(),
          startingDeadlineSeconds: num,
          concurrencyPolicy: fc.constantFrom('Allow', 'Forbid', 'Replace'),
          jobTemplate: fc.oneof(fc.record({ metadata: fc.jsonValue({ maxDepth: 1 }), spec: jobSpec }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
          nodeName: fc.constantFrom('n1', 'n3'),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    status: fc.oneof(
      fc.record(
        { active: fc.oneof(num, fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })), startTime: time, completionTime: time, lastScheduleTime: time, phase: fc.constantFrom('Running', 'Failed', 'Succeeded', 'Pending'), conditions: fc.oneof(fc.array(condition, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })) },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<KubeObject>;

const anyObject = fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<KubeObject> });

/** The object's own kind when it is one the reconciler watches (the runtime keys objects by kind). */
function kindOf(obj: unknown): ObjectRef['kind'] | undefined {
  const kind = typeof obj === 'object' && obj !== null ? (obj as KubeObject).kind : undefined;
  return kind === 'Job' || kind === 'CronJob' || kind === 'Pod' ? kind : undefined;
}

const observed: fc.Arbitrary<Observed> = fc
  .record({
    object: fc.option(anyObject, { nil: undefined }),
    kind: fc.constantFrom('Job', 'CronJob', 'Pod'),
    pods: fc.array(anyObject, { maxLength: 3 }),
    ownedJobs: fc.array(anyObject, { maxLength: 2 }),
    nodes: fc.array(fc.tuple(fc.constantFrom('n1', 'n2'), fc.record({ status: fc.record({ conditions: fc.array(condition, { maxLength: 2 }) }) })), { maxLength: 2 }),
    quotas: fc.array(
      fc.record({ status: fc.record({ hard: fc.dictionary(fc.constantFrom('requests.cpu', 'pods', 'count/jobs.batch', 'cpu'), stringish), used: fc.jsonValue({ maxDepth: 1 }) }) }),
      { maxLength: 2 },
    ),
  })
  .map((r) => ({
    object: r.object,
    ref: { kind: kindOf(r.object) ?? r.kind, namespace: 'team-a', name: 'report', uid: 'u1' } as ObjectRef,
    pods: r.pods,
    ownedJobs: r.ownedJobs,
    nodes: new Map(r.nodes as Array<[string, KubeObject]>),
    quotas: r.quotas as KubeObject[],
  }));

// Known scenarios (stuck Job, late CronJob, orphaned pod, expired Job, gated Job) with random
// spec and status fields mixed in, so that creates, deletes and patches are all exercised.
const orphan = pod('p1', job());
const scenarios: Observed[] = [
  observe(job({ status: { active: 2, startTime: at(-90 * MINUTE) } })),
  observe({ ...cronJob({ spec: { schedule: '30 * * * *' } }), status: { lastScheduleTime: at(-150 * MINUTE) } }),
  observe({ ...orphan, metadata: { ...orphan.metadata, ownerReferences: [] } }),
  observe(finishedJob(200 * MINUTE, { spec: { ttlSecondsAfterFinished: undefined } })),
  observe(job({ metadata: { annotations: { 'batch.cdk8s.io/admission-gate': 'pending' } }, spec: { suspend: true, activeDeadlineSeconds: undefined }, status: {} })),
];
const scenario: fc.Arbitrary<Observed> = fc
  .tuple(fc.constantFrom(...scenarios), jobSpec, fc.option(fc.record({ active: num, startTime: time }, { requiredKeys: [] }), { nil: undefined }))
  .map(([o, spec, status]) => ({
    ...o,
    object: { ...o.object, spec: { ...o.object!.spec, ...spec }, ...(status ? { status: { ...o.object!.status, ...status } } : {}) },
  }));
const observedOrScenario = fc.oneof(observed, scenario);

const config: fc.Arbitrary<ReconcilerConfig> = fc
  .record({
    mode: fc.constantFrom<ReconcilerConfig['mode']>('audit', 'enforce'),
    kubernetesVersion: fc.constantFrom('1.28', '1.31', '1.35', '1.40', 'junk'),
    enforceNamespaces: fc.constantFrom<string[]>([], [], ['team-a'], ['team-b']),
    finishedJobRetentionMs: fc.constantFrom(0, 60_000),
    flags: fc.boolean(),
  })
  .map(({ flags, ...c }) => defaultConfig({ ...c, rerunStuckJobs: flags, catchUpMissedCronJobs: flags, cleanupOrphanPods: flags }));

const now = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2031-01-01T00:00:00Z') });

describe('decide (properties)', () => {
  it('never throws on arbitrary JSON and always returns a well-formed decision', () => {
    fc.assert(
      fc.property(observedOrScenario, now, config, (o, t, c) => {
        const d = decide(o, t, c);
        assert.ok(Array.isArray(d.violations) && Array.isArray(d.findings) && Array.isArray(d.actions));
        if (d.requeueAfterMs !== undefined) assert.ok(Number.isFinite(d.requeueAfterMs) && d.requeueAfterMs > 0);
      }),
      { numRuns: 400 },
    );
  });

  it('never patches an immutable field, and patches only Jobs', () => {
    fc.assert(
      fc.property(observedOrScenario, fc.oneof(now, fc.constant(NOW)), config, (o, t, c) => {
        for (const action of decide(o, t, c).actions) {
          if (action.type !== 'patch') continue;
          const { patch } = action as PatchAction;
          assert.equal(action.target.kind, 'Job');
          assert.deepEqual(Object.keys(patch).filter((k) => k !== 'metadata' && k !== 'spec'), []);
          const metadata = patch.metadata as Record<string, unknown>;
          assert.deepEqual(Object.keys(metadata).filter((k) => k !== 'annotations' && k !== 'resourceVersion'), []);
          for (const field of Object.keys(patch.spec as object)) assert.ok(isMutableJobSpecPath(`spec.${field}`), `spec.${field} is mutable`);
          const after = applyMergePatch(o.object, patch);
          const immutable = validateUpdate(o.object, after, { kubernetesVersion: '1.35' }).filter((v) => v.code === 'FieldImmutable');
          assert.deepEqual(immutable, []);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(observed, config, (o, c) => {
        assert.deepEqual(decide(o, NOW, c), decide(o, NOW, c));
      }),
      { numRuns: 150 },
    );
  });

  it('writes nothing for objects being deleted', () => {
    fc.assert(
      fc.property(observed, now, config, (o, t, c) => {
        if (!o.object || typeof o.object !== 'object' || Array.isArray(o.object)) return;
        const deleting = { ...o, object: { ...o.object, metadata: { ...(o.object.metadata ?? {}), deletionTimestamp: '2026-01-01T00:00:00Z' } } };
        assert.deepEqual(decide(deleting, t, c).actions, []);
      }),
      { numRuns: 150 },
    );
  });
});

describe('decide (property generators reach the interesting cases)', () => {
  it('produce patches, creates, deletes and findings', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(observedOrScenario, fc.constant(NOW), config, (o, t, c) => {
        const d = decide(o, t, c);
        for (const a of d.actions) seen.add(a.type);
        for (const f of d.findings) seen.add(f.code);
      }),
      { numRuns: 400, seed: 42 },
    );
    for (const expected of ['event', 'patch', 'create', 'delete', 'JobStuck', 'CronJobNotScheduling', 'OrphanedPod', 'FinishedJobExpired', 'AdmissionGateHeld']) assert.ok(seen.has(expected), `generated a ${expected}: ${[...seen].join(', ')}`);
  });
});
