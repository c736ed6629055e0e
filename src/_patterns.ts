import { SuccessPolicy } from './success-policy';

/** Spec fields of the three Job patterns, shared by the Job constructs and `ScheduledJobTemplate`. */

export const ONE_SHOT_PATTERN = 'OneShotJob';
export const WORK_QUEUE_PATTERN = 'WorkQueueJob';
export const INDEXED_PATTERN = 'IndexedJob';

export interface WorkQueueFields {
  readonly parallelism: number;
  readonly completions?: number;
}

export interface IndexedFields {
  readonly completions: number;
  readonly parallelism?: number;
  readonly backoffLimitPerIndex?: number;
  readonly maxFailedIndexes?: number;
  readonly successPolicy?: SuccessPolicy;
}

export function oneShotSpec(): Record<string, unknown> {
  return { completions: 1, parallelism: 1 };
}

export function workQueueSpec(f: WorkQueueFields): Record<string, unknown> {
  return { parallelism: f.parallelism, completions: f.completions };
}

export function indexedSpec(f: IndexedFields): Record<string, unknown> {
  return {
    completionMode: 'Indexed',
    completions: f.completions,
    parallelism: f.parallelism,
    backoffLimitPerIndex: f.backoffLimitPerIndex,
    maxFailedIndexes: f.maxFailedIndexes,
    successPolicy: f.successPolicy?._toKube(),
  };
}
