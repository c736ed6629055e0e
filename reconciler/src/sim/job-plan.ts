/**
 * The simulated job controller's decision for one Job, as a pure function:
 * `planJob({ job, pods, now, memory, rng })` says which pods to create and delete, the Job's new
 * status and the Events to emit, following the built-in controller (Kubernetes 1.31+ semantics:
 * `FailureTarget`/`SuccessCriteriaMet` first, `Failed`/`Complete` once no pod is terminating).
 *
 * Finished pods are counted once: `memory` remembers which pods are already in the status
 * counters (the built-in controller uses a pod finalizer for this). Pods that vanish while
 * active count as failed, except the ones the controller deleted itself (suspend, excess, a
 * successful finish); the pods a failing Job's controller stops count as failed.
 */
import type { NewObject, StoredObject } from '../emulator/types.ts';
import {
  failuresSinceSuccess,
  indexFailures,
  nextStartAllowedAt,
  podManifest,
  replacementPolicy,
  viewPod,
  type IndexFailures,
  type PodSlot,
  type PodView,
} from './job-pods.ts';
import { formatIndexes, parseIndexes } from './indexes.ts';
import { controllerUid, findCondition, isJobFinished, parseTime, timestamp, type Condition, type Json } from './meta.ts';
import type { Rng } from './random.ts';

/** An Event the controller emits about the object it manages. */
export interface SimEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly note: string;
  readonly action: string;
}

/** What the controller remembers about a Job's pods between syncs. */
export interface JobMemory {
  /** Finished pods already reflected in the status counters. */
  readonly counted: Set<string>;
  /** Pods last seen active. */
  readonly active: Set<string>;
  /** Pods the controller deleted itself. */
  readonly deleted: Set<string>;
  /**
   * When each counted failure happened, by pod uid, kept after the pod is gone: the pod back-off
   * goes on from failed pods that were removed (evicted ones, for example), as the real
   * controller's back-off record does.
   */
  readonly failures: Map<string, number>;
}

/** Memory for a Job seen for the first time: finished pods are counted already when the status shows progress. */
export function initialJobMemory(job: StoredObject, pods: readonly StoredObject[]): JobMemory {
  const s = job.status ?? {};
  const progressed = (s.succeeded ?? 0) + (s.failed ?? 0) > 0 || Boolean(s.completedIndexes);
  const mine = pods.filter((p) => controllerUid(p, 'Job') === job.metadata.uid);
  const terminal = mine.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
  const active = mine.filter((p) => !terminal.includes(p) && !p.metadata.deletionTimestamp);
  return {
    counted: new Set(progressed ? terminal.map((p) => p.metadata.uid) : []),
    active: new Set(active.map((p) => p.metadata.uid)),
    deleted: new Set(),
    failures: new Map(),
  };
}

export interface JobPlanInput {
  readonly job: StoredObject;
  /** The Job's pods (others are ignored). */
  readonly pods: readonly StoredObject[];
  readonly now: number;
  readonly memory: JobMemory;
  /** Draws new pod names. */
  readonly rng: Rng;
  /**
   * Conditions as before Kubernetes 1.31: no interim `SuccessCriteriaMet`/`FailureTarget` (only the
   * `FailureTarget` of a pod failure policy), the terminal condition set without waiting for the
   * stopped pods to go, and `Complete` without reason or message. Recorded on
   * the real 1.28 controller (test/diff/recorded/real-1.28.json).
   */
  readonly legacyConditions?: boolean;
  /**
   * A Job suspended while running keeps its `startTime`, as before Kubernetes 1.36 (where
   * MutableSchedulingDirectivesForSuspendedJobs turned on and suspension clears it). Recorded:
   * `suspend-while-running` on real 1.34 and 1.37.
   */
  readonly suspendKeepsStartTime?: boolean;
  /**
   * No `status.terminating`: before Kubernetes 1.29 the job controller left it unset (the
   * JobPodReplacementPolicy feature was off by default).
   */
  readonly omitTerminating?: boolean;
}

