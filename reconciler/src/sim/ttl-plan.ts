/**
 * The simulated TTL-after-finished controller's decision for one Job: a finished Job with
 * `spec.ttlSecondsAfterFinished` is deleted that many seconds after it finished (the time of
 * its Complete/Failed condition).
 */
import type { StoredObject } from '../emulator/types.ts';
import { findCondition, parseTime } from './meta.ts';

export interface TtlPlan {
  /** The Job's TTL has expired: delete it now. */
  readonly expired: boolean;
  /** When the TTL expires, if it has not yet. */
  readonly wakeAt?: number;
}

/** When the Job finished (Complete=True or Failed=True), if it did. */
export function jobFinishedAt(job: StoredObject): number | undefined {
  for (const type of ['Complete', 'Failed']) {
    const cond = findCondition(job, type);
    if (cond?.status === 'True') return parseTime(cond.lastTransitionTime) ?? parseTime(job.status?.completionTime);
  }
  return undefined;
}

/** Decides whether a Job's TTL after finishing has expired. */
export function planTtl(job: StoredObject, now: number): TtlPlan {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number' || job.metadata.deletionTimestamp) return { expired: false };
  const finishedAt = jobFinishedAt(job);
  if (finishedAt === undefined) return { expired: false };
  const expiresAt = finishedAt + ttl * 1000;
  return now >= expiresAt ? { expired: true } : { expired: false, wakeAt: expiresAt };
}
