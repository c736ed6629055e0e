/**
 * The controller loop: reflectors keep caches of Jobs, CronJobs, Pods, Nodes and (for the
 * admission gate only) ResourceQuotas;
 * their events become keys (`Kind/namespace/name`) in a work queue; a worker builds `Observed`
 * from the caches, calls the pure `decide(observed, now, config)`, and hands the actions to the
 * actuator (only while leading, when leader election is on). Level-triggered: a key is always
 * decided from the current cache, so a missed event is repaired by the next event or resync.
 *
 * Safety:
 * - no worker starts before every cache has synced (Nodes and ResourceQuotas may instead be
 *   degraded: forbidden or absent, which turns off the checks that need them);
 * - a decision with a create or delete, or with a finding that rests on something being absent,
 *   is confirmed on a fresh view read from the API server first (`fresh-view.ts`);
 * - with leader election every write passes the lease fence at the moment it is sent;
 * - `stop()` ends within `shutdownGraceMs`, aborting whatever requests are still in flight.
 *
 * In-process use on simulated time (the sandbox, tests):
 *
 *   const kc = new KubeConfig(); kc.loadFromString(emulator.kubeconfigYaml());
 *   const controller = new Controller({ port: new KubeClient(kc), config, now: () => clock.now(),
 *     requeueDelay: (ms) => ms / speed });
 *   controller.start(); await controller.waitForSync();
 *   clock.advance(…); controller.resync();   // decide everything again at the new time
 *   await controller.stop();
 */
import { hostname } from 'node:os';
import { audit, type AuditResult } from '../core/audit.ts';
import { decide as coreDecide } from '../core/decide.ts';
import { jobUidOfPod } from '../core/cleanup.ts';
import { isRerunOf, rerunName } from '../core/rerun.ts';
import { RERUN_OF_ANNOTATION } from '../core/annotations.ts';
import type { Audited, AuxiliaryResource, Decision, KubeObject, ObjectRef, Observed, ReconcilerConfig } from '../core/types.ts';
import type { Violation } from 'cdk8s-batch/rules';
import { KubeApiError, toKubeApiError } from '../adapters/errors.ts';
import type { KubePort, ResourceKind } from '../adapters/port.ts';
import { Actuator, needsRetry, type ActionResult } from './actuator.ts';
import { CacheIndex } from './cache-index.ts';
import { batchCacheView, nodeCacheView, podCacheView } from './cache-view.ts';
import { confirmed, freshObserved, needsFreshView } from './fresh-view.ts';
import { DEFAULT_LEASE_NAME, LeaderElector, type LeaderElectionTimings } from './leader-election.ts';
import { silentLogger, type Logger } from './logger.ts';
import { ReconcilerMetrics } from './metrics.ts';
import { TokenBucket } from './rate-limiter.ts';
import { Informer, Reflector, type ReflectorHandler, type ReflectorTimings } from './reflector.ts';
import { WorkQueue, runWorkers, type ProcessResult, type WorkQueueOptions } from './work-queue.ts';

export type DecideFn = (observed: Observed, now: number, config: ReconcilerConfig) => Decision;

export interface LeaderElectionConfig {
  readonly namespace: string;
  /** Lease name (default `DEFAULT_LEASE_NAME`, `cdk8s-batch-reconciler`). */
  readonly name?: string;
  readonly timings?: Partial<LeaderElectionTimings>;
}

