/** How the simulated job controller sees and makes a Job's pods. */
import type { NewObject, StoredObject } from '../emulator/types.ts';
import { matchFailurePolicy, type FailureMatch } from './failure-policy.ts';
import {
  COMPLETION_INDEX_ENV,
  COMPLETION_INDEX_KEY,
  CONTROLLER_UID_LABEL,
  INDEX_FAILURE_COUNT_ANNOTATION,
  INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
  JOB_NAME_LABEL,
  JOB_TRACKING_FINALIZER,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  controllerRef,
  findCondition,
  parseTime,
  type Json,
} from './meta.ts';
import { nameSuffix, type Rng } from './random.ts';

/** Pod failure back-off: 10 s, doubling per failure, capped at 6 minutes. */
export const POD_BACKOFF_BASE_MS = 10_000;
export const POD_BACKOFF_MAX_MS = 360_000;

/** The delay before a new pod after `failures` consecutive failures (0 when there are none). */
export function podBackoffDelay(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(POD_BACKOFF_BASE_MS * 2 ** (failures - 1), POD_BACKOFF_MAX_MS);
}

/** A pod as the job controller classifies it. */
export interface PodView {
  readonly pod: StoredObject;
  readonly uid: string;
  readonly index?: number;
  readonly phase: string;
  /** Pending or Running and not being deleted. */
  readonly active: boolean;
  /** Pending or Running with a deletionTimestamp. */
  readonly terminating: boolean;
  /**
   * Failed, or terminating in a Job that replaces terminating pods (`podReplacementPolicy:
   * TerminatingOrFailed`): the job controller counts such a pod as failed at once, as the real
   * controller's `isPodFailed` does.
   */
  readonly failed: boolean;
  readonly ready: boolean;
  /** When a Succeeded/Failed pod finished. */
  readonly finishedAt?: number;
  /** For a Failed pod: what the pod failure policy says. */
  readonly failure?: FailureMatch;
  /** `batch.kubernetes.io/job-index-failure-count` / `…-ignored-failure-count` on the pod. */
  readonly indexFailures: number;
  readonly indexIgnoredFailures: number;
}

function intAnnotation(pod: StoredObject, key: string): number | undefined {
  const raw = pod.metadata.annotations?.[key] ?? pod.metadata.labels?.[key];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** When the pod's deletion was requested: its deletionTimestamp less the grace period. */
export function deletionRequestedAt(pod: StoredObject): number | undefined {
  const deadline = parseTime(pod.metadata.deletionTimestamp);
  return deadline === undefined ? undefined : deadline - Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
}

/** `spec.podReplacementPolicy`, defaulted as the API server does (Failed with a pod failure policy). */
export function replacementPolicy(spec: Json): string {
  return spec.podReplacementPolicy ?? (spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
}

/** When a pod finished, as the real controller's back-off reads it: containers, Ready False, deletion. */
function finishedAt(pod: StoredObject): number | undefined {
  const times = (pod.status?.containerStatuses ?? [])
    .map((cs: Json) => parseTime(cs?.state?.terminated?.finishedAt))
    .filter((t: number | undefined): t is number => t !== undefined);
  if (times.length > 0) return Math.max(...times);
  const ready = findCondition(pod, 'Ready');
  if (ready?.status === 'False') return parseTime(ready.lastTransitionTime);
  return deletionRequestedAt(pod) ?? parseTime(pod.metadata.creationTimestamp);
}

function phaseOf(pod: StoredObject): string {
  return pod.status?.phase ?? 'Pending';
}

function isReady(pod: StoredObject): boolean {
  return findCondition(pod, 'Ready')?.status === 'True';
}

function isTerminal(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A deleted pod that a Job replacing terminating pods counts as failed once it is deleted (the failure dates from then). */
function failsOnDeletion(job: StoredObject, pod: StoredObject, phase: string): boolean {
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && replacementPolicy(job.spec ?? {}) === 'TerminatingOrFailed';
}

function finishTime(pod: StoredObject, terminal: boolean, failedOnDeletion: boolean): number | undefined {
  if (failedOnDeletion) return deletionRequestedAt(pod);
  return terminal ? finishedAt(pod) : undefined;
}

/** Classifies one pod of `job`. */
export function viewPod(job: StoredObject, pod: StoredObject): PodView {
  const phase = phaseOf(pod);
  const terminal = isTerminal(phase);
  const deleting = Boolean(pod.metadata.deletionTimestamp);
  const active = !terminal && !deleting;
  const terminating = !terminal && deleting;
  const failedOnDeletion = failsOnDeletion(job, pod, phase);
  const failed = phase === 'Failed' || failedOnDeletion;
  return {
    pod,
    uid: pod.metadata.uid,
    index: intAnnotation(pod, COMPLETION_INDEX_KEY),
    phase,
    active,
    terminating,
    failed,
    ready: active && isReady(pod),
    finishedAt: finishTime(pod, terminal, failedOnDeletion),
    failure: phase === 'Failed' ? matchFailurePolicy(job.spec?.podFailurePolicy, pod) : undefined,
    indexFailures: intAnnotation(pod, INDEX_FAILURE_COUNT_ANNOTATION) ?? 0,
    indexIgnoredFailures: intAnnotation(pod, INDEX_IGNORED_FAILURE_COUNT_ANNOTATION) ?? 0,
  };
}

/** Failures of one completion index: counted ones (against backoffLimitPerIndex), ignored ones and the last failure time. */
export interface IndexFailures {
  readonly count: number;
  readonly ignored: number;
  readonly lastFailureAt?: number;
}

const NO_FAILURES: IndexFailures = { count: 0, ignored: 0 };

function addPodFailures(prev: IndexFailures, v: PodView): IndexFailures {
  const failed = v.failed;
  const ignored = failed && v.failure?.action === 'Ignore';
  const counted = failed && !ignored;
  return {
    count: Math.max(prev.count, v.indexFailures + (counted ? 1 : 0)),
    ignored: Math.max(prev.ignored, v.indexIgnoredFailures + (ignored ? 1 : 0)),
    lastFailureAt: failed ? Math.max(prev.lastFailureAt ?? 0, v.finishedAt ?? 0) : prev.lastFailureAt,
  };
}

/** Failures per completion index, carried from pod to pod in the failure-count annotations. */
export function indexFailures(views: readonly PodView[]): Map<number, IndexFailures> {
  const out = new Map<number, IndexFailures>();
  for (const v of views) {
    if (v.index !== undefined) out.set(v.index, addPodFailures(out.get(v.index) ?? NO_FAILURES, v));
  }
  return out;
}

/**
 * Consecutive failures since the last success, and the time of the last of them: the failed pods
 * there are, and the `remembered` failures (uid → time) of pods that are gone. The pod back-off
 * counts every failed pod, those a pod failure policy ignores too (recorded on real 1.37: after
 * ignored failures the replacements came 10 s and then 20 s later).
 */
export function failuresSinceSuccess(views: readonly PodView[], remembered: ReadonlyMap<string, number> = new Map()): IndexFailures {
  const lastSuccess = Math.max(0, ...views.filter((v) => v.phase === 'Succeeded').map((v) => v.finishedAt ?? 0));
  const times = new Map<string, number>();
  for (const v of views) if (v.failed) times.set(v.uid, v.finishedAt ?? 0);
  for (const [uid, at] of remembered) if (!times.has(uid)) times.set(uid, at);
  const since = [...times.values()].filter((at) => at > lastSuccess);
  return { count: since.length, ignored: 0, lastFailureAt: since.length > 0 ? Math.max(...since) : undefined };
}

/** When the next pod may start after `failures` (counted and ignored alike, as the real back-off does): immediately when none. */
export function nextStartAllowedAt(failures: IndexFailures | undefined): number {
  const all = failures ? failures.count + failures.ignored : 0;
  if (!failures || all === 0 || failures.lastFailureAt === undefined) return 0;
  return failures.lastFailureAt + podBackoffDelay(all);
}

function withIndexEnv(container: Json): Json {
  const env = (container.env ?? []).filter((e: { name: string }) => e.name !== COMPLETION_INDEX_ENV);
  env.push({ name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } });
  return { ...container, env };
}

function indexedSpec(spec: Json, jobName: string, index: number): Json {
  return {
    ...spec,
    hostname: `${jobName}-${index}`,
    containers: (spec.containers ?? []).map((c: Json) => withIndexEnv(c)),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map((c: Json) => withIndexEnv(c)) } : {}),
  };
}