export interface JobPlan {
  readonly podsToCreate: NewObject[];
  readonly podsToDelete: StoredObject[];
  /** The Job's complete new status. */
  readonly status: Json;
  readonly events: SimEvent[];
  /** The memory after this sync; the caller adds the uids of the pods it creates to `active`. */
  readonly memory: JobMemory;
  /** When the Job needs another sync even if nothing changes (back-off, deadline). */
  readonly wakeAt?: number;
}

interface Settings {
  readonly parallelism: number;
  readonly completions?: number;
  readonly indexed: boolean;
  readonly backoffLimit: number;
  readonly backoffLimitPerIndex?: number;
  readonly maxFailedIndexes?: number;
  readonly activeDeadlineMs?: number;
  readonly suspend: boolean;
  readonly onFailure: boolean;
  /** podReplacementPolicy Failed: terminating pods are replaced only once they are gone. */
  readonly replaceOnlyFailed: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function restartPolicyOf(spec: Json): string | undefined {
  return spec.template?.spec?.restartPolicy;
}

function settingsOf(spec: Json): Settings {
  const parallelism = num(spec.parallelism);
  const completions = num(spec.completions) ?? (parallelism === undefined ? 1 : undefined);
  const perIndex = num(spec.backoffLimitPerIndex);
  const ads = num(spec.activeDeadlineSeconds);
  const replacement = replacementPolicy(spec);
  return {
    parallelism: parallelism ?? 1,
    completions,
    indexed: spec.completionMode === 'Indexed',
    backoffLimit: num(spec.backoffLimit) ?? (perIndex === undefined ? 6 : 2147483647),
    backoffLimitPerIndex: perIndex,
    maxFailedIndexes: num(spec.maxFailedIndexes),
    activeDeadlineMs: ads === undefined ? undefined : ads * 1000,
    suspend: spec.suspend === true,
    onFailure: restartPolicyOf(spec) === 'OnFailure',
    replaceOnlyFailed: replacement === 'Failed',
  };
}

interface Verdict {
  readonly success: boolean;
  readonly reason: string;
  readonly message: string;
}

/** The working state of one sync. */
interface Sync {
  readonly input: JobPlanInput;
  readonly job: StoredObject;
  readonly cfg: Settings;
  readonly now: number;
  /** The Job's pods, but for the finished ones the controller itself deleted (those are not counted). */
  readonly views: PodView[];
  /** The uids of all the Job's pods. */
  readonly present: ReadonlySet<string>;
  active: PodView[];
  /** Ready active pods when the sync began (before it stopped any). */
  readonly readyAtStart: number;
  readonly terminating: number;
  succeeded: number;
  failed: number;
  readonly completed: Set<number>;
  readonly failedIndexes: Set<number>;
  failJobMessage?: string;
  conditions: Condition[];
  startTime?: string;
  completionTime?: string;
  readonly create: NewObject[];
  readonly remove: StoredObject[];
  readonly events: SimEvent[];
  readonly memory: JobMemory;
  wakeAt?: number;
}

function cloneMemory(m: JobMemory): JobMemory {
  return { counted: new Set(m.counted), active: new Set(m.active), deleted: new Set(m.deleted), failures: new Map(m.failures) };
}

function newSync(input: JobPlanInput): Sync {
  const { job } = input;
  const all = input.pods.filter((p) => controllerUid(p, 'Job') === job.metadata.uid).map((p) => viewPod(job, p));
  // A pod the controller deleted (suspend, excess, a finished Job) is stopped by its kubelet: not a failure.
  const views = all.filter((v) => !(input.memory.deleted.has(v.uid) && !v.active && !v.terminating));
  const status = job.status ?? {};
  return {
    input,
    job,
    cfg: settingsOf(job.spec ?? {}),
    now: input.now,
    views,
    present: new Set(all.map((v) => v.uid)),
    active: views.filter((v) => v.active),
    readyAtStart: views.filter((v) => v.active && v.ready).length,
    terminating: views.filter((v) => v.terminating).length,
    succeeded: status.succeeded ?? 0,
    failed: status.failed ?? 0,
    completed: new Set(),
    failedIndexes: new Set(),
    conditions: structuredClone(status.conditions ?? []),
    startTime: status.startTime,
    completionTime: status.completionTime,
    create: [],
    remove: [],
    events: [],
    memory: cloneMemory(input.memory),
  };
}

function wake(sync: Sync, at: number): void {
  if (sync.wakeAt === undefined || at < sync.wakeAt) sync.wakeAt = at;
}

function emit(sync: Sync, event: Omit<SimEvent, 'action'> & { action?: string }): void {
  sync.events.push({ action: 'Sync', ...event });
}

/** Sets a condition; an existing one with the same status is kept as it is. Returns whether it changed. */
function setCondition(sync: Sync, cond: { type: string; status: Condition['status']; reason: string; message: string }): boolean {
  const existing = sync.conditions.find((c) => c.type === cond.type);
  if (existing?.status === cond.status) return false;
  const time = timestamp(sync.now);
  const next: Condition = { ...cond, lastProbeTime: time, lastTransitionTime: time };
  sync.conditions = existing ? sync.conditions.map((c) => (c === existing ? next : c)) : [...sync.conditions, next];
  return true;
}

// ------------------------------------------------------------------ accounting

function countTerminal(sync: Sync, v: PodView): void {
  sync.memory.counted.add(v.uid);
  sync.memory.active.delete(v.uid);
  if (v.phase === 'Succeeded') {
    if (!sync.cfg.indexed) sync.succeeded += 1;
    return;
  }
  // Every failure holds back the next pod (the pod back-off), an ignored one too; only counted ones add to `failed`.
  sync.memory.failures.set(v.uid, v.finishedAt ?? sync.now);
  if (v.failure?.action === 'Ignore') return;
  sync.failed += 1;
  if (v.failure?.action === 'FailJob' && sync.failJobMessage === undefined) sync.failJobMessage = v.failure.message;
}

/** Active pods that are gone without the controller deleting them count as failed. */
function accountVanished(sync: Sync, present: ReadonlySet<string>): void {
  const { memory } = sync;
  for (const uid of [...memory.active]) {
    if (present.has(uid)) continue;
    if (!memory.deleted.has(uid)) {
      sync.failed += 1;
      memory.failures.set(uid, sync.now);
    }
    memory.active.delete(uid);
  }
  for (const set of [memory.deleted, memory.counted]) {
    for (const uid of [...set]) if (!present.has(uid)) set.delete(uid);
  }
}

/** Whether a pod is newly finished for the counters: terminal, or terminating where that counts as failed (not deleted by the controller). */
function newlyFinished(sync: Sync, v: PodView): boolean {
  if (v.active || sync.memory.counted.has(v.uid)) return false;
  return !v.terminating || (v.failed && !sync.memory.deleted.has(v.uid));
}

/** Counts newly finished pods and active pods that vanished. */
function account(sync: Sync): void {
  for (const v of sync.views) {
    if (v.active) sync.memory.active.add(v.uid);
    if (newlyFinished(sync, v)) countTerminal(sync, v);
  }
  accountVanished(sync, sync.present);
}

function inRange(index: number | undefined, completions: number): index is number {
  return index !== undefined && index < completions;
}

function accountFailedIndexes(sync: Sync, completions: number, limit: number): void {
  const failed = [
    ...parseIndexes(sync.job.status?.failedIndexes, completions),
    ...[...indexFailures(sync.views)].filter(([, f]) => f.count > limit).map(([i]) => i),
    ...sync.views.filter((v) => v.failure?.action === 'FailIndex').map((v) => v.index),
  ];
  for (const i of failed) if (inRange(i, completions) && !sync.completed.has(i)) sync.failedIndexes.add(i);
}

/** Indexed Jobs: succeeded and (with backoffLimitPerIndex) failed indexes. */
function accountIndexes(sync: Sync): void {
  const { cfg } = sync;
  if (!cfg.indexed || cfg.completions === undefined) return;
  for (const i of parseIndexes(sync.job.status?.completedIndexes, cfg.completions)) sync.completed.add(i);
  for (const v of sync.views) if (v.phase === 'Succeeded' && inRange(v.index, cfg.completions)) sync.completed.add(v.index);
  sync.succeeded = sync.completed.size;
  if (cfg.backoffLimitPerIndex !== undefined) accountFailedIndexes(sync, cfg.completions, cfg.backoffLimitPerIndex);
}

// ------------------------------------------------------------------ suspension and start time

function applySuspension(sync: Sync): void {
  const suspended = findCondition(sync.job, 'Suspended')?.status === 'True';
  if (sync.cfg.suspend) {
    if (setCondition(sync, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' })) emit(sync, { type: 'Normal', reason: 'Suspended', note: 'Job suspended' });
    // A finishing Job keeps its startTime: a finished Job must have one.
    if (!interimVerdict(sync) && sync.input.suspendKeepsStartTime !== true) sync.startTime = undefined;
    return;
  }
  if (suspended) {
    setCondition(sync, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' });
    emit(sync, { type: 'Normal', reason: 'Resumed', note: 'Job resumed' });
    sync.startTime = timestamp(sync.now);
    return;
  }
  sync.startTime ??= timestamp(sync.now);
}

// ------------------------------------------------------------------ verdicts

function restartsOfActivePods(sync: Sync): number {
  let total = 0;
  for (const v of sync.active) {
    for (const cs of v.pod.status?.containerStatuses ?? []) total += cs.restartCount ?? 0;
  }
  return total;
}

function backoffExceeded(sync: Sync): boolean {
  const { cfg } = sync;
  if (sync.failed > cfg.backoffLimit) return true;
  if (!cfg.onFailure) return false;
  const restarts = restartsOfActivePods(sync);
  return cfg.backoffLimit === 0 ? restarts > 0 : restarts >= cfg.backoffLimit;
}

function deadlinePassed(sync: Sync): boolean {
  const start = parseTime(sync.startTime);
  if (sync.cfg.activeDeadlineMs === undefined || start === undefined || sync.cfg.suspend) return false;
  const deadline = start + sync.cfg.activeDeadlineMs;
  if (sync.now >= deadline) return true;
  wake(sync, deadline);
  return false;
}

function failureVerdict(sync: Sync): Verdict | undefined {
  if (sync.failJobMessage !== undefined) return { success: false, reason: 'PodFailurePolicy', message: sync.failJobMessage };
  if (backoffExceeded(sync)) return { success: false, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  if (deadlinePassed(sync)) return { success: false, reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  return undefined;
}

function indexVerdict(sync: Sync): Verdict | undefined {
  const { cfg } = sync;
  if (cfg.backoffLimitPerIndex === undefined || cfg.completions === undefined) return undefined;
  const failed = sync.failedIndexes.size;
  if (cfg.maxFailedIndexes !== undefined && failed > cfg.maxFailedIndexes) {
    return { success: false, reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
  }
  if (failed > 0 && failed + sync.completed.size >= cfg.completions) {
    return { success: false, reason: 'FailedIndexes', message: 'Job has failed indexes' };
  }
  return undefined;
}

interface SuccessRule {
  readonly succeededIndexes?: string;
  readonly succeededCount?: number;
}

/** `spec.successPolicy`: the message of the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(rules: readonly SuccessRule[], completions: number, completed: ReadonlySet<number>): string | undefined {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    let met = false;
    if (rule.succeededIndexes !== undefined) {
      const wanted = parseIndexes(rule.succeededIndexes, completions);
      const done = [...wanted].filter((x) => completed.has(x)).length;
      met = done >= (rule.succeededCount ?? wanted.size);
    } else if (rule.succeededCount !== undefined) {
      met = completed.size >= rule.succeededCount;
    }
    if (met) return `Matched rules at index ${i}`;
  }
  return undefined;
}

function successPolicyVerdict(sync: Sync): Verdict | undefined {
  const rules = sync.job.spec?.successPolicy?.rules;
  if (!sync.cfg.indexed || sync.cfg.completions === undefined || !Array.isArray(rules)) return undefined;
  const message = matchSuccessPolicy(rules, sync.cfg.completions, sync.completed);
  return message === undefined ? undefined : { success: true, reason: 'SuccessPolicy', message };
}

function interimVerdict(sync: Sync): Verdict | undefined {
  const target = findCondition(sync.job, 'FailureTarget');
  if (target?.status === 'True') return { success: false, reason: target.reason ?? '', message: target.message ?? '' };
  const met = findCondition(sync.job, 'SuccessCriteriaMet');
  if (met?.status === 'True') return { success: true, reason: met.reason ?? '', message: met.message ?? '' };
  return undefined;
}

function verdictOf(sync: Sync): Verdict | undefined {
  return interimVerdict(sync) ?? failureVerdict(sync) ?? indexVerdict(sync) ?? successPolicyVerdict(sync);
}

// ------------------------------------------------------------------ pods

function removePod(sync: Sync, v: PodView): void {
  sync.remove.push(v.pod);
  sync.memory.deleted.add(v.uid);
  sync.active = sync.active.filter((x) => x !== v);
  emit(sync, { type: 'Normal', reason: 'SuccessfulDelete', note: `Deleted pod: ${v.pod.metadata.name}`, action: 'Delete' });
}

function createPod(sync: Sync, slot: PodSlot): void {
  const manifest = podManifest(sync.job, slot, sync.input.rng);
  sync.create.push(manifest);
  emit(sync, { type: 'Normal', reason: 'SuccessfulCreate', note: `Created pod: ${manifest.metadata.name}`, action: 'Create' });
}

function byAge(a: PodView, b: PodView): number {
  const ta = a.pod.metadata.creationTimestamp ?? '';
  const tb = b.pod.metadata.creationTimestamp ?? '';
  return ta === tb ? a.pod.metadata.name.localeCompare(b.pod.metadata.name) : ta.localeCompare(tb);
}

/** Excess pods go first when not ready, then Pending before Running, then newest first. */
function deletionOrder(a: PodView, b: PodView): number {
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.phase !== b.phase) return a.phase === 'Pending' ? -1 : 1;
  return byAge(b, a);
}

function busyCount(sync: Sync): number {
  return sync.active.length + (sync.cfg.replaceOnlyFailed ? sync.terminating : 0);
}

function startGate(sync: Sync, failures: IndexFailures | undefined): boolean {
  const allowedAt = nextStartAllowedAt(failures);
  if (sync.now >= allowedAt) return true;
  wake(sync, allowedAt);
  return false;
}

function manageNonIndexed(sync: Sync): void {
  const { cfg } = sync;
  if (cfg.completions === undefined && sync.succeeded > 0) return;
  const want = cfg.completions === undefined ? cfg.parallelism : Math.min(cfg.parallelism, Math.max(0, cfg.completions - sync.succeeded));
  const busy = busyCount(sync);
  if (busy > want) {
    const excess = [...sync.active].sort(deletionOrder).slice(0, busy - want);
    for (const v of excess) removePod(sync, v);
    return;
  }
  if (busy === want || !startGate(sync, failuresSinceSuccess(sync.views, sync.memory.failures))) return;
  for (let i = busy; i < want; i++) createPod(sync, {});
}

/** Keeps one active pod per open index; pods of finished, failed, duplicate or unknown indexes go. */
function isOpenIndex(sync: Sync, i: number): boolean {
  return !sync.completed.has(i) && !sync.failedIndexes.has(i);
}

function pruneIndexed(sync: Sync, completions: number): Set<number> {
  const kept = new Set<number>();
  for (const v of [...sync.active].sort(byAge)) {
    const i = v.index;
    if (inRange(i, completions) && isOpenIndex(sync, i) && !kept.has(i)) kept.add(i);
    else removePod(sync, v);
  }
  if (sync.cfg.replaceOnlyFailed) for (const v of sync.views) if (v.terminating && v.index !== undefined) kept.add(v.index);
  return kept;
}

/** The slot of index `i` if a pod may start for it now (with backoffLimitPerIndex, after the index's own back-off). */
function indexSlot(sync: Sync, i: number, perIndex: Map<number, IndexFailures> | undefined): PodSlot | undefined {
  if (!perIndex) return { index: i };
  const failures = perIndex.get(i) ?? { count: 0, ignored: 0 };
  return startGate(sync, failures) ? { index: i, failures } : undefined;
}

function perIndexFailures(sync: Sync): Map<number, IndexFailures> | undefined {
  return sync.cfg.backoffLimitPerIndex === undefined ? undefined : indexFailures(sync.views);
}

function manageIndexed(sync: Sync): void {
  const completions = sync.cfg.completions ?? 0;
  const busy = pruneIndexed(sync, completions);
  let slots = sync.cfg.parallelism - busyCount(sync);
  const perIndex = perIndexFailures(sync);
  if (slots <= 0 || (!perIndex && !startGate(sync, failuresSinceSuccess(sync.views, sync.memory.failures)))) return;
  for (let i = 0; i < completions && slots > 0; i++) {
    const slot = !busy.has(i) && isOpenIndex(sync, i) ? indexSlot(sync, i, perIndex) : undefined;
    if (!slot) continue;
    createPod(sync, slot);
    slots -= 1;
  }
}

function manage(sync: Sync): void {
  if (sync.cfg.suspend) {
    for (const v of [...sync.active]) removePod(sync, v);
    return;
  }
  if (sync.job.metadata.deletionTimestamp) return;
  if (sync.cfg.indexed) manageIndexed(sync);
  else manageNonIndexed(sync);
}

// ------------------------------------------------------------------ finishing

/** Stops the Job's active pods; once a Job is failing, each one it stops counts as failed. */
function stopActivePods(sync: Sync, failing: boolean): void {
  for (const v of [...sync.active]) {
    removePod(sync, v);
    // The built-in controller removes the pod's tracking finalizer with the Job's failure and counts
    // it: recorded on the real controller by the active-deadline and on-failure-restarts scenarios.
    if (failing && !sync.memory.counted.has(v.uid)) {
      sync.memory.counted.add(v.uid);
      sync.failed += 1;
    }
  }
}

function setTerminalCondition(sync: Sync, verdict: Verdict, legacy: boolean): void {
  if (verdict.success) {
    setCondition(sync, { type: 'Complete', status: 'True', reason: legacy ? '' : verdict.reason, message: legacy ? '' : verdict.message });
    sync.completionTime = timestamp(sync.now);
    emit(sync, { type: 'Normal', reason: 'Completed', note: 'Job completed' });
  } else {
    setCondition(sync, { type: 'Failed', status: 'True', reason: verdict.reason, message: verdict.message });
    emit(sync, { type: 'Warning', reason: verdict.reason, note: verdict.message });
  }
  sync.wakeAt = undefined;
}

function finish(sync: Sync, verdict: Verdict): void {
  stopActivePods(sync, !verdict.success);
  const legacy = sync.input.legacyConditions === true;
  if (!legacy || verdict.reason === 'PodFailurePolicy') {
    setCondition(sync, { type: verdict.success ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True', reason: verdict.reason, message: verdict.message });
  }
  // The terminal condition waits until the pods are gone: the ones deleted now are seen gone on the next
  // sync. Before 1.31 the controller set it at once.
  if (!legacy && (sync.terminating > 0 || sync.remove.length > 0)) return;
  setTerminalCondition(sync, verdict, legacy);
}

function completionVerdict(sync: Sync): Verdict | undefined {
  const { cfg } = sync;
  if (cfg.suspend || sync.active.length + sync.create.length > 0) return undefined;
  const done = cfg.completions === undefined ? sync.succeeded > 0 : sync.succeeded >= cfg.completions;
  return done ? { success: true, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' } : undefined;
}

// ------------------------------------------------------------------ status

function setCount(status: Json, key: string, value: number): void {
  if (value > 0) status[key] = value;
  else delete status[key];
}

function setOptional(status: Json, key: string, value: unknown): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}

/**
 * `ready` of a finished Job: 0; before 1.31 the ready pods counted at the start of the sync that
 * finished it, left as they were (the old controller counted them before stopping the pods and
 * never synced a finished Job again; recorded: `active-deadline` on real 1.28).
 */
function finishedReady(sync: Sync): number {
  if (sync.input.legacyConditions !== true) return 0;
  return isJobFinished(sync.job) ? Number(sync.job.status?.ready ?? 0) : sync.readyAtStart;
}

/**
 * The pods terminating when the sync began: from 1.31 a Job finishes only once there are none;
 * before, the terminal condition comes with the count of that sync (the pods the sync itself
 * deletes are not in it: active-deadline; an evicted pod is: evict-backoff-limit-zero on
 * 1.29/1.30), and a finished Job's status is never written again.
 */
function terminatingOf(sync: Sync): number {
  return isJobFinished(sync.job) ? Number(sync.job.status?.terminating ?? 0) : sync.terminating;
}

function statusOf(sync: Sync): Json {
  const status: Json = { ...(sync.job.status ?? {}) };
  const finished = sync.conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  setCount(status, 'active', finished ? 0 : sync.active.length + sync.create.length);
  status.ready = finished ? finishedReady(sync) : sync.active.filter((v) => v.ready).length;
  if (sync.input.omitTerminating) delete status.terminating;
  else status.terminating = terminatingOf(sync);
  setCount(status, 'succeeded', sync.succeeded);
  setCount(status, 'failed', sync.failed);
  setOptional(status, 'startTime', sync.startTime);
  setOptional(status, 'completionTime', sync.completionTime);
  setOptional(status, 'conditions', sync.conditions.length > 0 ? sync.conditions : undefined);
  status.uncountedTerminatedPods = {};
  if (sync.cfg.indexed) setOptional(status, 'completedIndexes', sync.completed.size > 0 ? formatIndexes(sync.completed) : undefined);
  if (sync.cfg.backoffLimitPerIndex !== undefined) status.failedIndexes = formatIndexes(sync.failedIndexes);
  return status;
}

function planOf(sync: Sync): JobPlan {
  return {
    podsToCreate: sync.create,
    podsToDelete: sync.remove,
    status: statusOf(sync),
    events: sync.events,
    memory: sync.memory,
    wakeAt: sync.wakeAt,
  };
}

/** Plans one sync of a Job: pods to create and delete, the new status, Events, and when to look again. */
export function planJob(input: JobPlanInput): JobPlan {
  const sync = newSync(input);
  account(sync);
  accountIndexes(sync);
  if (isJobFinished(sync.job)) {
    for (const v of [...sync.active]) removePod(sync, v);
    return planOf(sync);
  }
  applySuspension(sync);
  const verdict = verdictOf(sync);
  if (verdict) {
    finish(sync, verdict);
    return planOf(sync);
  }
  manage(sync);
  const done = completionVerdict(sync);
  if (done) finish(sync, done);
  return planOf(sync);
}