export interface ControllerOptions {
  readonly port: KubePort;
  readonly config: ReconcilerConfig;
  /** The decision function (default: the core's `decide`). */
  readonly decide?: DecideFn;
  /** The clock `decide` and Event times use (default `Date.now`; the sandbox passes simulated time). */
  readonly now?: () => number;
  /** Namespaces in scope; empty or undefined: all. */
  readonly namespaces?: readonly string[];
  /** Label selector for Jobs and CronJobs. */
  readonly labelSelector?: string;
  readonly workers?: number;
  readonly maxRetries?: number;
  readonly queue?: WorkQueueOptions;
  readonly reflectorTimings?: Partial<ReflectorTimings>;
  /** Global budget for API writes (default 10 qps, burst 20). */
  readonly writeQps?: number;
  readonly writeBurst?: number;
  readonly logger?: Logger;
  /** This instance's name (Event `reportingInstance`, Lease holder). */
  readonly identity?: string;
  /** Run the actuator only while holding this Lease. */
  readonly leaderElection?: LeaderElectionConfig;
  readonly eventRepeatIntervalMs?: number;
  /**
   * Turns a `requeueAfterMs` of `decide` (in the injected clock's milliseconds) into a real
   * delay; e.g. `(ms) => ms / 60` for a clock running 60× the wall clock. Default: unchanged.
   */
  readonly requeueDelay?: (clockMs: number) => number;
  /** `stop()` aborts the requests still in flight after this long (default 5 s). */
  readonly shutdownGraceMs?: number;
}

/** One object's violations and findings, as the `--once` report and the metrics see them. */
export interface ObjectReport {
  readonly ref: ObjectRef;
  readonly violations: readonly Violation[];
}

export interface OnceReport {
  /** Jobs and CronJobs evaluated. */
  readonly objects: number;
  readonly reports: readonly ObjectReport[];
  readonly actions: readonly ActionResult[];
  /** Keys that could not be reconciled, with the reason. */
  readonly errors: readonly string[];
}

type Kind = ObjectRef['kind'];

/** The audit of every object without violations or findings (one entry for all of them). */
const CLEAN: AuditResult = Object.freeze({ violations: Object.freeze([]), findings: Object.freeze([]) });
/** Jobs audited per turn of the event loop while the caches sync. */
const PREAUDIT_BATCH = 200;

/** The label selector of the Pod cache: pods that carry their Job's uid. */
export const JOB_POD_SELECTOR = 'batch.kubernetes.io/controller-uid';

/** `Kind/namespace/name`. */
export function keyOf(kind: Kind, namespace: string, name: string): string {
  // A flat string (see `objectKey`): these keys are held by the queue and the indexes.
  return [kind, namespace, name].join('/');
}

export function parseKey(key: string): { kind: Kind; namespace: string; name: string } {
  const [kind, namespace, ...rest] = key.split('/');
  return { kind: kind as Kind, namespace, name: rest.join('/') };
}

function meta(obj: KubeObject): { namespace: string; name: string; uid?: string } {
  return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', uid: obj.metadata?.uid };
}

function controllerOwner(obj: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata?.ownerReferences?.find((o) => o.controller);
}

/** A retryable reconcile failure carrying the API error that caused it. */
class RetryError extends Error {
  constructor(readonly cause: KubeApiError) {
    super(cause.message);
  }
}

export class Controller {
  readonly metrics: ReconcilerMetrics;
  readonly queue: WorkQueue;
  readonly jobs: Informer;
  readonly cronJobs: Informer;
  readonly pods: Informer;
  readonly nodes: Informer;
  /** ResourceQuotas; only with the admission gate (nothing else reads them, so nothing lists them). */
  readonly quotas?: Informer;
  private readonly actuator: Actuator;
  private readonly writeBucket: TokenBucket;
  private readonly elector?: LeaderElector;
  private readonly decideFn: DecideFn;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly reports = new Map<string, ObjectReport>();
  /**
   * The audit (rules verdict) of each cached Job and CronJob object, kept as long as that object:
   * the caches replace an object that changes (a new resourceVersion is a new object) and never
   * change one in place, so a Job decided again for a pod event, a Node or a resync replay is
   * not audited again. Clean objects share one entry.
   */
  private readonly audits = new WeakMap<KubeObject, AuditResult>();
  /** Jobs listed before every cache synced, audited meanwhile in small batches (`preaudit`). */
  private preaudits: KubeObject[] = [];
  private readonly jobKeyByUid = new Map<string, string>();
  /** Job uid → keys of its pods. */
  private readonly podsByJob = new CacheIndex();
  /** Owner (CronJob) uid → keys of the Jobs it controls. */
  private readonly jobsByOwner = new CacheIndex();
  /** `namespace/name` of a Job → keys of the Jobs annotated as its reruns. */
  private readonly rerunsByJob = new CacheIndex();
  private workers?: Promise<void>;
  private started = false;
  private stopping = false;
  /** A `runOnce` pass is running (it acts without leader election). */
  private once = false;

