import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../src/emulator/types.ts';
import { planTtl } from '../../src/sim/index.ts';
import { NS, assertNoErrors, cluster, getJob, isFinished, jobManifest, podsOf } from './fixtures.ts';

describe('simulated TTL-after-finished controller', () => {
  it('deletes a finished Job ttlSecondsAfterFinished after it finished, with its pods', () => {
    // GIVEN a Job that completes at 00:00:11
    const c = cluster();
    c.store.create(jobManifest('short-lived', { ttlSecondsAfterFinished: 60 }, { duration: '10s' }));
    c.clock.advance(11_000);
    assert.ok(isFinished(getJob(c, 'short-lived')));
    assert.equal(podsOf(c, 'short-lived').length, 1);
    // WHEN the TTL runs out
    c.clock.advance(59_999);
    assert.ok(c.store.get('Job', NS, 'short-lived'), 'still there 1 ms before expiry');
    c.clock.advance(1);
    // THEN the Job and (background propagation) its pods are gone
    assert.equal(c.store.get('Job', NS, 'short-lived'), undefined);
    assert.equal(podsOf(c, 'short-lived').length, 0);
    assertNoErrors(c);
  });

  it('deletes failed Jobs too, and at once with a TTL of 0', () => {
    const c = cluster();
    c.store.create(jobManifest('failing', { ttlSecondsAfterFinished: 0, backoffLimit: 0 }, { duration: '5s', failureRate: 1 }));
    c.clock.advance(6_000);
    assert.equal(c.store.get('Job', NS, 'failing'), undefined);
  });

  it('keeps finished Jobs without a TTL', () => {
    const c = cluster();
    c.store.create(jobManifest('kept', {}, { duration: '5s' }));
    c.clock.advance(24 * 3_600_000);
    assert.ok(isFinished(getJob(c, 'kept')));
  });

  it('applies a TTL added after the Job finished, counted from the finish time', () => {
    const c = cluster();
    c.store.create(jobManifest('late-ttl', {}, { duration: '5s' }));
    c.clock.advance(600_000);
    const job = getJob(c, 'late-ttl');
    c.store.replace({ ...job, spec: { ...job.spec, ttlSecondsAfterFinished: 300 } });
    c.clock.flush();
    assert.equal(c.store.get('Job', NS, 'late-ttl'), undefined, 'finished at 00:00:06, so 300 s have long passed');
  });
});

describe('TTL plan', () => {
  const finished = (ttl: number | undefined, at: string): StoredObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: NS, uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl },
    status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at }] },
  });

  it('wakes when the TTL expires', () => {
    const plan = planTtl(finished(100, '2026-01-01T00:01:00Z'), Date.UTC(2026, 0, 1, 0, 1, 30));
    assert.deepEqual(plan, { expired: false, wakeAt: Date.UTC(2026, 0, 1, 0, 2, 40) });
  });

  it('says expired at the expiry time', () => {
    assert.deepEqual(planTtl(finished(100, '2026-01-01T00:01:00Z'), Date.UTC(2026, 0, 1, 0, 2, 40)), { expired: true });
  });

  it('ignores unfinished Jobs and Jobs without a TTL', () => {
    const running = { ...finished(10, '2026-01-01T00:00:00Z'), status: {} };
    assert.deepEqual(planTtl(running, Date.UTC(2027, 0, 1)), { expired: false });
    assert.deepEqual(planTtl(finished(undefined, '2026-01-01T00:00:00Z'), Date.UTC(2027, 0, 1)), { expired: false });
  });
});
