// Differential scenarios: each runs on the simulated controllers and on a real control plane with the
// simulated kubelet; their observed outcomes (observe.ts) are compared by diff.test.ts.
import {
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAIL_INDEXES_ANNOTATION,
  SANDBOX_FAILURE_RATE_ANNOTATION,
} from 'cdk8s-batch/rules';
import type { KubeObject } from '../../src/core/types.ts';

export const DIFF_NAMESPACE = 'default';

/** How the pods of a scenario behave (the sandbox annotations of the pod template). */
export interface Behaviour {
  readonly duration?: string;
  readonly failureRate?: number;
  readonly exitCode?: number;
  readonly failIndexes?: string;
}

/** A merge patch of the Job, `atMs` after it was created. */
export interface TimedAction {
  readonly atMs: number;
  readonly patch: Record<string, unknown>;
}

export interface Scenario {
  readonly name: string;
  readonly job: KubeObject;
  readonly actions?: readonly TimedAction[];
  /** Observe this long after creation instead of waiting for a Complete/Failed condition. */
  readonly observeAtMs?: number;
}

function annotations(b: Behaviour): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.duration !== undefined) out[SANDBOX_DURATION_ANNOTATION] = b.duration;
  if (b.failureRate !== undefined) out[SANDBOX_FAILURE_RATE_ANNOTATION] = String(b.failureRate);
  if (b.exitCode !== undefined) out[SANDBOX_EXIT_CODE_ANNOTATION] = String(b.exitCode);
  if (b.failIndexes !== undefined) out[SANDBOX_FAIL_INDEXES_ANNOTATION] = b.failIndexes;
  return out;
}

function job(name: string, spec: Record<string, unknown>, behaviour: Behaviour, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: DIFF_NAMESPACE },
    spec: {
      ...spec,
      template: {
        metadata: { labels: { app: 'simdiff' }, annotations: annotations(behaviour) },
        spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox:1.36' }] },
      },
    },
  };
}

const exitCodeRule = (action: string, code: number): Record<string, unknown> => ({
  rules: [{ action, onExitCodes: { containerName: 'main', operator: 'In', values: [code] } }],
});

export const SCENARIOS: readonly Scenario[] = [
  { name: 'nonindexed-completions', job: job('nonindexed-completions', { completions: 3, parallelism: 2 }, { duration: '1s' }) },
  { name: 'work-queue', job: job('work-queue', { parallelism: 2 }, { duration: '1s' }) },
  { name: 'indexed-completions', job: job('indexed-completions', { completionMode: 'Indexed', completions: 4, parallelism: 2 }, { duration: '1s' }) },
  {
    name: 'backoff-limit-exceeded',
    job: job('backoff-limit-exceeded', { backoffLimit: 1 }, { duration: '1s', failureRate: 1 }),
  },
  {
    name: 'backoff-limit-exceeded-parallel',
    job: job('backoff-limit-exceeded-parallel', { backoffLimit: 0, completions: 3, parallelism: 3 }, { duration: '1s', failureRate: 1 }),
  },
  {
    name: 'pod-failure-policy-failjob',
    job: job('pod-failure-policy-failjob', { backoffLimit: 6, podFailurePolicy: exitCodeRule('FailJob', 42) }, { duration: '1s', failureRate: 1, exitCode: 42 }),
  },
  {
    name: 'pod-failure-policy-ignore-deadline',
    job: job(
      'pod-failure-policy-ignore-deadline',
      { backoffLimit: 0, activeDeadlineSeconds: 4, podFailurePolicy: exitCodeRule('Ignore', 42) },
      { duration: '1s', failureRate: 1, exitCode: 42 },
    ),
  },
  {
    name: 'pod-failure-policy-count',
    job: job('pod-failure-policy-count', { backoffLimit: 0, podFailurePolicy: exitCodeRule('Count', 42) }, { duration: '1s', failureRate: 1, exitCode: 42 }),
  },
  {
    name: 'backoff-limit-per-index',
    job: job(
      'backoff-limit-per-index',
      { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 0 },
      { duration: '1s', failIndexes: '1' },
    ),
  },
  {
    name: 'max-failed-indexes',
    job: job(
      'max-failed-indexes',
      { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimitPerIndex: 0, maxFailedIndexes: 0 },
      { duration: '1s', failIndexes: '1' },
    ),
  },
  {
    name: 'success-policy',
    job: job(
      'success-policy',
      { completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } },
      { duration: '1s', failIndexes: '1,2' },
    ),
  },
  {
    name: 'active-deadline',
    job: job('active-deadline', { activeDeadlineSeconds: 2, completions: 2, parallelism: 2 }, { duration: '30s' }),
  },
  {
    name: 'suspend-at-create',
    job: job('suspend-at-create', { suspend: true, completions: 2, parallelism: 2 }, { duration: '1s' }),
    observeAtMs: 4000,
  },
  {
    name: 'suspend-then-resume',
    job: job('suspend-then-resume', { suspend: true, completions: 2, parallelism: 2 }, { duration: '1s' }),
    actions: [{ atMs: 2000, patch: { spec: { suspend: false } } }],
  },
  {
    name: 'on-failure-restarts',
    job: job('on-failure-restarts', { backoffLimit: 1 }, { duration: '1s', failureRate: 1 }, 'OnFailure'),
  },
];
