import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatViolation, validate } from 'cdk8s-batch/rules';
import { audit, rulesVersion, rulesVersionNotice } from '../../src/core/audit.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { decide } from '../../src/core/decide.ts';
import { rerunName } from '../../src/core/rerun.ts';
import type { Action, CreateAction, Decision, EventAction, KubeObject, Observed, PatchAction, ReconcilerConfig } from '../../src/core/types.ts';
import { MINUTE, NOW, applyMergePatch, at, cronJob, finishedJob, job, node, observe as observeAlone, pod, quota } from './fixtures.ts';

/** Observed state with a running pod on a Ready node for a running Job, so it is not stuck. */
function observe(obj: KubeObject, related: Parameters<typeof observeAlone>[1] = {}): Observed {
  const active = obj.kind === 'Job' && Number(obj.status?.active ?? 0) > 0;
  const pods = related.pods ?? (active ? [pod('live', obj, { nodeName: 'n1' })] : []);
  return observeAlone(obj, { nodes: [node('n1', 'True', at(-600 * MINUTE))], ...related, pods });
}

const audited = defaultConfig({ kubernetesVersion: '1.31' });
const gating = defaultConfig({ kubernetesVersion: '1.31', admissionGate: true });
const everything = defaultConfig({
  kubernetesVersion: '1.31',
  mode: 'enforce',
  admissionGate: true,
  rerunStuckJobs: true,
  catchUpMissedCronJobs: true,
  cleanupOrphanPods: true,
  finishedJobRetentionMs: 60 * MINUTE,
});

const of = <T extends Action['type']>(d: Decision, type: T): Array<Extract<Action, { type: T }>> =>
  d.actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
const writes = (d: Decision): Action[] => d.actions.filter((a) => a.type !== 'event');

const noTtl = { spec: { ttlSecondsAfterFinished: undefined, activeDeadlineSeconds: undefined } };
const gateAnnotation = { 'batch.cdk8s.io/admission-gate': 'pending' };
const stuck: KubeObject = job({ metadata: { name: 'report' }, status: { active: 2, startTime: at(-60 * MINUTE) } });
const lateCron = { ...cronJob({ spec: { schedule: '30 * * * *' } }), status: { lastScheduleTime: '2026-06-01T10:30:00Z' } };
const orphanPod = (() => {
  const p = pod('p1', job());
  return { ...p, metadata: { ...p.metadata, ownerReferences: undefined } };
})();

