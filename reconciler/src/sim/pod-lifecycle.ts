/**
 * The simulated kubelet: moves a pod through Pending → Running → Succeeded/Failed on its
 * node, following the sandbox behaviour annotations. Pure: `planPodLifecycle` says what the
 * pod's status becomes now and when to look again.
 */
import { podBehaviour, runFails, type PodBehaviour } from './behaviour.ts';
import { COMPLETION_INDEX_KEY, parseTime, timestamp, type Json } from './meta.ts';
import type { StoredObject } from '../emulator/types.ts';

/** Delay between a pod's creation and its containers running. */
export const POD_START_DELAY_MS = 1000;
/** Container restart back-off with `restartPolicy: OnFailure`: 10 s doubling, capped at 5 min. */
export const CONTAINER_RESTART_BASE_MS = 10_000;
export const CONTAINER_RESTART_MAX_MS = 300_000;

/** What the kubelet sees of one pod. */
export interface PodLifecycleInput {
  readonly pod: StoredObject;
  readonly now: number;
  /** Whether the pod's node is Ready; pods on a NotReady node make no progress. */
  readonly nodeReady: boolean;
  readonly seed: number;
}

/** What changes: a new status to write, and when the pod next needs attention. */
export interface PodLifecyclePlan {
  readonly status?: Json;
  readonly wakeAt?: number;
}

function containerNames(pod: StoredObject): string[] {
  const containers: Array<{ name: string }> = pod.spec?.containers ?? [];
  return containers.map((c) => c.name);
}

function condition(type: string, status: boolean, now: number, reason?: string): Record<string, unknown> {
  return { type, status: status ? 'True' : 'False', ...(reason ? { reason } : {}), lastProbeTime: null, lastTransitionTime: timestamp(now) };
}

/** The status of a pod that the scheduler just bound to a node. */
export function pendingStatus(now: number): Json {
  return { phase: 'Pending', conditions: [condition('PodScheduled', true, now)], qosClass: 'BestEffort' };
}

function runningStatus(pod: StoredObject, now: number, restartCount: number, previous?: Json): Json {
  const started = timestamp(now);
  return {
    ...pod.status,
    phase: 'Running',
    startTime: pod.status?.startTime ?? started,
    conditions: [
      condition('PodScheduled', true, parseTime(pod.metadata.creationTimestamp) ?? now),
      condition('Initialized', true, now),
      condition('ContainersReady', true, now),
      condition('Ready', true, now),
    ],
    containerStatuses: containerNames(pod).map((name) => ({
      name,
      image: pod.spec.containers.find((c: { name: string }) => c.name === name)?.image ?? '',
      ready: true,
      started: true,
      restartCount,
      state: { running: { startedAt: started } },
      ...(previous ? { lastState: previous } : {}),
    })),
  };
}

function terminated(exitCode: number, startedAt: string, now: number): Record<string, unknown> {
  return { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: timestamp(now) } };
}

function finishedStatus(pod: StoredObject, now: number, exitCode: number): Json {
  const phase = exitCode === 0 ? 'Succeeded' : 'Failed';
  const reason = 'PodCompleted';
  return {
    ...pod.status,
    phase,
    conditions: [
      ...(pod.status?.conditions ?? []).filter((c: { type: string }) => !['Ready', 'ContainersReady'].includes(c.type)),
      condition('ContainersReady', false, now, reason),
      condition('Ready', false, now, reason),
    ],
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Json, i: number) => ({
      ...cs,
      ready: false,
      started: false,
      state: terminated(i === 0 ? exitCode : 0, cs.state?.running?.startedAt ?? timestamp(now), now),
    })),
  };
}

function restartingStatus(pod: StoredObject, now: number, exitCode: number): Json {
  return {
    ...pod.status,
    conditions: (pod.status?.conditions ?? []).map((c: Json) =>
      ['Ready', 'ContainersReady'].includes(c.type) ? condition(c.type, false, now, 'ContainersNotReady') : c,
    ),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Json, i: number) => ({
      ...cs,
      ready: false,
      started: false,
      restartCount: (cs.restartCount ?? 0) + 1,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: terminated(i === 0 ? exitCode : 0, cs.state?.running?.startedAt ?? timestamp(now), now),
    })),
  };
}

/** The back-off before restart number `restarts` (1-based) of a container. */
export function containerRestartDelay(restarts: number): number {
  return Math.min(CONTAINER_RESTART_BASE_MS * 2 ** Math.max(0, restarts - 1), CONTAINER_RESTART_MAX_MS);
}

