import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import type { Action, Decision, KubeObject, Observed } from '../../src/core/types.ts';
import { errorFromStatus } from '../../src/adapters/errors.ts';
import type { KubePort, ListPageOptions } from '../../src/adapters/port.ts';
import { Controller, type ControllerOptions, keyOf } from '../../src/runtime/controller.ts';
import { FakeKube } from './fake-kube.ts';
import { cleanupsAfterEach, testJob } from './fixtures.ts';
import { waitFor, waitForAsync } from './wait.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 60_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 };
const T0 = Date.parse('2026-01-01T00:10:00Z');

const job = testJob;
const cleanups = cleanupsAfterEach();

function controller(port: KubePort, extra: Partial<ControllerOptions> = {}): Controller {
  const c = new Controller({
    port,
    config: defaultConfig({ mode: 'audit', kubernetesVersion: '1.31' }),
    now: () => T0,
    reflectorTimings: FAST,
    queue: { baseDelayMs: 2, maxDelayMs: 20 },
    writeQps: 1000,
    writeBurst: 1000,
    ...extra,
  });
  cleanups.push(() => c.stop());
  return c;
}

function calls(kube: FakeKube, op: string, kind?: string): FakeKube['calls'] {
  return kube.calls.filter((c) => c.op === op && (!kind || c.kind === kind));
}

