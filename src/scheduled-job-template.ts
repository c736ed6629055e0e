import { INDEXED_PATTERN, indexedSpec, ONE_SHOT_PATTERN, oneShotSpec, WORK_QUEUE_PATTERN, workQueueSpec } from './_patterns';
import { IndexedJobOptions } from './indexed-job';
import { WorkQueueJobOptions } from './work-queue-job';

/**
 * Which Job pattern a `ScheduledJob` creates on every run, with that pattern's own fields.
 *
 * An enum-like class rather than a union (jsii has none): `ScheduledJobTemplate.oneShot()`,
 * `.workQueue({ parallelism })` or `.indexed({ completions })`. The pod template and the
 * shared Job fields (`backoffLimit`, `podFailurePolicy`, …) come from `ScheduledJobProps`.
 */
export class ScheduledJobTemplate {
  /**
   * Each run is a `OneShotJob`: one pod to completion.
   */
  public static oneShot(): ScheduledJobTemplate {
    return new ScheduledJobTemplate(ONE_SHOT_PATTERN, oneShotSpec());
  }

  /**
   * Each run is a `WorkQueueJob`: `parallelism` pods working off a queue.
   */
  public static workQueue(options: WorkQueueJobOptions): ScheduledJobTemplate {
    return new ScheduledJobTemplate(WORK_QUEUE_PATTERN, workQueueSpec(options));
  }

  /**
   * Each run is an `IndexedJob`: `completions` indexes. (The headless Service option of
   * `IndexedJob` is not available for scheduled runs, whose Job names change every run.)
   */
  public static indexed(options: IndexedJobOptions): ScheduledJobTemplate {
    return new ScheduledJobTemplate(INDEXED_PATTERN, indexedSpec(options));
  }

  /**
   * The pattern name written to the job template's `batch.cdk8s.io/pattern` annotation,
   * e.g. `OneShotJob`.
   */
  public readonly pattern: string;

  private constructor(pattern: string, private readonly fields: Record<string, unknown>) {
    this.pattern = pattern;
  }

  /**
   * The pattern's Job spec fields as batch/v1 JSON.
   *
   * @internal
   */
  public _toKube(): Record<string, unknown> {
    return { ...this.fields };
  }
}
