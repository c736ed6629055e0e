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

/** The recorded real outcomes (recorded/real-<version>.json). */
export interface Recording {
  readonly kubernetesVersion: string;
  readonly recordedAt: string;
  readonly outcomes: Record<string, JobOutcome>;
}

/** Field-by-field differences between two outcomes, as `field: real … sim …` lines. */
export function differences(real: JobOutcome, sim: JobOutcome): string[] {
  const out: string[] = [];
  for (const key of Object.keys(real) as Array<keyof JobOutcome>) {
    const a = JSON.stringify(real[key]);
    const b = JSON.stringify(sim[key]);
    if (a !== b) out.push(`${key}: real ${a} sim ${b}`);
  }
  return out;
}