describe('Controller', () => {
  it('audits a Job with the shared rules and emits one events.k8s.io/v1 Event per violation', async () => {
    // GIVEN a Job without TTL and deadline
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    const c = controller(kube);
    // WHEN
    c.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 2);
    await waitFor(() => c.queue.length === 0 && c.queue.inFlight === 0);
    // THEN
    const reasons = calls(kube, 'create', 'Event').map((e) => (e.body as KubeObject).reason).sort();
    assert.deepEqual(reasons, ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
    const event = calls(kube, 'create', 'Event')[0].body as KubeObject;
    assert.equal(event.apiVersion, 'events.k8s.io/v1');
    assert.equal(event.reportingController, 'batch.cdk8s.io/reconciler');
    assert.equal((event.regarding as { uid: string }).uid, kube.objects.get('Job')!.get('ns/a')!.metadata!.uid);
    assert.match(String(event.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(calls(kube, 'patch', 'Job').length, 0, 'audit mode never writes to the Job');
    const codes = c.objectReports().flatMap((r) => r.violations.map((v) => v.code)).sort();
    assert.deepEqual(codes, ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
  });

  it('lists Pods for its Pod cache with only the fields the view reads (viewFields), Jobs, CronJobs and Nodes whole', async () => {
    // GIVEN
    const kube = new FakeKube();
    const c = controller(kube);
    // WHEN
    c.start();
    await waitFor(() => c.synced);
    // THEN
    const asked = Object.fromEntries(calls(kube, 'list').map((l) => [l.kind, (l.options as ListPageOptions).viewFields === true]));
    assert.deepEqual(asked, { Job: false, CronJob: false, Pod: true, Node: false });
  });

  it('does not repeat an Event within the repeat interval, and bumps its series after it', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a', { ttlSecondsAfterFinished: 60 }));
    let now = T0;
    const c = controller(kube, { now: () => now, eventRepeatIntervalMs: 60_000 });
    c.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 1);
    // WHEN the Job changes (re-enqueued) within the interval
    kube.put('Job', { ...kube.objects.get('Job')!.get('ns/a')!, metadata: { ...kube.objects.get('Job')!.get('ns/a')!.metadata, labels: { x: '1' } } });
    await waitForAsync(async () => (await c.metrics.registry.getSingleMetricAsString('cdk8s_batch_reconciler_actions_total')).includes('outcome="suppressed"'));
    assert.equal(calls(kube, 'create', 'Event').length, 1);
    // WHEN it changes again after the interval
    now += 61_000;
    kube.put('Job', { ...kube.objects.get('Job')!.get('ns/a')!, metadata: { ...kube.objects.get('Job')!.get('ns/a')!.metadata, labels: { x: '2' } } });
    await waitFor(() => calls(kube, 'patch', 'Event').length === 1);
    // THEN the existing Event's series is updated instead of creating a new one
    assert.equal(calls(kube, 'create', 'Event').length, 1);
    const series = (calls(kube, 'patch', 'Event')[0].body as { series: { count: number; lastObservedTime: string } }).series;
    assert.equal(series.count, 2);
    assert.equal(series.lastObservedTime, new Date(now).toISOString().replace('Z', '000Z'));
    const stored = [...kube.objects.get('Event')!.values()];
    assert.equal(stored.length, 1);
    assert.equal((stored[0].series as { count: number }).count, 2);
  });

  it('continues an existing Event series after a restart instead of creating a duplicate', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a', { ttlSecondsAfterFinished: 60 }));
    const first = controller(kube);
    first.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 1);
    await first.stop();
    // WHEN a new instance starts and decides the same Event after the repeat interval
    const second = controller(kube, { now: () => T0 + 61_000 });
    second.start();
    await waitFor(() => calls(kube, 'patch', 'Event').length === 1);
    // THEN
    assert.equal(kube.objects.get('Event')!.size, 1);
    assert.equal((calls(kube, 'patch', 'Event')[0].body as { series: { count: number } }).series.count, 2);
  });

  it('does not count an occurrence twice when a restarted instance decides it within the repeat interval', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a', { ttlSecondsAfterFinished: 60 }));
    const first = controller(kube);
    first.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 1);
    await first.stop();
    // WHEN a new instance decides the same Event 10 s later
    const second = controller(kube, { now: () => T0 + 10_000 });
    second.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 2);
    await waitFor(() => second.queue.length === 0 && second.queue.inFlight === 0);
    // THEN its create met the Event (409), which already counts this occurrence: no bump
    assert.equal(calls(kube, 'patch', 'Event').length, 0);
    assert.equal(kube.objects.get('Event')!.size, 1);
    assert.equal(kube.objects.get('Event')!.values().next().value!.series, undefined);
    assert.match(await second.metrics.registry.metrics(), /actions_total\{type="event",outcome="already-done"\} 1/);
  });

  it('enforces fixes with a resourceVersion precondition and requeues on 409', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    kube.writeFaults.push(errorFromStatus(409, { reason: 'Conflict', message: 'the object has been modified' }));
    // the first write (an Event) conflicts once; everything is decided again and converges
    const c = controller(kube, { config: defaultConfig({ mode: 'enforce', kubernetesVersion: '1.31' }) });
    c.start();
    await waitFor(() => kube.objects.get('Job')!.get('ns/a')!.spec.ttlSecondsAfterFinished !== undefined);
    const patch = calls(kube, 'patch', 'Job').at(-1)!;
    assert.equal((patch.options as { resourceVersion: string }).resourceVersion !== undefined, true);
    const stored = kube.objects.get('Job')!.get('ns/a')!;
    assert.equal(stored.spec.activeDeadlineSeconds, 86400);
  });

  it('routes a Pod event to its Job, and a Pod whose Job is gone to the Pod itself', async () => {
    const kube = new FakeKube();
    const stored = kube.put('Job', job('a', { ttlSecondsAfterFinished: 1, activeDeadlineSeconds: 1 }));
    const seen: string[] = [];
    const decide = (o: Observed): Decision => {
      seen.push(`${o.ref.kind}/${o.ref.name}/${o.pods.length}/${o.ownedJobs.length}`);
      return { violations: [], findings: [], actions: [] };
    };
    const c = controller(kube, { decide });
    c.start();
    await c.waitForSync();
    await waitFor(() => seen.length >= 1);
    const uid = stored.metadata!.uid!;
    kube.put('Pod', { metadata: { name: 'a-1', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'a' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'a', uid, controller: true }] } });
    await waitFor(() => seen.includes('Job/a/1/0'));
    kube.put('Pod', { metadata: { name: 'stray', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': 'gone-uid' } } });
    await waitFor(() => seen.includes('Pod/stray/0/0'));
  });

  it('enqueues the owning CronJob when one of its Jobs changes', async () => {
    const kube = new FakeKube();
    const cron = kube.put('CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'ns' }, spec: { schedule: '0 0 * * *', jobTemplate: { spec: {} } } });
    const seen: string[] = [];
    const c = controller(kube, {
      decide: (o) => {
        seen.push(`${o.ref.kind}/${o.ref.name}/owned=${o.ownedJobs.length}`);
        return { violations: [], findings: [], actions: [] };
      },
    });
    c.start();
    await waitFor(() => seen.includes('CronJob/nightly/owned=0'));
    kube.put('Job', { ...job('nightly-1'), metadata: { ...job('nightly-1').metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cron.metadata!.uid!, controller: true }] } });
    await waitFor(() => seen.includes('CronJob/nightly/owned=1'));
  });

  it('decides a Job that a resync relist reveals before the unchanged Jobs the relist replays', async () => {
    // GIVEN 40 Jobs, all decided once, and one worker
    const kube = new FakeKube();
    for (let i = 0; i < 40; i++) kube.put('Job', job(`old-${String(i).padStart(2, '0')}`));
    const seen: string[] = [];
    const c = controller(kube, {
      workers: 1,
      decide: (o) => {
        seen.push(o.ref.name);
        return { violations: [], findings: [], actions: [] };
      },
    });
    c.start();
    await waitFor(() => seen.length >= 40 && c.queue.length === 0 && c.queue.inFlight === 0);
    seen.length = 0;
    // WHEN a new Job appears while the watch is down and its history is gone, so the reflector
    // relists: the new Job comes last in the list, after 40 unchanged replays
    kube.closeWatches();
    kube.put('Job', job('zz-fresh'));
    kube.compact();
    await waitFor(() => seen.length >= 41);
    // THEN the new Job is decided first (at worst second: an idle worker takes the first key
    // the replay offers), not behind the 40 replays as in a FIFO queue
    assert.ok(seen.indexOf('zz-fresh') <= 1, `decided in position ${seen.indexOf('zz-fresh')}: ${seen.join(' ')}`);
    assert.deepEqual([...new Set(seen)].sort(), [...Array.from({ length: 40 }, (_, i) => `old-${String(i).padStart(2, '0')}`), 'zz-fresh'].sort(), 'every replayed Job is still decided');
  });

  it('serves violations, actions and queue depth as Prometheus metrics', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    const c = controller(kube);
    c.start();
    await waitFor(() => calls(kube, 'create', 'Event').length === 2);
    const text = await c.metrics.registry.metrics();
    assert.match(text, /cdk8s_batch_reconciler_violations\{code="TtlSecondsAfterFinishedMissing",severity="warning"\} 1/);
    assert.match(text, /cdk8s_batch_reconciler_actions_total\{type="event",outcome="created"\} 2/);
    assert.match(text, /cdk8s_batch_reconciler_queue_depth \d/);
    assert.match(text, /cdk8s_batch_reconciler_reconcile_duration_seconds_count\{kind="Job"\} \d/);
  });
});

