/** Defaults of the reconciler configuration, shared by `main.ts` (flags override them) and tests. */
import { DEFAULT_KUBERNETES_VERSION } from 'cdk8s-batch/rules';
import type { ReconcilerConfig } from './types.ts';

const MINUTE = 60_000;

/** How late a CronJob run may be when the CronJob sets no startingDeadlineSeconds. */
export const DEFAULT_CRONJOB_GRACE_MS = 5 * MINUTE;

/** The configuration `decide` runs with when nothing is overridden: audit only, no writes but Events. */
export const DEFAULT_CONFIG: ReconcilerConfig = {
  mode: 'audit',
  // `reconcile` reads the cluster's version from /version and the sandbox chooses one; this is the
  // project's one default, as in the constructs and `check`
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  enforceNamespaces: [],
  defaultTtlSecondsAfterFinished: 7 * 24 * 3600,
  defaultActiveDeadlineSeconds: 24 * 3600,
  cleanupOrphanPods: false,
  finishedJobRetentionMs: 0,
  stuckAfterMs: 10 * MINUTE,
  rerunStuckJobs: false,
  catchUpMissedCronJobs: false,
  admissionGate: false,
  nodeLostAfterMs: 5 * MINUTE,
  dryRun: false,
  cronJobGraceMs: DEFAULT_CRONJOB_GRACE_MS,
};

/** `DEFAULT_CONFIG` with `overrides` applied (`undefined` values keep the default). */
export function defaultConfig(overrides: Partial<ReconcilerConfig> = {}): ReconcilerConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_CONFIG, ...defined };
}
