/** Annotation and label keys shared by the constructs, the rules and the reconciler. */

/** Every Job and CronJob the constructs synthesize carries the construct's class name here. */
export const PATTERN_ANNOTATION = 'batch.cdk8s.io/pattern';

/**
 * Every Job and CronJob the constructs synthesize records here the Kubernetes minor version it was
 * validated for (`BatchSettings.setKubernetesVersion`, e.g. `"1.31"`). `cdk8s-batch check` and
 * `sandbox` use it when no `--kubernetes-version` is given; the reconciler reports a live object
 * whose recorded version differs from the cluster's.
 */
export const KUBERNETES_VERSION_ANNOTATION = 'batch.cdk8s.io/kubernetes-version';

/** The pattern names written to `PATTERN_ANNOTATION`. */
export const PATTERNS = ['OneShotJob', 'WorkQueueJob', 'IndexedJob', 'ScheduledJob'] as const;

/**
 * Admission gate: a Job created with `spec.suspend: true` and this annotation set to
 * `GATE_PENDING` waits for the reconciler, which validates it against the live cluster and
 * either releases it (`suspend: false`, annotation `GATE_RELEASED`) or leaves it suspended
 * with an Event saying why.
 */
export const GATE_ANNOTATION = 'batch.cdk8s.io/admission-gate';
export const GATE_PENDING = 'pending';
export const GATE_RELEASED = 'released';

/** Set by the reconciler on objects it changed in enforce mode: a JSON list of what it fixed. */
export const ENFORCED_ANNOTATION = 'batch.cdk8s.io/enforced';

/** Kueue's queue label: Jobs carrying it are managed by Kueue and left alone. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

/**
 * Sandbox behaviour of simulated pods, read from the pod template's annotations by the
 * emulator's simulated job controller (ignored by real clusters).
 * - `duration`: how long each pod runs, e.g. `30s`, `2m` (default `20s`)
 * - `failure-rate`: probability in [0, 1] that a pod fails (default `0`)
 * - `exit-code`: exit code of a failing pod's first container (default `1`)
 * - `fail-indexes`: Indexed Jobs only, completion indexes whose pods always fail, e.g. `3,5`
 * - `fail-after`: how long a run that fails takes, e.g. `1s` (default: `duration`), so that
 *   failures can come before or after the successes of the same Job
 */
export const SANDBOX_DURATION_ANNOTATION = 'sandbox.batch.cdk8s.io/duration';
export const SANDBOX_FAILURE_RATE_ANNOTATION = 'sandbox.batch.cdk8s.io/failure-rate';
export const SANDBOX_EXIT_CODE_ANNOTATION = 'sandbox.batch.cdk8s.io/exit-code';
export const SANDBOX_FAIL_INDEXES_ANNOTATION = 'sandbox.batch.cdk8s.io/fail-indexes';
export const SANDBOX_FAIL_AFTER_ANNOTATION = 'sandbox.batch.cdk8s.io/fail-after';
