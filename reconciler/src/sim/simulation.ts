/**
 * `startSimulation`: the emulated cluster's control plane and nodes. It watches the store and
 * runs the simulated job controller, kubelet, CronJob controller and TTL-after-finished
 * controller, level-triggered: an object is re-planned whenever it (or, for a Job, one of its
 * pods) changes, and when a plan asks to be woken. All work runs from `clock` timers, so a
 * `ManualClock` steps the whole cluster deterministically and a `ScaledClock` runs it live.
 */
import { isDeepStrictEqual } from 'node:util';
import { compareVersions, parseVersion } from 'cdk8s-batch/rules';
import { StoreError, type Clock, type NewObject, type ObjectStore, type StoredObject, type StoreEvent } from '../emulator/types.ts';
import { planCronJob, withActiveJob, type TooManyMissedBehaviour } from './cronjob-plan.ts';
import { eventObject } from './events.ts';
import { initialJobMemory, planJob, type JobMemory, type SimEvent } from './job-plan.ts';
import { CONTROLLER_UID_LABEL, JOB_CONTROLLER_NAME, JOB_NAME_LABEL, JOB_TRACKING_FINALIZER, controllerUid, findCondition, isJobFinished, parseTime, timestamp, type Json } from './meta.ts';
import { evict } from '../emulator/eviction.ts';
import { DEFAULT_STOP_MS, pendingStatus, planPodLifecycle, planTermination } from './pod-lifecycle.ts';
import { seededRng, type Rng } from './random.ts';
import { planTtl } from './ttl-plan.ts';

/** The simulated nodes, all Ready at start. */
export const SIM_NODES: readonly string[] = ['sim-node-1', 'sim-node-2', 'sim-node-3'];

/** `reportingController` of the Events each simulated controller writes. */
export const REPORTING_CONTROLLERS = {
  job: 'job-controller',
  cronjob: 'cronjob-controller',
} as const;

export interface SimulationOptions {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** Seed of pod names and pod outcomes (default 1): the same seed replays the same run. */
  readonly seed?: number;
  /** Names of the simulated nodes (default `SIM_NODES`). */
  readonly nodes?: readonly string[];
  /** What the CronJob controller does after more than 100 missed start times (default `startMostRecent`, as the real controllers of every supported version; see `CronJobPlanInput`). */
  readonly cronJobTooManyMissed?: TooManyMissedBehaviour;
  /**
   * The Kubernetes version whose controllers are simulated (default: the store's, else the newest
   * behaviour); before 1.31 Jobs get the conditions of the older job controller.
   */
  readonly kubernetesVersion?: string;
  /** How long a deleted pod's containers take to stop (at most its grace period; default 1 s, as the simulated kubelet of a real cluster). */
  readonly podStopMs?: number;
  /** Called when a controller fails to sync an object (the failure is also kept in `errors`). */
  readonly onError?: (error: SimulationError) => void;
}

/** A failed sync: which controller, which object, what went wrong. */
export interface SimulationError {
  readonly controller: Controller;
  readonly key: string;
  readonly error: unknown;
}

export interface KillNodeOptions {
  /** Also delete the node's unfinished pods (they vanish), instead of leaving them Running without progress. */
  readonly vanishPods?: boolean;
}

/** A running simulation. */
export interface Simulation {
  /** Marks the node NotReady; its pods stay Running without progress, or vanish with `vanishPods`. */
  killNode(name: string, options?: KillNodeOptions): void;
  /** Marks a killed node Ready again; its pods carry on. */
  restoreNode(name: string): void;
  /**
   * Evicts a pod as the Eviction API does: it gets a `DisruptionTarget` condition and is deleted
   * with its grace period; its kubelet stops it (Failed, exit code 143) and removes it.
   */
  evictPod(namespace: string, name: string): void;
  /** Stops the job controller (an outage): Jobs and their pods are no longer synced; the kubelet keeps running pods. */
  pauseJobController(): void;
  /** Restarts the job controller, which then resyncs every Job. */
  resumeJobController(): void;
  /** Stops the CronJob controller: schedules are missed until it resumes. */
  pauseCronJobController(): void;
  /** Restarts the CronJob controller, which then resyncs every CronJob. */
  resumeCronJobController(): void;
  /** Failed syncs so far. */
  readonly errors: readonly SimulationError[];
  /** Unsubscribes from the store and cancels every timer. */
  stop(): void;
}

