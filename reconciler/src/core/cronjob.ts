/**
 * CronJobs that stopped scheduling. The controller keeps `status.lastScheduleTime` at the last run
 * it started; a CronJob that is not suspended and whose most recent expected run (from
 * `spec.schedule` in `spec.timeZone`) is newer than that, yet older than `now - grace`, has
 * missed it (grace = `startingDeadlineSeconds`, or the configured default). More than 100 start
 * times missed since the last run is the controller's `TooManyMissedTimes` trap. A `Forbid`
 * CronJob with a Job still active is skipping runs on purpose and is not reported.
 *
 * Catch-up runs (enforce mode) do what `kubectl create job --from=cronjob/<name>` does, under the
 * name the controller itself would give the missed run (`<cronjob>-<minutes since epoch>`): the
 * catch-up is created at most once, and a controller that recovers sees it as already done.
 */
import { CATCH_UP_FOR_ANNOTATION, INSTANTIATE_ANNOTATION, SCHEDULED_TIMESTAMP_ANNOTATION } from './annotations.ts';
import { DEFAULT_CRONJOB_GRACE_MS } from './config.ts';
import { CRONJOB_NOT_SCHEDULING, clusterFinding } from './findings.ts';
import { annotationsOf, arrayOf, cloneJson, dig, fitName, isRecord, labelsOf, namespaceOf, numberOf, stringOf, timeOf } from './kube.ts';
import type { Outcome } from './outcome.ts';
import { parseSchedule, type Schedule } from './schedule.ts';
import type { Action, KubeObject, Observed, ReconcilerConfig } from './types.ts';

/** Missed start times beyond which the CronJob controller reports `TooManyMissedTimes`. */
export const MAX_MISSED_START_TIMES = 100;

/** RFC 3339 in UTC with whole seconds, as Kubernetes writes timestamps. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The name the CronJob controller gives the run scheduled at `scheduledMs`. */
export function scheduledJobName(cronJobName: string, scheduledMs: number): string {
  return fitName(cronJobName, `-${Math.floor(scheduledMs / 60_000)}`);
}

/** What the schedule says about a CronJob right now. */
interface ScheduleState {
  readonly schedule: Schedule;
  /** Last run the controller recorded (or creation). */
  readonly base: number;
  readonly grace: number;
  /** The most recent expected run newer than `base`, if any. */
  readonly expected?: number;
  /** Start times missed since `base` (within the starting deadline), capped at 101. */
  readonly missed: number;
}

function isPaused(cronJob: KubeObject): boolean {
  if (dig(cronJob, 'spec', 'suspend') === true) return true;
  return dig(cronJob, 'spec', 'concurrencyPolicy') === 'Forbid' && arrayOf(dig(cronJob, 'status', 'active')).length > 0;
}

/** `spec.startingDeadlineSeconds` in ms, when set to a usable value. */
function startingDeadlineMs(cronJob: KubeObject): number | undefined {
  const seconds = numberOf(dig(cronJob, 'spec', 'startingDeadlineSeconds'));
  return seconds !== undefined && seconds >= 0 ? seconds * 1000 : undefined;
}

function scheduleState(cronJob: KubeObject, now: number, config: ReconcilerConfig): ScheduleState | undefined {
  const base = timeOf(dig(cronJob, 'status', 'lastScheduleTime')) ?? timeOf(dig(cronJob, 'metadata', 'creationTimestamp'));
  if (base === undefined || isPaused(cronJob)) return undefined;
  const schedule = parseSchedule(dig(cronJob, 'spec', 'schedule'), dig(cronJob, 'spec', 'timeZone'), base);
  if (!schedule) return undefined;
  const deadline = startingDeadlineMs(cronJob);
  const grace = deadline ?? config.cronJobGraceMs ?? DEFAULT_CRONJOB_GRACE_MS;
  const countFrom = deadline !== undefined ? Math.max(base, now - deadline) : base;
  const prev = schedule.prev(now);
  const expected = prev !== undefined && prev > base ? prev : undefined;
  return { schedule, base, grace, expected, missed: schedule.count(countFrom, now, MAX_MISSED_START_TIMES) };
}

