/**
 * What the simulated kubelet does next with one pod of a real control plane. Pure: it reads the
 * pod and the time and says which single write comes next (bind the pod to the node, write its
 * status, delete it for good) or when to look again. The pod's containers follow the sandbox
 * annotations through the same plan the emulator's kubelet uses (`planPodLifecycle`).
 */
import type { StoredObject } from '../emulator/types.ts';
import type { Json } from '../sim/meta.ts';
import { planPodLifecycle, planTermination } from '../sim/pod-lifecycle.ts';

export { DEFAULT_STOP_MS, SIGTERM_EXIT_CODE, stoppedStatus } from '../sim/pod-lifecycle.ts';

export type KubeletStep =
  | { readonly kind: 'bind' }
  | { readonly kind: 'status'; readonly status: Json; readonly wakeAt?: number }
  | { readonly kind: 'delete' }
  | { readonly kind: 'wait'; readonly wakeAt: number }
  | { readonly kind: 'none' };

export interface StepInput {
  readonly pod: StoredObject;
  readonly now: number;
  readonly nodeName: string;
  readonly seed: number;
  /** How long containers take to stop once the pod is deleted (at most its grace period). */
  readonly stopMs: number;
  /** When this kubelet first saw the pod's deletion (the deletionTimestamp has second precision). */
  readonly deletionSeenAt?: number;
}

function isTerminal(pod: StoredObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function deletingStep(input: StepInput): KubeletStep {
  const plan = planTermination(input.pod, input.now, input.stopMs, input.deletionSeenAt);
  if (plan.remove) return { kind: 'delete' };
  if (plan.status) return { kind: 'status', status: plan.status };
  return { kind: 'wait', wakeAt: plan.wakeAt! };
}

/** The next step for one pod; pods bound to other nodes are not this kubelet's. */
export function kubeletStep(input: StepInput): KubeletStep {
  const { pod } = input;
  const node = pod.spec?.nodeName;
  if (node && node !== input.nodeName) return { kind: 'none' };
  if (pod.metadata.deletionTimestamp) return node ? deletingStep(input) : { kind: 'none' };
  if (!node) return isTerminal(pod) ? { kind: 'none' } : { kind: 'bind' };
  return lifecycleStep(input);
}

function lifecycleStep(input: StepInput): KubeletStep {
  const plan = planPodLifecycle({ pod: input.pod, now: input.now, nodeReady: true, seed: input.seed });
  if (plan.status) return { kind: 'status', status: plan.status, ...(plan.wakeAt !== undefined ? { wakeAt: plan.wakeAt } : {}) };
  if (plan.wakeAt !== undefined) return { kind: 'wait', wakeAt: plan.wakeAt };
  return { kind: 'none' };
}
