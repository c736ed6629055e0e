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
  const endAt = (parseTime(first.state?.running?.startedAt) ?? input.now) + behaviour.durationMs;
  if (input.now < endAt) return { wakeAt: endAt };
  return finishRun(pod, input, behaviour, first.restartCount ?? 0);
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

/** The status of a pod evicted from its node: Failed with a `DisruptionTarget` condition and exit code 137. */
export function evictedStatus(pod: StoredObject, now: number, reason = 'EvictionByEvictionAPI'): Json {
  const failed = finishedStatus(pod, now, 137);
  const disruption = { ...condition('DisruptionTarget', true, now, reason), message: 'Eviction API: evicting' };
  return { ...failed, reason: 'Evicted', conditions: [...failed.conditions, disruption] };
}