function findingOf(cronJob: KubeObject, state: ScheduleState, late: boolean): Outcome['findings'] {
  const last = stringOf(dig(cronJob, 'status', 'lastScheduleTime')) ?? 'unset';
  const tooMany = state.missed > MAX_MISSED_START_TIMES;
  const problem = late
    ? `is older than the run expected at ${rfc3339(state.expected!)} and not started within ${state.grace / 1000}s` +
      (tooMany ? `; more than ${MAX_MISSED_START_TIMES} start times were missed (TooManyMissedTimes)` : '')
    : `is more than ${MAX_MISSED_START_TIMES} start times behind the schedule (the controller reports TooManyMissedTimes)`;
  return [clusterFinding(CRONJOB_NOT_SCHEDULING, { path: 'status.lastScheduleTime', problem, got: last })];
}

/** When the finding would change: the next expected run (or the pending one) plus grace. */
function wakeOf(state: ScheduleState, now: number, late: boolean): number | undefined {
  if (!late && state.expected !== undefined) return state.expected + state.grace + 1;
  const next = state.schedule.next(now);
  return next === undefined ? undefined : next + state.grace + 1;
}

/** True when one of `jobs` is (or stands in for) the run scheduled at `scheduled`. */
function runExists(jobs: readonly KubeObject[], name: string, scheduled: number): boolean {
  return jobs.some((job) => {
    const annotations = annotationsOf(job);
    return (
      dig(job, 'metadata', 'name') === name ||
      timeOf(annotations[CATCH_UP_FOR_ANNOTATION]) === scheduled ||
      timeOf(annotations[SCHEDULED_TIMESTAMP_ANNOTATION]) === scheduled
    );
  });
}

/** The Job `kubectl create job --from=cronjob/<name>` would create, named for the missed run. */
export function catchUpManifest(cronJob: KubeObject, namespace: string, scheduled: number): KubeObject {
  const template = dig(cronJob, 'spec', 'jobTemplate');
  const name = stringOf(dig(cronJob, 'metadata', 'name')) ?? 'cronjob';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: scheduledJobName(name, scheduled),
      namespace,
      labels: labelsOf(template),
      annotations: {
        ...annotationsOf(template),
        [INSTANTIATE_ANNOTATION]: 'manual',
        [CATCH_UP_FOR_ANNOTATION]: rfc3339(scheduled),
        [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339(scheduled),
      },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name, uid: String(dig(cronJob, 'metadata', 'uid')), controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: isRecord(dig(template, 'spec')) ? cloneJson(dig(template, 'spec')) : {},
  };
}

function catchUp(observed: Observed, namespace: string, scheduled: number): Action[] {
  const cronJob = observed.object!;
  if (typeof dig(cronJob, 'metadata', 'uid') !== 'string') return [];
  const manifest = catchUpManifest(cronJob, namespace, scheduled);
  if (runExists(observed.ownedJobs, String(manifest.metadata!.name), scheduled)) return [];
  return [{ type: 'create', manifest, reason: CRONJOB_NOT_SCHEDULING }];
}

/**
 * The schedule check on a CronJob: a `CronJobNotScheduling` finding, a catch-up `create` when
 * `enforce` (enforce mode allowed here) and `config.catchUpMissedCronJobs`, and when to look again.
 */
export function checkCronJobSchedule(observed: Observed, now: number, config: ReconcilerConfig, enforce: boolean): Outcome {
  const cronJob = observed.object;
  if (!cronJob || observed.ref.kind !== 'CronJob') return {};
  const state = scheduleState(cronJob, now, config);
  if (!state) return {};
  const late = state.expected !== undefined && state.expected < now - state.grace;
  const wakeAt = wakeOf(state, now, late);
  if (!late && state.missed <= MAX_MISSED_START_TIMES) return { wakeAt };
  const actions = late && enforce && config.catchUpMissedCronJobs ? catchUp(observed, namespaceOf(cronJob, observed.ref), state.expected!) : [];
  return { findings: findingOf(cronJob, state, late), actions, wakeAt };
}