function completionIndex(pod: StoredObject): number | undefined {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata.labels?.[COMPLETION_INDEX_KEY];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function planPending(pod: StoredObject, now: number): PodLifecyclePlan {
  const startAt = (parseTime(pod.metadata.creationTimestamp) ?? now) + POD_START_DELAY_MS;
  if (now < startAt) return { wakeAt: startAt };
  return { status: runningStatus(pod, now, 0) };
}

function planWaiting(pod: StoredObject, now: number, first: Json): PodLifecyclePlan {
  const restarts = first.restartCount ?? 0;
  const restartAt = (parseTime(first.lastState?.terminated?.finishedAt) ?? now) + containerRestartDelay(restarts);
  if (now < restartAt) return { wakeAt: restartAt };
  return { status: runningStatus(pod, now, restarts, first.lastState) };
}

function exitCodeOfRun(pod: StoredObject, input: PodLifecycleInput, behaviour: PodBehaviour, attempt: number): number {
  const fails = runFails(behaviour, input.seed, { podName: pod.metadata.name, attempt, index: completionIndex(pod) });
  return fails ? behaviour.exitCode : 0;
}

function finishRun(pod: StoredObject, input: PodLifecycleInput, behaviour: PodBehaviour, restarts: number): PodLifecyclePlan {
  const exitCode = exitCodeOfRun(pod, input, behaviour, restarts);
  if (exitCode !== 0 && pod.spec?.restartPolicy === 'OnFailure') {
    return { status: restartingStatus(pod, input.now, exitCode), wakeAt: input.now + containerRestartDelay(restarts + 1) };
  }
  return { status: finishedStatus(pod, input.now, exitCode) };
}

function firstContainerStatus(pod: StoredObject): Json | undefined {
  return pod.status?.containerStatuses?.[0];
}

function planRunning(pod: StoredObject, input: PodLifecycleInput): PodLifecyclePlan {
  const first = firstContainerStatus(pod);
  if (!first) return { status: runningStatus(pod, input.now, 0) };
  if (first.state?.waiting) return planWaiting(pod, input.now, first);
  const behaviour = podBehaviour(pod.metadata.annotations);
  const restarts = first.restartCount ?? 0;
  const runMs = exitCodeOfRun(pod, input, behaviour, restarts) === 0 ? behaviour.durationMs : behaviour.failAfterMs;
  const endAt = (parseTime(first.state?.running?.startedAt) ?? input.now) + runMs;
  if (input.now < endAt) return { wakeAt: endAt };
  return finishRun(pod, input, behaviour, restarts);
}

/** Decides the next step of a pod on its node. Pods that are finished, deleting, unscheduled or on a NotReady node are left as they are. */
export function planPodLifecycle(input: PodLifecycleInput): PodLifecyclePlan {
  const { pod } = input;
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Succeeded' || phase === 'Failed') return {};
  if (pod.metadata.deletionTimestamp || !pod.spec?.nodeName || !input.nodeReady) return {};
  if (phase === 'Pending') return planPending(pod, input.now);
  return planRunning(pod, input);
}

/** How long a container takes to stop after its pod was deleted (bounded by the grace period). */
export const DEFAULT_STOP_MS = 1000;
/** The exit code of a container stopped by SIGTERM. */
export const SIGTERM_EXIT_CODE = 143;

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

/** What the kubelet does with a deleted pod: stop it (write `status`), wait until `wakeAt`, or delete it for good (`remove`). */
export interface TerminationPlan {
  readonly status?: Json;
  readonly wakeAt?: number;
  readonly remove?: boolean;
}

/**
 * The kubelet's steps for a pod with a deletionTimestamp: its containers stop `stopMs` after the
 * deletion was requested or, when given, after the kubelet saw it (`seenAt`), or when the grace
 * period ends, if sooner, the pod goes Failed with
 * exit code 143 keeping its conditions, and then the kubelet deletes it with grace period 0. A pod
 * already finished, or whose containers never started, is deleted at once.
 */
export function planTermination(pod: StoredObject, now: number, stopMs: number, seenAt?: number): TerminationPlan {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || !pod.status?.containerStatuses) return { remove: true };
  const graceMs = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  const requestedAt = deletionRequestedAt(pod);
  // The deletionTimestamp has second precision: a kubelet that saw the deletion itself stops the
  // containers `stopMs` after it saw it (never after the grace period).
  const stopAt = Math.min(Math.max(requestedAt, seenAt ?? requestedAt) + stopMs, requestedAt + graceMs);
  if (now < stopAt) return { wakeAt: stopAt };
  return { status: stoppedStatus(pod, now) };
}
