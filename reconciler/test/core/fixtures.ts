/** Live objects as the API server returns them, for the core's tests. */
import type { KubeObject, Observed, ObjectRef } from '../../src/core/types.ts';

export const NOW = Date.parse('2026-06-01T12:00:00Z');
export const MINUTE = 60_000;

/** RFC 3339 of `NOW + offsetMs`. */
export function at(offsetMs: number): string {
  return new Date(NOW + offsetMs).toISOString();
}

type Patch = { metadata?: Record<string, unknown>; spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** The entries of `o` whose value is not `undefined` (a key set to `undefined` in a patch removes it). */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Shallow-merges `patch` into each top-level section of `base`. */
function merge(base: KubeObject, patch: Patch): KubeObject {
  return {
    ...base,
    metadata: defined({ ...base.metadata, ...patch.metadata }),
    spec: defined({ ...base.spec, ...patch.spec }),
    ...(base.status || patch.status ? { status: defined({ ...base.status, ...patch.status }) } : {}),
  };
}

/** A stored, running Job with TTL and deadline set (no rule violations), started an hour ago. */
export function job(patch: Patch = {}): KubeObject {
  const uid = String(patch.metadata?.uid ?? 'job-uid-1');
  const name = String(patch.metadata?.name ?? 'report');
  const generated = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  return merge(
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'team-a', uid, resourceVersion: '100', creationTimestamp: at(-60 * MINUTE), labels: { ...generated } },
      spec: {
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        completions: 1,
        parallelism: 1,
        suspend: false,
        manualSelector: false,
        podReplacementPolicy: 'TerminatingOrFailed',
        ttlSecondsAfterFinished: 3600,
        activeDeadlineSeconds: 7200,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        template: {
          metadata: { labels: { ...generated } },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '500m', memory: '256Mi' } } }],
          },
        },
      },
      status: { active: 1, ready: 1, startTime: at(-60 * MINUTE) },
    },
    patch,
  );
}

/** A finished (Complete) Job that finished `agoMs` before NOW. */
export function finishedJob(agoMs: number, patch: Patch = {}): KubeObject {
  const base = job(patch);
  return {
    ...base,
    status: {
      succeeded: 1,
      startTime: at(-agoMs - MINUTE),
      completionTime: at(-agoMs),
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: at(-agoMs) },
        { type: 'Complete', status: 'True', lastTransitionTime: at(-agoMs) },
      ],
      ...patch.status,
    },
  };
}

/** A stored CronJob, created long ago, last scheduled at `lastScheduleTime`. */
export function cronJob(patch: Patch = {}): KubeObject {
  return merge(
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'team-a', uid: 'cron-uid-1', resourceVersion: '200', creationTimestamp: at(-30 * 24 * 60 * MINUTE) },
      spec: {
        schedule: '*/15 * * * *',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        startingDeadlineSeconds: 600,
        jobTemplate: {
          metadata: { labels: { app: 'nightly' }, annotations: { team: 'a' } },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 600,
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
              },
            },
          },
        },
      },
      status: { lastScheduleTime: at(0) },
    },
    patch,
  );
}

/** A pod of `jobObj` bound to `nodeName` (or unscheduled), in `phase`. */
export function pod(name: string, jobObj: KubeObject, options: { nodeName?: string; phase?: string; created?: string } = {}): KubeObject {
  const uid = String(jobObj.metadata?.uid);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'team-a',
      uid: `pod-uid-${name}`,
      resourceVersion: '300',
      creationTimestamp: options.created ?? at(-60 * MINUTE),
      labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': String(jobObj.metadata?.name), 'controller-uid': uid },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: String(jobObj.metadata?.name), uid, controller: true }],
    },
    spec: { ...(options.nodeName ? { nodeName: options.nodeName } : {}), containers: [{ name: 'main', image: 'busybox' }] },
    status: { phase: options.phase ?? 'Running', startTime: options.created ?? at(-60 * MINUTE) },
  };
}

/** A node whose Ready condition is `ready` since `since`. */
export function node(name: string, ready: 'True' | 'False' | 'Unknown', since: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-uid-${name}` },
    status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: since, lastHeartbeatTime: since }] },
  };
}

/** A ResourceQuota with `hard` limits and `used` amounts. */
export function quota(name: string, hard: Record<string, string>, used: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'team-a' }, spec: { hard, ...spec }, status: { hard, used } };
}

/** The reference to an object. */
export function refTo(obj: KubeObject): ObjectRef {
  return {
    kind: obj.kind as ObjectRef['kind'],
    namespace: String(obj.metadata?.namespace),
    name: String(obj.metadata?.name),
    uid: String(obj.metadata?.uid),
  };
}

/** Observed state of `obj` with the given related objects. */
export function observe(
  obj: KubeObject,
  related: { pods?: KubeObject[]; ownedJobs?: KubeObject[]; nodes?: KubeObject[]; quotas?: KubeObject[] } = {},
): Observed {
  return {
    object: obj,
    ref: refTo(obj),
    pods: related.pods ?? [],
    ownedJobs: related.ownedJobs ?? [],
    nodes: new Map((related.nodes ?? []).map((n) => [String(n.metadata?.name), n])),
    quotas: related.quotas ?? [],
  };
}

/** Applies a JSON merge patch (RFC 7386) to a copy of `target`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
