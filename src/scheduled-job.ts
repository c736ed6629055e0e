import { ApiObjectMetadata, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConstructProblem, seconds, wholeSecondsProblem } from './_validation';
import { JobBase, JobBaseProps } from './job-base';
import { GATE_ANNOTATION, GATE_PENDING, PATTERN_ANNOTATION } from './rules';
import { ScheduledJobTemplate } from './scheduled-job-template';

/**
 * Props of `ScheduledJob`: the CronJob fields, the job template's pattern, and the pod and Job
 * props every run shares. Holds every prop of cdk8s-plus-28's `CronJobProps`.
 */
export interface ScheduledJobProps extends JobBaseProps {
  /**
   * When to run (`spec.schedule`): a cdk8s `Cron` (`Cron.daily()`, `Cron.schedule({...})`) or a
   * `Schedule.expression('@hourly')` for text and macros.
   */
  readonly schedule: Cron;

  /**
   * IANA time zone the schedule is read in (`spec.timeZone`), e.g. `Europe/Berlin`.
   *
   * @default - the time zone of the kube-controller-manager
   */
  readonly timeZone?: string;

  /**
   * What happens when a run is due while the previous one is still running.
   *
   * @default ConcurrencyPolicy.FORBID (the cdk8s-plus-28 default; Kubernetes defaults to Allow)
   */
  readonly concurrencyPolicy?: kplus.ConcurrencyPolicy;

  /**
   * How late a run may start after its scheduled time before it counts as missed
   * (`spec.startingDeadlineSeconds`; whole seconds).
   *
   * @default Duration.seconds(10) (the cdk8s-plus-28 default)
   */
  readonly startingDeadline?: Duration;

  /**
   * How many successful Jobs are kept (`spec.successfulJobsHistoryLimit`).
   *
   * @default 3
   */
  readonly successfulJobsRetained?: number;

  /**
   * How many failed Jobs are kept (`spec.failedJobsHistoryLimit`).
   *
   * @default 1
   */
  readonly failedJobsRetained?: number;

  /**
   * Suspend the CronJob (`spec.suspend`): no new runs are started. Runs already started continue.
   *
   * @default false
   */
  readonly suspend?: boolean;

  /**
   * The Job pattern each run creates, with its own fields.
   *
   * @default ScheduledJobTemplate.oneShot()
   */
  readonly jobTemplate?: ScheduledJobTemplate;

  /**
   * Labels and annotations of the Jobs each run creates (`spec.jobTemplate.metadata`).
   *
   * @default - only the `batch.cdk8s.io/pattern` annotation naming the template's pattern
   */
  readonly jobMetadata?: ApiObjectMetadata;
}

/**
 * A batch/v1 CronJob that runs one of the Job patterns on a schedule, with a validated
 * schedule, time zone, concurrency policy, starting deadline and history limits.
 *
 * The job template is chosen with `ScheduledJobTemplate` (an enum-like class, since jsii has no
 * unions). The CronJob name must be at most 52 characters (the controller appends 11).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class ScheduledJob extends JobBase {
  /** The schedule. */
  public readonly schedule: Cron;

  /** The time zone, when set. */
  public readonly timeZone?: string;

  /** The concurrency policy. */
  public readonly concurrencyPolicy: kplus.ConcurrencyPolicy;

  /** The starting deadline. */
  public readonly startingDeadline: Duration;

  /** How many successful Jobs are kept. */
  public readonly successfulJobsRetained: number;

  /** How many failed Jobs are kept. */
  public readonly failedJobsRetained: number;

  /** Whether the CronJob is suspended. */
  public readonly suspend: boolean;

  /** The Job pattern each run creates. */
  public readonly jobTemplate: ScheduledJobTemplate;

  private readonly jobMetadata?: ApiObjectMetadata;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id, props);
    this.schedule = props.schedule;
    this.timeZone = props.timeZone;
    this.concurrencyPolicy = props.concurrencyPolicy ?? kplus.ConcurrencyPolicy.FORBID;
    this.startingDeadline = props.startingDeadline ?? Duration.seconds(10);
    this.successfulJobsRetained = props.successfulJobsRetained ?? 3;
    this.failedJobsRetained = props.failedJobsRetained ?? 1;
    this.suspend = props.suspend ?? false;
    this.jobTemplate = props.jobTemplate ?? ScheduledJobTemplate.oneShot();
    this.jobMetadata = props.jobMetadata;
  }

  /** @internal */
  public _kind(): string {
    return 'CronJob';
  }

  /** @internal */
  public _pattern(): string {
    return 'ScheduledJob';
  }

  /** @internal */
  public _toKube(): any {
    const annotations: Record<string, string> = {
      ...this.jobMetadata?.annotations,
      [PATTERN_ANNOTATION]: this.jobTemplate.pattern,
    };
    if (this.admissionGate) annotations[GATE_ANNOTATION] = GATE_PENDING;
    return {
      schedule: this.schedule?.expressionString,
      timeZone: this.timeZone,
      concurrencyPolicy: this.concurrencyPolicy,
      startingDeadlineSeconds: seconds(this.startingDeadline),
      successfulJobsHistoryLimit: this.successfulJobsRetained,
      failedJobsHistoryLimit: this.failedJobsRetained,
      suspend: this.suspend,
      jobTemplate: {
        metadata: { ...this.jobMetadata, annotations },
        spec: this._toJobSpec(this.jobTemplate._toKube(), undefined),
      },
    };
  }

  /** @internal */
  public _constructProblems(): ConstructProblem[] {
    const problems = super._constructProblems();
    if (!Number.isInteger(this.startingDeadline.toSeconds({ integral: false }))) {
      problems.push(wholeSecondsProblem('startingDeadline', this.startingDeadline));
    }
    return problems;
  }
}
