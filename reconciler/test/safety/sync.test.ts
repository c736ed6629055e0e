/**
 * No decision before every cache has synced: a slow list of one resource must not make healthy
 * Jobs look stuck (the controller would rerun them), and no write goes out before the last
 * initial list has been answered.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { NS, MINUTE, longJob } from './fixtures.ts';
import { createdRuns, idle, reconcilerEvents, replica, startRig, until, writesBeforeSync, type Rig } from './rig.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function runningJobs(names: readonly string[]): Promise<Rig> {
  const rig = await startRig();
  cleanups.push(() => rig.close());
  for (const name of names) rig.store.create(longJob(name));
  // the Jobs run, healthy, for 20 minutes: longer than the stuck threshold
  rig.clock.advance(20 * MINUTE);
  assert.ok(rig.store.list('Pod', NS).every((p) => p.status?.phase === 'Running'));
  return rig;
}

for (const resource of ['pods', 'nodes'] as const) {
  describe(`a slow ${resource} list`, () => {
    it('does not make healthy Jobs look stuck: no rerun, no JobStuck Event, no write before sync', async () => {
      // GIVEN three healthy Jobs and a list of ${resource} that takes a second
      const rig = await runningJobs(['a', 'b', 'c']);
      rig.emu.faults.inject({ type: 'delay', ms: 1000, match: { verb: 'list', resource } });
      // WHEN a reconciler that reruns stuck Jobs starts
      const { controller } = replica(rig, { user: 'r1', config: { mode: 'enforce', rerunStuckJobs: true } });
      cleanups.push(() => controller.stop());
      controller.start();
      await controller.waitForSync();
      await until(() => idle(controller));
      await controller.stop();
      // THEN
      assert.deepEqual([...createdRuns(rig.store, NS).reruns.keys()], []);
      assert.deepEqual([...reconcilerEvents(rig.store, NS).keys()].filter((k) => k.includes('JobStuck')), []);
      assert.equal(writesBeforeSync(rig.emu.requests(), 'r1'), 0);
    });
  });
}
