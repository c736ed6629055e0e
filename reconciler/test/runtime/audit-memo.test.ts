import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import { decide } from '../../src/core/decide.ts';
import type { Observed } from '../../src/core/types.ts';
import { Controller } from '../../src/runtime/controller.ts';
import type { ReflectorTimings } from '../../src/runtime/reflector.ts';
import { FakeKube } from './fake-kube.ts';
import { cleanupsAfterEach, testJob } from './fixtures.ts';
import { waitFor } from './wait.ts';

const T0 = Date.parse('2026-01-01T00:10:00Z');

const job = testJob;
const cleanups = cleanupsAfterEach();

/** A controller whose decisions are recorded with what they were decided on. */
function controller(kube: FakeKube, timings: Partial<ReflectorTimings> = {}, clock = { now: T0 }): { c: Controller; seen: Observed[]; at: number[] } {
  const seen: Observed[] = [];
  const at: number[] = [];
  const c = new Controller({
    port: kube,
    config: defaultConfig({ mode: 'audit', kubernetesVersion: '1.31' }),
    now: () => clock.now,
    decide: (observed, now, config) => {
      seen.push(observed);
      at.push(now);
      return decide(observed, now, config);
    },
    reflectorTimings: { watchTimeoutSeconds: 30, watchdogMs: 60_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20, ...timings },
    queue: { baseDelayMs: 2, maxDelayMs: 20 },
    writeQps: 1000,
    writeBurst: 1000,
  });
  cleanups.push(() => c.stop(), () => kube.close());
  c.start();
  return { c, seen, at };
}

const codes = (c: Controller, name: string): string[] => (c.objectReports().find((r) => r.ref.name === name)?.violations ?? []).map((v) => v.code).sort();
const idle = (c: Controller): boolean => c.queue.length === 0 && c.queue.inFlight === 0;

describe('Controller: kept audits', () => {
  it('audits a changed Job again: the verdict of its earlier version is never served', async () => {
    // GIVEN a clean Job, decided once
    const kube = new FakeKube();
    kube.put('Job', job('a', { ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 600 }));
    const { c } = controller(kube);
    await c.waitForSync();
    await waitFor(() => idle(c));
    assert.deepEqual(codes(c, 'a'), []);
    // WHEN its TTL and deadline are removed (same uid, same name, new resourceVersion)
    kube.put('Job', job('a'));
    // THEN the new version is audited
    await waitFor(() => codes(c, 'a').length === 2);
    assert.deepEqual(codes(c, 'a'), ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
    // AND fixed again, the report goes away
    kube.put('Job', job('a', { ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 600 }));
    await waitFor(() => codes(c, 'a').length === 0);
  });

  it('decides a Job again on a pod event with its pods as they are now, reusing the audit of the unchanged Job', async () => {
    // GIVEN a Job with a violation, decided once
    const kube = new FakeKube();
    const stored = kube.put('Job', job('b', { activeDeadlineSeconds: 600 }));
    const { c, seen } = controller(kube);
    await c.waitForSync();
    await waitFor(() => idle(c) && seen.length >= 1);
    const first = seen.at(-1)!;
    assert.deepEqual(first.pods, []);
    assert.ok(first.audited);
    // WHEN a pod of the Job appears
    kube.put('Pod', {
      metadata: { name: 'b-x', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': stored.metadata!.uid!, 'batch.kubernetes.io/job-name': 'b' } },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running', startTime: '2026-01-01T00:09:00Z' },
    });
    // THEN the Job is decided again, on its pod, with the audit kept for the same Job object
    await waitFor(() => seen.at(-1)!.pods.length === 1);
    const second = seen.at(-1)!;
    assert.equal(second.object, first.object);
    assert.equal(second.audited?.result, first.audited.result);
    assert.deepEqual(codes(c, 'b'), ['TtlSecondsAfterFinishedMissing']);
  });

  it('a resync decides the unchanged Job again at the current time, with its audit kept and no request to the server', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('r'));
    const clock = { now: T0 };
    const { c, seen, at } = controller(kube, { resyncMs: 30 }, clock);
    await c.waitForSync();
    await waitFor(() => seen.length >= 1 && idle(c));
    const requests = kube.calls.length;
    // WHEN time moves on and the reflectors' resyncs replay their caches
    clock.now = T0 + 3_600_000;
    await waitFor(() => at.includes(clock.now) && seen.length >= 3);
    // THEN the same Job object was decided again at the new time, on the audit it already had
    const results = new Set(seen.filter((o) => o.ref.name === 'r').map((o) => o.audited?.result));
    assert.equal(results.size, 1, 'one audit for every decision of the unchanged Job');
    assert.equal(new Set(seen.map((o) => o.object)).size, 1);
    assert.deepEqual(codes(c, 'r'), ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
    // and the resyncs read nothing from the server; the only requests are what the later time
    // asks for: the two persisting warnings' Events counted again after their repeat interval
    await waitFor(() => idle(c));
    assert.deepEqual(kube.calls.slice(requests).map((q) => `${q.op} ${q.kind}`), ['patch Event', 'patch Event']);
  });

  it('keeps the audit across an opt-in periodic relist that lists the Job again unchanged', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('r'));
    const { c, seen } = controller(kube, { relistMs: 30 });
    await c.waitForSync();
    await waitFor(() => seen.length >= 1);
    const listed = kube.listCount;
    await waitFor(() => kube.listCount >= listed + 2 && seen.length >= 3);
    const results = new Set(seen.filter((o) => o.ref.name === 'r').map((o) => o.audited?.result));
    assert.equal(results.size, 1, 'one audit for every decision of the unchanged Job');
    assert.deepEqual(codes(c, 'r'), ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
  });
});