describe('Controller restart safety', () => {
  const podKey = keyOf('Pod', 'ns', 'orphan');
  function deleteOrphan(o: Observed): Decision {
    const actions: Action[] = o.object
      ? [{ type: 'delete', target: { ...o.ref, uid: o.object.metadata!.uid! }, resourceVersion: o.object.metadata!.resourceVersion, propagationPolicy: 'Background', reason: 'OrphanedPod' }]
      : [];
    return { violations: [], findings: [], actions };
  }
  function orphan(kube: FakeKube): KubeObject {
    return kube.put('Pod', { metadata: { name: 'orphan', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': 'dead' } } });
  }

  it('a delete decided but not sent before the kill is done by the next instance, once', async () => {
    const kube = new FakeKube();
    orphan(kube);
    // GIVEN an instance whose write never reaches the server (killed between decide and act)
    let dropRequest: (err: Error) => void = () => undefined;
    const lost = new Promise<void>((_resolve, reject) => (dropRequest = reject));
    const hanging = new Proxy(kube, {
      get: (target, prop): unknown => {
        if (prop === 'delete') return () => lost;
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as KubePort;
    const first = controller(hanging, { decide: deleteOrphan });
    first.start();
    await waitFor(() => first.queue.inFlight === 1);
    const stopping = first.stop();
    // WHEN the next instance starts
    const second = controller(kube, { decide: deleteOrphan });
    second.start();
    await waitFor(() => !kube.objects.get('Pod')!.has('ns/orphan'));
    await waitFor(() => second.queue.length === 0 && second.queue.inFlight === 0);
    // THEN the pod was deleted exactly once, with its uid precondition
    const deletes = calls(kube, 'delete', 'Pod');
    assert.equal(deletes.length, 1);
    assert.ok((deletes[0].options as { uid: string }).uid);
    // the first instance's request dies with it
    dropRequest(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await stopping;
    assert.equal(calls(kube, 'delete', 'Pod').length, 1);
  });

  it('a delete done before the kill, unseen by the cache, is not repeated', async () => {
    const kube = new FakeKube();
    orphan(kube);
    kube.stopDelivering = true; // the first instance never sees the result of its write
    const first = controller(kube, { decide: deleteOrphan });
    first.start();
    await waitFor(() => calls(kube, 'delete', 'Pod').length === 1);
    assert.ok(first.pods.get('ns', 'orphan'), 'the first cache still holds the pod');
    // the same instance reconciling again does not send the delete again
    first.queue.add(podKey);
    await waitFor(() => first.queue.length === 0 && first.queue.inFlight === 0);
    await first.stop();
    kube.stopDelivering = false;
    // WHEN a new instance lists
    const second = controller(kube, { decide: deleteOrphan });
    second.start();
    await second.waitForSync();
    await waitFor(() => second.queue.length === 0 && second.queue.inFlight === 0);
    // THEN
    assert.equal(calls(kube, 'delete', 'Pod').length, 1);
  });

  it('a create with a deterministic name is not duplicated by a restarted instance', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('stuck', { ttlSecondsAfterFinished: 1, activeDeadlineSeconds: 1 }));
    const rerun = (o: Observed): Decision => ({
      violations: [],
      findings: [],
      actions: o.ref.kind === 'Job' && o.ref.name === 'stuck' ? [{ type: 'create', manifest: { ...job('stuck-rerun-1'), metadata: { name: 'stuck-rerun-1', namespace: 'ns' } }, reason: 'StuckJob' }] : [],
    });
    kube.stopDelivering = true;
    const first = controller(kube, { decide: rerun });
    first.start();
    await waitFor(() => calls(kube, 'create', 'Job').length === 1);
    await waitFor(() => first.queue.inFlight === 0);
    await first.stop();
    kube.stopDelivering = false;
    const second = controller(kube, { decide: rerun });
    second.start();
    await waitFor(() => calls(kube, 'create', 'Job').length === 2);
    await waitFor(() => second.queue.length === 0 && second.queue.inFlight === 0);
    assert.equal([...kube.objects.get('Job')!.keys()].filter((k) => k.startsWith('ns/stuck-rerun')).length, 1);
    const text = await second.metrics.registry.metrics();
    assert.match(text, /actions_total\{type="create",outcome="already-done"\} 1/);
  });
});
