import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../src/emulator/types.ts';
import {
  DEFAULT_BEHAVIOUR,
  formatIndexes,
  initialJobMemory,
  matchFailurePolicy,
  matchSuccessPolicy,
  parseDuration,
  parseIndexes,
  planJob,
  planPodLifecycle,
  podBackoffDelay,
  podBehaviour,
  seededRng,
} from '../../src/sim/index.ts';
import { containerRestartDelay } from '../../src/sim/pod-lifecycle.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('index intervals', () => {
  const cases: Array<[number[], string]> = [
    [[], ''],
    [[0], '0'],
    [[0, 1, 2, 3, 5], '0-3,5'],
    [[7, 1, 3, 4, 5], '1,3-5,7'],
    // A run of two is written as two indexes, as the real job controller writes it (recorded in
    // test/diff: indexed-parallelism-above-completions, success-policy-count).
    [[0, 1], '0,1'],
    [[0, 1, 2, 5, 6], '0-2,5,6'],
  ];
  for (const [set, text] of cases) {
    it(`formats ${JSON.stringify(set)} as "${text}" and parses it back`, () => {
      assert.equal(formatIndexes(set), text);
      assert.deepEqual([...parseIndexes(text)].sort((a, b) => a - b), [...new Set(set)].sort((a, b) => a - b));
    });
  }

  it('drops indexes at or above the limit', () => {
    assert.deepEqual([...parseIndexes('0-2,4-9', 6)], [0, 1, 2, 4, 5]);
  });
});

describe('pod behaviour annotations', () => {
  const durations: Array<[string, number | undefined]> = [
    ['30s', 30_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['soon', undefined],
    ['-5s', undefined],
  ];
  for (const [text, ms] of durations) {
    it(`parses duration "${text}" as ${ms}`, () => assert.equal(parseDuration(text), ms));
  }

  it('defaults to 20 s, failure rate 0 and exit code 1', () => {
    assert.deepEqual(podBehaviour(undefined), DEFAULT_BEHAVIOUR);
    assert.equal(DEFAULT_BEHAVIOUR.durationMs, 20_000);
    assert.equal(DEFAULT_BEHAVIOUR.failureRate, 0);
    assert.equal(DEFAULT_BEHAVIOUR.exitCode, 1);
  });

  it('falls back to the default for invalid values', () => {
    const b = podBehaviour({
      'sandbox.batch.cdk8s.io/duration': 'forever',
      'sandbox.batch.cdk8s.io/failure-rate': '1.5',
      'sandbox.batch.cdk8s.io/exit-code': 'x',
      'sandbox.batch.cdk8s.io/fail-indexes': '3,5',
    });
    assert.equal(b.durationMs, 20_000);
    assert.equal(b.failureRate, 0);
    assert.equal(b.exitCode, 1);
    assert.deepEqual([...b.failIndexes], [3, 5]);
  });

  it('takes fail-after from the annotation, or the duration when it is absent or invalid', () => {
    assert.equal(podBehaviour({ 'sandbox.batch.cdk8s.io/duration': '5s', 'sandbox.batch.cdk8s.io/fail-after': '1s' }).failAfterMs, 1_000);
    assert.equal(podBehaviour({ 'sandbox.batch.cdk8s.io/duration': '5s' }).failAfterMs, 5_000);
    assert.equal(podBehaviour({ 'sandbox.batch.cdk8s.io/duration': '5s', 'sandbox.batch.cdk8s.io/fail-after': 'soon' }).failAfterMs, 5_000);
  });
});

describe('back-off delays', () => {
  it('pod back-off is 10 s × 2^(n-1), capped at 6 minutes', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 10].map(podBackoffDelay), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
  });

  it('container restart back-off is 10 s doubling, capped at 5 minutes', () => {
    assert.deepEqual([1, 2, 6, 9].map(containerRestartDelay), [10_000, 20_000, 300_000, 300_000]);
  });
});

function failedPod(exitCodes: Record<string, number>, conditions: Array<{ type: string; status: string }> = []): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {},
    status: {
      phase: 'Failed',
      conditions,
      containerStatuses: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } } })),
    },
  };
}

describe('podFailurePolicy matching', () => {
  const rules = [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'FailIndex', onExitCodes: { operator: 'NotIn', values: [1, 42] } },
  ];
  const cases: Array<[string, StoredObject, string]> = [
    ['a pod condition', failedPod({ main: 1 }, [{ type: 'DisruptionTarget', status: 'True' }]), 'Ignore'],
    ['a pod condition with another status', failedPod({ main: 1 }, [{ type: 'DisruptionTarget', status: 'False' }]), 'Count'],
    ['In on the named container', failedPod({ main: 42 }), 'FailJob'],
    ['In on another container', failedPod({ sidecar: 42 }), 'Count'],
    ['NotIn outside the list', failedPod({ main: 7 }), 'FailIndex'],
    ['no rule', failedPod({ main: 1 }), 'Count'],
    ['exit code 0 never matches', failedPod({ main: 0, sidecar: 1 }), 'Count'],
  ];
  for (const [name, pod, action] of cases) {
    it(`${name} → ${action}`, () => assert.equal(matchFailurePolicy({ rules } as never, pod).action, action));
  }

  it('first matching rule wins and names its index', () => {
    const m = matchFailurePolicy({ rules } as never, failedPod({ main: 42 }));
    assert.equal(m.message, 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1');
  });
});

