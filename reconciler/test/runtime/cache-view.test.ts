import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import { decide } from '../../src/core/decide.ts';
import type { KubeObject, Observed, ReconcilerConfig } from '../../src/core/types.ts';
import { batchCacheView, nodeCacheView, podCacheView } from '../../src/runtime/cache-view.ts';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString().replace('.000Z', 'Z');

function job(uid: string, active: number): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'work', namespace: 'ns', uid, resourceVersion: '7', creationTimestamp: iso(3_600_000) },
    spec: { backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 60, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } } },
    status: { active, startTime: iso(3_600_000) },
  };
}

/** A pod as the API server returns it: full spec, status, managed labels and annotations. */
function pod(name: string, jobUid: string | undefined, opts: { phase: string; nodeName?: string; owned?: boolean; conditionsAgo?: number[] }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      uid: `${name}-uid`,
      resourceVersion: '11',
      creationTimestamp: iso(3_000_000),
      labels: { app: 'x', ...(jobUid ? { 'batch.kubernetes.io/controller-uid': jobUid, 'controller-uid': jobUid, 'batch.kubernetes.io/job-name': 'work', 'job-name': 'work' } : {}) },
      annotations: { 'batch.kubernetes.io/job-tracking': '' },
      ...(opts.owned === false || !jobUid ? {} : { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: jobUid, controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { ...(opts.nodeName ? { nodeName: opts.nodeName } : {}), restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '1' } } }] },
    status: {
      phase: opts.phase,
      startTime: iso(2_900_000),
      conditions: (opts.conditionsAgo ?? [2_900_000, 2_800_000]).map((ago, i) => ({ type: ['PodScheduled', 'Ready', 'Initialized'][i % 3], status: 'True', lastTransitionTime: iso(ago), reason: 'X' })),
      containerStatuses: [{ name: 'main', image: 'busybox:1.36', imageID: 'sha256:0', ready: true, restartCount: 0, state: { running: { startedAt: iso(2_900_000) } } }],
    },
  };
}

function node(name: string, readyAgo: number, ready: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `${name}-uid`, resourceVersion: '3', labels: { 'kubernetes.io/hostname': name } },
    status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: iso(readyAgo), lastHeartbeatTime: iso(1000), reason: 'R' }], images: [{ names: ['busybox:1.36'], sizeBytes: 1 }] },
  };
}

function observed(object: KubeObject, pods: KubeObject[], nodes: KubeObject[], kind: 'Job' | 'Pod' = 'Job', ownedJobs: KubeObject[] = []): Observed {
  return {
    object,
    ref: { kind, namespace: 'ns', name: object.metadata!.name! },
    pods,
    ownedJobs,
    nodes: new Map(nodes.map((n) => [n.metadata!.name!, n])),
    quotas: [],
  };
}

/** The same observation with pods and nodes as the caches keep them. */
function viewed(o: Observed): Observed {
  return { ...o, object: o.ref.kind === 'Pod' ? podCacheView(o.object!) : o.object, pods: o.pods.map(podCacheView), nodes: new Map([...o.nodes].map(([k, n]) => [k, nodeCacheView(n)])) };
}

const configs: ReconcilerConfig[] = [
  defaultConfig({ mode: 'audit', kubernetesVersion: '1.35' }),
  defaultConfig({ mode: 'enforce', kubernetesVersion: '1.35', rerunStuckJobs: true, cleanupOrphanPods: true, stuckAfterMs: 600_000, nodeLostAfterMs: 300_000 }),
];

