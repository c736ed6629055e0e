// Reduces a run to the outcomes both sides are compared on.
import type { KubeObject } from '../../src/core/types.ts';

export interface ConditionOutcome {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface JobOutcome {
  readonly conditions: readonly ConditionOutcome[];
  readonly succeeded: number;
  readonly failed: number;
  readonly active: number;
  readonly ready: number;
  readonly terminating: number;
  readonly completedIndexes: string;
  readonly failedIndexes: string;
  /** Whether status.startTime and status.completionTime are set. */
  readonly startTime: boolean;
  readonly completionTime: boolean;
  /** Pods still counted as finished but not yet in succeeded/failed (must be none once settled). */
  readonly uncounted: number;
}

/** What a finished Job left behind once its pods settled: its pods and its Events. */
export interface SettledOutcome {
  /** Pods by phase, e.g. `{"Failed":1,"Succeeded":3}`. */
  readonly podPhases: Record<string, number>;
  /** Finalizers still on any pod (the job-tracking finalizer is removed once a pod is counted). */
  readonly podFinalizers: readonly string[];
  /** Label and annotation keys on the pods (sandbox behaviour annotations left out), sorted. */
  readonly podLabels: readonly string[];
  readonly podAnnotations: readonly string[];
  /** Indexed Jobs: every pod's hostname is `<job>-<index>` and its index label matches the annotation. */
  readonly podHostnames: string;
  /** The Job's Events as `<type> <reason>`, each once, sorted. */
  readonly events: readonly string[];
}

type Status = Record<string, unknown> & { conditions?: Array<Record<string, string>> };

/** Pod names carry a random suffix; messages name them as `<job>-<suffix>`. */
function normaliseMessage(message: string, jobName: string): string {
  return message.replace(new RegExp(`\\b${jobName}-[a-z0-9]{5}\\b`, 'g'), `${jobName}-<suffix>`);
}

/** The comparable outcome of a Job: conditions in order, counters (absent = 0) and index sets (absent = ""). */
export function observeJob(job: KubeObject): JobOutcome {
  const status = (job.status ?? {}) as Status;
  const jobName = String(job.metadata?.name ?? '');
  const count = (field: string): number => Number(status[field] ?? 0);
  return {
    conditions: (status.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '', message: normaliseMessage(c.message ?? '', jobName) })),
    succeeded: count('succeeded'),
    failed: count('failed'),
    active: count('active'),
    ready: count('ready'),
    terminating: count('terminating'),
    completedIndexes: String(status.completedIndexes ?? ''),
    failedIndexes: String(status.failedIndexes ?? ''),
    startTime: status.startTime !== undefined,
    completionTime: status.completionTime !== undefined,
    uncounted: uncounted(status.uncountedTerminatedPods),
  };
}

function uncounted(value: unknown): number {
  const u = (value ?? {}) as { succeeded?: unknown[]; failed?: unknown[] };
  return (u.succeeded?.length ?? 0) + (u.failed?.length ?? 0);
}

const SANDBOX_PREFIX = 'sandbox.batch.cdk8s.io/';
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** The Events regarding an object (core/v1 `involvedObject` or events.k8s.io/v1 `regarding`), as `<type> <reason>`. */
export function eventsOf(uid: string | undefined, events: readonly KubeObject[]): string[] {
  const about = events.filter((e) => {
    const ref = ((e as Record<string, unknown>).regarding ?? (e as Record<string, unknown>).involvedObject) as { uid?: string } | undefined;
    return ref?.uid === uid;
  });
  return [...new Set(about.map((e) => `${String((e as Record<string, unknown>).type)} ${String((e as Record<string, unknown>).reason)}`))].sort();
}

/** The pods a Job owns (by its uid). */
export function podsOf<T extends KubeObject>(job: KubeObject, pods: readonly T[]): T[] {
  return pods.filter((p) => (p.metadata?.ownerReferences ?? []).some((o) => o.uid === job.metadata?.uid));
}

/** Whether none of `pods` is terminating (has a deletionTimestamp). */
export function podsSettled(pods: readonly KubeObject[]): boolean {
  return pods.every((p) => p.metadata?.deletionTimestamp === undefined);
}