  constructor(readonly options: ControllerOptions) {
    this.decideFn = options.decide ?? coreDecide;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? silentLogger();
    this.queue = new WorkQueue(options.queue);
    this.writeBucket = new TokenBucket({ qps: options.writeQps ?? 10, burst: options.writeBurst ?? 20 });
    this.metrics = new ReconcilerMetrics({
      violations: () => [...this.reports.values()].map((r) => r.violations),
      queueDepth: () => this.queue.length,
    });
    const identity = options.identity ?? `${hostname()}-${process.pid}`;
    this.actuator = new Actuator({
      port: options.port,
      now: this.now,
      instance: identity,
      writeBucket: this.writeBucket,
      eventRepeatIntervalMs: options.eventRepeatIntervalMs,
      onResult: (r) => this.onActionResult(r),
      mayWrite: () => this.once || this.acting,
    });
    this.jobs = this.informer('Job', this.jobHandler(), { selected: true, transform: batchCacheView });
    this.cronJobs = this.informer('CronJob', this.simpleHandler('CronJob'), { selected: true, transform: batchCacheView });
    // Only pods created by Jobs (the API server labels them with their Job's uid since 1.27).
    // Pods and Nodes are cached with only the fields the controller and decide read, Jobs and
    // CronJobs whole with their repeated strings held once (cache-view.ts).
    this.pods = this.informer('Pod', this.podHandler(), { fixedSelector: JOB_POD_SELECTOR, transform: podCacheView, viewFields: true });
    this.nodes = new Informer([this.reflector('Node', { transform: nodeCacheView }, this.nodeHandler(), true)]);
    this.quotas = this.quotaInformer(options.config.admissionGate);
    this.elector = this.makeElector(identity);
    this.metrics.leader.set(this.elector ? 0 : 1);
    // The fence again at the last moment before a write goes out (after the budget's waits).
    if (this.elector) options.port.setWriteFence?.(() => this.once || this.acting);
  }

  /** ResourceQuotas are read only by the admission gate's quota check. */
  private quotaInformer(gate: boolean): Informer | undefined {
    return gate ? this.informer('ResourceQuota', this.quotaHandler(), { optional: true }) : undefined;
  }

  /** True once every cache has listed (or, for Nodes and ResourceQuotas, is degraded). */
  get synced(): boolean {
    return this.informers().every((i) => i.hasSynced);
  }

  /** What `/readyz` reports: every cache synced and no watch stalled. */
  get ready(): boolean {
    return this.synced && this.informers().every((i) => i.healthy);
  }

  /** True when this instance may write now (it holds a valid lease, or runs without leader election). */
  get acting(): boolean {
    return !this.stopping && (this.elector ? this.elector.canWrite() : true);
  }

  /** The auxiliary resources that cannot be read (their checks are off). */
  get unavailable(): AuxiliaryResource[] {
    const out: AuxiliaryResource[] = [];
    if (this.nodes.degraded) out.push('nodes');
    if (this.quotas?.degraded) out.push('resourcequotas');
    return out;
  }

  /** Current violations and findings per object (objects without any have no report). */
  objectReports(): ObjectReport[] {
    return [...this.reports.values()];
  }