describe('cache views', () => {
  const scenarios: Array<[string, Observed]> = [
    ['a running Job with live pods', observed(job('u1', 2), [pod('a', 'u1', { phase: 'Running', nodeName: 'n1' }), pod('b', 'u1', { phase: 'Pending' })], [node('n1', 9_000_000, 'True')])],
    ['a Job whose pods are gone (stuck)', observed(job('u1', 2), [pod('a', 'u1', { phase: 'Succeeded', nodeName: 'n1' })], [node('n1', 9_000_000, 'True')])],
    ['a Job whose pods sit on a lost node', observed(job('u1', 1), [pod('a', 'u1', { phase: 'Running', nodeName: 'n2', conditionsAgo: [5_000_000, 4_000_000, 3_500_000] })], [node('n2', 3_000_000, 'False')])],
    ['a Job whose pod node no longer exists', observed(job('u1', 1), [pod('a', 'u1', { phase: 'Running', nodeName: 'gone' })], [])],
    ['a Job with a recent pod condition (not stuck yet)', observed(job('u1', 1), [pod('a', 'u1', { phase: 'Failed', conditionsAgo: [3_000_000, 60_000] })], [])],
    ['an orphaned pod', observed(pod('o', 'u9', { phase: 'Succeeded', owned: false }), [], [], 'Pod')],
    ['an owned pod', observed(pod('p', 'u1', { phase: 'Running' }), [], [], 'Pod', [job('u1', 1)])],
  ];
  for (const [name, o] of scenarios) {
    it(`decide gives the same decision on the cached views: ${name}`, () => {
      for (const config of configs) assert.deepEqual(decide(viewed(o), NOW, config), decide(o, NOW, config));
    });
  }

  it('keeps only the fields the controller reads of a pod', () => {
    const view = podCacheView(pod('a', 'u1', { phase: 'Running', nodeName: 'n1', conditionsAgo: [300, 100, 200] }));
    assert.deepEqual(view, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'a',
        namespace: 'ns',
        uid: 'a-uid',
        resourceVersion: '11',
        creationTimestamp: iso(3_000_000),
        labels: { 'batch.kubernetes.io/controller-uid': 'u1', 'batch.kubernetes.io/job-name': 'work' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: 'u1', controller: true }],
      },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running', startTime: iso(2_900_000), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(100) }] },
    });
  });

  it('keeps the legacy controller-uid / job-name labels when the generated ones are absent', () => {
    const p = pod('a', undefined, { phase: 'Running' });
    p.metadata!.labels = { 'controller-uid': 'u1', 'job-name': 'work', other: 'x' };
    assert.deepEqual(podCacheView(p).metadata?.labels, { 'controller-uid': 'u1', 'job-name': 'work' });
  });

  it('keeps a node\'s metadata and conditions only', () => {
    const view = nodeCacheView(node('n1', 1000, 'False'));
    assert.deepEqual(view.status, { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(1000) }] });
    assert.equal('images' in (view.status as object), false);
  });

  it('keeps a Job whole: the interned view is deeply equal to the object', () => {
    const original = job('u1', 1);
    const copy = JSON.parse(JSON.stringify(original)) as KubeObject;
    assert.deepEqual(batchCacheView(copy), original);
  });

  it('keeps a Job whose labels, selector and status repeat its uid, name and times whole', () => {
    const labels = { 'batch.kubernetes.io/controller-uid': 'u2', 'controller-uid': 'u2', 'batch.kubernetes.io/job-name': 'work', 'job-name': 'work' };
    const base = job('u2', 0);
    const original: KubeObject = {
      ...base,
      metadata: { ...base.metadata, labels: { app: 'work' } },
      spec: { ...base.spec, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u2' } }, template: { metadata: { labels }, spec: base.spec!.template.spec } },
      status: { startTime: iso(3_600_000), completionTime: iso(3_000_000), conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: iso(3_000_000), lastProbeTime: iso(3_000_000) }], uncountedTerminatedPods: { succeeded: ['u2', 'p1'] } },
    };
    const copy = JSON.parse(JSON.stringify(original)) as KubeObject;
    assert.deepEqual(batchCacheView(copy), original);
    // and a second Job of the same second keeps its own uid and name
    const other = JSON.parse(JSON.stringify({ ...original, metadata: { ...original.metadata, uid: 'u3', name: 'other' } })) as KubeObject;
    assert.deepEqual(batchCacheView(JSON.parse(JSON.stringify(other)) as KubeObject), other);
  });

  it('shares the parts two Jobs have in common, frozen, and keeps each Job\'s own parts apart', () => {
    const labels = (uid: string): Record<string, string> => ({ 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'work' });
    const withLabels = (uid: string): KubeObject => {
      const j = job(uid, 1);
      return { ...j, spec: { ...j.spec, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }, template: { metadata: { labels: labels(uid) }, spec: j.spec!.template.spec } } };
    };
    const [first, second] = [withLabels('u4'), withLabels('u5')];
    const [a, b] = [first, second].map((o) => batchCacheView(JSON.parse(JSON.stringify(o)) as KubeObject));
    assert.deepEqual(a, first);
    assert.deepEqual(b, second);
    // the pod spec is the same in both: one object, frozen so that no reader can change it for the other
    assert.equal(a.spec!.template.spec, b.spec!.template.spec);
    assert.equal(Object.isFrozen(a.spec!.template.spec), true);
    assert.throws(() => {
      (a.spec!.template.spec as { restartPolicy: string }).restartPolicy = 'OnFailure';
    }, TypeError);
    // the template's labels and the selector hold each Job's uid: never shared, nor is what holds them
    assert.notEqual(a.spec!.template.metadata, b.spec!.template.metadata);
    assert.notEqual(a.spec!.selector, b.spec!.selector);
    assert.notEqual(a.spec, b.spec);
    assert.equal(Object.isFrozen(a.spec), false);
    assert.equal(Object.isFrozen(a.metadata), false);
    // the status differs (active 1 and 2): one Job's status is not taken for another's
    const c = batchCacheView(JSON.parse(JSON.stringify(job('u6', 2))) as KubeObject);
    assert.deepEqual(c.status, { active: 2, startTime: iso(3_600_000) });
    assert.notEqual(c.status, a.status);
  });

  it('keeps a pod view a plain object holding only the fields read', () => {
    const p = pod('b', 'u1', { phase: 'Succeeded' });
    const view = podCacheView(p);
    assert.equal(Object.getPrototypeOf(view.metadata), Object.prototype);
    assert.deepEqual(Object.keys(view.metadata!).sort(), ['creationTimestamp', 'labels', 'name', 'namespace', 'ownerReferences', 'resourceVersion', 'uid']);
    assert.equal(view.metadata!.ownerReferences![0].uid, 'u1');
  });

  it('shares the owner reference, labels and latest condition of the pods of one Job, frozen, and keeps each pod\'s own fields', () => {
    const [a, b] = [podCacheView(pod('p-0', 'u7', { phase: 'Succeeded', conditionsAgo: [5000, 4000] })), podCacheView(pod('p-1', 'u7', { phase: 'Succeeded', conditionsAgo: [5000, 4000] }))];
    assert.equal(a.metadata!.ownerReferences, b.metadata!.ownerReferences);
    assert.equal(a.metadata!.labels, b.metadata!.labels);
    assert.equal(a.status!.conditions, b.status!.conditions);
    assert.equal(Object.isFrozen(a.metadata!.ownerReferences![0]), true);
    assert.throws(() => a.metadata!.ownerReferences!.push({ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x' }), TypeError);
    assert.notEqual(a.metadata, b.metadata);
    assert.deepEqual([a.metadata!.name, a.metadata!.uid, b.metadata!.name, b.metadata!.uid], ['p-0', 'p-0-uid', 'p-1', 'p-1-uid']);
    // a pod of another Job, or with another latest condition, has its own
    const c = podCacheView(pod('q-0', 'u8', { phase: 'Succeeded', conditionsAgo: [5000, 3000] }));
    assert.notEqual(c.metadata!.ownerReferences, a.metadata!.ownerReferences);
    assert.equal(c.metadata!.ownerReferences![0].uid, 'u8');
    assert.deepEqual(c.status!.conditions, [{ type: 'Ready', status: 'True', lastTransitionTime: iso(3000) }]);
  });
});
