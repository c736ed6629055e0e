/**
 * Annotation, label and value keys the reconciler reads from live objects or writes on the Jobs
 * it creates. Keys shared with the constructs live in `cdk8s-batch/rules` (`annotations.ts`).
 */

/** Written on a rerun of a stuck Job: the name of the Job it reruns. */
export const RERUN_OF_ANNOTATION = 'batch.cdk8s.io/rerun-of';

/** Written on a catch-up run of a CronJob: the missed schedule time it stands in for (RFC 3339). */
export const CATCH_UP_FOR_ANNOTATION = 'batch.cdk8s.io/catch-up-for';

/** What `kubectl create job --from=cronjob/…` writes on a manually instantiated Job. */
export const INSTANTIATE_ANNOTATION = 'cronjob.kubernetes.io/instantiate';

/** The CronJob controller's annotation on each Job it creates: the scheduled time (RFC 3339). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `spec.managedBy` of Jobs the built-in job controller runs (the default when unset). */
export const JOB_CONTROLLER_MANAGER = 'kubernetes.io/job-controller';

/** Labels the API server generates on a Job's pod template and selector; pods carry them too. */
export const CONTROLLER_UID_LABELS: readonly string[] = ['batch.kubernetes.io/controller-uid', 'controller-uid'];
export const JOB_NAME_LABELS: readonly string[] = ['batch.kubernetes.io/job-name', 'job-name'];

/** Annotations that describe one object and must not be copied to a new one. */
export const NON_COPIED_ANNOTATIONS: readonly string[] = ['kubectl.kubernetes.io/last-applied-configuration'];