export type Controller = 'job' | 'cronjob' | 'ttl' | 'kubelet';

/** Keys processed in one drain before yielding to the clock (guards against a sync loop starving everything else). */
const MAX_SYNCS_PER_DRAIN = 20_000;
const MAX_CONFLICT_RETRIES = 5;
/**
 * How long after a deleted pod stopped its kubelet deletes it for good (grace period 0); a pod of a
 * Job then stays until the job controller has removed its job-tracking finalizer.
 */
export const STOPPED_POD_REMOVAL_MS = 500;

function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  const namespace = key.slice(0, slash);
  return { namespace: namespace === '' ? undefined : namespace, name: key.slice(slash + 1) };
}

function objectKey(obj: StoredObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function isStoreError(err: unknown, code: number): boolean {
  return err instanceof StoreError && err.code === code;
}

function isManagedByJobController(job: StoredObject): boolean {
  const managedBy = job.spec?.managedBy;
  return managedBy === undefined || managedBy === null || managedBy === JOB_CONTROLLER_NAME;
}

function nodeReady(node: StoredObject | undefined): boolean {
  return findCondition(node, 'Ready')?.status === 'True';
}

function nodeManifest(name: string, now: number): NewObject {
  const time = timestamp(now);
  const resources = { cpu: '4', memory: '16Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: time, lastTransitionTime: time },
      ],
    },
  };
}

function readyCondition(ready: boolean, now: number): Json {
  const time = timestamp(now);
  return ready
    ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: time, lastTransitionTime: time }
    : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: time };
}

/** When a pod's containers stopped (the latest `finishedAt`), else when its deletion was requested. */
function stoppedAt(pod: StoredObject): number {
  const finished = (pod.status?.containerStatuses ?? [])
    .map((cs: Json) => parseTime(cs?.state?.terminated?.finishedAt))
    .filter((t: number | undefined): t is number => t !== undefined);
  if (finished.length > 0) return Math.max(...finished);
  return (parseTime(pod.metadata.deletionTimestamp) ?? 0) - Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
}

class Runtime implements Simulation {
  readonly errors: SimulationError[] = [];
  private readonly store: ObjectStore;
  private readonly clock: Clock;
  private readonly seed: number;
  private readonly rng: Rng;
  private readonly nodes: readonly string[];
  private readonly onError?: (error: SimulationError) => void;
  private readonly tooManyMissed?: TooManyMissedBehaviour;
  private readonly legacyConditions: boolean;
  private readonly suspendKeepsStartTime: boolean;
  private readonly omitTerminating: boolean;
  private readonly podStopMs: number;
  private readonly dirty = new Set<string>();
  private readonly wakes = new Map<string, { at: number; cancel: () => void }>();
  private readonly memories = new Map<string, JobMemory>();
  private readonly lastEvent = new Map<string, string>();
  private readonly paused = new Set<Controller>();
  /** Node of every unfinished, scheduled pod (by uid), kept from the store's events for scheduling. */
  private readonly podNodes = new Map<string, string>();
  private drainTimer?: () => void;
  private draining = false;
  private unsubscribe?: () => void;
  private eventSerial = 0;
  private stopped = false;

  constructor(options: SimulationOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.seed = options.seed ?? 1;
    this.rng = seededRng(this.seed);
    this.nodes = options.nodes ?? SIM_NODES;
    this.onError = options.onError;
    this.tooManyMissed = options.cronJobTooManyMissed;
    this.podStopMs = options.podStopMs ?? DEFAULT_STOP_MS;
    const version = options.kubernetesVersion ?? (options.store as { kubernetesVersion?: string }).kubernetesVersion;
    this.legacyConditions = version !== undefined && compareVersions(parseVersion(version), { major: 1, minor: 31 }) < 0;
    this.suspendKeepsStartTime = version !== undefined && compareVersions(parseVersion(version), { major: 1, minor: 36 }) < 0;
    this.omitTerminating = version !== undefined && compareVersions(parseVersion(version), { major: 1, minor: 29 }) < 0;
  }

