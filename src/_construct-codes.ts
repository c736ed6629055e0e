/**
 * The codes the constructs report themselves, at synth, for what only a construct sees (props
 * that leave no trace in the rendered manifest). `docs/rules.md` is generated from this table
 * next to the rules table; `test/rules/docs.test.ts` fails when the constructs use a code that is
 * not listed here. Pure data; not exported from `index.ts`.
 */

/** One code a construct reports. */
export interface ConstructCode {
  readonly code: string;
  /** `error` fails synth; `info` explains and never fails synth, not even when strict. */
  readonly severity: 'error' | 'info';
  /** The construct (or constructs) that report it. */
  readonly construct: string;
  /** The prop the finding names. */
  readonly path: string;
  readonly summary: string;
  readonly fix: string;
}

const JOBS = 'OneShotJob, WorkQueueJob, IndexedJob, ScheduledJob';

/** Every code the constructs report, grouped by construct. */
export const CONSTRUCT_CODES: readonly ConstructCode[] = [
  {
    code: 'DurationNotWholeSeconds',
    severity: 'error',
    construct: JOBS,
    path: 'activeDeadline, ttlAfterFinished, startingDeadline',
    summary: 'A Duration prop that becomes a `...Seconds` field is a whole number of seconds (the field is an integer).',
    fix: 'use Duration.seconds() with a whole number, or minutes/hours',
  },
  {
    code: 'InvalidPodTemplate',
    severity: 'error',
    construct: JOBS,
    path: 'containers, volumes, initContainers, hostAliases, spec.template.spec',
    summary:
      'cdk8s-plus-28 refuses a pod part (a duplicate volume name, two volumes with one name mounted, too many DNS nameservers, …). ' +
      'Reported once, with its message; the rules do not also report findings about the incomplete pod template.',
    fix: 'fix the container, volume or DNS props named in the message',
  },
  {
    code: 'AdmissionGateRequiresSuspend',
    severity: 'error',
    construct: 'OneShotJob, WorkQueueJob, IndexedJob',
    path: 'suspend',
    summary: 'admissionGate creates the Job suspended for the reconciler to release, so suspend: false contradicts it.',
    fix: 'remove suspend and let the reconciler release the Job',
  },
  {
    code: 'AdmissionGateNeedsReconciler',
    severity: 'info',
    construct: JOBS,
    path: 'admissionGate',
    summary:
      'A Job behind the admission gate is created suspended and starts only when the cdk8s-batch reconciler, running in the cluster, releases it. ' +
      'Shown at synth when the app deploys no BatchReconciler; severity info, so it never fails synth, not even with BatchSettings.setStrict.',
    fix: 'deploy the reconciler to the cluster once (add a BatchReconciler to an app, or run cdk8s-batch reconcile), or remove admissionGate',
  },
  {
    code: 'ExpansionItemsRequired',
    severity: 'error',
    construct: 'JobTemplateExpansion',
    path: 'items',
    summary: 'A job template expansion lists at least one work item (one Job is created per item).',
    fix: 'pass the work items, one Job is created per item',
  },
  {
    code: 'ExpansionItemInvalid',
    severity: 'error',
    construct: 'JobTemplateExpansion',
    path: 'items[*]',
    summary: 'Every work item is a non-empty string that appears once.',
    fix: 'remove the duplicate or empty item',
  },
  {
    code: 'ReconcilerReplicasInvalid',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'replicas',
    summary: 'The reconciler runs at least one replica.',
    fix: 'set replicas to 1, or more with leaderElection: true',
  },
  {
    code: 'ReconcilerReplicasRequireLeaderElection',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'replicas',
    summary: 'More than one replica needs leader election, or every replica would act on the same Jobs.',
    fix: 'set leaderElection: true, or replicas: 1',
  },
  {
    code: 'ReconcilerMetricsPortInvalid',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'metricsPort',
    summary: 'The metrics port is a port number between 1 and 65535.',
    fix: 'set metricsPort to a free port such as 9090',
  },
  {
    code: 'ReconcilerEnforceNamespacesNeedEnforceMode',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'enforceNamespaces',
    summary: 'enforceNamespaces restricts enforce-mode writes, so it needs mode ENFORCE.',
    fix: 'set mode: ReconcilerMode.ENFORCE, or remove enforceNamespaces',
  },
  {
    code: 'ReconcilerEnforceNamespaceNotWatched',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'enforceNamespaces',
    summary: 'With namespaces given, every enforce namespace must be one of them: the reconciler never sees the Jobs of a namespace it does not watch.',
    fix: 'add it to namespaces, or remove it from enforceNamespaces',
  },
  {
    code: 'ReconcilerBehaviourNeedsEnforceMode',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'cleanupOrphanPods, finishedJobRetention, rerunStuckJobs, catchUpMissedCronJobs',
    summary: 'Options that make the reconciler write (delete, rerun, catch up) need mode ENFORCE.',
    fix: 'set mode: ReconcilerMode.ENFORCE, or remove the option',
  },
  {
    code: 'ReconcilerNamespaceInvalid',
    severity: 'error',
    construct: 'BatchReconciler',
    path: 'namespace, namespaces[*], enforceNamespaces[*]',
    summary: 'Namespaces are namespace names (DNS labels: lowercase letters, digits and -, at most 63 characters).',
    fix: 'use the name of an existing namespace',
  },
];