describe('decide: audit', () => {
  const bad = job({ spec: { ttlSecondsAfterFinished: -5, activeDeadlineSeconds: undefined } });

  it('reports the rule violations of a live Job on the cluster version', () => {
    const d = decide(observe(bad), NOW, audited);
    assert.deepEqual(d.violations, validate(bad, { kubernetesVersion: '1.31' }));
    assert.ok(d.violations.some((v) => v.severity === 'error'));
    assert.ok(d.violations.some((v) => v.severity === 'warning'));
  });

  it('takes an audit the caller holds only for that very object and cluster version', () => {
    const clean = job();
    const held = { object: clean, clusterVersion: '1.31', result: audit(bad, '1.31') };
    // the held audit is for this object: used as it is (here deliberately another object's verdict)
    assert.deepEqual(decide({ ...observe(clean), audited: held }, NOW, audited).violations, held.result.violations);
    // an equal but other object (a changed Job is a new object), or another version: audited again
    assert.deepEqual(decide({ ...observe(job()), audited: held }, NOW, audited).violations, []);
    assert.deepEqual(decide({ ...observe(clean), audited: { ...held, clusterVersion: '1.30' } }, NOW, audited).violations, []);
    assert.deepEqual(decide({ ...observe(bad), audited: { ...held, object: clean } }, NOW, audited).violations, validate(bad, { kubernetesVersion: '1.31' }));
  });

  it('emits one Warning Event per violation: reason = code, note = formatted violation, action Audit', () => {
    const d = decide(observe(bad), NOW, audited);
    const events = of(d, 'event');
    assert.deepEqual(
      events.map((e) => [e.eventType, e.reason, e.action, e.note]),
      d.violations.map((v) => ['Warning', v.code, 'Audit', formatViolation(v)]),
    );
    assert.deepEqual(events[0].regarding, { kind: 'Job', namespace: 'team-a', name: 'report', uid: 'job-uid-1' });
  });

  it('audits a Job created by a CronJob as a Job', () => {
    const owned = job({ ...noTtl, metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'n', uid: 'c', controller: true }] } });
    const d = decide(observe(owned), NOW, audited);
    assert.ok(d.violations.some((v) => v.code === 'ActiveDeadlineSecondsMissing'));
  });

  it('does not report a missing TTL on a Job a CronJob controls (its history limits delete it)', () => {
    const cronOwner = [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'n', uid: 'c', controller: true }];
    const owned = decide(observe(job({ ...noTtl, metadata: { ownerReferences: cronOwner } })), NOW, audited);
    assert.ok(!owned.violations.some((v) => v.code === 'TtlSecondsAfterFinishedMissing'));
    const standalone = decide(observe(job(noTtl)), NOW, audited);
    assert.ok(standalone.violations.some((v) => v.code === 'TtlSecondsAfterFinishedMissing'));
  });

  it('audits CronJobs and reports findings as Warning Events', () => {
    const d = decide(observe(lateCron), NOW, audited);
    assert.deepEqual(d.violations, validate(lateCron, { kubernetesVersion: '1.31' }));
    assert.deepEqual(d.findings.map((f) => f.code), ['CronJobNotScheduling']);
    const event = of(d, 'event').find((e) => e.reason === 'CronJobNotScheduling')!;
    assert.equal(event.eventType, 'Warning');
    assert.equal(event.note, formatViolation(d.findings[0]));
  });

  it('runs the rules for the nearest supported version when the cluster is newer or older', () => {
    assert.equal(rulesVersion('1.31'), '1.31');
    assert.equal(rulesVersion('v1.40.2'), '1.37');
    assert.equal(rulesVersion('1.37'), '1.37');
    assert.equal(rulesVersion('1.36'), '1.36');
    assert.equal(rulesVersion('1.20'), '1.28');
    assert.equal(rulesVersion('garbage'), '1.37');
    assert.equal(rulesVersionNotice('1.37'), undefined);
    assert.equal(rulesVersionNotice('1.38'), 'the cluster runs Kubernetes 1.38, newer than the newest version the rules know (1.37): auditing with the Kubernetes 1.37 rules');
    assert.match(rulesVersionNotice('1.20') ?? '', /^the cluster runs Kubernetes 1\.20, not a version the rules know \(1\.28, .*1\.37\): auditing with the Kubernetes 1\.28 rules$/);
    assert.doesNotThrow(() => decide(observe(bad), NOW, defaultConfig({ kubernetesVersion: '1.99' })));
  });

  it('reports a Job or CronJob recorded for another version than the cluster runs as a KubernetesVersionMismatch warning', () => {
    // GIVEN objects the constructs validated for 1.29, on a 1.31 cluster
    const recorded = { metadata: { annotations: { 'batch.cdk8s.io/kubernetes-version': '1.29' } } };
    for (const object of [job(recorded), cronJob(recorded)]) {
      // WHEN
      const d = decide(observe(object), NOW, audited);
      // THEN one Warning Event with the code, naming both versions
      const events = of(d, 'event').filter((e) => e.reason === 'KubernetesVersionMismatch');
      assert.equal(events.length, 1, object.kind);
      assert.equal(events[0].eventType, 'Warning');
      assert.match(events[0].note, /^KubernetesVersionMismatch: metadata\.annotations\[batch\.cdk8s\.io\/kubernetes-version\] records that the object was validated for Kubernetes 1\.29, but the cluster runs 1\.31 \(got "1\.29"\); set BatchSettings\.setKubernetesVersion to "1\.31"/);
      assert.equal(d.findings.find((f) => f.code === 'KubernetesVersionMismatch')?.severity, 'warning');
    }
    // a matching version, a cluster version with a patch part, or no annotation: no finding
    const same = { metadata: { annotations: { 'batch.cdk8s.io/kubernetes-version': '1.31' } } };
    assert.equal(audit(job(same), '1.31').findings.length, 0);
    assert.equal(audit(job(same), 'v1.31.4').findings.length, 0);
    assert.equal(audit(job(), '1.31').findings.length, 0);
    // a cluster newer than the rules support is compared with its own version, not the nearest supported one
    assert.equal(audit(job({ metadata: { annotations: { 'batch.cdk8s.io/kubernetes-version': '1.35' } } }), '1.40').findings[0]?.code, 'KubernetesVersionMismatch');
  });

  it('does not report fields of a newer cluster schema as unknown', () => {
    const live = job({ metadata: { name: 'j' } });
    (live.spec as Record<string, unknown>).futureField = 1;
    assert.ok(audit(live, '1.37').violations.some((v) => v.code === 'FieldUnknown' && v.path === 'spec.futureField'));
    assert.ok(!audit(live, '1.40').violations.some((v) => v.code === 'FieldUnknown'));
  });

  it('turns an engine failure into a RulesEngineFailed finding instead of throwing', () => {
    const exploding = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      get spec(): unknown {
        throw new Error('boom');
      },
    } as KubeObject;
    const result = audit(exploding, '1.31');
    assert.deepEqual(result.violations, []);
    assert.equal(result.findings[0].code, 'RulesEngineFailed');
    assert.match(result.findings[0].message, /boom/);
  });

  it('decides nothing for an object being deleted, or one that is gone', () => {
    const deleting = job({ ...noTtl, metadata: { deletionTimestamp: at(0) } });
    assert.deepEqual(decide(observe(deleting), NOW, everything), { violations: [], findings: [], actions: [] });
    const gone: Observed = { ...observe(job()), object: undefined };
    assert.deepEqual(decide(gone, NOW, everything), { violations: [], findings: [], actions: [] });
  });
});

