/**
 * Cleanup: pods orphaned by deleting their Job without cascading, and finished Jobs kept beyond
 * the retention policy. Deletes carry uid and resourceVersion preconditions, so a recreated or
 * changed object is never deleted by mistake.
 *
 * An orphaned pod carries the Job's generated controller-uid label, has no controlling owner (the
 * garbage collector strips the Job's ownerReference when it orphans the pods), and no Job with
 * that uid exists (`observed.ownedJobs` holds it when it does).
 */
import { CONTROLLER_UID_LABELS, JOB_NAME_LABELS } from './annotations.ts';
import { FINISHED_JOB_EXPIRED, ORPHANED_POD, clusterFinding } from './findings.ts';
import { controllerOf, dig, finishTimeOf, isFinishedJob, isOwnedByCronJob, labelsOf, refOf, stringOf } from './kube.ts';
import type { Outcome } from './outcome.ts';
import { handsOffReason } from './scope.ts';
import type { Action, KubeObject, Observed, ObjectRef, ReconcilerConfig } from './types.ts';

/** The Event `action` of cleanup Events. */
export const CLEANUP_ACTION = 'Cleanup';

function deleteOf(target: ObjectRef, object: KubeObject, reason: string): Action[] {
  if (target.uid === undefined) return [];
  const resourceVersion = stringOf(dig(object, 'metadata', 'resourceVersion'));
  // The Event goes first: after the delete no decision is made about the object any more.
  return [
    {
      type: 'event',
      regarding: target,
      eventType: 'Normal',
      reason,
      action: CLEANUP_ACTION,
      note: `${reason}: deleting ${target.kind} ${target.namespace}/${target.name}`,
    },
    {
      type: 'delete',
      target: { ...target, uid: target.uid },
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      propagationPolicy: 'Background',
      reason,
    },
  ];
}

/** The uid of the Job that created the pod, from its generated labels. */
export function jobUidOfPod(pod: KubeObject): string | undefined {
  const labels = labelsOf(pod);
  return CONTROLLER_UID_LABELS.map((k) => labels[k]).find((v) => v !== undefined);
}

/** The orphan check on a Pod: an `OrphanedPod` finding, and a delete when `mayDelete`. */
export function checkOrphanPod(observed: Observed, mayDelete: boolean): Outcome {
  const pod = observed.object;
  if (!pod || observed.ref.kind !== 'Pod') return {};
  const jobUid = jobUidOfPod(pod);
  if (jobUid === undefined || controllerOf(pod) !== undefined) return {};
  if (observed.ownedJobs.some((job) => dig(job, 'metadata', 'uid') === jobUid)) return {};
  const labels = labelsOf(pod);
  const jobName = JOB_NAME_LABELS.map((k) => labels[k]).find((v) => v !== undefined) ?? 'unknown';
  const finding = clusterFinding(ORPHANED_POD, {
    path: 'metadata.ownerReferences',
    problem: `has no controller, but the pod was created by Job ${jobName} (uid ${jobUid}), which no longer exists`,
    got: 'none',
  });
  return { findings: [finding], actions: mayDelete ? deleteOf(refOf(pod, observed.ref), pod, ORPHANED_POD) : [] };
}

/**
 * The retention check on a Job: a finished Job without `ttlSecondsAfterFinished`, older than
 * `finishedJobRetentionMs` (> 0), not controlled by a CronJob (its history limits apply) and not
 * hands off → a `FinishedJobExpired` finding, and a delete when `mayDelete`.
 */
function retentionApplies(job: KubeObject): boolean {
  const ttl = dig(job, 'spec', 'ttlSecondsAfterFinished');
  if (ttl !== undefined && ttl !== null) return false;
  return isFinishedJob(job) && !isOwnedByCronJob(job) && handsOffReason(job) === undefined;
}

export function checkRetention(observed: Observed, now: number, config: ReconcilerConfig, mayDelete: boolean): Outcome {
  const job = observed.object;
  if (!job || observed.ref.kind !== 'Job' || config.finishedJobRetentionMs <= 0 || !retentionApplies(job)) return {};
  const finished = finishTimeOf(job);
  if (finished === undefined) return {};
  const expiresAt = finished + config.finishedJobRetentionMs;
  if (now < expiresAt) return { wakeAt: expiresAt };
  const finding = clusterFinding(FINISHED_JOB_EXPIRED, {
    path: 'status.conditions',
    problem: `show the Job finished at ${new Date(finished).toISOString()}, more than ${Math.round(config.finishedJobRetentionMs / 1000)}s ago, and it sets no ttlSecondsAfterFinished`,
  });
  return { findings: [finding], actions: mayDelete ? deleteOf(refOf(job, observed.ref), job, FINISHED_JOB_EXPIRED) : [] };
}
