// Differential scenarios: each runs on the simulated controllers and on a real control plane with the
// simulated kubelet; their observed outcomes (observe.ts) are compared by diff.test.ts.
import {
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAIL_AFTER_ANNOTATION,
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
  readonly failAfter?: string;
}

/** A merge patch of the Job, `atMs` after it was created. */
export interface PatchAction {
  readonly atMs: number;
  readonly patch: Record<string, unknown>;
}

/**
 * An eviction (`POST .../pods/<name>/eviction`, policy/v1) of the Job's first running pod (oldest
 * first, then by name) that is not being deleted, `atMs` after the Job was created.
 */
export interface EvictAction {
  readonly atMs: number;
  readonly evict: 'first-running-pod';
}

/**
 * Writes the CronJob's `status.lastScheduleTime` through the `/status` subresource, `agoMs` before
 * the moment of the action (at second precision), as a controller outage would leave it.
 */
export interface LastScheduleAction {
  readonly atMs: number;
  readonly lastScheduleTimeAgoMs: number;
}

/** Deletes the Job with this propagation policy, `atMs` after it was created. */
export interface DeleteAction {
  readonly atMs: number;
  readonly delete: 'Foreground' | 'Background' | 'Orphan';
}

export type TimedAction = PatchAction | EvictAction | LastScheduleAction | DeleteAction;

/** What a Job the scenario deleted is observed with: whether it waited for its pods, except after an Orphan deletion. */
export function deletionObserved(scenario: Scenario, waitedForPods: boolean): { waitedForPods?: boolean } | undefined {
  const deletes = (scenario.actions ?? []).filter((a): a is DeleteAction => 'delete' in a);
  if (deletes.length === 0) return undefined;
  return deletes.some((a) => a.delete === 'Orphan') ? {} : { waitedForPods };
}

/** The `status.lastScheduleTime` a `LastScheduleAction` taken at `now` writes. */
export function lastScheduleTimeFor(action: LastScheduleAction, now: number): string {
  return new Date(Math.floor((now - action.lastScheduleTimeAgoMs) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The pod an `evict` action evicts: the oldest Running pod that is not being deleted (ties by name). */
export function podToEvict<T extends KubeObject>(pods: readonly T[]): T | undefined {
  const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  const key = (p: T): string => `${p.metadata?.creationTimestamp ?? ''} ${p.metadata?.name ?? ''}`;
  return [...running].sort((a, b) => key(a).localeCompare(key(b)))[0];
}

export interface Scenario {
  readonly name: string;
  /** A Job, or a CronJob (whose run is over once `finishedJobs` of its Jobs have finished). */
  readonly manifest: KubeObject;
  readonly actions?: readonly TimedAction[];
  /** Observe this long after creation instead of waiting for a Complete/Failed condition. */
  readonly observeAtMs?: number;
  /** CronJobs: how many finished Jobs end the run (default 1). */
  readonly finishedJobs?: number;
  /**
   * Create at this second of a minute (the real side waits for it, the simulated clock starts
   * there), so that a CronJob's `* * * * *` runs fall at known times after the creation:
   * 60 - startAtSecond seconds after it, then every 60 s.
   */
  readonly startAtSecond?: number;
}

function annotations(b: Behaviour): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.duration !== undefined) out[SANDBOX_DURATION_ANNOTATION] = b.duration;
  if (b.failureRate !== undefined) out[SANDBOX_FAILURE_RATE_ANNOTATION] = String(b.failureRate);
  if (b.exitCode !== undefined) out[SANDBOX_EXIT_CODE_ANNOTATION] = String(b.exitCode);
  if (b.failIndexes !== undefined) out[SANDBOX_FAIL_INDEXES_ANNOTATION] = b.failIndexes;
  if (b.failAfter !== undefined) out[SANDBOX_FAIL_AFTER_ANNOTATION] = b.failAfter;
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

function cronJob(name: string, spec: Record<string, unknown>, jobSpec: Record<string, unknown>, behaviour: Behaviour): KubeObject {
  const template = job(name, jobSpec, behaviour);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: DIFF_NAMESPACE },
    spec: { schedule: '* * * * *', ...spec, jobTemplate: { spec: template.spec } },
  };
}