describe('decide: enforce', () => {
  const bare = job(noTtl);

  it('writes nothing in audit mode', () => {
    assert.deepEqual(writes(decide(observe(bare), NOW, audited)), []);
  });

  it('sends one patch with the resourceVersion precondition and Normal Enforce Events', () => {
    const d = decide(observe(bare), NOW, everything);
    const [patch, ...more] = of(d, 'patch');
    assert.equal(more.length, 0);
    assert.equal(patch.resourceVersion, '100');
    assert.deepEqual(patch.target, { kind: 'Job', namespace: 'team-a', name: 'report', uid: 'job-uid-1' });
    assert.deepEqual(patch.patch, {
      metadata: { resourceVersion: '100', annotations: { 'batch.cdk8s.io/enforced': '["ActiveDeadlineSecondsMissing","TtlSecondsAfterFinishedMissing"]' } },
      spec: { ttlSecondsAfterFinished: everything.defaultTtlSecondsAfterFinished, activeDeadlineSeconds: everything.defaultActiveDeadlineSeconds },
    });
    assert.equal(of(d, 'event').filter((e) => e.eventType === 'Normal' && e.action === 'Enforce').length, 2);
  });

  it('writes only in the namespaces enforce mode is enabled for', () => {
    assert.equal(of(decide(observe(bare), NOW, { ...everything, enforceNamespaces: ['team-a'] }), 'patch').length, 1);
    assert.equal(of(decide(observe(bare), NOW, { ...everything, enforceNamespaces: ['team-b'] }), 'patch').length, 0);
  });

  it('sends no patch without a resourceVersion to precondition on', () => {
    const metadata = { ...bare.metadata };
    delete metadata.resourceVersion;
    const noRv = { ...bare, metadata };
    assert.deepEqual(writes(decide(observe(noRv), NOW, everything)), []);
    assert.equal(of(decide(observe(noRv), NOW, everything), 'event').filter((e) => e.action === 'Enforce').length, 0);
  });

  it('merges the gate release and the enforce fixes into one patch', () => {
    const gatedBare = job({ ...noTtl, metadata: { annotations: gateAnnotation }, spec: { ...noTtl.spec, suspend: true }, status: {} });
    const [patch, ...more] = of(decide(observe(gatedBare), NOW, everything), 'patch');
    assert.equal(more.length, 0);
    assert.equal(patch.patch.spec && (patch.patch.spec as Record<string, unknown>).suspend, false);
    assert.deepEqual(patch.reasons, ['AdmissionGateReleased', 'TtlSecondsAfterFinishedMissing', 'ActiveDeadlineSecondsMissing']);
    const annotations = (patch.patch.metadata as { annotations: Record<string, string> }).annotations;
    assert.equal(annotations['batch.cdk8s.io/admission-gate'], 'released');
    assert.ok(annotations['batch.cdk8s.io/enforced']);
  });
});

