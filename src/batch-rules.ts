import * as rules from './rules';

/**
 * Options of `BatchRules.validate`.
 */
export interface ValidateOptions {
  /**
   * The Kubernetes minor version the manifest is meant for, e.g. `"1.31"` (`"v1.31.4"` also works).
   * Fields the version lacks, or keeps behind an off-by-default feature gate, are errors.
   *
   * @default "1.28" - the version cdk8s-plus-28 targets
   */
  readonly kubernetesVersion?: string;
}

/**
 * One problem found in a batch/v1 Job or CronJob manifest.
 */
export interface Violation {
  /**
   * Stable UpperCamelCase code, e.g. `BackoffLimitPerIndexRequiresIndexed`; also the Kubernetes
   * Event reason the reconciler emits.
   */
  readonly code: string;

  /**
   * `"error"` when the Kubernetes API server would reject the manifest (or it cannot behave as
   * written), `"warning"` for hygiene problems and common misconceptions.
   */
  readonly severity: string;

  /**
   * Dotted field path as the API server names it, e.g. `spec.template.spec.restartPolicy`.
   */
  readonly path: string;

  /**
   * `<field.path> <what is wrong> (got <value>)`.
   */
  readonly message: string;

  /**
   * One clause saying how to fix it.
   */
  readonly fix: string;
}

/**
 * Validates batch/v1 Job and CronJob manifests (plain JSON, such as a chart's synthesized
 * output or an object read from a cluster) against what the Kubernetes API server accepts,
 * plus hygiene warnings.
 *
 * The same rules run when cdk8s-batch constructs synthesize and in the `cdk8s-batch check` CLI.
 *
 * @example
 * import { Testing } from 'cdk8s';
 * import { BatchRules, OneShotJob } from 'cdk8s-batch';
 *
 * const chart = Testing.chart();
 * new OneShotJob(chart, 'migrate', { containers: [{ image: 'registry.example.com/shop/migrate:1.4.0' }] });
 * for (const manifest of Testing.synth(chart)) {
 *   for (const v of BatchRules.validate(manifest, { kubernetesVersion: '1.31' })) {
 *     console.log(BatchRules.formatViolation({ code: v.code, severity: v.severity, path: v.path, message: v.message, fix: v.fix }));
 *   }
 * }
 */
export class BatchRules {
  /**
   * The Kubernetes minor versions the rules are written for, oldest first.
   */
  public static readonly SUPPORTED_KUBERNETES_VERSIONS: string[] = [...rules.SUPPORTED_VERSIONS];

  /**
   * The version used when `ValidateOptions.kubernetesVersion` is not given.
   */
  public static readonly DEFAULT_KUBERNETES_VERSION: string = rules.DEFAULT_KUBERNETES_VERSION;

  /**
   * Returns every violation of `manifest`, in rule order. Objects that are not a batch/v1 Job or
   * CronJob get an empty list. Never throws for a bad manifest.
   *
   * @param manifest a batch/v1 Job or CronJob as plain JSON
   * @param options the target Kubernetes version
   * @throws when `options.kubernetesVersion` is not a supported minor version
   */
  public static validate(manifest: any, options: ValidateOptions = {}): Violation[] {
    return rules.validate(manifest, { kubernetesVersion: options.kubernetesVersion }).map((v) => ({
      code: v.code,
      severity: v.severity,
      path: v.path,
      message: v.message,
      fix: v.fix,
    }));
  }

  /**
   * Renders a violation the way synth errors, `cdk8s-batch check` and Events show it:
   * `<Code>: <field.path> <what is wrong> (got <value>); <fix>`.
   */
  public static formatViolation(violation: Violation): string {
    return rules.formatViolation({ ...violation, severity: violation.severity === 'warning' ? 'warning' : 'error' });
  }

  private constructor() {}
}
