/**
 * Which objects the reconciler may write to. Hands off (audit only, never a write to the object or
 * on its behalf): Jobs run by another controller (`spec.managedBy` other than the built-in job
 * controller), Jobs queued by Kueue (`KUEUE_QUEUE_LABEL`: Kueue owns their `suspend`), and Jobs
 * controlled by an owner other than a CronJob (an operator, a JobSet, an Argo workflow …). Objects
 * being deleted are not reconciled at all.
 */
import { KUEUE_QUEUE_LABEL } from 'cdk8s-batch/rules';
import { JOB_CONTROLLER_MANAGER } from './annotations.ts';
import { controllerOf, dig, labelsOf } from './kube.ts';
import type { KubeObject, ObjectRef, ReconcilerConfig } from './types.ts';

/** Why the reconciler must not write to this Job, or `undefined` when it may. */
export function handsOffReason(job: KubeObject): string | undefined {
  const managedBy = dig(job, 'spec', 'managedBy');
  if (managedBy !== undefined && managedBy !== null && managedBy !== JOB_CONTROLLER_MANAGER) {
    return `spec.managedBy is ${JSON.stringify(managedBy)}`;
  }
  if (KUEUE_QUEUE_LABEL in labelsOf(job)) return `it is queued by Kueue (label ${KUEUE_QUEUE_LABEL})`;
  const owner = controllerOf(job);
  if (owner && owner.kind !== 'CronJob') return `it is controlled by ${String(owner.kind)} ${String(owner.name)}`;
  return undefined;
}

/** True when enforce mode may write in the namespace (`enforceNamespaces` empty = every namespace). */
export function enforcedIn(namespace: string, config: ReconcilerConfig): boolean {
  return config.mode === 'enforce' && (config.enforceNamespaces.length === 0 || config.enforceNamespaces.includes(namespace));
}

/** True when enforce-mode writes are allowed for this object: enforce mode, namespace enabled, not hands off. */
export function mayEnforce(object: KubeObject, ref: ObjectRef, config: ReconcilerConfig): boolean {
  return enforcedIn(ref.namespace, config) && (ref.kind !== 'Job' || handsOffReason(object) === undefined);
}