  /**
   * Starts caches and (when configured) leader election; the workers start once every cache
   * has synced, so that no key is decided on a partial picture (a Job whose pods are not listed
   * yet would look stuck).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.informers().forEach((i) => i.start());
    this.workers = this.waitForSync().then(() => {
      if (this.stopping) return undefined;
      this.log.info({ unavailable: this.unavailable }, 'caches synced');
      return runWorkers(this.queue, {
        workers: this.options.workers ?? 2,
        maxRetries: this.options.maxRetries ?? 10,
        process: (key) => this.reconcile(key),
        onError: (key, err, willRetry) => this.onReconcileError(key, err, willRetry),
        retryAfterMs: (err) => (err instanceof RetryError ? err.cause.retryAfterMs : undefined),
      });
    });
    this.elector?.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.waitForSync()));
  }

  /**
   * Stops everything: queue, workers (after their current key), leader election (a leader
   * releases its Lease), caches. Whatever the server does, it ends within `shutdownGraceMs`:
   * then the port aborts every request still in flight. Writes stop at once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const grace = setTimeout(() => this.options.port.close?.(), this.options.shutdownGraceMs ?? 5000);
    try {
      this.queue.shutDown();
      this.writeBucket.close();
      await Promise.all(this.informers().map((i) => i.stop()));
      await this.workers;
      await this.elector?.stop();
    } finally {
      clearTimeout(grace);
    }
  }

  /**
   * One full pass: list everything in scope, decide and act on every Job, CronJob and orphan
   * candidate Pod once, then stop (no watches). Ignores leader election. Rejects with the
   * `KubeApiError` of a list that fails.
   */
  async runOnce(): Promise<OnceReport> {
    this.once = true;
    try {
      await Promise.all(this.informers().map((i) => i.listOnce()));
      return await this.passOverAllKeys();
    } finally {
      this.once = false;
      this.writeBucket.close();
      await Promise.all(this.informers().map((i) => i.stop()));
    }
  }

  private async passOverAllKeys(): Promise<OnceReport> {
    const actions: ActionResult[] = [];
    const errors: string[] = [];
    for (const key of this.allKeys()) {
      try {
        actions.push(...(await this.decideAndAct(key, true)).results);
      } catch (err) {
        errors.push(`${key}: ${toKubeApiError(err).message}`);
      }
    }
    const objects = this.jobs.list().length + this.cronJobs.list().length;
    return { objects, reports: this.objectReports(), actions, errors };
  }

  /** Enqueues every key in scope (e.g. after the injected clock jumped ahead). */
  resync(): void {
    for (const key of this.allKeys()) this.queue.add(key);
  }

  /** Every key in scope: Jobs, CronJobs and Pods that lost their Job. */
  allKeys(): string[] {
    const keys = [
      ...this.jobs.list().map((o) => keyOf('Job', meta(o).namespace, meta(o).name)),
      ...this.cronJobs.list().map((o) => keyOf('CronJob', meta(o).namespace, meta(o).name)),
    ];
    for (const pod of this.pods.list()) if (this.orphanCandidate(pod)) keys.push(keyOf('Pod', meta(pod).namespace, meta(pod).name));
    return keys;
  }

  /** Reconciles one key (the work-queue processor). */
  async reconcile(key: string): Promise<ProcessResult> {
    // A leader decides and acts; each write passes the lease fence when it is sent (a write
    // refused there is retried, and done once the lease is renewed or by the next leader).
    const leads = this.elector ? this.elector.leads : true;
    const { decision, results } = await this.decideAndAct(key, leads && !this.stopping);
    const retry = results.find(needsRetry);
    if (retry) throw new RetryError(retry.error ?? new KubeApiError(retry.outcome === 'fenced' ? 'Aborted' : 'Conflict', 0, retry.outcome));
    const after = decision.requeueAfterMs;
    return { requeueAfterMs: after === undefined ? undefined : (this.options.requeueDelay?.(after) ?? after) };
  }