describe('decide: admission gate', () => {
  const gated = job({ metadata: { annotations: gateAnnotation }, spec: { suspend: true }, status: {} });

  it('releases a clean gated Job in audit mode too', () => {
    const d = decide(observe(gated), NOW, gating);
    const [patch] = of(d, 'patch');
    assert.deepEqual(patch.patch, {
      metadata: { resourceVersion: '100', annotations: { 'batch.cdk8s.io/admission-gate': 'released' } },
      spec: { suspend: false },
    });
    assert.ok(of(d, 'event').some((e) => e.reason === 'AdmissionGateReleased' && e.eventType === 'Normal'));
  });

  it('holds a gated Job with an error violation on the live version, with a Warning Event saying why', () => {
    const invalid = { ...gated, spec: { ...gated.spec, ttlSecondsAfterFinished: -1 } };
    const d = decide(observe(invalid), NOW, gating);
    assert.deepEqual(writes(d), []);
    assert.deepEqual(d.findings.map((f) => f.code), ['AdmissionGateHeld']);
    const event = of(d, 'event').find((e) => e.reason === 'AdmissionGateHeld')!;
    assert.equal(event.eventType, 'Warning');
    assert.match(event.note, /error violation/);
  });

  it('holds a gated Job the namespace quota has no room for', () => {
    const d = decide(observe(gated, { quotas: [quota('compute', { 'requests.cpu': '1' }, { 'requests.cpu': '800m' })] }), NOW, gating);
    assert.deepEqual(writes(d), []);
    assert.match(d.findings[0].message, /quota compute requests\.cpu: needs 500m, 200m of 1 left/);
  });

  it('holds a gated Job that uses a field the live cluster version lacks', () => {
    const newer = { ...gated, spec: { ...gated.spec, managedBy: 'kubernetes.io/job-controller' } };
    const on131 = decide(observe(newer), NOW, defaultConfig({ kubernetesVersion: '1.31', admissionGate: true }));
    assert.deepEqual(on131.findings.map((f) => f.code), ['AdmissionGateHeld']);
    assert.match(on131.findings[0].message, /FieldRequiresNewerKubernetes/);
    const on132 = decide(observe(newer), NOW, defaultConfig({ kubernetesVersion: '1.32', admissionGate: true }));
    assert.equal(of(on132, 'patch').length, 1);
  });

  it('holds a gated Job without writing when the gate is off, saying how to switch it on', () => {
    const d = decide(observe(gated), NOW, audited);
    assert.deepEqual(writes(d), []);
    assert.deepEqual(d.findings.map((f) => f.code), ['AdmissionGateHeld']);
    assert.match(d.findings[0].message, /spec\.suspend stays true: the reconciler runs without --admission-gate \(got true\)/);
    assert.match(d.findings[0].fix, /--admission-gate/);
  });
});

