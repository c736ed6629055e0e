import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultConfig } from '../../src/core/config.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import { errorFromStatus } from '../../src/adapters/errors.ts';
import type { KubePort } from '../../src/adapters/port.ts';
import { Controller } from '../../src/runtime/controller.ts';
import { LeaderElector } from '../../src/runtime/leader-election.ts';
import { Actuator, needsRetry } from '../../src/runtime/actuator.ts';
import type { Action } from '../../src/core/types.ts';
import { startEmulator } from '../../src/emulator/server.ts';
import { FakeKube } from './fake-kube.ts';
import { waitFor } from './wait.ts';

const TIMINGS = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function elector(port: KubePort, identity: string, log: string[]): LeaderElector {
  const e = new LeaderElector({
    port,
    namespace: 'kube-system',
    name: 'reconciler',
    identity,
    timings: TIMINGS,
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => log.push(`${identity} stops`),
  });
  cleanups.push(() => e.stop());
  return e;
}

describe('LeaderElector', () => {
  it('lets exactly one of two candidates lead, and hands over when the leader stops', async () => {
    // GIVEN
    const kube = new FakeKube();
    const log: string[] = [];
    const a = elector(kube, 'a', log);
    const b = elector(kube, 'b', log);
    // WHEN
    a.start();
    b.start();
    await waitFor(() => a.isLeader || b.isLeader);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    // THEN only one leads, over several renewals
    const lease = (): KubeObject => kube.objects.get('Lease')!.get('kube-system/reconciler')!;
    const renewed = lease().spec.renewTime;
    await waitFor(() => lease().spec.renewTime !== renewed);
    assert.equal(follower.isLeader, false);
    const holder = lease().spec.holderIdentity;
    assert.equal(holder, leader === a ? 'a' : 'b');
    // WHEN the leader stops, it releases the Lease and the other takes over
    await leader.stop();
    await waitFor(() => follower.isLeader);
    assert.equal(lease().spec.holderIdentity, holder === 'a' ? 'b' : 'a');
    assert.equal(lease().spec.leaseTransitions, 1);
    assert.deepEqual(log, [`${holder} leads`, `${holder} stops`, `${holder === 'a' ? 'b' : 'a'} leads`]);
  });

  it('steps down when it cannot renew within the renew deadline', async () => {
    const kube = new FakeKube();
    let failing = false;
    const port = new Proxy(kube, {
      get: (target, prop): unknown => {
        if (prop === 'replace' && failing) return () => Promise.reject(errorFromStatus(503, { message: 'etcd unavailable' }));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as KubePort;
    const log: string[] = [];
    const a = elector(port, 'a', log);
    a.start();
    await waitFor(() => a.isLeader);
    failing = true;
    // THEN it stops writing by its own clock first, then steps down
    await waitFor(() => !a.isLeader);
    await waitFor(() => log.length === 2);
    assert.deepEqual(log, ['a leads', 'a stops']);
  });

  it('waits for a lease held by another live holder', async () => {
    const kube = new FakeKube();
    kube.put('Lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'reconciler', namespace: 'kube-system' }, spec: { holderIdentity: 'other', leaseDurationSeconds: 3600, renewTime: new Date().toISOString() } });
    const log: string[] = [];
    const a = elector(kube, 'a', log);
    a.start();
    await waitFor(() => kube.calls.filter((c) => c.op === 'get' && c.kind === 'Lease').length >= 3);
    assert.equal(a.isLeader, false);
    assert.equal(kube.calls.filter((c) => c.op === 'replace').length, 0);
  });

  it('fences by its own monotonic clock: past the renew deadline it may not write, before its loop even runs', async () => {
    const kube = new FakeKube();
    let clock = 1_000_000;
    const a = new LeaderElector({ port: kube, namespace: 'kube-system', name: 'reconciler', identity: 'a', timings: { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 10_000 }, monotonic: () => clock });
    cleanups.push(() => a.stop());
    a.start();
    await waitFor(() => a.isLeader);
    assert.equal(a.canWrite(), true);
    // WHEN the process was frozen past the renew deadline (its timers did not run meanwhile)
    clock += 40_001;
    // THEN it may not write, although it has not noticed yet in its election loop
    assert.equal(a.leads, true);
    assert.equal(a.canWrite(), false);
    assert.equal(a.isLeader, false);
  });

  it('the actuator checks the fence right before each write', async () => {
    const kube = new FakeKube();
    let allowed = true;
    const actuator = new Actuator({ port: kube, now: () => Date.now(), instance: 'a', mayWrite: () => allowed });
    const event = (reason: string): Action => ({ type: 'event', regarding: { kind: 'Job', namespace: 'ns', name: 'j', uid: 'u' }, eventType: 'Warning', reason, action: 'Audit', note: reason });
    const first = await actuator.execute([event('One')]);
    allowed = false;
    const second = await actuator.execute([event('Two'), event('Three')]);
    assert.deepEqual([...first, ...second].map((r) => r.outcome), ['created', 'fenced', 'skipped']);
    assert.equal(kube.calls.filter((c) => c.op === 'create').length, 1);
    assert.equal(needsRetry(second[0]), true);
  });

  it('fails if the timings cannot work', () => {
    assert.throws(() => new LeaderElector({ port: new FakeKube(), namespace: 'n', name: 'l', identity: 'a', timings: { leaseDurationMs: 100, renewDeadlineMs: 200, retryPeriodMs: 50 } }), /leaseDuration > renewDeadline/);
  });
});

describe('Controllers with leader election against the emulator', () => {
  it('only the leader acts; the standby keeps its caches warm and takes over', async () => {
    // GIVEN two controllers sharing one Lease
    const emu = await startEmulator({ bookmarkIntervalMs: 200 });
    cleanups.push(() => emu.close());
    const job = (name: string): never =>
      ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'ns' }, spec: { ttlSecondsAfterFinished: 60, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] } } } }) as never;
    emu.store.create(job('first'));
    const controllers = ['one', 'two'].map((identity) => {
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const c = new Controller({
        port: new KubeClient(kc),
        config: defaultConfig({ kubernetesVersion: '1.31' }),
        identity,
        // roomy timings: a loaded machine must not hand over by accident between the checks
        leaderElection: { namespace: 'kube-system', timings: { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 500 } },
        reflectorTimings: { backoffBaseMs: 10, backoffMaxMs: 50 },
      });
      cleanups.push(() => c.stop());
      c.start();
      return c;
    });
    // WHEN
    await waitFor(() => emu.store.list('Event', 'ns').length === 1);
    await Promise.all(controllers.map((c) => c.waitForSync()));
    const leaderName = emu.store.get('Lease', 'kube-system', 'cdk8s-batch-reconciler')?.spec?.holderIdentity;
    const [leader, standby] = leaderName === 'one' ? controllers : [controllers[1], controllers[0]];
    // THEN only the leader wrote, and the standby's cache is warm
    assert.equal(standby.acting, false);
    assert.ok(standby.jobs.get('ns', 'first'));
    assert.deepEqual(emu.store.list('Event', 'ns').map((e) => (e as { reportingInstance?: string }).reportingInstance), [leaderName]);
    assert.doesNotMatch(await standby.metrics.registry.getSingleMetricAsString('cdk8s_batch_reconciler_actions_total'), /outcome=/);
    assert.match(await standby.metrics.registry.getSingleMetricAsString('cdk8s_batch_reconciler_leader'), /leader 0/);
    // WHEN the leader goes away
    await leader.stop();
    await waitFor(() => standby.acting);
    emu.store.create(job('second'));
    // THEN the new leader acts
    await waitFor(() => emu.store.list('Event', 'ns').some((e) => (e as { regarding?: { name: string } }).regarding?.name === 'second'));
    const second = emu.store.list('Event', 'ns').find((e) => (e as { regarding?: { name: string } }).regarding?.name === 'second');
    assert.equal((second as { reportingInstance?: string }).reportingInstance, leaderName === 'one' ? 'two' : 'one');
    // every write passed the emulator's validation (409s are lost Lease races and adopted Events)
    const refused = emu.requests().filter((r) => [400, 415, 422].includes(r.status ?? 0));
    assert.deepEqual(refused, []);
  });
});