  private async decideAndAct(key: string, act: boolean): Promise<{ decision: Decision; results: ActionResult[] }> {
    const { kind } = parseKey(key);
    const stopTimer = this.metrics.reconcileDuration.startTimer({ kind });
    try {
      const observed = this.observe(key);
      const now = this.now();
      let decision = this.decideFn(observed, now, this.options.config);
      if (act && needsFreshView(decision)) decision = await this.confirm(observed, decision, now);
      this.record(key, observed, decision);
      const results = act ? await this.actuator.execute(decision.actions) : [];
      return { decision, results };
    } finally {
      stopTimer();
    }
  }

  /** Decides again on what the API server says now; creates and deletes need both decisions. */
  private async confirm(cached: Observed, decision: Decision, now: number): Promise<Decision> {
    let fresh: Observed;
    try {
      fresh = await freshObserved(this.options.port, cached, decision);
    } catch (err) {
      const cause = toKubeApiError(err);
      throw cause.retryable ? new RetryError(cause) : cause;
    }
    return confirmed(decision, this.decideFn(fresh, now, this.options.config));
  }

  /** Builds what `decide` sees for `key` from the caches. */
  observe(key: string): Observed {
    const { kind, namespace, name } = parseKey(key);
    const object = this.cacheOf(kind).get(namespace, name);
    const uid = object?.metadata?.uid;
    const ref: ObjectRef = { kind, namespace, name, ...(uid ? { uid } : {}) };
    return {
      object,
      ref,
      audited: kind === 'Pod' ? undefined : this.audited(object),
      pods: kind === 'Job' && uid ? this.fromIndex(this.pods, this.podsByJob.keys(uid)) : [],
      ownedJobs: this.ownedJobs(kind, namespace, object),
      nodes: new Map(this.nodes.list().map((n) => [n.metadata?.name ?? '', n])),
      quotas: this.quotas?.list(namespace) ?? [],
      unavailable: this.unavailable,
    };
  }

  /** The kept audit of a cached Job or CronJob object, made now if there is none yet. */
  private audited(object: KubeObject | undefined): Audited | undefined {
    if (!object) return undefined;
    const clusterVersion = this.options.config.kubernetesVersion;
    let result = this.audits.get(object);
    if (result === undefined) {
      const made = audit(object, clusterVersion);
      result = made.violations.length + made.findings.length === 0 ? CLEAN : made;
      this.audits.set(object, result);
    }
    return { object, clusterVersion, result };
  }

  /**
   * While the other caches are still listing, the Jobs already listed are audited (the rules
   * read the Job alone), a few hundred per turn of the event loop so that list pages keep
   * flowing. Nothing is decided or done before every cache synced; this only fills `audits`.
   */
  private preaudit(job: KubeObject): void {
    if (this.synced || this.stopping) return;
    this.preaudits.push(job);
    if (this.preaudits.length === 1) setImmediate(() => this.preauditBatch());
  }

  private preauditBatch(): void {
    const batch = this.preaudits.splice(0, PREAUDIT_BATCH);
    if (this.synced || this.stopping) {
      this.preaudits = [];
      return;
    }
    for (const job of batch) if (this.jobs.get(meta(job).namespace, meta(job).name) === job) this.audited(job);
    if (this.preaudits.length > 0) setImmediate(() => this.preauditBatch());
  }

  private ownedJobs(kind: Kind, namespace: string, object: KubeObject | undefined): KubeObject[] {
    if (!object) return [];
    if (kind === 'CronJob') return this.fromIndex(this.jobs, this.jobsByOwner.keys(object.metadata?.uid ?? ''));
    if (kind === 'Job') return this.rerunsOf(namespace, object);
    const jobKey = this.jobKeyByUid.get(jobUidOfPod(object) ?? '');
    const job = jobKey ? this.jobs.get(namespace, parseKey(jobKey).name) : undefined;
    return job ? [job] : [];
  }

