import { IConstruct } from 'constructs';
import { DEFAULT_KUBERNETES_VERSION, formatVersion, parseVersion } from './rules';

/** Construct-node context key holding the target Kubernetes minor version, e.g. `"1.31"`. */
const VERSION_CONTEXT_KEY = 'cdk8s-batch:kubernetesVersion';
/** Construct-node context key holding the strict flag (warnings fail synth). */
const STRICT_CONTEXT_KEY = 'cdk8s-batch:strict';

/**
 * Settings that apply to every cdk8s-batch construct under a scope (an `App` or a `Chart`).
 *
 * The settings are stored as construct-node context (`cdk8s-batch:kubernetesVersion` and
 * `cdk8s-batch:strict`), so they must be set on a scope before constructs are added to it,
 * and the nearest scope wins:
 *
 * ```ts
 * import { App, Chart } from 'cdk8s';
 * import { BatchSettings } from 'cdk8s-batch';
 *
 * const app = new App();
 * BatchSettings.setKubernetesVersion(app, '1.31');
 * BatchSettings.setStrict(app, true);
 * const chart = new Chart(app, 'batch');
 * ```
 *
 * The target version decides which fields and rules apply when the constructs validate their
 * manifests at synth: a field the target version lacks (for example `successPolicy` before 1.30) or
 * keeps behind an off-by-default feature gate (`successPolicy` in 1.30, `managedBy` before 1.32) is an
 * error, not a silent drop. Every Job and CronJob records it in the annotation
 * `batch.cdk8s.io/kubernetes-version`, which `cdk8s-batch check` and `sandbox` read when no
 * `--kubernetes-version` is given.
 */
export class BatchSettings {
  /**
   * Sets the Kubernetes minor version the manifests under `scope` are validated for.
   *
   * @param scope an App, Chart or any construct that has no children yet
   * @param version a supported minor version from 1.28 to 1.37, e.g. `"1.31"` or `"v1.31.4"`
   */
  public static setKubernetesVersion(scope: IConstruct, version: string): void {
    const parsed = parseVersion(version); // throws with the supported versions for bad input
    setContext(scope, 'setKubernetesVersion', VERSION_CONTEXT_KEY, formatVersion(parsed));
  }

  /**
   * Makes hygiene warnings fail synth for every cdk8s-batch construct under `scope`.
   *
   * @param scope an App, Chart or any construct that has no children yet
   * @param strict `true` to turn warnings into errors
   */
  public static setStrict(scope: IConstruct, strict: boolean): void {
    setContext(scope, 'setStrict', STRICT_CONTEXT_KEY, strict);
  }

  /**
   * The Kubernetes minor version the constructs under `scope` are validated for.
   *
   * @returns the nearest `setKubernetesVersion` value, or `"1.28"` (the version cdk8s-plus-28 targets)
   */
  public static kubernetesVersionOf(scope: IConstruct): string {
    const value = scope.node.tryGetContext(VERSION_CONTEXT_KEY);
    return typeof value === 'string' ? value : DEFAULT_KUBERNETES_VERSION;
  }

  /**
   * Whether hygiene warnings fail synth for the constructs under `scope`.
   *
   * @returns the nearest `setStrict` value, or `false`
   */
  public static isStrict(scope: IConstruct): boolean {
    const value = scope.node.tryGetContext(STRICT_CONTEXT_KEY);
    return value === true || value === 'true';
  }

  private constructor() {}
}

function setContext(scope: IConstruct, setter: string, key: string, value: unknown): void {
  if (scope.node.children.length > 0) {
    throw new Error(
      `BatchSettings.${setter}: "${scope.node.path || '<app>'}" must have no children yet ` +
        `(got ${scope.node.children.length}); call BatchSettings.${setter} right after creating the App or Chart`,
    );
  }
  scope.node.setContext(key, value);
}
