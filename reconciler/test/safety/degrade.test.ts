/**
 * Degrade, don't die: a forbidden or absent auxiliary list (Nodes, ResourceQuotas) turns off the
 * checks that need it, with one warning and a metric; Jobs, CronJobs and Pods stay required.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { GATE_ANNOTATION, GATE_PENDING } from 'cdk8s-batch/rules';
import { createLogger } from '../../src/runtime/logger.ts';
import { AUDIT_NS, MINUTE, NS, longJob, untidyEvents, untidyJob } from './fixtures.ts';
import { createdRuns, eventsNotExactlyOnce, idle, reconcilerEvents, replica, sleep, startRig, until, type Rig } from './rig.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function logSink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done): void {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function rig(): Promise<Rig> {
  const r = await startRig();
  cleanups.push(() => r.close());
  return r;
}

describe('an auxiliary list that cannot be read', () => {
  it('forbidden Nodes: lost-node detection is off, one warning, degraded metric 1, the rest runs', async () => {
    // GIVEN a Job whose only pod sits on a node that died 20 minutes ago, and an untidy Job
    const r = await rig();
    r.store.create(longJob('stuck'));
    r.clock.advance(30_000);
    r.sim.killNode(r.store.list('Pod', NS)[0].spec.nodeName);
    r.clock.advance(20 * MINUTE);
    r.store.create(untidyJob('a1'));
    r.emu.faults.inject({ type: 'status', status: 403, times: Infinity, match: { resource: 'nodes' } });
    // WHEN the reconciler runs without permission to list Nodes
    const log = logSink();
    const { controller } = replica(r, {
      user: 'r1',
      config: { mode: 'enforce', enforceNamespaces: [NS], rerunStuckJobs: true },
      controller: { logger: createLogger('info', log.stream) },
    });
    cleanups.push(() => controller.stop());
    controller.start();
    await controller.waitForSync();
    await until(() => eventsNotExactlyOnce(r.store, AUDIT_NS, untidyEvents(['a1'])).length === 0 && idle(controller));
    await sleep(1000); // several list retries of Nodes meanwhile
    // THEN the rest runs, the node-based stuck check is off (an empty Node cache is not "every node is gone")
    assert.equal(controller.ready, true);
    assert.deepEqual(controller.unavailable, ['nodes']);
    assert.deepEqual([...createdRuns(r.store, NS).reruns.keys()], []);
    assert.deepEqual([...reconcilerEvents(r.store, NS).keys()].filter((k) => k.includes('JobStuck')), []);
    const warnings = log.lines().filter((l) => l.level === 40 && l.resource === 'nodes');
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(String(warnings[0].msg), /cannot list nodes/);
    assert.match(await controller.metrics.registry.metrics(), /cdk8s_batch_reconciler_degraded\{resource="nodes"\} 1/);
    assert.match(await controller.metrics.registry.metrics(), /cdk8s_batch_reconciler_degraded\{resource="resourcequotas"\} 0/);
    // WHEN the permission is granted, the list works again and the metric drops
    r.emu.faults.clear();
    await until(() => controller.unavailable.length === 0, 20_000, 'nodes listed again');
    assert.match(await controller.metrics.registry.metrics(), /cdk8s_batch_reconciler_degraded\{resource="nodes"\} 0/);
  });

  it('absent ResourceQuotas (404): the gate releases on the rules alone and says the quota was not checked', async () => {
    const r = await rig();
    const gated = untidyJob('gated', NS);
    gated.metadata.annotations = { [GATE_ANNOTATION]: GATE_PENDING };
    (gated.spec as Record<string, unknown>).ttlSecondsAfterFinished = 60;
    (gated.spec as Record<string, unknown>).activeDeadlineSeconds = 600;
    r.store.create(gated);
    r.emu.faults.inject({ type: 'status', status: 404, times: Infinity, match: { resource: 'resourcequotas' } });
    const { controller } = replica(r, { user: 'r1' });
    cleanups.push(() => controller.stop());
    controller.start();
    const released = (): string[] => [...reconcilerEvents(r.store, NS).keys()].filter((k) => k.includes('AdmissionGateReleased'));
    await until(() => r.store.get('Job', NS, 'gated')?.spec.suspend === false && released().length > 0, 20_000, 'the gate released');
    assert.deepEqual(controller.unavailable, ['resourcequotas']);
    const notes = released();
    assert.equal(notes.length, 1);
    assert.match(notes[0], /the namespace quota was not checked: ResourceQuotas cannot be read/);
  });

  it('a forbidden Pod list is not degraded: the reconciler stays unready and decides nothing', async () => {
    const r = await rig();
    r.store.create(untidyJob('a1'));
    r.emu.faults.inject({ type: 'status', status: 403, times: Infinity, match: { resource: 'pods' } });
    const { controller } = replica(r, { user: 'r1' });
    cleanups.push(() => controller.stop());
    controller.start();
    await until(() => r.emu.requests().filter((q) => q.user === 'r1' && q.resource === 'pods').length >= 3, 20_000, 'pod list retries');
    assert.equal(controller.ready, false);
    assert.deepEqual(controller.unavailable, []);
    assert.equal(r.store.list('Event', AUDIT_NS).length, 0);
  });
});