/** What to record on a new pod of a completion index. */
export interface PodSlot {
  readonly index?: number;
  /** With backoffLimitPerIndex: failures of the index so far. */
  readonly failures?: IndexFailures;
}

function indexAnnotations(slot: PodSlot): Record<string, string> {
  if (slot.index === undefined) return {};
  const out: Record<string, string> = { [COMPLETION_INDEX_KEY]: String(slot.index) };
  if (slot.failures) {
    out[INDEX_FAILURE_COUNT_ANNOTATION] = String(slot.failures.count);
    if (slot.failures.ignored > 0) out[INDEX_IGNORED_FAILURE_COUNT_ANNOTATION] = String(slot.failures.ignored);
  }
  return out;
}

/**
 * A new pod for `job` from its template: the template's labels and annotations, the job-name and
 * controller-uid labels, a controller ownerReference, and for Indexed Jobs the completion index
 * (annotation, label, `JOB_COMPLETION_INDEX` env) and the stable hostname `<job>-<index>`.
 */
export function podManifest(job: StoredObject, slot: PodSlot, rng: Rng): NewObject {
  const template = job.spec?.template ?? {};
  const name = job.metadata.name;
  const prefix = slot.index === undefined ? `${name}-` : `${name}-${slot.index}-`;
  const spec = structuredClone(template.spec ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${prefix}${nameSuffix(rng)}`,
      generateName: prefix,
      namespace: job.metadata.namespace,
      labels: {
        ...template.metadata?.labels,
        [CONTROLLER_UID_LABEL]: job.metadata.uid,
        [LEGACY_CONTROLLER_UID_LABEL]: job.metadata.uid,
        [JOB_NAME_LABEL]: name,
        [LEGACY_JOB_NAME_LABEL]: name,
        ...(slot.index === undefined ? {} : { [COMPLETION_INDEX_KEY]: String(slot.index) }),
      },
      annotations: { ...template.metadata?.annotations, ...indexAnnotations(slot) },
      ownerReferences: [controllerRef(job)],
      finalizers: [JOB_TRACKING_FINALIZER],
    },
    spec: slot.index === undefined ? spec : indexedSpec(spec, name, slot.index),
  };
}
