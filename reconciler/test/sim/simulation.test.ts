import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../src/emulator/store.ts';
import { ManualClock, ScaledClock, startSimulation } from '../../src/sim/index.ts';
import { NS, assertNoErrors, cluster, condition, getJob, isFinished, jobManifest, podsOf } from './fixtures.ts';

describe('startSimulation', () => {
  it('runs on a ScaledClock: a 20 s Job takes about 21 s / speed of base time', () => {
    // GIVEN simulated time at 60× a (manual) base clock
    const base = new ManualClock();
    const clock = new ScaledClock({ base, speed: 60 });
    const store = new MemoryStore({ clock });
    const sim = startSimulation({ store, clock });
    // WHEN
    store.create(jobManifest('fast'));
    // THEN not before 21 simulated seconds (350 base ms); a late timer holds simulated time, so allow some slack
    base.advance(349);
    assert.equal(isFinished(store.get('Job', NS, 'fast')), false);
    base.advance(51);
    assert.equal(condition(store.get('Job', NS, 'fast')!, 'Complete')?.status, 'True');
    assert.deepEqual(sim.errors, []);
  });

  it('does nothing after stop()', () => {
    const c = cluster();
    c.store.create(jobManifest('before'));
    c.clock.flush();
    c.sim.stop();
    c.store.create(jobManifest('after'));
    c.clock.advance(3_600_000);
    assert.equal(podsOf(c, 'after').length, 0);
    assert.equal(podsOf(c, 'before')[0].status.phase, 'Pending', 'the kubelet stopped too');
    assert.equal(c.clock.pendingTimers, 0);
  });

  it('adds Failed only once no pod is terminating (FailureTarget first)', () => {
    // GIVEN a running pod whose node stops responding, so its kubelet cannot stop it
    const c = cluster();
    c.store.create(jobManifest('held', { activeDeadlineSeconds: 10 }, { duration: '5m' }));
    c.clock.advance(2_000);
    const [pod] = podsOf(c, 'held');
    c.sim.killNode(pod.spec.nodeName);
    // WHEN the deadline passes
    c.clock.advance(8_000);
    // THEN the pod is terminating and the Job only has FailureTarget
    let job = getJob(c, 'held');
    assert.equal(condition(job, 'FailureTarget')?.reason, 'DeadlineExceeded');
    assert.equal(condition(job, 'Failed'), undefined);
    assert.equal(job.status.terminating, 1);
    assert.equal(job.status.active, undefined);
    c.clock.advance(5_000);
    assert.equal(condition(getJob(c, 'held'), 'Failed'), undefined, 'still waiting for the pod');
    // WHEN the node is back: its kubelet stops the pod at once (its stop delay is over)
    c.sim.restoreNode(pod.spec.nodeName);
    c.clock.flush();
    // THEN
    job = getJob(c, 'held');
    assert.equal(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(job, 'Failed')?.lastTransitionTime, '2026-01-01T00:00:15Z');
    assert.equal(job.status.terminating, 0);
    assertNoErrors(c);
  });
});