  /** The reruns of a Job: by its rerun-of annotation, or the Job named as its rerun would be. */
  private rerunsOf(namespace: string, job: KubeObject): KubeObject[] {
    const candidates = this.fromIndex(this.jobs, [...this.rerunsByJob.keys(`${namespace}/${meta(job).name}`), `${namespace}/${rerunName(job)}`]);
    return [...new Set(candidates)].filter((j) => j !== job && isRerunOf(j, job));
  }

  private fromIndex(cache: Informer, objectKeys: readonly string[]): KubeObject[] {
    const found: KubeObject[] = [];
    for (const key of objectKeys) {
      const [namespace, name] = key.split('/');
      const obj = cache.get(namespace, name);
      if (obj) found.push(obj);
    }
    return found;
  }

  /** Keeps the report of an object with violations or findings; a clean or vanished object has none. */
  private record(key: string, observed: Observed, decision: Decision): void {
    if (!observed.object || decision.violations.length + decision.findings.length === 0) {
      this.reports.delete(key);
      return;
    }
    this.reports.set(key, { ref: observed.ref, violations: [...decision.violations, ...decision.findings] });
  }

  private cacheOf(kind: Kind): Informer {
    if (kind === 'Job') return this.jobs;
    return kind === 'CronJob' ? this.cronJobs : this.pods;
  }

  private informers(): Informer[] {
    return [this.jobs, this.cronJobs, this.pods, this.nodes, ...(this.quotas ? [this.quotas] : [])];
  }

  private reflector(kind: ResourceKind, scope: { namespace?: string; labelSelector?: string; transform?: (obj: KubeObject) => KubeObject; viewFields?: boolean }, handler: ReflectorHandler, optional = false): Reflector {
    return new Reflector(this.options.port, {
      kind,
      ...scope,
      handler,
      optional,
      timings: this.options.reflectorTimings,
      onRestart: (reason) => this.metrics.watchRestarts.inc({ kind, reason }),
      onError: (err) => {
        this.metrics.apiErrors.inc({ kind, error: err.kind });
        this.log.warn({ kind, namespace: scope.namespace, err: err.message }, 'list/watch failed');
      },
      onDegraded: (err) => this.onDegraded(kind, scope.namespace, err),
      onStreamListRefused: (err) => this.log.info({ kind, namespace: scope.namespace, err: err.message }, 'streaming list refused; listing page by page'),
    });
  }

  /**
   * One reflector per namespace in scope. `selected`: the `--selector` applies; `fixedSelector`:
   * this one does instead; `optional`: an auxiliary resource, degraded on 403/404.
   */
  private informer(
    kind: ResourceKind,
    handler: ReflectorHandler,
    how: { selected?: boolean; fixedSelector?: string; optional?: boolean; transform?: (obj: KubeObject) => KubeObject; viewFields?: boolean },
  ): Informer {
    const labelSelector = how.selected ? this.options.labelSelector : how.fixedSelector;
    const namespaces = this.options.namespaces?.length ? this.options.namespaces : [undefined];
    return new Informer(namespaces.map((namespace) => this.reflector(kind, { namespace, labelSelector, transform: how.transform, viewFields: how.viewFields }, handler, how.optional)));
  }

  /** An auxiliary list became forbidden or absent (err), or works again (undefined): one log line and the gauge. */
  private onDegraded(kind: ResourceKind, namespace: string | undefined, err: KubeApiError | undefined): void {
    const resource = kind === 'Node' ? 'nodes' : 'resourcequotas';
    this.metrics.degraded.set({ resource }, this.cacheOfResource(resource)?.degraded ? 1 : 0);
    const turnedOff = resource === 'nodes' ? 'lost-node detection of JobStuck' : 'the admission gate quota check';
    if (err) this.log.warn({ resource, namespace, err: err.message, off: turnedOff }, `cannot list ${resource}; running without them`);
    else this.log.info({ resource, namespace }, `${resource} can be listed again`);
  }

