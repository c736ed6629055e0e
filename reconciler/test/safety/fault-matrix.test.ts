/**
 * The fault matrix (see matrix.ts): every scenario keeps every invariant. The measured table is
 * printed by `node --import tsx scripts/fault-matrix.ts` and kept in docs/reconciler-safety.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budget, scenarios } from './matrix.ts';

describe('fault matrix', { concurrency: false }, () => {
  for (const scenario of scenarios()) {
    it(`${scenario.fault}: no duplicate, no write before sync or without lease, bounded rate, converges, Events exactly once`, { timeout: 180_000 }, async () => {
      const row = await scenario.run();
      assert.deepEqual(row.failures, []);
      assert.equal(row.duplicates, 0, 'duplicate destructive actions');
      assert.equal(row.writesBeforeSync, 0, 'writes before sync');
      // A frozen process can resume with a write of each worker (2) already past every check and
      // on its way to the socket; the fence refuses every later one. Every other fault: none.
      const inPreparation = row.fault.startsWith('paused leader') ? 2 : 0;
      assert.ok(row.writesWithoutLease <= inPreparation, `${row.writesWithoutLease} writes without a valid lease`);
      assert.deepEqual(row.eventsWrong, [], 'Events not exactly once');
      assert.ok(Number.isFinite(row.convergenceMs), 'converged');
      const replicas = row.fault.includes('leader') ? 2 : 1;
      assert.ok(row.requests <= budget(row.faultMs, replicas), `${row.requests} requests in ${row.faultMs} ms exceed the client budget`);
    });
  }
});
