import { Construct } from 'constructs';
import { WORK_QUEUE_PATTERN, workQueueSpec } from './_patterns';
import { JobBase, JobBaseProps } from './job-base';

/**
 * The pattern fields of a work-queue Job, shared by `WorkQueueJobProps` and
 * `ScheduledJobTemplate.workQueue()`.
 */
export interface WorkQueueJobOptions {
  /**
   * How many pods run at the same time (`spec.parallelism`). Required: without it the Job would
   * run a single pod and no longer be a work queue.
   */
  readonly parallelism: number;

  /**
   * The number of work items (`spec.completions`): the Job succeeds after this many pods
   * succeeded ("queue with pod per work item"). Leave unset for "queue with variable pod count":
   * the pods coordinate through the queue, and the Job succeeds once any pod succeeded and all
   * pods ended. It cannot be added to a running Job later.
   *
   * @default - unset: variable pod count
   */
  readonly completions?: number;
}

/**
 * Props of `WorkQueueJob`.
 */
export interface WorkQueueJobProps extends JobBaseProps, WorkQueueJobOptions {
  /**
   * Create the Job suspended (`spec.suspend`): no pods start until it is set to false.
   *
   * @default - not suspended (`true` when `admissionGate` is set)
   */
  readonly suspend?: boolean;
}

/**
 * A batch/v1 Job whose pods take work from a queue (the "work queue" Job patterns):
 * `parallelism` pods at a time, with `completions` unset (variable pod count) or set to the
 * number of work items (pod per work item, also the plain "N successes, P at a time" shape).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-patterns
 */
export class WorkQueueJob extends JobBase {
  /** How many pods run at the same time. */
  public readonly parallelism: number;

  /** The number of work items, or `undefined` for a variable pod count. */
  public readonly completions?: number;

  /** Whether the Job is created suspended. */
  public readonly suspend?: boolean;

  constructor(scope: Construct, id: string, props: WorkQueueJobProps) {
    super(scope, id, props);
    this.parallelism = props.parallelism;
    this.completions = props.completions;
    this.suspend = this.admissionGate ? true : props.suspend;
  }

  /** @internal */
  public _kind(): string {
    return 'Job';
  }

  /** @internal */
  public _pattern(): string {
    return WORK_QUEUE_PATTERN;
  }

  /** @internal */
  public _toKube(): any {
    return this._toJobSpec(workQueueSpec(this), this.suspend);
  }
}
