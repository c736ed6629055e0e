import { Construct } from 'constructs';
import { ONE_SHOT_PATTERN, oneShotSpec } from './_patterns';
import { JobBase, JobBaseProps } from './job-base';

/**
 * Props of `OneShotJob`.
 */
export interface OneShotJobProps extends JobBaseProps {
  /**
   * Create the Job suspended (`spec.suspend`): no pods start until it is set to false.
   *
   * @default - not suspended (`true` when `admissionGate` is set)
   */
  readonly suspend?: boolean;
}

/**
 * A batch/v1 Job that runs one pod to completion (the "non-parallel" Job pattern):
 * `completions: 1`, `parallelism: 1`. For migrations, backups and other run-once work.
 *
 * Failed pods are retried up to `backoffLimit` times.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#parallel-jobs
 */
export class OneShotJob extends JobBase {
  /** Always 1. */
  public readonly completions: number = 1;

  /** Always 1. */
  public readonly parallelism: number = 1;

  /** Whether the Job is created suspended. */
  public readonly suspend?: boolean;

  constructor(scope: Construct, id: string, props: OneShotJobProps = {}) {
    super(scope, id, props);
    this.suspend = this.admissionGate ? true : props.suspend;
  }

  /** @internal */
  public _kind(): string {
    return 'Job';
  }

  /** @internal */
  public _pattern(): string {
    return ONE_SHOT_PATTERN;
  }

  /** @internal */
  public _toKube(): any {
    return this._toJobSpec(oneShotSpec(), this.suspend);
  }
}
