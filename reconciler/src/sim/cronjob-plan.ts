/**
 * The simulated CronJob controller's decision for one CronJob, as a pure function: which Job to
 * start for the most recent missed schedule (if any), which Jobs to delete (Replace, history
 * limits), the new status and Events, and when the next schedule is due.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { NewObject, StoredObject } from '../emulator/types.ts';
import type { SimEvent } from './job-plan.ts';
import {
  CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION,
  controllerRef,
  controllerUid,
  findCondition,
  hasTrueCondition,
  parseTime,
  timestamp,
  type Json,
} from './meta.ts';

/** More missed start times than this and the controller gives up on the CronJob. */
export const MAX_MISSED_SCHEDULES = 100;

export interface CronJobPlanInput {
  readonly cronJob: StoredObject;
  /** Jobs in the CronJob's namespace (the ones it controls are picked by ownerReference). */
  readonly jobs: readonly StoredObject[];
  readonly now: number;
  /**
   * After more than `MAX_MISSED_SCHEDULES` missed start times: `startMostRecent` still starts
   * the most recent run, as the CronJob controller v2 (Kubernetes 1.21+) does; `stop` starts
   * nothing, as the pre-1.21 controller did and the CronJob documentation still describes (the
   * CronJob stops scheduling until startingDeadlineSeconds bounds the count). Both emit the
   * `TooManyMissedTimes` Warning. Default `startMostRecent`.
   */
  readonly tooManyMissed?: TooManyMissedBehaviour;
}

/** What the CronJob controller does after more than `MAX_MISSED_SCHEDULES` missed start times. */
export type TooManyMissedBehaviour = 'stop' | 'startMostRecent';

export interface CronJobPlan {
  readonly jobsToCreate: NewObject[];
  readonly jobsToDelete: StoredObject[];
  /** The new status; the caller adds a reference for each Job it creates (`withActiveJob`). */
  readonly status: Json;
  readonly events: SimEvent[];
  /** The next scheduled time after now. */
  readonly wakeAt?: number;
}

/** A parsed schedule: the cron expression, the time zone it runs in, and why it cannot be used. */
export interface Schedule {
  readonly expression?: string;
  readonly tz: string;
  readonly error?: SimEvent;
  readonly warning?: SimEvent;
}