  private cacheOfResource(resource: AuxiliaryResource): Informer | undefined {
    return resource === 'nodes' ? this.nodes : this.quotas;
  }

  /** Queues a key; `replay` (an unchanged object replayed by a resync) goes behind every real change. */
  private queueKey(key: string, replay = false): void {
    if (replay) this.queue.addLowPriority(key);
    else this.queue.add(key);
  }

  private enqueue(kind: Kind, obj: KubeObject, replay = false): void {
    this.queueKey(keyOf(kind, meta(obj).namespace, meta(obj).name), replay);
  }

  private simpleHandler(kind: Kind): ReflectorHandler {
    const on = (obj: KubeObject, replay = false): void => this.enqueue(kind, obj, replay);
    return { onAdd: (obj) => on(obj), onUpdate: (old, obj) => on(obj, isReplay(old, obj)), onDelete: (obj) => on(obj) };
  }

  private jobHandler(): ReflectorHandler {
    const on = (job: KubeObject, replay = false): void => {
      const { uid, namespace, name } = meta(job);
      if (uid) this.jobKeyByUid.set(uid, keyOf('Job', namespace, name));
      this.indexJob(job);
      this.enqueue('Job', job, replay);
      this.preaudit(job);
      const owner = controllerOwner(job);
      if (owner?.kind === 'CronJob') this.queueKey(keyOf('CronJob', namespace, owner.name), replay);
    };
    return {
      onAdd: (job) => on(job),
      onUpdate: (old, job) => on(job, isReplay(old, job)),
      onDelete: (job) => {
        on(job);
        const { uid } = meta(job);
        if (uid) this.jobKeyByUid.delete(uid);
        this.jobsByOwner.remove(`${meta(job).namespace}/${meta(job).name}`);
        this.rerunsByJob.remove(`${meta(job).namespace}/${meta(job).name}`);
        this.actuator.observeDeleted(uid);
        for (const pod of this.fromIndex(this.pods, this.podsByJob.keys(uid ?? ''))) this.enqueue('Pod', pod);
      },
    };
  }

  private indexJob(job: KubeObject): void {
    const { namespace, name } = meta(job);
    const rerunOf = job.metadata?.annotations?.[RERUN_OF_ANNOTATION];
    const key = [namespace, name].join('/');
    this.jobsByOwner.set(key, controllerOwner(job)?.uid);
    this.rerunsByJob.set(key, rerunOf === undefined ? undefined : [namespace, rerunOf].join('/'));
  }

  /** A pod created by a Job (it carries the controller-uid label) whose Job is not in the cache. */
  private orphanCandidate(pod: KubeObject): boolean {
    const jobUid = jobUidOfPod(pod);
    return jobUid !== undefined && !this.jobKeyByUid.has(jobUid) && !controllerOwner(pod);
  }

  private routePod(pod: KubeObject, replay = false): void {
    const jobUid = jobUidOfPod(pod);
    if (jobUid === undefined) return;
    const jobKey = this.jobKeyByUid.get(jobUid);
    if (jobKey) this.queueKey(jobKey, replay);
    else if (!controllerOwner(pod)) this.enqueue('Pod', pod, replay);
  }

  private onPod(pod: KubeObject, replay = false): void {
    this.podsByJob.set([meta(pod).namespace, meta(pod).name].join('/'), jobUidOfPod(pod));
    this.routePod(pod, replay);
  }

  private podHandler(): ReflectorHandler {
    return {
      onAdd: (pod) => this.onPod(pod),
      onUpdate: (old, pod) => this.onPod(pod, isReplay(old, pod)),
      onDelete: (pod) => {
        this.podsByJob.remove(`${meta(pod).namespace}/${meta(pod).name}`);
        this.actuator.observeDeleted(pod.metadata?.uid);
        this.routePod(pod);
        this.queue.add(keyOf('Pod', meta(pod).namespace, meta(pod).name));
      },
    };
  }