function hostnames(job: KubeObject, pods: readonly KubeObject[]): string {
  if ((job.spec as { completionMode?: string } | undefined)?.completionMode !== 'Indexed') return 'NonIndexed';
  const name = String(job.metadata?.name);
  const wrong = pods.filter((p) => {
    const index = p.metadata?.annotations?.[INDEX_ANNOTATION];
    const spec = (p.spec ?? {}) as { hostname?: string; subdomain?: string };
    return index === undefined || spec.hostname !== `${name}-${index}` || p.metadata?.labels?.[INDEX_ANNOTATION] !== index;
  });
  return wrong.length === 0 ? 'Indexed: <job>-<index>' : `Indexed: ${wrong.length} pod(s) without the hostname or index label`;
}

/** A finished Job's pods and Events, read once its pods settled. */
export function observeSettled(job: KubeObject, pods: readonly KubeObject[], events: readonly KubeObject[]): SettledOutcome {
  const own = podsOf(job, pods);
  const phases: Record<string, number> = {};
  for (const p of own) {
    const phase = String(((p.status ?? {}) as { phase?: string }).phase ?? 'Pending');
    phases[phase] = (phases[phase] ?? 0) + 1;
  }
  const keys = (pick: (p: KubeObject) => Record<string, string> | string[] | undefined): string[] => {
    const all = own.flatMap((p) => {
      const v = pick(p);
      return Array.isArray(v) ? v : Object.keys(v ?? {});
    });
    return [...new Set(all)].filter((k) => !k.startsWith(SANDBOX_PREFIX)).sort();
  };
  return {
    podPhases: Object.fromEntries(Object.entries(phases).sort(([a], [b]) => a.localeCompare(b))),
    podFinalizers: keys((p) => p.metadata?.finalizers as string[] | undefined),
    podLabels: keys((p) => p.metadata?.labels),
    podAnnotations: keys((p) => p.metadata?.annotations),
    podHostnames: hostnames(job, own),
    events: eventsOf(job.metadata?.uid, events),
  };
}

