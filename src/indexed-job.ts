import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INDEXED_PATTERN, indexedSpec } from './_patterns';
import { JobBase, JobBaseProps } from './job-base';
import { SuccessPolicy } from './success-policy';

/** The label the Job controller puts on every pod of a Job, with the Job's name. */
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/**
 * The pattern fields of an Indexed Job, shared by `IndexedJobProps` and
 * `ScheduledJobTemplate.indexed()`.
 */
export interface IndexedJobOptions {
  /**
   * The number of indexes (`spec.completions`): each pod gets an index from 0 to
   * `completions - 1` in `JOB_COMPLETION_INDEX`, and the Job succeeds when every index succeeded.
   */
  readonly completions: number;

  /**
   * How many indexes run at the same time (`spec.parallelism`, at most 100000). Values above
   * `completions` are ignored by the Job controller.
   *
   * @default - the API server applies 1 (with `headlessService`, `completions`)
   */
  readonly parallelism?: number;

  /**
   * Retries per index before that index is marked failed (`spec.backoffLimitPerIndex`;
   * Kubernetes 1.29+, alpha and off in 1.28). Requires `restartPolicy: NEVER`.
   *
   * @default - retries are counted for the whole Job with `backoffLimit`
   */
  readonly backoffLimitPerIndex?: number;

  /**
   * How many indexes may fail before the whole Job fails (`spec.maxFailedIndexes`, at most
   * `completions`). Requires `backoffLimitPerIndex`.
   *
   * @default - the Job keeps running other indexes however many fail, and fails at the end
   */
  readonly maxFailedIndexes?: number;

  /**
   * When the Job is declared succeeded before all indexes finished (`spec.successPolicy`;
   * Kubernetes 1.30+).
   *
   * @default - the Job succeeds when every index succeeded
   */
  readonly successPolicy?: SuccessPolicy;
}

/**
 * Props of `IndexedJob`.
 */
export interface IndexedJobProps extends JobBaseProps, IndexedJobOptions {
  /**
   * Create the Job suspended (`spec.suspend`): no pods start until it is set to false.
   *
   * @default - not suspended (`true` when `admissionGate` is set)
   */
  readonly suspend?: boolean;

  /**
   * Create a headless Service selecting the Job's pods and set the pod `subdomain` to its name,
   * so pods reach each other as `<job-name>-<index>.<service-name>` (the "pod-to-pod
   * communication" pattern). The Service is named after `dns.subdomain` when given.
   *
   * @default false
   */
  readonly headlessService?: boolean;
}

/**
 * A batch/v1 Job with `completionMode: Indexed` (the "static work assignment" Job pattern):
 * `completions` indexes, each run by a pod that reads its index from `JOB_COMPLETION_INDEX`,
 * with optional per-index retries, a success policy, and a headless Service for stable pod
 * hostnames `<job-name>-<index>`.
 *
 * The Job name plus `-<completions-1>` must be a DNS label (63 characters), since it becomes
 * the pods' hostname.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
 */
export class IndexedJob extends JobBase {
  /** The number of indexes. */
  public readonly completions: number;

  /** How many indexes run at the same time, when set. */
  public readonly parallelism?: number;

  /** Retries per index, when set. */
  public readonly backoffLimitPerIndex?: number;

  /** How many indexes may fail before the Job fails, when set. */
  public readonly maxFailedIndexes?: number;

  /** The success policy, when set. */
  public readonly successPolicy?: SuccessPolicy;

  /** Whether the Job is created suspended. */
  public readonly suspend?: boolean;

  /** The headless Service (`headlessService: true`), a child with id `Service`. */
  public readonly service?: ApiObject;

  private readonly subdomain?: string;

  constructor(scope: Construct, id: string, props: IndexedJobProps) {
    super(scope, id, props);
    this.completions = props.completions;
    this.parallelism = props.parallelism ?? (props.headlessService ? props.completions : undefined);
    this.backoffLimitPerIndex = props.backoffLimitPerIndex;
    this.maxFailedIndexes = props.maxFailedIndexes;
    this.successPolicy = props.successPolicy;
    this.suspend = this.admissionGate ? true : props.suspend;

    if (props.headlessService) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: props.dns?.subdomain ? { name: props.dns.subdomain } : {},
        spec: {
          clusterIP: 'None',
          // Pods must resolve each other before they report ready.
          publishNotReadyAddresses: true,
          selector: { [JOB_NAME_LABEL]: this.apiObject.name },
        },
      });
      this.subdomain = this.service.name;
    }
  }

  /** The name of the headless Service, which is also the pods' `subdomain`, when created. */
  public get serviceName(): string | undefined {
    return this.service?.name;
  }

  /** @internal */
  public _kind(): string {
    return 'Job';
  }

  /** @internal */
  public _pattern(): string {
    return INDEXED_PATTERN;
  }

  /** @internal */
  public _toKube(): any {
    const spec = this._toJobSpec(indexedSpec(this), this.suspend);
    if (this.subdomain !== undefined) {
      spec.template.spec = { ...spec.template.spec, subdomain: this.subdomain };
    }
    return spec;
  }
}