  private nodeHandler(): ReflectorHandler {
    const on = (node: KubeObject): void => {
      for (const pod of this.pods.list()) if (pod.spec?.nodeName === node.metadata?.name) this.routePod(pod);
    };
    // Nodes update their status every few seconds; only a change of readiness matters here.
    const readiness = (node: KubeObject): string =>
      String((node.status?.conditions as Array<{ type: string; status: string }> | undefined)?.find((c) => c.type === 'Ready')?.status);
    return { onAdd: on, onUpdate: (old, node) => readiness(old) !== readiness(node) && on(node), onDelete: on };
  }

  private quotaHandler(): ReflectorHandler {
    const on = (quota: KubeObject, replay = false): void => {
      for (const job of this.jobs.list(meta(quota).namespace)) this.enqueue('Job', job, replay);
    };
    return { onAdd: (quota) => on(quota), onUpdate: (old, quota) => on(quota, isReplay(old, quota)), onDelete: (quota) => on(quota) };
  }

  private makeElector(identity: string): LeaderElector | undefined {
    const le = this.options.leaderElection;
    if (!le) return undefined;
    return new LeaderElector({
      port: this.options.port,
      namespace: le.namespace,
      name: le.name ?? DEFAULT_LEASE_NAME,
      identity,
      timings: le.timings,
      onStartedLeading: () => {
        this.metrics.leader.set(1);
        this.log.info({ identity }, 'started leading');
        this.resync();
      },
      onStoppedLeading: () => {
        this.metrics.leader.set(0);
        this.log.info({ identity }, 'stopped leading');
      },
      onError: (err) => this.log.warn({ err: err.message }, 'leader election'),
    });
  }

  private onActionResult(result: ActionResult): void {
    this.metrics.actions.inc({ type: result.action.type, outcome: result.outcome });
    if (result.error) this.metrics.apiErrors.inc({ kind: actionKind(result), error: result.error.kind });
    const level = result.outcome === 'failed' ? 'warn' : 'debug';
    this.log[level]({ action: describeAction(result), outcome: result.outcome, err: result.error?.message }, 'action');
  }

  private onReconcileError(key: string, err: unknown, willRetry: boolean): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log.warn({ key, err: message, willRetry }, 'reconcile failed');
  }
}

function actionKind(result: ActionResult): string {
  const a = result.action;
  if (a.type === 'event') return 'Event';
  if (a.type === 'create') return a.manifest.kind ?? 'Job';
  return a.target.kind;
}

/** A one-line description of an action, e.g. `delete Pod ns/name (OrphanedPod)`. */
export function describeAction(result: ActionResult): string {
  const a = result.action;
  switch (a.type) {
    case 'event':
      return `event ${a.reason} on ${a.regarding.kind} ${a.regarding.namespace}/${a.regarding.name}`;
    case 'patch':
      return `patch ${a.target.kind} ${a.target.namespace}/${a.target.name} (${a.reasons.join(', ')})`;
    case 'delete':
      return `delete ${a.target.kind} ${a.target.namespace}/${a.target.name} (${a.reason})`;
    case 'create':
      return `create ${a.manifest.kind ?? 'Job'} ${a.manifest.metadata?.namespace}/${a.manifest.metadata?.name} (${a.reason})`;
  }
}

/**
 * An update that changes nothing: the same object replayed by a resync (or the same resourceVersion
 * brought again by a relist). It is
 * still decided again (that repairs missed events and lets time-based findings fire), behind
 * every real change.
 */
function isReplay(old: KubeObject, obj: KubeObject): boolean {
  const rv = obj.metadata?.resourceVersion;
  return rv !== undefined && rv !== '' && old.metadata?.resourceVersion === rv;
}
