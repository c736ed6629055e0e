/**
 * What the simulated kubelet does next with one pod of a real control plane. Pure: it reads the
 * pod and the time and says which single write comes next (bind the pod to the node, write its
 * status, delete it for good) or when to look again. The pod's containers follow the sandbox
 * annotations through the same plan the emulator's kubelet uses (`planPodLifecycle`).
 */
import type { StoredObject } from '../emulator/types.ts';
import { parseTime, timestamp, type Json } from '../sim/meta.ts';
import { planPodLifecycle } from '../sim/pod-lifecycle.ts';

/** How long a container takes to stop after its pod was deleted (bounded by the grace period). */
export const DEFAULT_STOP_MS = 1000;
/** The exit code of a container stopped by SIGTERM. */
export const SIGTERM_EXIT_CODE = 143;

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
}

function isTerminal(pod: StoredObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** When the kubelet was asked to stop the pod: its deletion timestamp less the grace period. */
function deletionRequestedAt(pod: StoredObject): number {
  const deadline = parseTime(pod.metadata.deletionTimestamp) ?? 0;
  return deadline - Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
}

function stoppedContainer(cs: Json, now: number): Json {
  const startedAt = cs.state?.running?.startedAt ?? cs.lastState?.terminated?.startedAt ?? timestamp(now);
  if (cs.state?.terminated) return cs;
  return {
    ...cs,
    ready: false,
    started: false,
    state: { terminated: { exitCode: SIGTERM_EXIT_CODE, reason: 'Error', startedAt, finishedAt: timestamp(now) } },
  };
}

/**
 * The status of a pod whose containers were stopped because the pod was deleted: the kubelet
 * puts it in a terminal phase (Failed: its containers were killed) before it is removed, and
 * keeps the conditions already there (a `DisruptionTarget` of an eviction, for example).
 */
export function stoppedStatus(pod: StoredObject, now: number): Json {
  const notReady = (c: Json): Json =>
    ['Ready', 'ContainersReady'].includes(c.type) ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: timestamp(now) } : c;
  return {
    ...pod.status,
    phase: 'Failed',
    conditions: (pod.status?.conditions ?? []).map(notReady),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Json) => stoppedContainer(cs, now)),
  };
}

function deletingStep(input: StepInput): KubeletStep {
  const { pod, now } = input;
  if (isTerminal(pod) || !pod.status?.containerStatuses) return { kind: 'delete' };
  const graceMs = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  const stopAt = deletionRequestedAt(pod) + Math.min(input.stopMs, graceMs);
  if (now < stopAt) return { kind: 'wait', wakeAt: stopAt };
  return { kind: 'status', status: stoppedStatus(pod, now) };
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
