/**
 * The simulated kubelet's decisions for one pod of a real control plane: bind, run as the
 * sandbox annotations say, stop a deleted pod within its grace period, remove it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../src/emulator/types.ts';
import { kubeletStep, SIGTERM_EXIT_CODE, type StepInput } from '../../src/kubelet/step.ts';
import { POD_START_DELAY_MS } from '../../src/sim/pod-lifecycle.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function pod(extra: { spec?: Record<string, unknown>; status?: Record<string, unknown>; metadata?: Record<string, unknown>; annotations?: Record<string, string> } = {}): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1', creationTimestamp: iso(T0), annotations: extra.annotations ?? {}, ...extra.metadata },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], ...extra.spec },
    status: { phase: 'Pending', ...extra.status },
  } as StoredObject;
}

function step(p: StoredObject, now: number, stopMs = 1000): ReturnType<typeof kubeletStep> {
  const input: StepInput = { pod: p, now, nodeName: 'sandbox-node', seed: 1, stopMs };
  return kubeletStep(input);
}

const running = (startedAt: number): Record<string, unknown> => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }],
  containerStatuses: [{ name: 'main', restartCount: 0, ready: true, state: { running: { startedAt: iso(startedAt) } } }],
});

describe('kubeletStep', () => {
  it('binds a pod the scheduler would place, and leaves finished or foreign pods alone', () => {
    assert.deepEqual(step(pod(), T0), { kind: 'bind' });
    assert.deepEqual(step(pod({ status: { phase: 'Failed' } }), T0), { kind: 'none' });
    assert.deepEqual(step(pod({ spec: { nodeName: 'other-node' } }), T0), { kind: 'none' });
  });

  it('starts the containers of a bound pod after the start delay', () => {
    const bound = pod({ spec: { nodeName: 'sandbox-node' } });
    assert.deepEqual(step(bound, T0), { kind: 'wait', wakeAt: T0 + POD_START_DELAY_MS });
    const next = step(bound, T0 + POD_START_DELAY_MS);
    assert.equal(next.kind, 'status');
    assert.equal(next.kind === 'status' && next.status.phase, 'Running');
  });

  it('ends a run with the annotated exit code', () => {
    const failing = pod({
      spec: { nodeName: 'sandbox-node' },
      status: running(T0),
      annotations: { 'sandbox.batch.cdk8s.io/duration': '5s', 'sandbox.batch.cdk8s.io/failure-rate': '1', 'sandbox.batch.cdk8s.io/exit-code': '42' },
    });
    assert.deepEqual(step(failing, T0 + 1000), { kind: 'wait', wakeAt: T0 + 5000 });
    const done = step(failing, T0 + 5000);
    assert.ok(done.kind === 'status');
    assert.equal(done.status.phase, 'Failed');
    assert.equal(done.status.containerStatuses[0].state.terminated.exitCode, 42);
  });

  it('stops a deleted running pod after the stop time, within its grace period, keeping its conditions', () => {
    const deleting = pod({
      spec: { nodeName: 'sandbox-node' },
      status: running(T0),
      metadata: { deletionTimestamp: iso(T0 + 30_000), deletionGracePeriodSeconds: 30 },
    });
    assert.deepEqual(step(deleting, T0 + 100, 2000), { kind: 'wait', wakeAt: T0 + 2000 });
    const stopped = step(deleting, T0 + 2000, 2000);
    assert.ok(stopped.kind === 'status');
    assert.equal(stopped.status.phase, 'Failed');
    assert.equal(stopped.status.containerStatuses[0].state.terminated.exitCode, SIGTERM_EXIT_CODE);
    assert.ok(stopped.status.conditions.some((c: { type: string; status: string }) => c.type === 'DisruptionTarget' && c.status === 'True'));
    assert.ok(stopped.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False'));
  });

  it('stops the containers the stop time after it saw the deletion, whose timestamp has only second precision', () => {
    // Deleted at T0 + 900 ms: the deletionTimestamp says T0 + 30 s, as if it had been requested at T0.
    const deleting = pod({
      spec: { nodeName: 'sandbox-node' },
      status: running(T0 - 5000),
      metadata: { deletionTimestamp: iso(T0 + 30_000), deletionGracePeriodSeconds: 30 },
    });
    const seen = (now: number): ReturnType<typeof kubeletStep> => kubeletStep({ pod: deleting, now, nodeName: 'sandbox-node', seed: 1, stopMs: 1000, deletionSeenAt: T0 + 900 });
    assert.deepEqual(seen(T0 + 1000), { kind: 'wait', wakeAt: T0 + 1900 });
    assert.equal(seen(T0 + 1900).kind, 'status');
    // Still never later than the grace period.
    const short = pod({ spec: { nodeName: 'sandbox-node' }, status: running(T0 - 5000), metadata: { deletionTimestamp: iso(T0 + 1000), deletionGracePeriodSeconds: 1 } });
    assert.deepEqual(kubeletStep({ pod: short, now: T0 + 900, nodeName: 'sandbox-node', seed: 1, stopMs: 1000, deletionSeenAt: T0 + 900 }), { kind: 'wait', wakeAt: T0 + 1000 });
  });

  it('never waits longer than the grace period', () => {
    const deleting = pod({
      spec: { nodeName: 'sandbox-node' },
      status: running(T0),
      metadata: { deletionTimestamp: iso(T0 + 1000), deletionGracePeriodSeconds: 1 },
    });
    assert.deepEqual(step(deleting, T0, 60_000), { kind: 'wait', wakeAt: T0 + 1000 });
  });

  it('removes a deleted pod once it is finished; an unbound deleted pod is the pod GC controller’s', () => {
    const finished = pod({ spec: { nodeName: 'sandbox-node' }, status: { phase: 'Succeeded' }, metadata: { deletionTimestamp: iso(T0), deletionGracePeriodSeconds: 0 } });
    assert.deepEqual(step(finished, T0), { kind: 'delete' });
    const unbound = pod({ metadata: { deletionTimestamp: iso(T0), deletionGracePeriodSeconds: 30 } });
    assert.deepEqual(step(unbound, T0), { kind: 'none' });
  });
});
