/**
 * The reconciler's cluster-context findings: problems only a live cluster shows (time, pods,
 * nodes, quotas). The reconciler detects them; this table gives them stable codes, severities and
 * fixes next to the rules, so that `docs/rules.md` lists every code the project emits and a code
 * never names both a rule and a finding. Pure data.
 */
import { KUBERNETES_VERSION_ANNOTATION } from './annotations';
import { Severity } from './types';

/** One row of the findings table. */
export interface ClusterFinding {
  /** Stable UpperCamelCase code; also the Event reason. */
  readonly code: string;
  readonly severity: Severity;
  /** The object kind the finding is about (`Object`: Jobs and CronJobs). */
  readonly kind: 'Job' | 'CronJob' | 'Pod' | 'Object';
  /** The field the finding is usually reported on. */
  readonly path: string;
  /** One sentence for the docs: what the finding means. */
  readonly summary: string;
  /** The default fix clause. */
  readonly fix: string;
}

export const JOB_STUCK = 'JobStuck';
export const CRONJOB_NOT_SCHEDULING = 'CronJobNotScheduling';
export const ORPHANED_POD = 'OrphanedPod';
export const FINISHED_JOB_EXPIRED = 'FinishedJobExpired';
export const ADMISSION_GATE_HELD = 'AdmissionGateHeld';
export const RULES_ENGINE_FAILED = 'RulesEngineFailed';
export const KUBERNETES_VERSION_MISMATCH = 'KubernetesVersionMismatch';

/**
 * Event reasons of what the reconciler did (Normal Events), besides the rule and finding codes it
 * reports: in the same row shape, so `docs/rules.md` lists them too.
 */
export const ADMISSION_GATE_RELEASED = 'AdmissionGateReleased';

/** A Normal Event reason of the reconciler: the finding row shape, with severity `info`. */
export type ReconcilerAction = Omit<ClusterFinding, 'severity'> & { readonly severity: 'info' };

/** The reconciler's own Normal Event reasons. */
export const RECONCILER_ACTIONS: readonly ReconcilerAction[] = [
  {
    code: ADMISSION_GATE_RELEASED,
    path: 'spec.suspend',
    severity: 'info',
    kind: 'Job',
    summary:
      'The reconciler released a Job held behind the admission gate: it passed the rules on the live cluster version and fits the namespace quota, ' +
      'so spec.suspend was set to false (a Normal Event)',
    fix: 'nothing to fix: the Job starts',
  },
];

/** Every cluster-context finding, in the order `decide` evaluates them. */
export const CLUSTER_FINDINGS: readonly ClusterFinding[] = [
  {
    code: JOB_STUCK,
    path: 'status.active',
    severity: 'error',
    kind: 'Job',
    summary:
      'A Job that is not finished and counts active pods, while those pods are gone or all sit on lost nodes (Ready not True for the node-lost threshold), for longer than the stuck threshold',
    fix: 'delete the stuck Job and run it again, or enable stuck-Job reruns in enforce mode',
  },
  {
    code: CRONJOB_NOT_SCHEDULING,
    path: 'status.lastScheduleTime',
    severity: 'error',
    kind: 'CronJob',
    summary:
      'A CronJob that is not suspended has not started its most recent expected run within startingDeadlineSeconds (or the default grace), or has missed more than 100 start times (the controller reports TooManyMissedTimes)',
    fix: 'check the kube-controller-manager and the clock, set or decrease spec.startingDeadlineSeconds, or enable catch-up runs in enforce mode',
  },
  {
    code: ORPHANED_POD,
    path: 'metadata.ownerReferences',
    severity: 'warning',
    kind: 'Pod',
    summary: 'A pod created by a Job that no longer exists (the Job was deleted without cascading to its pods)',
    fix: 'delete the pod, delete Jobs with propagationPolicy Background or Foreground, or enable orphan cleanup',
  },
  {
    code: FINISHED_JOB_EXPIRED,
    path: 'spec.ttlSecondsAfterFinished',
    severity: 'warning',
    kind: 'Job',
    summary: 'A finished Job without ttlSecondsAfterFinished that is older than the finished-Job retention',
    fix: 'set spec.ttlSecondsAfterFinished so the TTL controller deletes finished Jobs, or delete the Job',
  },
  {
    code: ADMISSION_GATE_HELD,
    path: 'spec.suspend',
    severity: 'warning',
    kind: 'Job',
    summary:
      'A Job created suspended behind the admission gate stays suspended: it has error violations on the live cluster version, or the namespace quota leaves no room for it',
    fix: 'fix the listed violations or free quota; the Job is released as soon as it passes',
  },
  {
    code: KUBERNETES_VERSION_MISMATCH,
    path: `metadata.annotations[${KUBERNETES_VERSION_ANNOTATION}]`,
    severity: 'warning',
    kind: 'Object',
    summary:
      'A Job or CronJob records (in the annotation the constructs write) that it was validated for another Kubernetes minor version than the one the cluster runs; ' +
      'the reconciler audits it for the cluster\'s version, where fields and rules may differ',
    fix: 'set BatchSettings.setKubernetesVersion to the cluster\'s version, synthesize and check again, then redeploy',
  },
  {
    code: RULES_ENGINE_FAILED,
    path: 'metadata',
    severity: 'error',
    kind: 'Job',
    summary: 'The rules engine failed on the object, so it could not be audited',
    fix: 'report the object and the message to the cdk8s-batch maintainers',
  },
];