describe('decide: hands off', () => {
  const variants: Array<[string, KubeObject]> = [
    ['a foreign spec.managedBy', job({ ...noTtl, spec: { ...noTtl.spec, managedBy: 'kueue.x-k8s.io/multikueue' } })],
    ['the Kueue queue label', job({ ...noTtl, metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'main' } } })],
    ['a controller other than a CronJob', job({ ...noTtl, metadata: { ownerReferences: [{ apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', name: 's', uid: 's', controller: true }] } })],
  ];
  for (const [name, base] of variants) {
    it(`audits but never writes to a Job with ${name}`, () => {
      const gatedStuck = { ...base, metadata: { ...base.metadata, annotations: gateAnnotation }, status: { active: 1, startTime: at(-60 * MINUTE) } };
      const finished = { ...finishedJob(120 * MINUTE), spec: base.spec, metadata: base.metadata };
      for (const obj of [base, gatedStuck, finished]) {
        const d = decide(observe(obj), NOW, everything);
        assert.deepEqual(writes(d), [], JSON.stringify(d.actions));
        assert.ok(d.violations.length > 0, 'still audited');
      }
      const stuckDecision = decide(observeAlone(gatedStuck), NOW, everything);
      assert.ok(stuckDecision.findings.some((f) => f.code === 'JobStuck'), 'findings are still reported');
    });
  }

  it('writes to a Job that names the built-in job controller in spec.managedBy', () => {
    const own = job({ ...noTtl, spec: { ...noTtl.spec, managedBy: 'kubernetes.io/job-controller' } });
    assert.equal(of(decide(observe(own), NOW, everything), 'patch').length, 1);
  });
});

describe('decide: stuck Jobs', () => {
  it('reports a stuck Job and creates one rerun in enforce mode', () => {
    const d = decide(observeAlone(stuck), NOW, everything);
    assert.deepEqual(d.findings.map((f) => f.code), ['JobStuck']);
    const [create] = of(d, 'create');
    assert.equal(create.reason, 'JobStuck');
    const m = create.manifest;
    assert.equal(m.metadata?.name, 'report-rerun-1');
    assert.equal(m.metadata?.namespace, 'team-a');
    assert.equal(m.metadata?.annotations?.['batch.cdk8s.io/rerun-of'], 'report');
    assert.equal(m.spec.selector, undefined);
    assert.deepEqual(m.spec.template.metadata.labels, {});
    assert.deepEqual(m.metadata?.labels, {});
    assert.equal(m.status, undefined);
    assert.equal(m.metadata?.uid, undefined);
    assert.equal(m.metadata?.resourceVersion, undefined);
    assert.deepEqual(m.spec.template.spec, stuck.spec.template.spec);
    assert.deepEqual(validate(m, { kubernetesVersion: '1.31' }).filter((v) => v.severity === 'error'), []);
    assert.ok(of(d, 'event').some((e) => e.action === 'Rerun' && e.eventType === 'Normal'));
  });

  it("keeps the stuck Job's owner references on its rerun, blockOwnerDeletion only for a CronJob owner", () => {
    const owners = [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'c1', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'example.com/v1', kind: 'Pipeline', name: 'p', uid: 'p1', blockOwnerDeletion: true },
    ];
    const owned = { ...stuck, metadata: { ...stuck.metadata, ownerReferences: owners } };
    const [create] = of(decide(observeAlone(owned), NOW, everything), 'create');
    assert.deepEqual(create.manifest.metadata?.ownerReferences, [owners[0], { apiVersion: 'example.com/v1', kind: 'Pipeline', name: 'p', uid: 'p1' }]);
  });

  const noRerun: Array<[string, Observed, ReconcilerConfig]> = [
    ['in audit mode', observeAlone(stuck), audited],
    ['when reruns are off', observeAlone(stuck), { ...everything, rerunStuckJobs: false }],
    ['when the rerun exists', observeAlone(stuck, { ownedJobs: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report-rerun-1' } }] }), everything],
    [
      'when a Job names it in its rerun-of annotation',
      observeAlone(stuck, { ownedJobs: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x', annotations: { 'batch.cdk8s.io/rerun-of': 'report' } } }] }),
      everything,
    ],
    ['for a rerun itself', observeAlone({ ...stuck, metadata: { ...stuck.metadata, annotations: { 'batch.cdk8s.io/rerun-of': 'older' } } }), everything],
    ['for a Job with a manual selector', observeAlone({ ...stuck, spec: { ...stuck.spec, manualSelector: true } }), everything],
  ];
  for (const [name, observed, config] of noRerun) {
    it(`creates no rerun ${name}`, () => {
      const d = decide(observed, NOW, config);
      assert.ok(d.findings.some((f) => f.code === 'JobStuck'));
      assert.deepEqual(of(d, 'create'), []);
    });
  }

  it('fits the rerun name into 63 characters, and leaves room for Indexed pod hostnames', () => {
    const long = 'x'.repeat(63);
    assert.equal(rerunName(job({ metadata: { name: long } })), `${'x'.repeat(55)}-rerun-1`);
    assert.equal(rerunName(job({ metadata: { name: long }, spec: { completionMode: 'Indexed', completions: 100 } })), `${'x'.repeat(52)}-rerun-1`);
    assert.equal(rerunName(job({ metadata: { name: `${'a'.repeat(54)}-b-cdef` } })), `${'a'.repeat(54)}-rerun-1`);
  });
});

describe('decide: cleanup', () => {
  it('deletes an orphaned pod in enforce mode with cleanup on', () => {
    const d = decide(observe(orphanPod), NOW, everything);
    assert.deepEqual(d.findings.map((f) => f.code), ['OrphanedPod']);
    assert.equal(of(d, 'delete')[0].target.uid, 'pod-uid-p1');
  });

  it('only reports an orphaned pod in audit mode, with cleanup off, or outside the enforced namespaces', () => {
    for (const config of [audited, { ...everything, cleanupOrphanPods: false }, { ...everything, enforceNamespaces: ['elsewhere'] }]) {
      const d = decide(observe(orphanPod), NOW, config);
      assert.deepEqual(d.findings.map((f) => f.code), ['OrphanedPod']);
      assert.deepEqual(writes(d), []);
    }
  });

  it('deletes an expired finished Job without TTL, and patches nothing on it', () => {
    const d = decide(observe(finishedJob(120 * MINUTE, noTtl)), NOW, everything);
    assert.deepEqual(writes(d).map((a) => a.type), ['delete']);
  });

  it('patches a TTL onto a finished Job inside the retention (the TTL controller deletes it)', () => {
    const d = decide(observe(finishedJob(10 * MINUTE, noTtl)), NOW, everything);
    assert.deepEqual(writes(d).map((a) => a.type), ['patch']);
    assert.equal(d.requeueAfterMs, 50 * MINUTE);
  });
});

describe('decide: requeue', () => {
  it('asks to be woken at the earliest moment a finding would flip', () => {
    const recent = job({ status: { active: 1, startTime: at(-4 * MINUTE) } }); // stuck at +6 min
    assert.equal(decide(observeAlone(recent), NOW, audited).requeueAfterMs, 6 * MINUTE);
    const both = finishedJob(58 * MINUTE, { ...noTtl });
    assert.equal(decide(observe(both), NOW, { ...audited, finishedJobRetentionMs: 60 * MINUTE }).requeueAfterMs, 2 * MINUTE);
  });

  it('wakes a CronJob after its next run plus grace', () => {
    const upToDate = { ...cronJob({ spec: { schedule: '30 * * * *' } }), status: { lastScheduleTime: '2026-06-01T11:30:00Z' } };
    assert.equal(decide(observe(upToDate), NOW, audited).requeueAfterMs, 40 * MINUTE + 1);
  });

  it('does not ask to be woken when nothing depends on time', () => {
    const healthy = job();
    const d = decide(observe(healthy, { pods: [pod('p', healthy)] }), NOW, audited);
    assert.equal(d.requeueAfterMs, undefined);
  });
});

/** The state after the actuator carried out `decision` on `observed` (what the caches show next). */
function afterEffects(observed: Observed, decision: Decision): Observed {
  let object = observed.object;
  const ownedJobs = [...observed.ownedJobs];
  for (const action of writes(decision)) {
    if (action.type === 'patch') object = { ...(applyMergePatch(object, (action as PatchAction).patch) as KubeObject) };
    if (action.type === 'create') ownedJobs.push((action as CreateAction).manifest);
    if (action.type === 'delete') object = { ...object, metadata: { ...object!.metadata, deletionTimestamp: at(0) } };
  }
  if (object !== observed.object) object = { ...object, metadata: { ...object!.metadata, resourceVersion: '101' } };
  return { ...observed, object, ownedJobs };
}

describe('decide: idempotence', () => {
  const scenarios: Array<[string, Observed]> = [
    ['enforce fixes', observe(job(noTtl))],
    ['parallelism clamp', observe(job({ spec: { parallelism: 9, completions: 2 } }))],
    ['gate release', observe(job({ metadata: { annotations: gateAnnotation }, spec: { suspend: true }, status: {} }))],
    ['stuck Job rerun', observeAlone(stuck)],
    ['CronJob catch-up', observe(lateCron)],
    ['orphaned pod', observe(orphanPod)],
    ['expired finished Job', observe(finishedJob(120 * MINUTE, noTtl))],
  ];
  for (const [name, observed] of scenarios) {
    it(`acts once: ${name}`, () => {
      const first = decide(observed, NOW, everything);
      assert.ok(writes(first).length > 0, 'the first decision acts');
      const second = decide(afterEffects(observed, first), NOW + 1000, everything);
      assert.deepEqual(writes(second), [], JSON.stringify(second.actions));
    });
  }

  it('deciding twice on the same state gives the same decision', () => {
    for (const [, observed] of scenarios) assert.deepEqual(decide(observed, NOW, everything), decide(observed, NOW, everything));
  });

  it('regards events of the object they are about', () => {
    const d = decide(observe(lateCron), NOW, everything);
    for (const e of of(d, 'event') as EventAction[]) assert.deepEqual(e.regarding, { kind: 'CronJob', namespace: 'team-a', name: 'nightly', uid: 'cron-uid-1' });
  });
});
