// Reduces a run to the outcomes both sides are compared on.
import type { KubeObject } from '../../src/core/types.ts';

export interface ConditionOutcome {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface JobOutcome {
  readonly conditions: readonly ConditionOutcome[];
  readonly succeeded: number;
  readonly failed: number;
  readonly active: number;
  readonly terminating: number;
  readonly completedIndexes: string;
  readonly failedIndexes: string;
}

type Status = Record<string, unknown> & { conditions?: Array<Record<string, string>> };

/** Pod names carry a random suffix; messages name them as `<job>-<suffix>`. */
function normaliseMessage(message: string, jobName: string): string {
  return message.replace(new RegExp(`\\b${jobName}-[a-z0-9]{5}\\b`, 'g'), `${jobName}-<suffix>`);
}

/** The comparable outcome of a Job: conditions in order, counters (absent = 0) and index sets (absent = ""). */
export function observeJob(job: KubeObject): JobOutcome {
  const status = (job.status ?? {}) as Status;
  const jobName = String(job.metadata?.name ?? '');
  const count = (field: string): number => Number(status[field] ?? 0);
  return {
    conditions: (status.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '', message: normaliseMessage(c.message ?? '', jobName) })),
    succeeded: count('succeeded'),
    failed: count('failed'),
    active: count('active'),
    terminating: count('terminating'),
    completedIndexes: String(status.completedIndexes ?? ''),
    failedIndexes: String(status.failedIndexes ?? ''),
  };
}

/** Whether the Job has a Complete or Failed condition that is True. */
export function isFinished(job: KubeObject | undefined): boolean {
  const conditions = ((job?.status ?? {}) as Status).conditions ?? [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** One Job a CronJob created. */
export interface CronJobRunOutcome {
  /** Whether the name is `<cronjob>-<minutes since the epoch of the scheduled time>`. */
  readonly nameFollowsScheduledTime: boolean;
  readonly annotations: readonly string[];
  readonly owner: string;
  readonly job: JobOutcome;
}

export interface CronJobOutcome {
  readonly jobs: readonly CronJobRunOutcome[];
  readonly active: number;
  readonly lastScheduleTime: boolean;
  readonly lastSuccessfulTime: boolean;
}

export type Outcome = JobOutcome | CronJobOutcome;

const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

function observeRun(cronJobName: string, job: KubeObject): CronJobRunOutcome {
  const annotations = job.metadata?.annotations ?? {};
  const scheduled = Date.parse(annotations[SCHEDULED_TIMESTAMP] ?? '');
  const owner = (job.metadata?.ownerReferences ?? [])
    .map((o) => `${o.apiVersion} ${o.kind} ${o.name === cronJobName ? '<cronjob>' : o.name} controller=${String(o.controller)}`)
    .join('; ');
  return {
    nameFollowsScheduledTime: job.metadata?.name === `${cronJobName}-${scheduled / 60_000}`,
    annotations: Object.keys(annotations).sort(),
    owner,
    job: observeJob(job),
  };
}

/** The comparable outcome of a CronJob: its Jobs (oldest first) and whether its status times are set. */
export function observeCronJob(cronJob: KubeObject, jobs: readonly KubeObject[]): CronJobOutcome {
  const name = String(cronJob.metadata?.name);
  const status = (cronJob.status ?? {}) as Record<string, unknown>;
  const byTime = [...jobs].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  return {
    jobs: byTime.map((j) => observeRun(name, j)),
    active: Array.isArray(status.active) ? status.active.length : 0,
    lastScheduleTime: status.lastScheduleTime !== undefined,
    lastSuccessfulTime: status.lastSuccessfulTime !== undefined,
  };
}

/** The Jobs a CronJob owns (by its uid). */
export function jobsOf<T extends KubeObject>(cronJob: KubeObject, jobs: readonly T[]): T[] {
  return jobs.filter((j) => (j.metadata?.ownerReferences ?? []).some((o) => o.uid === cronJob.metadata?.uid));
}

/**
 * Whether a scenario's run is over: its Job finished, or `wanted` of its CronJob's Jobs finished and
 * the CronJob lists none of its Jobs as active any more (its status caught up with them).
 */
export function runIsOver(target: KubeObject, jobs: readonly KubeObject[], wanted = 1): boolean {
  if (target.kind !== 'CronJob') return isFinished(target);
  const active = ((target.status ?? {}) as { active?: unknown[] }).active ?? [];
  return jobs.filter((j) => isFinished(j)).length >= wanted && active.length === 0;
}

/** The recorded real outcomes (recorded/real-<version>.json). */
export interface Recording {
  readonly kubernetesVersion: string;
  readonly recordedAt: string;
  readonly outcomes: Record<string, Outcome>;
}

/** Field-by-field differences between two outcomes, as `field: real … sim …` lines. */
export function differences(real: Outcome, sim: Outcome): string[] {
  const out: string[] = [];
  const r = real as unknown as Record<string, unknown>;
  const s = sim as unknown as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(r), ...Object.keys(s)])]) {
    const a = JSON.stringify(r[key]);
    const b = JSON.stringify(s[key]);
    if (a !== b) out.push(`${key}: real ${a} sim ${b}`);
  }
  return out;
}