describe('successPolicy matching', () => {
  it('succeededIndexes alone needs all of them', () => {
    assert.equal(matchSuccessPolicy([{ succeededIndexes: '0-2' }], 5, new Set([0, 1])), undefined);
    assert.equal(matchSuccessPolicy([{ succeededIndexes: '0-2' }], 5, new Set([0, 1, 2])), 'Matched rules at index 0');
  });

  it('succeededIndexes with succeededCount needs that many of them', () => {
    assert.equal(matchSuccessPolicy([{ succeededIndexes: '0-2', succeededCount: 2 }], 5, new Set([1, 2, 4])), 'Matched rules at index 0');
    assert.equal(matchSuccessPolicy([{ succeededIndexes: '0-2', succeededCount: 2 }], 5, new Set([2, 3, 4])), undefined);
  });

  it('reports the first matching rule', () => {
    assert.equal(matchSuccessPolicy([{ succeededCount: 4 }, { succeededIndexes: '3' }], 5, new Set([3])), 'Matched rules at index 1');
  });
});

describe('planJob (pure)', () => {
  const job = (status: Record<string, unknown> = {}): StoredObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'ns', uid: 'job-uid', resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { parallelism: 2, completions: 4, backoffLimit: 6, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'x' }] } } },
    status,
  });

  it('plans parallelism pods, startTime and SuccessfulCreate Events for a new Job', () => {
    const plan = planJob({ job: job(), pods: [], now: T0, memory: initialJobMemory(job(), []), rng: seededRng(1) });
    assert.equal(plan.podsToCreate.length, 2);
    assert.equal(plan.status.active, 2);
    assert.equal(plan.status.startTime, '2026-01-01T00:00:00Z');
    assert.deepEqual(plan.events.map((e) => e.reason), ['SuccessfulCreate', 'SuccessfulCreate']);
    assert.equal(plan.wakeAt, undefined);
  });

  it('keeps startTime when a Job that met its success criteria is suspended before it completes', () => {
    const met = { type: 'SuccessCriteriaMet', status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' };
    const suspended = { ...job({ startTime: '2026-01-01T00:00:00Z', conditions: [met] }), spec: { ...job().spec, suspend: true } };
    const plan = planJob({ job: suspended, pods: [], now: T0 + 60_000, memory: initialJobMemory(suspended, []), rng: seededRng(1) });
    assert.equal(plan.status.startTime, '2026-01-01T00:00:00Z');
    assert.equal(plan.status.conditions.find((c: { type: string }) => c.type === 'Complete')?.status, 'True');
  });

  it('does not count a finished pod twice', () => {
    const pod: StoredObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'j-a',
        namespace: 'ns',
        uid: 'pod-uid',
        resourceVersion: '9',
        creationTimestamp: '2026-01-01T00:00:00Z',
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'job-uid', controller: true }],
      },
      spec: {},
      status: { phase: 'Succeeded' },
    };
    const first = planJob({ job: job({ startTime: '2026-01-01T00:00:00Z' }), pods: [pod], now: T0, memory: initialJobMemory(job(), []), rng: seededRng(1) });
    assert.equal(first.status.succeeded, 1);
    const second = planJob({ job: job(first.status), pods: [pod], now: T0, memory: first.memory, rng: seededRng(1) });
    assert.equal(second.status.succeeded, 1);
  });
});

describe('pod lifecycle (pure)', () => {
  const pod = (status: Record<string, unknown>, nodeName = 'n1'): StoredObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName, containers: [{ name: 'main', image: 'x' }] },
    status,
  });

  it('makes no progress on a node that is not Ready', () => {
    assert.deepEqual(planPodLifecycle({ pod: pod({ phase: 'Pending' }), now: T0 + 5_000, nodeReady: false, seed: 1 }), {});
  });

  it('starts a Pending pod one second after creation', () => {
    assert.deepEqual(planPodLifecycle({ pod: pod({ phase: 'Pending' }), now: T0, nodeReady: true, seed: 1 }), { wakeAt: T0 + 1_000 });
    const plan = planPodLifecycle({ pod: pod({ phase: 'Pending' }), now: T0 + 1_000, nodeReady: true, seed: 1 });
    assert.equal(plan.status.phase, 'Running');
    assert.deepEqual(plan.status.containerStatuses[0].state, { running: { startedAt: '2026-01-01T00:00:01Z' } });
  });

  it('ends a failing run after fail-after and a succeeding run after duration', () => {
    const running = (failureRate: string): StoredObject => ({
      ...pod({ phase: 'Running', containerStatuses: [{ name: 'main', restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }] }),
      metadata: {
        name: 'p',
        namespace: 'ns',
        uid: 'u',
        resourceVersion: '1',
        creationTimestamp: '2026-01-01T00:00:00Z',
        annotations: {
          'sandbox.batch.cdk8s.io/duration': '30s',
          'sandbox.batch.cdk8s.io/fail-after': '2s',
          'sandbox.batch.cdk8s.io/failure-rate': failureRate,
        },
      },
    });
    assert.deepEqual(planPodLifecycle({ pod: running('1'), now: T0 + 1_500, nodeReady: true, seed: 1 }), { wakeAt: T0 + 3_000 });
    assert.equal(planPodLifecycle({ pod: running('1'), now: T0 + 3_000, nodeReady: true, seed: 1 }).status.phase, 'Failed');
    assert.deepEqual(planPodLifecycle({ pod: running('0'), now: T0 + 3_000, nodeReady: true, seed: 1 }), { wakeAt: T0 + 31_000 });
    assert.equal(planPodLifecycle({ pod: running('0'), now: T0 + 31_000, nodeReady: true, seed: 1 }).status.phase, 'Succeeded');
  });

  it('leaves unscheduled pods Pending', () => {
    assert.deepEqual(planPodLifecycle({ pod: pod({ phase: 'Pending' }, ''), now: T0 + 60_000, nodeReady: true, seed: 1 }), {});
  });
});