function warning(reason: string, note: string): SimEvent {
  return { type: 'Warning', reason, note, action: 'Schedule' };
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads `spec.schedule` and `spec.timeZone` (a `TZ=`/`CRON_TZ=` prefix works but is warned about, as upstream). */
export function parseSchedule(spec: Json): Schedule {
  const raw = String(spec?.schedule ?? '').trim();
  const prefixed = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(raw);
  const expression = prefixed ? prefixed[2] : raw;
  const tz: string = spec?.timeZone ?? (prefixed ? prefixed[1] : 'UTC');
  if (!validTimeZone(tz)) return { tz, error: warning('UnknownTimeZone', `invalid timeZone: "${tz}"`) };
  try {
    CronExpressionParser.parse(expression, { tz, currentDate: 0 });
  } catch (err) {
    return { tz, error: warning('UnparseableSchedule', `unparseable schedule: "${raw}" : ${(err as Error).message}`) };
  }
  const note = `CRON_TZ or TZ used in schedule "${raw}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`;
  return { expression, tz, warning: prefixed ? warning('UnsupportedSchedule', note) : undefined };
}

function cron(schedule: Schedule, after: number): CronExpression {
  return CronExpressionParser.parse(schedule.expression ?? '', { tz: schedule.tz, currentDate: after });
}

/** The first scheduled time strictly after `after`. */
export function nextScheduleAfter(schedule: Schedule, after: number): number {
  return cron(schedule, after).next().getTime();
}

/** Scheduled times in `(after, now]`: the most recent one and how many there were (counting stops past the limit). */
export function missedSchedules(schedule: Schedule, after: number, now: number): { mostRecent?: number; count: number } {
  const it = cron(schedule, after);
  let count = 0;
  for (let t = it.next().getTime(); t <= now && count <= MAX_MISSED_SCHEDULES; t = it.next().getTime()) count += 1;
  if (count === 0) return { count };
  return { mostRecent: cron(schedule, now + 1).prev().getTime(), count };
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function scheduledJobName(cronJobName: string, scheduledAt: number): string {
  return `${cronJobName}-${Math.floor(scheduledAt / 60_000)}`;
}

function finishedType(job: StoredObject): 'Complete' | 'Failed' | undefined {
  if (hasTrueCondition(job, 'Complete')) return 'Complete';
  return hasTrueCondition(job, 'Failed') ? 'Failed' : undefined;
}

function finishTime(job: StoredObject): number {
  const cond = findCondition(job, finishedType(job) ?? 'Complete');
  return parseTime(job.status?.completionTime) ?? parseTime(cond?.lastTransitionTime) ?? 0;
}

/** A reference to a Job, as in `status.active`. */
export function jobRef(job: StoredObject): Json {
  return {
    apiVersion: job.apiVersion ?? 'batch/v1',
    kind: 'Job',
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** `status` with a reference to `job` added to `active`. */
export function withActiveJob(status: Json, job: StoredObject): Json {
  return { ...status, active: [...(status.active ?? []), jobRef(job)] };
}

interface CronSync {
  readonly cronJob: StoredObject;
  readonly tooManyMissed: TooManyMissedBehaviour;
  readonly now: number;
  readonly owned: StoredObject[];
  active: StoredObject[];
  readonly create: NewObject[];
  readonly remove: StoredObject[];
  readonly events: SimEvent[];
  lastScheduleTime?: string;
  wakeAt?: number;
}

function event(sync: CronSync, e: SimEvent): void {
  sync.events.push(e);
}

function removeJob(sync: CronSync, job: StoredObject): void {
  sync.remove.push(job);
  sync.active = sync.active.filter((j) => j !== job);
  event(sync, { type: 'Normal', reason: 'SuccessfulDelete', note: `Deleted job ${job.metadata.name}`, action: 'Delete' });
}

/** Events for Jobs that were active and are now finished. */
function sawCompleted(sync: CronSync): void {
  const wasActive = new Set<string>((sync.cronJob.status?.active ?? []).map((r: Json) => r.uid));
  for (const job of sync.owned) {
    const type = finishedType(job);
    if (type && wasActive.has(job.metadata.uid)) {
      event(sync, { type: 'Normal', reason: 'SawCompletedJob', note: `Saw completed job: ${job.metadata.name}, condition: ${type}`, action: 'Sync' });
    }
  }
}

/** Deletes the oldest finished Jobs beyond the history limits. */
function cleanupHistory(sync: CronSync): void {
  const spec = sync.cronJob.spec ?? {};
  const limits: Array<['Complete' | 'Failed', number]> = [
    ['Complete', spec.successfulJobsHistoryLimit ?? 3],
    ['Failed', spec.failedJobsHistoryLimit ?? 1],
  ];
  for (const [type, limit] of limits) {
    const done = sync.owned.filter((j) => finishedType(j) === type).sort((a, b) => finishTime(a) - finishTime(b));
    for (const job of done.slice(0, Math.max(0, done.length - limit))) removeJob(sync, job);
  }
}

function jobFor(cronJob: StoredObject, scheduledAt: number): NewObject {
  const template = cronJob.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: scheduledJobName(cronJob.metadata.name, scheduledAt),
      namespace: cronJob.metadata.namespace,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations, [CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION]: timestamp(scheduledAt) },
      ownerReferences: [controllerRef(cronJob)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** Starts the Job for `scheduledAt` unless it exists or the concurrency policy forbids it. */
function startRun(sync: CronSync, scheduledAt: number): void {
  const name = scheduledJobName(sync.cronJob.metadata.name, scheduledAt);
  if (sync.owned.some((j) => j.metadata.name === name)) return;
  const policy = sync.cronJob.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && sync.active.length > 0) {
    const note = 'Not starting job because prior execution is running and concurrency policy is Forbid';
    event(sync, { type: 'Normal', reason: 'JobAlreadyActive', note, action: 'Schedule' });
    return;
  }
  if (policy === 'Replace') for (const job of [...sync.active]) removeJob(sync, job);
  const job = jobFor(sync.cronJob, scheduledAt);
  sync.create.push(job);
  sync.lastScheduleTime = timestamp(scheduledAt);
  event(sync, { type: 'Normal', reason: 'SuccessfulCreate', note: `Created job ${job.metadata.name}`, action: 'Create' });
}

/** The earliest time a missed schedule still counts from: the last schedule (or creation), within startingDeadlineSeconds. */
function earliestConsidered(sync: CronSync): number {
  const { cronJob, now } = sync;
  const since = parseTime(cronJob.status?.lastScheduleTime) ?? parseTime(cronJob.metadata.creationTimestamp) ?? now;
  const deadline = cronJob.spec?.startingDeadlineSeconds;
  return typeof deadline === 'number' ? Math.max(since, now - deadline * 1000) : since;
}

function schedule(sync: CronSync): void {
  const parsed = parseSchedule(sync.cronJob.spec);
  if (parsed.error) return event(sync, parsed.error);
  if (parsed.warning) event(sync, parsed.warning);
  sync.wakeAt = nextScheduleAfter(parsed, sync.now);
  if (sync.cronJob.spec?.suspend === true) return;
  const missed = missedSchedules(parsed, earliestConsidered(sync), sync.now);
  if (missed.count > MAX_MISSED_SCHEDULES) {
    event(sync, warning('TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
    if (sync.tooManyMissed === 'stop') return;
  }
  if (missed.mostRecent !== undefined) startRun(sync, missed.mostRecent);
}

function lastSuccessfulTime(sync: CronSync): string | undefined {
  const times = sync.owned.filter((j) => finishedType(j) === 'Complete').map(finishTime);
  const previous = parseTime(sync.cronJob.status?.lastSuccessfulTime);
  const latest = Math.max(previous ?? 0, ...times);
  return latest > 0 ? timestamp(latest) : undefined;
}

function statusOf(sync: CronSync): Json {
  const previous: Json[] = sync.cronJob.status?.active ?? [];
  const active = sync.active.map((j) => previous.find((r) => r.uid === j.metadata.uid) ?? jobRef(j));
  const status: Json = { ...(sync.cronJob.status ?? {}) };
  delete status.active;
  if (active.length > 0) status.active = active;
  if (sync.lastScheduleTime) status.lastScheduleTime = sync.lastScheduleTime;
  const success = lastSuccessfulTime(sync);
  if (success) status.lastSuccessfulTime = success;
  return status;
}

/** Plans one sync of a CronJob. */
export function planCronJob(input: CronJobPlanInput): CronJobPlan {
  const { cronJob } = input;
  const owned = input.jobs.filter((j) => controllerUid(j, 'CronJob') === cronJob.metadata.uid);
  const sync: CronSync = {
    cronJob,
    tooManyMissed: input.tooManyMissed ?? 'startMostRecent',
    now: input.now,
    owned,
    active: owned.filter((j) => !finishedType(j) && !j.metadata.deletionTimestamp),
    create: [],
    remove: [],
    events: [],
    lastScheduleTime: cronJob.status?.lastScheduleTime,
  };
  sawCompleted(sync);
  if (!cronJob.metadata.deletionTimestamp) schedule(sync);
  cleanupHistory(sync);
  return { jobsToCreate: sync.create, jobsToDelete: sync.remove, status: statusOf(sync), events: sync.events, wakeAt: sync.wakeAt };
}
