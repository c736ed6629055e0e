/** Annotation and label keys shared by the constructs, the rules and the reconciler. */

/** Every Job and CronJob the constructs synthesize carries the construct's class name here. */
export const PATTERN_ANNOTATION = 'batch.cdk8s.io/pattern';

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
