import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import { decide } from '../../src/core/decide.ts';
import type { Observed } from '../../src/core/types.ts';
import { Controller } from '../../src/runtime/controller.ts';
import { FakeKube } from './fake-kube.ts';
import { cleanupsAfterEach, testJob } from './fixtures.ts';
import { waitFor } from './wait.ts';

const T0 = Date.parse('2026-01-01T00:10:00Z');

const job = testJob;
const cleanups = cleanupsAfterEach();

/** A controller whose decisions are recorded with what they were decided on. */
function controller(kube: FakeKube, resyncMs = 0): { c: Controller; seen: Observed[] } {
  const seen: Observed[] = [];
  const c = new Controller({
    port: kube,
    config: defaultConfig({ mode: 'audit', kubernetesVersion: '1.31' }),
    now: () => T0,
    decide: (observed, now, config) => {
      seen.push(observed);
      return decide(observed, now, config);
    },
    reflectorTimings: { watchTimeoutSeconds: 30, watchdogMs: 60_000, resyncMs, backoffBaseMs: 5, backoffMaxMs: 20 },
    queue: { baseDelayMs: 2, maxDelayMs: 20 },
    writeQps: 1000,
    writeBurst: 1000,
  });
  cleanups.push(() => c.stop(), () => kube.close());
  c.start();
  return { c, seen };
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

  it('keeps the audit across a resync that lists the Job again unchanged', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('r'));
    const { c, seen } = controller(kube, 30);
    await c.waitForSync();
    await waitFor(() => seen.length >= 1);
    const listed = kube.listCount;
    await waitFor(() => kube.listCount >= listed + 2 && seen.length >= 3);
    const results = new Set(seen.filter((o) => o.ref.name === 'r').map((o) => o.audited?.result));
    assert.equal(results.size, 1, 'one audit for every decision of the unchanged Job');
    assert.deepEqual(codes(c, 'r'), ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
  });
});