  start(): void {
    for (const name of this.nodes) {
      if (!this.store.get('Node', undefined, name)) this.store.create(nodeManifest(name, this.clock.now()));
    }
    this.unsubscribe = this.store.watch((e) => this.onStoreEvent(e));
    this.resync('job');
    this.resync('cronjob');
    for (const pod of this.store.list('Pod')) {
      this.trackPodNode('ADDED', pod);
      this.enqueue('kubelet', objectKey(pod));
    }
  }

  // ---------------------------------------------------------------- public controls

  killNode(name: string, options: KillNodeOptions = {}): void {
    this.setNodeReady(name, false);
    if (!options.vanishPods) return;
    for (const pod of this.podsOnNode(name)) {
      this.guard('kubelet', objectKey(pod), () => this.store.delete('Pod', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }));
    }
  }

  restoreNode(name: string): void {
    this.setNodeReady(name, true);
  }

  evictPod(namespace: string, name: string): void {
    evict(this.store, this.clock.now(), { namespace, name });
  }

  pauseJobController(): void {
    this.paused.add('job');
  }

  resumeJobController(): void {
    this.paused.delete('job');
    this.resync('job');
  }

  pauseCronJobController(): void {
    this.paused.add('cronjob');
  }

  resumeCronJobController(): void {
    this.paused.delete('cronjob');
    this.resync('cronjob');
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.drainTimer?.();
    for (const w of this.wakes.values()) w.cancel();
    this.wakes.clear();
    this.dirty.clear();
  }

  // ---------------------------------------------------------------- queueing

  private onStoreEvent(e: StoreEvent): void {
    const obj = e.object;
    const key = objectKey(obj);
    if (obj.kind === 'Job') this.onJobEvent(e, key);
    else if (obj.kind === 'Pod') this.onPodEvent(e, key);
    else if (obj.kind === 'CronJob') this.enqueue('cronjob', key);
    else if (obj.kind === 'Node') for (const pod of this.podsOnNode(obj.metadata.name)) this.enqueue('kubelet', objectKey(pod));
  }

  private onJobEvent(e: StoreEvent, key: string): void {
    const job = e.object;
    if (e.type === 'DELETED') this.memories.delete(job.metadata.uid);
    this.enqueue('job', key);
    this.enqueue('ttl', key);
    const owner = job.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'CronJob');
    if (owner) this.enqueue('cronjob', `${job.metadata.namespace ?? ''}/${owner.name}`);
  }

  private onPodEvent(e: StoreEvent, key: string): void {
    const pod = e.object;
    this.trackPodNode(e.type, pod);
    this.enqueue('kubelet', key);
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
    const jobName = owner?.name ?? (pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ? pod.metadata.labels?.[JOB_NAME_LABEL] : undefined);
    if (jobName !== undefined) this.enqueue('job', `${pod.metadata.namespace ?? ''}/${jobName}`);
  }

  private resync(controller: 'job' | 'cronjob'): void {
    const kind = controller === 'job' ? 'Job' : 'CronJob';
    for (const obj of this.store.list(kind)) this.enqueue(controller, objectKey(obj));
  }

  private enqueue(controller: Controller, key: string): void {
    if (this.stopped) return;
    this.dirty.add(`${controller}|${key}`);
    if (!this.drainTimer && !this.draining) this.drainTimer = this.clock.setTimer(0, () => this.drain());
  }

  private wakeAt(controller: Controller, key: string, at: number | undefined): void {
    if (at === undefined || this.stopped) return;
    const id = `${controller}|${key}`;
    const existing = this.wakes.get(id);
    if (existing && existing.at <= at && existing.at > this.clock.now()) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.wakes.delete(id);
      this.enqueue(controller, key);
    });
    this.wakes.set(id, { at, cancel });
  }

  private drain(): void {
    this.drainTimer = undefined;
    this.draining = true;
    try {
      this.syncDirty();
    } finally {
      this.draining = false;
    }
    const runnable = [...this.dirty].some((id) => !this.paused.has(id.slice(0, id.indexOf('|')) as Controller));
    if (runnable && !this.stopped && !this.drainTimer) this.drainTimer = this.clock.setTimer(0, () => this.drain());
  }

  /** Syncs the queued keys (also the ones queued meanwhile) of controllers that are not paused. */
  private syncDirty(): void {
    let processed = 0;
    for (const id of this.dirty) {
      if (this.stopped || processed >= MAX_SYNCS_PER_DRAIN) break;
      const bar = id.indexOf('|');
      const controller = id.slice(0, bar) as Controller;
      if (this.paused.has(controller)) continue;
      this.dirty.delete(id);
      processed += 1;
      this.guard(controller, id.slice(bar + 1), () => this.sync(controller, id.slice(bar + 1)));
    }
  }

  private guard(controller: Controller, key: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      const failure = { controller, key, error };
      this.errors.push(failure);
      this.onError?.(failure);
    }
  }

  private sync(controller: Controller, key: string): void {
    const { namespace, name } = splitKey(key);
    if (controller === 'job') this.syncJob(namespace, name);
    else if (controller === 'kubelet') this.syncPod(namespace, name);
    else if (controller === 'cronjob') this.syncCronJob(namespace, name);
    else this.syncTtl(namespace, name);
  }

  // ---------------------------------------------------------------- writes

  /** Writes `status` through the status subresource with the current resourceVersion; on 409 re-reads and retries. Returns false when the object changed under us or is gone. */
  private writeStatus(obj: StoredObject, status: Json): boolean {
    let current = obj;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      if (isDeepStrictEqual(current.status ?? {}, status)) return true;
      try {
        this.store.replace({ ...current, status }, { subresource: 'status' });
        return true;
      } catch (err) {
        if (!isStoreError(err, 409)) throw err;
        const fresh = this.store.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
        if (!fresh || fresh.metadata.uid !== obj.metadata.uid || !isDeepStrictEqual(fresh.status, obj.status)) return false;
        current = fresh;
      }
    }
    return false;
  }

  private emit(regarding: StoredObject, events: readonly SimEvent[], controller: string): void {
    for (const event of events) {
      const dedupe = `${event.reason}\n${event.note}`;
      if (this.lastEvent.get(regarding.metadata.uid) === dedupe) continue;
      this.lastEvent.set(regarding.metadata.uid, dedupe);
      this.eventSerial += 1;
      this.store.create(eventObject(regarding, event, { now: this.clock.now(), controller, serial: this.eventSerial }));
    }
  }

  private deleteIgnoringGone(kind: string, obj: StoredObject, propagationPolicy: 'Background' | 'Foreground' = 'Background'): void {
    try {
      this.store.delete(kind, obj.metadata.namespace, obj.metadata.name, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (err) {
      if (!isStoreError(err, 404) && !isStoreError(err, 409)) throw err;
    }
  }

  // ---------------------------------------------------------------- job controller

  private syncJob(namespace: string | undefined, name: string): void {
    const job = this.store.get('Job', namespace, name);
    this.releaseOrphans(namespace, name, job);
    if (!job || !isManagedByJobController(job)) return;
    const pods = this.store.list('Pod', namespace, { [CONTROLLER_UID_LABEL]: job.metadata.uid });
    const memory = this.memories.get(job.metadata.uid) ?? initialJobMemory(job, pods);
    const plan = planJob({
      job,
      pods,
      now: this.clock.now(),
      memory,
      rng: this.rng,
      legacyConditions: this.legacyConditions,
      suspendKeepsStartTime: this.suspendKeepsStartTime,
      omitTerminating: this.omitTerminating,
    });
    for (const pod of plan.podsToDelete) this.deleteIgnoringGone('Pod', pod);
    const loads = plan.podsToCreate.length > 0 ? this.nodeLoads() : new Map<string, number>();
    for (const manifest of plan.podsToCreate) plan.memory.active.add(this.createPod(manifest, loads).metadata.uid);
    const written = this.writeStatus(job, plan.status);
    this.memories.set(job.metadata.uid, written ? plan.memory : { ...plan.memory, counted: memory.counted, failures: memory.failures });
    if (!written) return this.enqueue('job', objectKey(job));
    this.releaseFinished(job, plan.memory);
    this.emit(job, plan.events, REPORTING_CONTROLLERS.job);
    this.wakeAt('job', objectKey(job), plan.wakeAt);
  }

  /**
   * Removes the job-tracking finalizer from the Job's pods it no longer tracks, as the job
   * controller does once their outcome is in the status: pods it counted as finished (succeeded,
   * failed, or terminating where that counts as failed) or deleted itself, and every pod once the
   * Job has finished or is being deleted.
   */
  private releaseFinished(job: StoredObject, memory: JobMemory): void {
    const current = this.store.get('Job', job.metadata.namespace, job.metadata.name) ?? job;
    const done = Boolean(current.metadata.deletionTimestamp) || isJobFinished(current);
    for (const pod of this.store.list('Pod', job.metadata.namespace, { [CONTROLLER_UID_LABEL]: job.metadata.uid })) {
      const uid = pod.metadata.uid;
      if (done || pod.status?.phase === 'Succeeded' || memory.counted.has(uid) || memory.deleted.has(uid)) this.releasePod(pod);
    }
  }

  /**
   * The pods named after a Job that no Job controls any more (their Job is gone, replaced by
   * another of the same name, or has orphaned them) lose the job-tracking finalizer, as the job
   * controller's orphan-pod handling does.
   */
  private releaseOrphans(namespace: string | undefined, name: string, job: StoredObject | undefined): void {
    for (const pod of this.store.list('Pod', namespace, { [JOB_NAME_LABEL]: name })) {
      const owner = controllerUid(pod, 'Job');
      if (owner !== undefined && owner === job?.metadata.uid) continue;
      this.releasePod(pod);
    }
  }

  private releasePod(pod: StoredObject): void {
    const finalizers = pod.metadata.finalizers ?? [];
    if (!finalizers.includes(JOB_TRACKING_FINALIZER)) return;
    const rest = finalizers.filter((f) => f !== JOB_TRACKING_FINALIZER);
    try {
      this.store.replace({ ...pod, metadata: { ...pod.metadata, finalizers: rest } });
    } catch (err) {
      if (!isStoreError(err, 404) && !isStoreError(err, 409)) throw err;
      this.enqueue('job', `${pod.metadata.namespace ?? ''}/${pod.metadata.labels?.[JOB_NAME_LABEL] ?? ''}`);
    }
  }

  private trackPodNode(type: StoreEvent['type'], pod: StoredObject): void {
    const node = pod.spec?.nodeName;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (type === 'DELETED' || finished || !node) this.podNodes.delete(pod.metadata.uid);
    else this.podNodes.set(pod.metadata.uid, node);
  }

  /** Unfinished pods per Ready node. */
  private nodeLoads(): Map<string, number> {
    const loads = new Map<string, number>();
    for (const name of this.nodes) if (nodeReady(this.store.get('Node', undefined, name))) loads.set(name, 0);
    for (const node of this.podNodes.values()) if (loads.has(node)) loads.set(node, loads.get(node)! + 1);
    return loads;
  }

  /** Schedules the pod on the least loaded Ready node (none Ready: it stays Pending, unscheduled) and creates it. */
  private createPod(manifest: NewObject, loads: Map<string, number>): StoredObject {
    let best: string | undefined;
    for (const [node, load] of loads) if (best === undefined || load < loads.get(best)!) best = node;
    if (best === undefined) return this.store.create({ ...manifest, status: { phase: 'Pending' } });
    loads.set(best, loads.get(best)! + 1);
    return this.store.create({ ...manifest, spec: { ...manifest.spec, nodeName: best }, status: pendingStatus(this.clock.now()) });
  }

  // ---------------------------------------------------------------- kubelet

  private podsOnNode(node: string): StoredObject[] {
    return this.store.list('Pod').filter((p) => p.spec?.nodeName === node);
  }

  private setNodeReady(name: string, ready: boolean): void {
    const node = this.store.get('Node', undefined, name);
    if (!node) throw new StoreError(404, 'NotFound', `nodes "${name}" not found`);
    const others = (node.status?.conditions ?? []).filter((c: Json) => c.type !== 'Ready');
    this.writeStatus(node, { ...node.status, conditions: [...others, readyCondition(ready, this.clock.now())] });
  }

  private syncPod(namespace: string | undefined, name: string): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod) return;
    const node = pod.spec?.nodeName ? this.store.get('Node', undefined, pod.spec.nodeName) : undefined;
    if (pod.metadata.deletionTimestamp) return this.syncTerminatingPod(pod, nodeReady(node));
    const plan = planPodLifecycle({ pod, now: this.clock.now(), nodeReady: nodeReady(node), seed: this.seed });
    if (plan.status && !this.writeStatus(pod, plan.status)) return this.enqueue('kubelet', objectKey(pod));
    this.wakeAt('kubelet', objectKey(pod), plan.wakeAt);
  }

  /**
   * A deleted pod on its node: the kubelet stops it (Failed, exit code 143) within its grace
   * period and then deletes it with grace period 0. A pod on a NotReady node stays terminating.
   */
  private syncTerminatingPod(pod: StoredObject, ready: boolean): void {
    if (!pod.spec?.nodeName || !ready) return;
    const now = this.clock.now();
    const plan = planTermination(pod, now, this.podStopMs);
    if (plan.status && !this.writeStatus(pod, plan.status)) return this.enqueue('kubelet', objectKey(pod));
    if (plan.status || plan.wakeAt !== undefined) return this.wakeAt('kubelet', objectKey(pod), plan.status ? now + STOPPED_POD_REMOVAL_MS : plan.wakeAt);
    const removeAt = stoppedAt(pod) + STOPPED_POD_REMOVAL_MS;
    if (now < removeAt) return this.wakeAt('kubelet', objectKey(pod), removeAt);
    this.guard('kubelet', objectKey(pod), () =>
      this.store.delete('Pod', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }),
    );
  }

  // ---------------------------------------------------------------- cronjob controller

  private syncCronJob(namespace: string | undefined, name: string): void {
    const cronJob = this.store.get('CronJob', namespace, name);
    if (!cronJob) return;
    const plan = planCronJob({ cronJob, jobs: this.store.list('Job', namespace), now: this.clock.now(), tooManyMissed: this.tooManyMissed });
    for (const job of plan.jobsToDelete) this.deleteIgnoringGone('Job', job);
    let status = plan.status;
    for (const manifest of plan.jobsToCreate) {
      const created = this.createIfAbsent(manifest);
      if (created) status = withActiveJob(status, created);
    }
    if (!this.writeStatus(cronJob, status)) return this.enqueue('cronjob', objectKey(cronJob));
    this.emit(cronJob, plan.events, REPORTING_CONTROLLERS.cronjob);
    this.wakeAt('cronjob', objectKey(cronJob), plan.wakeAt);
  }

  private createIfAbsent(manifest: NewObject): StoredObject | undefined {
    try {
      return this.store.create(manifest);
    } catch (err) {
      if (isStoreError(err, 409)) return undefined;
      throw err;
    }
  }

  // ---------------------------------------------------------------- TTL-after-finished controller

  private syncTtl(namespace: string | undefined, name: string): void {
    const job = this.store.get('Job', namespace, name);
    if (!job) return;
    const plan = planTtl(job, this.clock.now());
    // The TTL-after-finished controller deletes in the foreground: the Job stays until its pods are gone.
    if (plan.expired && !job.metadata.deletionTimestamp) this.deleteIgnoringGone('Job', job, 'Foreground');
    else this.wakeAt('ttl', objectKey(job), plan.wakeAt);
  }
}

/** Starts the simulated control plane and nodes on `store`, driven by `clock`. */
export function startSimulation(options: SimulationOptions): Simulation {
  const runtime = new Runtime(options);
  runtime.start();
  return runtime;
}