const exitCodeRule = (action: string, code: number): Record<string, unknown> => ({
  rules: [{ action, onExitCodes: { containerName: 'main', operator: 'In', values: [code] } }],
});

/** Job fields whose feature is on by default only from a version (older servers drop them). */
const FIELD_SINCE: ReadonlyArray<readonly [string, number]> = [
  ['backoffLimitPerIndex', 29],
  ['maxFailedIndexes', 29],
  ['podReplacementPolicy', 29],
  ['successPolicy', 31],
  ['managedBy', 32],
];

/** The oldest minor version (1.x) a scenario runs on: the versions where all its Job fields are on by default. */
export function scenarioSince(scenario: Scenario): number {
  const m = scenario.manifest as { spec?: Record<string, unknown> & { jobTemplate?: { spec?: Record<string, unknown> } } };
  const spec = m.spec?.jobTemplate?.spec ?? m.spec ?? {};
  return Math.max(28, ...FIELD_SINCE.filter(([field]) => spec[field] !== undefined).map(([, minor]) => minor));
}

/** The scenarios that run on Kubernetes 1.`minor`. */
export function scenariosFor(minor: number): Scenario[] {
  return SCENARIOS.filter((s) => scenarioSince(s) <= minor);
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'nonindexed-completions', manifest: job('nonindexed-completions', { completions: 3, parallelism: 2 }, { duration: '1s' }) },
  { name: 'work-queue', manifest: job('work-queue', { parallelism: 2 }, { duration: '1s' }) },
  { name: 'indexed-completions', manifest: job('indexed-completions', { completionMode: 'Indexed', completions: 4, parallelism: 2 }, { duration: '1s' }) },
  {
    name: 'backoff-limit-exceeded',
    manifest: job('backoff-limit-exceeded', { backoffLimit: 1 }, { duration: '1s', failureRate: 1 }),
  },
  {
    name: 'backoff-limit-exceeded-parallel',
    // All three pods fail within moments of each other; the limit is crossed only by the last of
    // them (with backoffLimit 0 the first failure would race the others), and the pod back-off
    // keeps replacements from starting in between.
    manifest: job('backoff-limit-exceeded-parallel', { backoffLimit: 2, completions: 3, parallelism: 3 }, { duration: '1s', failureRate: 1 }),
  },
  {
    name: 'pod-failure-policy-failjob',
    manifest: job('pod-failure-policy-failjob', { backoffLimit: 6, podFailurePolicy: exitCodeRule('FailJob', 42) }, { duration: '1s', failureRate: 1, exitCode: 42 }),
  },
  {
    name: 'pod-failure-policy-ignore',
    // The first pod fails after 5 s; its failure is ignored (not counted), but the pod back-off
    // (10 s after one failure) still holds the replacement back: observed in between, at 10 s.
    manifest: job('pod-failure-policy-ignore', { backoffLimit: 0, podFailurePolicy: exitCodeRule('Ignore', 42) }, { duration: '5s', failureRate: 1, exitCode: 42 }),
    observeAtMs: 10_000,
  },
  {
    name: 'pod-failure-policy-ignore-replaced',
    // The first pod fails after 8 s; its replacement starts about 10 s later (the real controller's
    // timing varies by a second or two) and runs for 8 s: observed in the middle, at 23 s.
    manifest: job('pod-failure-policy-ignore-replaced', { backoffLimit: 0, podFailurePolicy: exitCodeRule('Ignore', 42) }, { duration: '8s', failureRate: 1, exitCode: 42 }),
    observeAtMs: 23_000,
  },
  {
    name: 'pod-failure-policy-count',
    manifest: job('pod-failure-policy-count', { backoffLimit: 0, podFailurePolicy: exitCodeRule('Count', 42) }, { duration: '1s', failureRate: 1, exitCode: 42 }),
  },
  {
    name: 'backoff-limit-per-index',
    manifest: job(
      'backoff-limit-per-index',
      { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 0 },
      { duration: '1s', failIndexes: '1' },
    ),
  },
  {
    name: 'max-failed-indexes',
    manifest: job(
      'max-failed-indexes',
      { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimitPerIndex: 0, maxFailedIndexes: 0 },
      { duration: '1s', failIndexes: '1' },
    ),
  },
  {
    name: 'success-policy',
    manifest: job(
      'success-policy',
      { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimitPerIndex: 0, successPolicy: { rules: [{ succeededIndexes: '1' }] } },
      { duration: '1s', failIndexes: '0' },
    ),
  },
  {
    name: 'active-deadline',
    // Both pods are ready well before the 4 s deadline (the old controller leaves that count in status.ready).
    manifest: job('active-deadline', { activeDeadlineSeconds: 4, completions: 2, parallelism: 2 }, { duration: '30s' }),
  },
  {
    name: 'suspend-at-create',
    manifest: job('suspend-at-create', { suspend: true, completions: 2, parallelism: 2 }, { duration: '1s' }),
    observeAtMs: 4000,
  },
  {
    name: 'suspend-then-resume',
    manifest: job('suspend-then-resume', { suspend: true, completions: 2, parallelism: 2 }, { duration: '1s' }),
    actions: [{ atMs: 6000, patch: { spec: { suspend: false } } }],
  },
  {
    name: 'on-failure-restarts',
    manifest: job('on-failure-restarts', { backoffLimit: 1 }, { duration: '1s', failureRate: 1 }, 'OnFailure'),
  },
  {
    name: 'work-queue-failing',
    // As above: the second failure crosses the limit, so the outcome does not depend on which pod fails first.
    manifest: job('work-queue-failing', { parallelism: 2, backoffLimit: 1 }, { duration: '1s', failureRate: 1 }),
  },
  { name: 'zero-completions', manifest: job('zero-completions', { completions: 0 }, { duration: '1s' }) },
  {
    name: 'zero-parallelism',
    manifest: job('zero-parallelism', { completions: 2, parallelism: 0 }, { duration: '1s' }),
    observeAtMs: 3000,
  },
  {
    name: 'scale-up-parallelism',
    manifest: job('scale-up-parallelism', { completions: 4, parallelism: 1 }, { duration: '1s' }),
    actions: [{ atMs: 1500, patch: { spec: { parallelism: 3 } } }],
  },
  {
    name: 'suspend-while-running',
    manifest: job('suspend-while-running', { completions: 2, parallelism: 2 }, { duration: '10s' }),
    actions: [{ atMs: 2000, patch: { spec: { suspend: true } } }],
    observeAtMs: 9000,
  },
  {
    name: 'backoff-limit-per-index-retry',
    manifest: job(
      'backoff-limit-per-index-retry',
      { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 },
      { duration: '1s', failIndexes: '1' },
    ),
  },
  {
    name: 'pod-failure-policy-failindex',
    manifest: job(
      'pod-failure-policy-failindex',
      { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 2, podFailurePolicy: exitCodeRule('FailIndex', 42) },
      { duration: '1s', failIndexes: '0,2', exitCode: 42 },
    ),
  },
  {
    name: 'cronjob-every-minute',
    manifest: cronJob('cronjob-every-minute', {}, {}, { duration: '1s' }),
  },
  {
    name: 'cronjob-failing-job',
    manifest: cronJob('cronjob-failing-job', { failedJobsHistoryLimit: 1 }, { backoffLimit: 0 }, { duration: '1s', failureRate: 1 }),
  },
  {
    name: 'cronjob-time-zone',
    manifest: cronJob('cronjob-time-zone', { timeZone: 'Asia/Kolkata' }, {}, { duration: '1s' }),
  },
  {
    name: 'serial-completions',
    manifest: job('serial-completions', { completions: 3, parallelism: 1 }, { duration: '1s' }),
  },
  {
    name: 'parallelism-above-completions',
    manifest: job('parallelism-above-completions', { completions: 2, parallelism: 5 }, { duration: '1s' }),
  },
  {
    name: 'indexed-parallelism-above-completions',
    manifest: job('indexed-parallelism-above-completions', { completionMode: 'Indexed', completions: 2, parallelism: 5 }, { duration: '1s' }),
  },
  {
    name: 'scale-down-parallelism',
    manifest: job('scale-down-parallelism', { completions: 3, parallelism: 3 }, { duration: '4s' }),
    actions: [{ atMs: 1500, patch: { spec: { parallelism: 1 } } }],
  },
  {
    name: 'pod-replacement-failed',
    manifest: job('pod-replacement-failed', { backoffLimit: 2, podReplacementPolicy: 'Failed', podFailurePolicy: exitCodeRule('Count', 3) }, { duration: '1s', failureRate: 1, exitCode: 3 }),
  },
  {
    name: 'pod-replacement-indexed',
    manifest: job(
      'pod-replacement-indexed',
      { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1, podReplacementPolicy: 'Failed' },
      { duration: '1s', failIndexes: '0' },
    ),
  },
  {
    name: 'pod-failure-policy-notin',
    manifest: job(
      'pod-failure-policy-notin',
      { backoffLimit: 3, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0, 42] } }] } },
      { duration: '1s', failureRate: 1, exitCode: 7 },
    ),
  },
  {
    name: 'pod-failure-policy-failindex-no-retry',
    manifest: job(
      'pod-failure-policy-failindex-no-retry',
      { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 0, podFailurePolicy: exitCodeRule('FailIndex', 5) },
      { duration: '1s', failIndexes: '1', exitCode: 5 },
    ),
  },
  {
    name: 'indexed-backoff-limit-zero',
    // One pod at a time: index 0 succeeds, index 1 fails the Job (in parallel, whether index 2 finished first is a race).
    manifest: job('indexed-backoff-limit-zero', { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimit: 0 }, { duration: '1s', failIndexes: '1' }),
  },
  {
    name: 'max-failed-indexes-zero',
    manifest: job(
      'max-failed-indexes-zero',
      { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimitPerIndex: 0, maxFailedIndexes: 0 },
      { duration: '1s', failIndexes: '0' },
    ),
  },
  {
    name: 'indexed-active-deadline',
    manifest: job('indexed-active-deadline', { completionMode: 'Indexed', completions: 3, parallelism: 3, activeDeadlineSeconds: 4 }, { duration: '30s' }),
  },
  {
    name: 'success-policy-count',
    // Indexes 2 and 3 fail after 1 s, indexes 0 and 1 succeed 4 s later, before the back-off lets
    // the failed indexes run again (10 s): the policy is met with both failures counted and no pod
    // left to stop. (Ending together, the successes and failures race the policy.)
    manifest: job(
      'success-policy-count',
      { completionMode: 'Indexed', completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededCount: 2 }] } },
      { duration: '5s', failIndexes: '2,3', failAfter: '1s' },
    ),
  },
  {
    name: 'success-policy-indexes-and-count',
    manifest: job(
      'success-policy-indexes-and-count',
      { completionMode: 'Indexed', completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }] } },
      { duration: '1s', failIndexes: '1,3' },
      // The failing indexes restart in place and are still running when indexes 0 and 2 meet the
      // policy (with Never they fail at the same moment and race it), so they are stopped.
      'OnFailure',
    ),
  },
  {
    name: 'indexed-suspend-then-resume',
    manifest: job('indexed-suspend-then-resume', { completionMode: 'Indexed', completions: 2, parallelism: 2, suspend: true }, { duration: '1s' }),
    actions: [{ atMs: 6000, patch: { spec: { suspend: false } } }],
  },
  {
    name: 'indexed-on-failure-restarts',
    // One index at a time: index 0 succeeds before index 1 starts failing (in parallel they race).
    manifest: job('indexed-on-failure-restarts', { completionMode: 'Indexed', completions: 2, parallelism: 1, backoffLimit: 1 }, { duration: '1s', failIndexes: '1' }, 'OnFailure'),
  },
  {
    name: 'backoff-limit-two',
    manifest: job('backoff-limit-two', { backoffLimit: 2 }, { duration: '1s', failureRate: 1 }),
  },
  {
    // Forbid skips the start while its Job runs; the deadline keeps the skipped start from running late.
    name: 'cronjob-forbid',
    manifest: cronJob('cronjob-forbid', { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 10 }, {}, { duration: '75s' }),
  },
  {
    name: 'indexed-serial',
    manifest: job('indexed-serial', { completionMode: 'Indexed', completions: 3, parallelism: 1 }, { duration: '1s' }),
  },
  { name: 'indexed-zero-completions', manifest: job('indexed-zero-completions', { completionMode: 'Indexed', completions: 0 }, { duration: '1s' }) },
  {
    name: 'work-queue-three',
    manifest: job('work-queue-three', { parallelism: 3 }, { duration: '1s' }),
  },
  {
    name: 'backoff-limit-per-index-two-failed',
    manifest: job(
      'backoff-limit-per-index-two-failed',
      { completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 0 },
      { duration: '1s', failIndexes: '1,3' },
    ),
  },
  {
    name: 'max-failed-indexes-allowed',
    manifest: job(
      'max-failed-indexes-allowed',
      { completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 0, maxFailedIndexes: 1 },
      { duration: '1s', failIndexes: '2' },
    ),
  },
  {
    name: 'pod-failure-policy-no-match',
    manifest: job('pod-failure-policy-no-match', { backoffLimit: 0, podFailurePolicy: exitCodeRule('FailJob', 42) }, { duration: '1s', failureRate: 1, exitCode: 1 }),
  },
  {
    name: 'active-deadline-while-suspended',
    manifest: job('active-deadline-while-suspended', { suspend: true, activeDeadlineSeconds: 1 }, { duration: '1s' }),
    observeAtMs: 4000,
  },
  {
    // Created at second 5: runs at 55 s and 115 s. The first Job (120 s) still runs at the second
    // run, which replaces it; observed at 150 s.
    name: 'cronjob-replace',
    manifest: cronJob('cronjob-replace', { concurrencyPolicy: 'Replace' }, {}, { duration: '120s' }),
    startAtSecond: 5,
    observeAtMs: 150_000,
  },
  {
    // The same with the default concurrency policy, Allow: both Jobs run side by side at 150 s.
    name: 'cronjob-allow',
    manifest: cronJob('cronjob-allow', {}, {}, { duration: '120s' }),
    startAtSecond: 5,
    observeAtMs: 150_000,
  },
  {
    // Runs at 55 s and 115 s finish within seconds; one successful Job is kept, the first one pruned.
    name: 'cronjob-history-limit',
    manifest: cronJob('cronjob-history-limit', { successfulJobsHistoryLimit: 1 }, {}, { duration: '1s' }),
    startAtSecond: 5,
    observeAtMs: 140_000,
  },
  {
    // Suspended through the run due at 55 s and resumed at 65 s: 10 s late, beyond a 3 s starting
    // deadline, so that run is skipped; observed at 100 s, before the next run.
    name: 'cronjob-starting-deadline-missed',
    manifest: cronJob('cronjob-starting-deadline-missed', { suspend: true, startingDeadlineSeconds: 3 }, {}, { duration: '1s' }),
    actions: [{ atMs: 65_000, patch: { spec: { suspend: false } } }],
    startAtSecond: 5,
    observeAtMs: 100_000,
  },
  {
    // The same with a 30 s starting deadline: the missed run starts on resume.
    name: 'cronjob-starting-deadline-caught-up',
    manifest: cronJob('cronjob-starting-deadline-caught-up', { suspend: true, startingDeadlineSeconds: 30 }, {}, { duration: '1s' }),
    actions: [{ atMs: 65_000, patch: { spec: { suspend: false } } }],
    startAtSecond: 5,
    observeAtMs: 100_000,
  },
  {
    // Finished after about 1 s and deleted by the TTL-after-finished controller at once, its pods
    // with it (the controller deletes with foreground propagation); observed at 12 s.
    name: 'ttl-after-finished',
    manifest: job('ttl-after-finished', { ttlSecondsAfterFinished: 0 }, { duration: '1s' }),
    observeAtMs: 12_000,
  },
  {
    // Deleted while its two pods run, in the foreground: the Job stays (deletionTimestamp and the
    // foregroundDeletion finalizer) until the garbage collector's graceful deletes of its pods are
    // through (the kubelet stops them, the job controller releases their finalizers); by 10 s all gone.
    name: 'delete-foreground',
    manifest: job('delete-foreground', { parallelism: 2, completions: 2 }, { duration: '30s' }),
    actions: [{ atMs: 3_000, delete: 'Foreground' }],
    observeAtMs: 10_000,
  },
  {
    // In the background: the Job goes at once, its pods after it.
    name: 'delete-background',
    manifest: job('delete-background', { parallelism: 2, completions: 2 }, { duration: '30s' }),
    actions: [{ atMs: 3_000, delete: 'Background' }],
    observeAtMs: 10_000,
  },
  {
    // Orphaning: the pods go on running without an owner, and the job controller takes its
    // job-tracking finalizer off them.
    name: 'delete-orphan',
    manifest: job('delete-orphan', { parallelism: 2, completions: 2 }, { duration: '30s' }),
    actions: [{ atMs: 3_000, delete: 'Orphan' }],
    observeAtMs: 10_000,
  },
  {
    // A TTL of 30 s: at 12 s the finished Job and its pods are still there.
    name: 'ttl-after-finished-not-yet',
    manifest: job('ttl-after-finished-not-yet', { ttlSecondsAfterFinished: 30 }, { duration: '1s' }),
    observeAtMs: 12_000,
  },
  {
    // After an outage of three hours (lastScheduleTime written back 180 minutes, then resumed):
    // more than 100 missed start times, so a TooManyMissedTimes Warning, and the most recent
    // missed run (at the minute boundary 10 s before the resume) still starts.
    name: 'cronjob-too-many-missed',
    manifest: cronJob('cronjob-too-many-missed', { suspend: true }, {}, { duration: '1s' }),
    actions: [
      { atMs: 2_000, lastScheduleTimeAgoMs: 180 * 60_000 },
      { atMs: 5_000, patch: { spec: { suspend: false } } },
    ],
    startAtSecond: 5,
  },
  {
    // The same outage with startingDeadlineSeconds 200: only the start times of the last 200 s
    // count (3), no Warning, and the most recent run starts.
    name: 'cronjob-missed-within-deadline',
    manifest: cronJob('cronjob-missed-within-deadline', { suspend: true, startingDeadlineSeconds: 200 }, {}, { duration: '1s' }),
    actions: [
      { atMs: 2_000, lastScheduleTimeAgoMs: 180 * 60_000 },
      { atMs: 5_000, patch: { spec: { suspend: false } } },
    ],
    startAtSecond: 5,
  },
  {
    name: 'cronjob-suspended',
    manifest: cronJob('cronjob-suspended', { suspend: true }, {}, { duration: '1s' }),
    observeAtMs: 65_000,
  },
  {
    // The evicted pod stops (Failed, exit 143) with its DisruptionTarget condition: the policy ignores it and the Job completes.
    name: 'evict-ignore-disruption-target',
    manifest: job(
      'evict-ignore-disruption-target',
      { backoffLimit: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } },
      { duration: '6s' },
    ),
    actions: [{ atMs: 3000, evict: 'first-running-pod' }],
  },
  {
    // Without a pod failure policy the evicted pod counts as failed as soon as it is terminating.
    name: 'evict-backoff-limit-zero',
    manifest: job('evict-backoff-limit-zero', { backoffLimit: 0 }, { duration: '6s' }),
    actions: [{ atMs: 3000, evict: 'first-running-pod' }],
  },
  {
    // podReplacementPolicy Failed: the Job does not replace the evicted pod while it terminates, counts the failure
    // once the pod stopped (Failed, exit 143) and is gone, and the 10 s back-off after that failure still holds the
    // replacement back at 11.5 s. (When exactly the replacement comes differs by the real controller's
    // second-precision failure times, up to a second: not compared.)
    name: 'evict-replacement-failed',
    manifest: job('evict-replacement-failed', { backoffLimit: 2, podReplacementPolicy: 'Failed' }, { duration: '30s' }),
    actions: [{ atMs: 3000, evict: 'first-running-pod' }],
    observeAtMs: 11_500,
  },
  {
    // TerminatingOrFailed: the evicted pod counts as failed while it is still terminating, and the back-off after
    // that failure holds the replacement back at 11.5 s too, although the pod is gone by then.
    name: 'evict-replacement-terminating-or-failed',
    manifest: job('evict-replacement-terminating-or-failed', { backoffLimit: 2, podReplacementPolicy: 'TerminatingOrFailed' }, { duration: '30s' }),
    actions: [{ atMs: 3000, evict: 'first-running-pod' }],
    observeAtMs: 11_500,
  },
];