/** Whether the Job has a Complete or Failed condition that is True. */
export function isFinished(job: KubeObject | undefined): boolean {
  const conditions = ((job?.status ?? {}) as Status).conditions ?? [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** One Job a CronJob created. */
export interface CronJobRunOutcome {
  /** Whether the name is `<cronjob>-<minutes since the epoch of the scheduled time>`. */
  readonly nameFollowsScheduledTime: boolean;
  readonly annotations: readonly string[];
  readonly owner: string;
  readonly job: JobOutcome;
}

export interface CronJobOutcome {
  readonly jobs: readonly CronJobRunOutcome[];
  readonly active: number;
  readonly lastScheduleTime: boolean;
  readonly lastSuccessfulTime: boolean;
  /** The CronJob's Events as `<type> <reason>`, each once, sorted (read once the run is over). */
  readonly events?: readonly string[];
}

/** A finished Job's outcome with what it left behind (`settled`); a Job observed while it runs has none. */
export type FinishedJobOutcome = JobOutcome & { readonly settled?: SettledOutcome };

/** A Job that was deleted (by its TTL) before the observation, and how many of its pods remain. */
export interface DeletedOutcome {
  readonly deleted: true;
  readonly podsLeft: number;
  /**
   * For a Job deleted by the scenario: whether it was seen being deleted (a deletionTimestamp)
   * while pods it made were still there, `DELETE_WAIT_MS` or more after the delete request, as a
   * Foreground deletion waits for its pods (earlier than that the real garbage collector may still
   * be at work on any deletion). Not for an Orphan deletion: the real Job waits there only for the
   * garbage collector to orphan its pods (the `orphan` finalizer), as long as the collector's
   * latency on a busy machine, which the emulator does within the delete.
   */
  readonly waitedForPods?: boolean;
  /** For a Job deleted by the scenario: the pods it made that are left (orphans too), as `<phase> <finalizers>`, sorted. */
  readonly podsMade?: readonly string[];
}

const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';

/** How long after its delete request a Job still being deleted with pods counts as waiting for them. */
export const DELETE_WAIT_MS = 500;

/** The pods a Job made (by the controller-uid label, so orphaned ones too). */
export function podsMadeBy<T extends KubeObject>(job: KubeObject, pods: readonly T[]): T[] {
  return pods.filter((p) => p.metadata?.labels?.[CONTROLLER_UID] === job.metadata?.uid);
}

/** Whether `job` is being deleted while pods it made are still there. */
export function deletingWithPods(job: KubeObject, pods: readonly KubeObject[]): boolean {
  return Boolean(job.metadata?.deletionTimestamp) && podsMadeBy(job, pods).length > 0;
}

export type Outcome = FinishedJobOutcome | CronJobOutcome | DeletedOutcome;

/** The outcome of a deleted Job: `created` is the object as created (its uid owns the pods). */
export function observeDeleted(created: KubeObject, pods: readonly KubeObject[], deletedByScenario?: { waitedForPods?: boolean }): DeletedOutcome {
  const outcome: DeletedOutcome = { deleted: true, podsLeft: podsOf(created, pods).length };
  if (!deletedByScenario) return outcome;
  const made = podsMadeBy(created, pods).map((p) => `${String(p.status?.phase)} [${((p.metadata?.finalizers ?? []) as string[]).join(',')}]`).sort();
  return { ...outcome, ...(deletedByScenario.waitedForPods === undefined ? {} : { waitedForPods: deletedByScenario.waitedForPods }), podsMade: made };
}

const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

function observeRun(cronJobName: string, job: KubeObject): CronJobRunOutcome {
  const annotations = job.metadata?.annotations ?? {};
  const scheduled = Date.parse(annotations[SCHEDULED_TIMESTAMP] ?? '');
  const owner = (job.metadata?.ownerReferences ?? [])
    .map((o) => `${o.apiVersion} ${o.kind} ${o.name === cronJobName ? '<cronjob>' : o.name} controller=${String(o.controller)}`)
    .join('; ');
  return {
    nameFollowsScheduledTime: job.metadata?.name === `${cronJobName}-${scheduled / 60_000}`,
    annotations: Object.keys(annotations).sort(),
    owner,
    job: observeJob(job),
  };
}

/** The comparable outcome of a CronJob: its Jobs (oldest first) and whether its status times are set. */
export function observeCronJob(cronJob: KubeObject, jobs: readonly KubeObject[]): CronJobOutcome {
  const name = String(cronJob.metadata?.name);
  const status = (cronJob.status ?? {}) as Record<string, unknown>;
  const byTime = [...jobs].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  return {
    jobs: byTime.map((j) => observeRun(name, j)),
    active: Array.isArray(status.active) ? status.active.length : 0,
    lastScheduleTime: status.lastScheduleTime !== undefined,
    lastSuccessfulTime: status.lastSuccessfulTime !== undefined,
  };
}

/** The Jobs a CronJob owns (by its uid). */
export function jobsOf<T extends KubeObject>(cronJob: KubeObject, jobs: readonly T[]): T[] {
  return jobs.filter((j) => (j.metadata?.ownerReferences ?? []).some((o) => o.uid === cronJob.metadata?.uid));
}

/**
 * Whether a scenario's run is over: its Job finished, or `wanted` of its CronJob's Jobs finished and
 * the CronJob lists none of its Jobs as active any more (its status caught up with them).
 */
export function runIsOver(target: KubeObject, jobs: readonly KubeObject[], wanted = 1): boolean {
  if (target.kind !== 'CronJob') return isFinished(target);
  const active = ((target.status ?? {}) as { active?: unknown[] }).active ?? [];
  return jobs.filter((j) => isFinished(j)).length >= wanted && active.length === 0;
}

/** The recorded real outcomes (recorded/real-<version>.json). */
export interface Recording {
  readonly kubernetesVersion: string;
  readonly recordedAt: string;
  readonly outcomes: Record<string, Outcome>;
  /** Scenarios recorded again later (`record-real.ts --only … --out` merged in), with when. */
  readonly partsRecordedAt?: ReadonlyArray<{ readonly scenarios: readonly string[]; readonly recordedAt: string; readonly kubernetesVersion: string }>;
}

/** Field-by-field differences between two outcomes, as `field: real … sim …` lines. */
export function differences(real: Outcome, sim: Outcome): string[] {
  return fieldDifferences(real as unknown as Record<string, unknown>, sim as unknown as Record<string, unknown>, '');
}

/** `settled` is compared field by field (`settled.events: …`), everything else as a whole. */
function fieldDifferences(r: Record<string, unknown>, s: Record<string, unknown>, prefix: string): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(r), ...Object.keys(s)])]) {
    if (key === 'settled' && isRecord(r[key]) && isRecord(s[key])) {
      out.push(...fieldDifferences(r[key] as Record<string, unknown>, s[key] as Record<string, unknown>, 'settled.'));
      continue;
    }
    const a = JSON.stringify(r[key]);
    const b = JSON.stringify(s[key]);
    if (a !== b) out.push(`${prefix}${key}: real ${a} sim ${b}`);
  }
  return out;
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
