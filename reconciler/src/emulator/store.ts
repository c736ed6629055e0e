/**
 * `MemoryStore`: the emulated cluster's storage with the API server's semantics — a global
 * resourceVersion, uid/creationTimestamp/generation/generateName, optimistic concurrency,
 * the status subresource, finalizers, cascading deletion by ownerReferences, validation of
 * Jobs and CronJobs with the shared rules, and a bounded event history for watch resumption.
 *
 * Objects handed out (get/list/events) are copies: mutating them never changes the store.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_KUBERNETES_VERSION } from 'cdk8s-batch/rules';
import { isDeepStrictEqual } from 'node:util';
import {
  prepareCreate,
  prepareUpdate,
  validateChange,
  validateCreate,
  validateName,
  validateStatusChange,
  type AdmissionContext,
  type FieldValidation,
} from './admission.ts';
import { admitQuota, startQuotaController } from './quota.ts';
import { hasStatusSubresource, isNamespacedKind, resourceForKind } from './resources.ts';
import { matchesLabels, parseLabelSelector, selectorFromMap, type Selector } from './selectors.ts';
import {
  StoreError,
  type Clock,
  type NewObject,
  type ObjectStore,
  type PropagationPolicy,
  type StoredObject,
  type StoreEvent,
  type StoreEventType,
} from './types.ts';

/** Options of `MemoryStore`. */
export interface MemoryStoreOptions {
  /** Source of creation/deletion timestamps; default the wall clock. */
  readonly clock?: Clock;
  /** Kubernetes minor version whose rules and defaults apply, e.g. `"1.31"` (default: the project's default, `DEFAULT_KUBERNETES_VERSION`). */
  readonly kubernetesVersion?: string;
  /** How many events are kept for watch resumption (default 1000). Older resourceVersions are 410 Gone. */
  readonly historyLimit?: number;
  /** Create the `default`, `kube-system`, `kube-public` and `kube-node-lease` namespaces (default true). */
  readonly seedNamespaces?: boolean;
  /** Enforce ResourceQuotas on create and keep their status current (default true; see quota.ts). */
  readonly resourceQuota?: boolean;
}

/** Options of a write. */
export interface WriteOptions {
  /** Validate and answer without storing or notifying watchers. */
  readonly dryRun?: boolean;
  /** Unknown fields of Jobs/CronJobs: `Strict` (default) rejects with 400, `Warn`/`Ignore` drop them. */
  readonly fieldValidation?: FieldValidation;
  /** Collects the warnings of the write (unknown fields dropped with `Warn`). */
  readonly warnings?: string[];
}

/** Options of `MemoryStore.delete`. */
export interface DeleteOptions extends WriteOptions {
  readonly propagationPolicy?: PropagationPolicy;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  /**
   * Pods: how long the kubelet has to stop the pod (default its `terminationGracePeriodSeconds`,
   * else 30). See `podGracePeriod`.
   */
  readonly gracePeriodSeconds?: number;
}

/** The finalizer that keeps an owner deleted with Foreground propagation until its blocking dependents are gone. */
const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** The API server's default `terminationGracePeriodSeconds` of a pod. */
export const DEFAULT_POD_GRACE_SECONDS = 30;

/**
 * The grace period of a pod's deletion, as the pod strategy's `CheckGracefulDelete` decides it:
 * the requested one, else the pod's `terminationGracePeriodSeconds` (the API server defaults it
 * to 30); 0 for a pod that is not bound to a node or already Succeeded/Failed; a negative one is 1.
 */
export function podGracePeriod(pod: StoredObject, requested: number | undefined): number {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const period = requested ?? (typeof pod.spec?.terminationGracePeriodSeconds === 'number' ? pod.spec.terminationGracePeriodSeconds : DEFAULT_POD_GRACE_SECONDS);
  return period < 0 ? 1 : Math.floor(period);
}

/** Filters of `MemoryStore.query`. */
export interface QueryOptions {
  readonly namespace?: string;
  /** A parsed selector, a selector string (`a=b,c in (x)`), or an equality map. */
  readonly labelSelector?: Selector | string | Record<string, string>;
  /** Extra predicate on the (stored) object. */
  readonly filter?: (obj: StoredObject) => boolean;
  /** Stop after this many matches (the rest is neither copied nor returned). */
  readonly limit?: number;
  /**
   * Return the stored objects themselves instead of copies: only for an answer that is
   * serialized at once and neither kept nor changed (a list response), as the API server
   * serves lists from its watch cache without copying each object.
   */
  readonly shared?: boolean;
  /**
   * Read the objects as they were at this resourceVersion (a consistent snapshot, as etcd
   * serves the later pages of a chunked list), undoing the newer changes the history holds.
   * Default: as they are now. Older than the history: 410 `Expired`.
   */
  readonly at?: number;
  /**
   * Only objects whose key (`namespace/name`, or `name` for a cluster-scoped kind) sorts after
   * this one: where the next page of a chunked list starts, found by binary search instead of a
   * scan from the first key.
   */
  readonly after?: string;
}

/** A recorded change: the store event with the resourceVersion it produced. */
export interface HistoryEntry {
  readonly resourceVersion: number;
  readonly event: StoreEvent;
  /** The stored object this change replaced or removed (absent for `ADDED`): what a snapshot before it shows. */
  readonly previous?: StoredObject;
}

/** The wall clock, used when no `Clock` is injected. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

const NAME_SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const SEED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_SUFFIX_CHARS[Math.floor(Math.random() * NAME_SUFFIX_CHARS.length)];
  return out;
}

/** Deep copy of stored JSON (faster than structuredClone for plain JSON objects). */
function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function toSelector(sel: QueryOptions['labelSelector']): Selector {
  if (sel === undefined) return [];
  if (typeof sel === 'string') return parseLabelSelector(sel);
  if (Array.isArray(sel)) return sel as Selector;
  return selectorFromMap(sel as Record<string, string>);
}

/** Kinds with a spec whose strategy never sets `metadata.generation` in the API server. */
const NO_GENERATION = new Set(['Lease']);

/** Everything but metadata and status: what bumps `metadata.generation` when it changes. */
function specPart(obj: StoredObject): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...obj };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

/** The in-memory `ObjectStore` of the emulated API server. */
export class MemoryStore implements ObjectStore {
  readonly kubernetesVersion: string;
  readonly clock: Clock;
  private readonly historyLimit: number;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Sorted keys per kind (see `sortedKeys`). */
  private readonly keyOrder = new Map<string, string[]>();
  /** Owners (by uid) whose Foreground deletion is deleting their dependents right now. */
  private readonly cascading = new Set<string>();
  /** Owner uid → dependents, as `<kind>\u0000<key>`. */
  private readonly ownerIndex = new Map<string, Set<string>>();
  private readonly history: HistoryEntry[] = [];
  private readonly pending: StoreEvent[] = [];
  private delivering = false;
  private readonly quotaEnabled: boolean;
  private rv = 0;
  /** The resourceVersion of the newest event dropped from the history (0: none dropped). */
  private compactedTo = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.kubernetesVersion = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    this.historyLimit = Math.max(1, options.historyLimit ?? 1000);
    this.quotaEnabled = options.resourceQuota ?? true;
    if (this.quotaEnabled) startQuotaController(this);
    if (options.seedNamespaces ?? true) {
      for (const name of SEED_NAMESPACES) {
        this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
      }
    }
  }

  /** The newest resourceVersion handed out (what a list answers with). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const obj = this.bucket(kind).get(this.key(kind, namespace, name));
    return obj ? clone(obj) : undefined;
  }

  list(kind: string, namespace?: string, labelSelector?: Record<string, string> | string): StoredObject[] {
    return this.query(kind, { namespace, labelSelector });
  }

  /**
   * Lists `kind` sorted by namespace and name (etcd key order), filtered by namespace, labels
   * and `filter`, as it is now or as it was at resourceVersion `at`.
   */
  query(kind: string, opts: QueryOptions = {}): StoredObject[] {
    const out: StoredObject[] = [];
    const limit = opts.limit ?? Infinity;
    for (const obj of this.matching(kind, opts)) {
      if (out.length >= limit) break;
      out.push(opts.shared ? obj : clone(obj));
    }
    return out;
  }

  /** How many objects `query` would return without a limit (nothing is copied). */
  count(kind: string, opts: QueryOptions = {}): number {
    const fast = this.countByKeys(kind, opts);
    if (fast !== undefined) return fast;
    let n = 0;
    for (const obj of this.matching(kind, opts)) if (obj) n++;
    return n;
  }

  /**
   * Every object after `after`, counted from the sorted keys (the later pages of a big list ask
   * for this on every page): only without a namespace, selector or filter, and when no change
   * since `at` needs undoing; undefined otherwise.
   */
  private countByKeys(kind: string, opts: QueryOptions): number | undefined {
    if (opts.namespace !== undefined || opts.filter !== undefined || toSelector(opts.labelSelector).length > 0) return undefined;
    if (opts.at !== undefined && this.statesAt(kind, opts.at).size > 0) return undefined;
    const keys = this.sortedKeys(kind);
    return keys.length - (opts.after === undefined ? 0 : firstAfter(keys, opts.after));
  }

  private *matching(kind: string, opts: QueryOptions): Generator<StoredObject> {
    const selector = toSelector(opts.labelSelector);
    for (const obj of this.objectsAt(kind, opts.at, opts.after)) {
      if (opts.namespace !== undefined && obj.metadata.namespace !== opts.namespace) continue;
      if (!matchesLabels(selector, obj.metadata.labels)) continue;
      if (opts.filter && !opts.filter(obj)) continue;
      yield obj;
    }
  }

  create(input: NewObject, opts: WriteOptions = {}): StoredObject {
    const obj = this.newObject(input);
    validateName(obj);
    const key = this.key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (this.bucket(obj.kind).has(key)) {
      throw new StoreError(409, 'AlreadyExists', `${this.describe(obj)} already exists`).forObject(obj.metadata.name);
    }
    validateCreate(obj, this.admission(opts));
    const prepared = prepareCreate(obj, this.kubernetesVersion);
    if (this.quotaEnabled) admitQuota(this, prepared);
    if (opts.dryRun) {
      const answer = clone(prepared);
      delete (answer.metadata as Partial<StoredObject['metadata']>).resourceVersion;
      return answer;
    }
    return this.commit('ADDED', prepared);
  }

  replace(input: StoredObject, opts: { subresource?: 'status' } & WriteOptions = {}): StoredObject {
    const current = this.mustGet(input.kind, input.metadata?.namespace, input.metadata?.name);
    this.checkResourceVersion(current, input.metadata.resourceVersion);
    this.checkPreconditions(current, { uid: input.metadata.uid });
    const next = opts.subresource === 'status' ? this.statusWrite(current, input) : this.mainWrite(current, input, opts);
    if (opts.dryRun) return clone(next);
    if (isDeepStrictEqual(next, current)) return clone(current);
    if (this.goesOnUpdate(next)) return this.remove(next);
    return this.commit('MODIFIED', next);
  }

  delete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): StoredObject | undefined {
    const current = this.bucket(kind).get(this.key(kind, namespace, name));
    if (!current) return undefined;
    this.checkPreconditions(current, opts.preconditions);
    if (kind === 'Pod') return this.deletePod(current, opts);
    if (opts.dryRun) return clone(current);
    return this.deleteObject(current, opts.propagationPolicy ?? 'Background');
  }

  /**
   * A pod's deletion is graceful (the generic registry's `BeforeDelete` with the pod strategy):
   * the pod gets `deletionTimestamp` = now + grace period, `deletionGracePeriodSeconds` and a new
   * generation, and stays until its kubelet deletes it again with grace period 0 (or a finalizer
   * holds it). Deleting a terminating pod again only ever shortens its grace period. Grace
   * period 0 removes it at once (the answer still shows the deletion marks).
   */
  private deletePod(current: StoredObject, opts: DeleteOptions): StoredObject {
    const period = podGracePeriod(current, opts.gracePeriodSeconds);
    const next = clone(current);
    const meta = next.metadata;
    if (meta.deletionTimestamp) {
      const existing = Number(meta.deletionGracePeriodSeconds ?? 0);
      if (period >= existing) return clone(current);
      const requestedAt = Date.parse(meta.deletionTimestamp) - existing * 1000;
      meta.deletionTimestamp = timestamp(requestedAt + period * 1000);
    } else {
      meta.deletionTimestamp = timestamp(this.clock.now() + period * 1000);
      if (meta.generation !== undefined) meta.generation += 1;
    }
    meta.deletionGracePeriodSeconds = period;
    if (opts.dryRun) return next;
    if (period > 0 || (meta.finalizers ?? []).length > 0) return this.commit('MODIFIED', next);
    return this.deleteObject(next, opts.propagationPolicy ?? 'Background');
  }

  /**
   * Whether an update removes the object: it is being deleted and no finalizer is left (a pod
   * only once its grace period is 0, as the pod registry's `ShouldDeleteDuringUpdate` says: a
   * terminating pod's kubelet writes its status before it deletes it).
   */
  private goesOnUpdate(next: StoredObject): boolean {
    if (!next.metadata.deletionTimestamp || (next.metadata.finalizers ?? []).length > 0) return false;
    return next.kind !== 'Pod' || Number(next.metadata.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /** Like `delete`, but a missing object is a 404 `StoreError`. */
  mustDelete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): StoredObject {
    this.mustGet(kind, namespace, name);
    return this.delete(kind, namespace, name, opts)!;
  }

  /** How many listeners are subscribed (open HTTP watches and the quota controller included), e.g. to check that watches are released. */
  get watcherCount(): number {
    return this.listeners.size;
  }

  /**
   * Subscribes to every change. Listeners run synchronously after each write, in
   * resourceVersion order (a write made by a listener is delivered after the current event
   * reached every listener). The event object is shared between listeners and the history:
   * treat it as read-only. A listener that throws does not undo the write; its error is
   * rethrown asynchronously.
   */
  watch(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events after `resourceVersion`, oldest first. Throws 410 `Expired` when events after it
   * were already dropped from the bounded history (the client must relist).
   */
  eventsSince(resourceVersion: string): HistoryEntry[] {
    const rv = Number(resourceVersion);
    if (!Number.isInteger(rv) || rv < 0) {
      throw new StoreError(400, 'BadRequest', `invalid resourceVersion ${JSON.stringify(resourceVersion)}: must be a non-negative integer`);
    }
    if (rv < this.compactedTo) {
      throw new StoreError(410, 'Expired', `too old resource version: ${rv} (${this.compactedTo + 1})`);
    }
    return this.history.filter((h) => h.resourceVersion > rv);
  }

  /** The oldest resourceVersion a watch can still resume from (and a snapshot be read at). */
  get oldestResumableVersion(): string {
    return String(this.compactedTo);
  }

  /** The objects of `kind` in key order, as they are now or, with `at`, as they were at that resourceVersion. */
  private *objectsAt(kind: string, at: number | undefined, after?: string): Generator<StoredObject> {
    const bucket = this.bucket(kind);
    const past = at === undefined ? undefined : this.statesAt(kind, at);
    const keys = this.sortedKeys(kind);
    if (!past || past.size === 0) {
      for (let i = after === undefined ? 0 : firstAfter(keys, after); i < keys.length; i++) yield bucket.get(keys[i])!;
      return;
    }
    const later = (key: string): boolean => after === undefined || key > after;
    for (const key of [...new Set([...keys.filter(later), ...[...past.keys()].filter(later)])].sort()) {
      const obj = past.has(key) ? past.get(key) : bucket.get(key);
      if (obj) yield obj;
    }
  }

  /**
   * For every object of `kind` changed after resourceVersion `at`: how it was at `at`
   * (undefined: it did not exist), i.e. the `previous` of its first change after `at`.
   */
  private statesAt(kind: string, at: number): Map<string, StoredObject | undefined> {
    if (at < this.compactedTo) {
      throw new StoreError(410, 'Expired', `too old resource version: ${at} (${this.compactedTo + 1})`);
    }
    const past = new Map<string, StoredObject | undefined>();
    // Newest first, so that the first change after `at` has the last word.
    for (let i = this.history.length - 1; i >= 0 && this.history[i].resourceVersion > at; i--) {
      const { event, previous } = this.history[i];
      if (event.object.kind !== kind) continue;
      past.set(this.key(kind, event.object.metadata.namespace, event.object.metadata.name), previous);
    }
    return past;
  }

  // ---------------------------------------------------------------- internals

  private bucket(kind: string): Map<string, StoredObject> {
    let b = this.objects.get(kind);
    if (!b) {
      b = new Map();
      this.objects.set(kind, b);
    }
    return b;
  }

  /** The keys of `kind` in etcd order, cached until an object of that kind is added or removed. */
  private sortedKeys(kind: string): string[] {
    let keys = this.keyOrder.get(kind);
    if (!keys) {
      keys = [...this.bucket(kind).keys()].sort();
      this.keyOrder.set(kind, keys);
    }
    return keys;
  }

  /** The store key of an object of `kind` (what `QueryOptions.after` compares with). */
  keyOf(kind: string, namespace: string | undefined, name: string): string {
    return this.key(kind, namespace, name);
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    return isNamespacedKind(kind) ? `${namespace ?? 'default'}/${name}` : name;
  }

  /** `jobs.batch "x"`: how the API server names an object in NotFound/Conflict messages. */
  private describe(obj: { kind: string; metadata: { name?: string } }): string {
    const r = resourceForKind(obj.kind);
    const resource = r ? `${r.plural}${r.group ? `.${r.group}` : ''}` : obj.kind.toLowerCase();
    return `${resource} ${JSON.stringify(obj.metadata.name ?? '')}`;
  }

  private admission(opts: WriteOptions): AdmissionContext {
    return { kubernetesVersion: this.kubernetesVersion, fieldValidation: opts.fieldValidation, warnings: opts.warnings };
  }

  private mustGet(kind: string, namespace: string | undefined, name: string | undefined): StoredObject {
    const obj = name ? this.bucket(kind).get(this.key(kind, namespace, name)) : undefined;
    if (!obj) throw new StoreError(404, 'NotFound', `${this.describe({ kind, metadata: { name } })} not found`);
    return obj;
  }

  private newObject(input: NewObject): StoredObject {
    const meta = { ...clone(input.metadata ?? {}) } as Record<string, unknown>;
    const generateName = typeof meta.generateName === 'string' ? meta.generateName : '';
    if (!meta.name && generateName) meta.name = `${generateName}${randomSuffix()}`;
    if (isNamespacedKind(input.kind)) meta.namespace = (meta.namespace as string | undefined) || 'default';
    else delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.clock.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.managedFields;
    const obj = { ...clone(input), metadata: meta } as StoredObject;
    if (obj.spec !== undefined && !NO_GENERATION.has(obj.kind)) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    return obj;
  }

  private checkResourceVersion(current: StoredObject, rv: string | undefined): void {
    if (rv && rv !== current.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${this.describe(current)}: the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
  }

  private checkPreconditions(current: StoredObject, pre: DeleteOptions['preconditions']): void {
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${this.describe(current)}: Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${this.describe(current)}: Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
  }

  /** A write of the main resource: identity fields are kept, status is kept for kinds with a status subresource. */
  private mainWrite(current: StoredObject, input: StoredObject, opts: WriteOptions): StoredObject {
    const next = clone(input) as StoredObject;
    next.apiVersion = input.apiVersion ?? current.apiVersion;
    next.metadata = this.keepIdentity(current, next.metadata ?? ({} as StoredObject['metadata']));
    if (hasStatusSubresource(current.kind)) {
      if (current.status === undefined) delete next.status;
      else next.status = clone(current.status);
    }
    validateName(next);
    validateChange(current, next, this.admission(opts));
    const prepared = prepareUpdate(next, this.kubernetesVersion);
    const changed = !isDeepStrictEqual(specPart(prepared), specPart(current));
    if (changed && prepared.spec !== undefined && !NO_GENERATION.has(prepared.kind)) prepared.metadata.generation = (current.metadata.generation ?? 0) + 1;
    return prepared;
  }

  /** A write of the status subresource: everything but `status` is taken from the stored object. */
  private statusWrite(current: StoredObject, input: StoredObject): StoredObject {
    if (!hasStatusSubresource(current.kind)) {
      throw new StoreError(404, 'NotFound', `the server could not find the requested resource (${current.kind} has no status subresource)`);
    }
    const next = clone(current);
    next.status = clone(input.status);
    validateStatusChange(current, next, this.kubernetesVersion);
    return next;
  }

  private keepIdentity(current: StoredObject, meta: StoredObject['metadata']): StoredObject['metadata'] {
    const out = { ...clone(meta) };
    out.name = current.metadata.name;
    if (current.metadata.namespace !== undefined) out.namespace = current.metadata.namespace;
    out.uid = current.metadata.uid;
    out.creationTimestamp = current.metadata.creationTimestamp;
    out.resourceVersion = current.metadata.resourceVersion;
    if (current.metadata.generation !== undefined) out.generation = current.metadata.generation;
    else delete out.generation;
    if (current.metadata.deletionTimestamp) out.deletionTimestamp = current.metadata.deletionTimestamp;
    else delete out.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== undefined) out.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    else delete out.deletionGracePeriodSeconds;
    delete out.managedFields;
    delete out.generateName;
    if (current.metadata.generateName) out.generateName = current.metadata.generateName;
    return out;
  }

  private deleteObject(current: StoredObject, policy: PropagationPolicy): StoredObject {
    if (current.kind === 'Namespace') return this.deleteNamespace(current);
    if (policy === 'Orphan') this.orphanDependents(current);
    if (policy === 'Foreground') return this.deleteForeground(current);
    const result = this.finalizeOrRemove(current);
    if (policy === 'Background') this.deleteDependents(current, 'Background');
    return result;
  }

  /**
   * A namespace turns `Terminating`, everything in it is deleted (as the namespace controller
   * does), then it goes, unless metadata finalizers keep it.
   */
  private deleteNamespace(ns: StoredObject): StoredObject {
    const terminating = clone(ns);
    terminating.metadata.deletionTimestamp ??= timestamp(this.clock.now());
    terminating.status = { ...(terminating.status ?? {}), phase: 'Terminating' };
    this.commit('MODIFIED', terminating);
    for (const [kind, bucket] of this.objects) {
      if (!isNamespacedKind(kind)) continue;
      for (const obj of [...bucket.values()]) {
        if (obj.metadata.namespace === ns.metadata.name && this.isCurrent(obj) && !obj.metadata.deletionTimestamp) this.deleteObject(obj, 'Background');
      }
    }
    return this.finalizeOrRemove(this.bucket('Namespace').get(ns.metadata.name)!);
  }

  /**
   * Foreground: the owner is first marked (deletionTimestamp + `foregroundDeletion` finalizer),
   * its dependents are deleted, then the owner goes.
   */
  private deleteForeground(current: StoredObject): StoredObject {
    const marked = clone(current);
    marked.metadata.deletionTimestamp ??= timestamp(this.clock.now());
    marked.metadata.finalizers = [...new Set([...(marked.metadata.finalizers ?? []), FOREGROUND_FINALIZER])];
    this.commit('MODIFIED', marked);
    // Its dependents are all deleted before the owner is looked at again.
    this.cascading.add(current.metadata.uid);
    try {
      this.deleteDependents(current, 'Foreground');
    } finally {
      this.cascading.delete(current.metadata.uid);
    }
    const { kind, metadata } = current;
    return this.finishForeground({ kind, name: metadata.name, uid: metadata.uid }, metadata.namespace) ?? clone(this.bucket(kind).get(this.key(kind, metadata.namespace, metadata.name))!);
  }

  /**
   * The garbage collector's last step of a Foreground deletion: once no dependent that blocks the
   * owner's deletion (`blockOwnerDeletion`) is left, the owner loses its `foregroundDeletion`
   * finalizer and goes, unless other finalizers keep it. Returns the owner as it is then, or
   * undefined when it is not (or no longer) being deleted in the foreground.
   */
  private finishForeground(owner: { kind: string; name: string; uid: string }, namespace: string | undefined): StoredObject | undefined {
    if (this.cascading.has(owner.uid)) return undefined;
    const latest = this.bucket(owner.kind).get(this.key(owner.kind, namespace, owner.name));
    if (!latest || latest.metadata.uid !== owner.uid || !(latest.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return undefined;
    const blocking = this.dependentsOf(latest).some((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === owner.uid && r.blockOwnerDeletion === true));
    if (blocking) return clone(latest);
    const unmarked = clone(latest);
    unmarked.metadata.finalizers = (unmarked.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
    if (unmarked.metadata.finalizers.length > 0) return this.commit('MODIFIED', unmarked);
    return this.remove(unmarked);
  }

  /** Objects with finalizers only get a deletionTimestamp; others are removed. */
  private finalizeOrRemove(current: StoredObject): StoredObject {
    if ((current.metadata.finalizers ?? []).length === 0) return this.remove(current);
    if (current.metadata.deletionTimestamp) return clone(current);
    const marked = clone(current);
    marked.metadata.deletionTimestamp = timestamp(this.clock.now());
    return this.commit('MODIFIED', marked);
  }

  /** Whether `obj` is still the stored version (not removed or replaced by a cascade meanwhile). */
  private isCurrent(obj: StoredObject): boolean {
    return this.bucket(obj.kind).get(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name)) === obj;
  }

  private dependentsOf(owner: StoredObject): StoredObject[] {
    const refs = this.ownerIndex.get(owner.metadata.uid) ?? new Set<string>();
    return [...refs].sort().flatMap((ref) => {
      const [kind, key] = ref.split('\u0000');
      const obj = this.bucket(kind).get(key);
      return obj ? [obj] : [];
    });
  }

  /** Adds (or removes) `obj` to the index of dependents by owner uid. */
  private indexOwners(obj: StoredObject, add: boolean): void {
    const ref = `${obj.kind}\u0000${this.key(obj.kind, obj.metadata.namespace, obj.metadata.name)}`;
    for (const owner of obj.metadata.ownerReferences ?? []) {
      const refs = this.ownerIndex.get(owner.uid) ?? new Set<string>();
      if (add) refs.add(ref);
      else refs.delete(ref);
      if (refs.size > 0) this.ownerIndex.set(owner.uid, refs);
      else this.ownerIndex.delete(owner.uid);
    }
  }

  /**
   * The garbage collector deletes an owner's dependents as a client would: pods gracefully (their
   * kubelet stops them), the others in the background, or in the foreground when the owner goes in
   * the foreground and they have dependents of their own.
   */
  private deleteDependents(owner: StoredObject, policy: PropagationPolicy): void {
    for (const dep of this.dependentsOf(owner)) {
      const stillThere = this.bucket(dep.kind).get(this.key(dep.kind, dep.metadata.namespace, dep.metadata.name));
      if (!stillThere || stillThere.metadata.uid !== dep.metadata.uid || stillThere.metadata.deletionTimestamp) continue;
      if (stillThere.kind === 'Pod') this.deletePod(stillThere, {});
      else this.deleteObject(stillThere, policy === 'Foreground' && this.dependentsOf(stillThere).length > 0 ? 'Foreground' : 'Background');
    }
  }

  private orphanDependents(owner: StoredObject): void {
    for (const dep of this.dependentsOf(owner)) {
      const next = clone(dep);
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== owner.metadata.uid);
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      this.commit('MODIFIED', next);
    }
  }

  private remove(obj: StoredObject): StoredObject {
    const key = this.key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const previous = this.bucket(obj.kind).get(key);
    if (previous) this.indexOwners(previous, false);
    this.bucket(obj.kind).delete(key);
    this.keyOrder.delete(obj.kind);
    // `obj` may be the stored object itself: the history keeps that one unchanged as `previous`.
    const removed = this.record('DELETED', { ...obj, metadata: { ...obj.metadata } }, previous);
    // An owner deleted in the foreground may have been waiting for this dependent.
    for (const ref of obj.metadata.ownerReferences ?? []) this.finishForeground(ref, obj.metadata.namespace);
    return removed;
  }

  private commit(type: StoreEventType, obj: StoredObject): StoredObject {
    const key = this.key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const previous = this.bucket(obj.kind).get(key);
    if (previous) this.indexOwners(previous, false);
    else this.keyOrder.delete(obj.kind);
    this.bucket(obj.kind).set(key, obj);
    this.indexOwners(obj, true);
    return this.record(type, obj, previous);
  }

  /**
   * Stamps the next resourceVersion on `obj`, records the event (with the stored object it
   * replaces, which is never changed afterwards) and delivers it in order.
   */
  private record(type: StoreEventType, obj: StoredObject, previous: StoredObject | undefined): StoredObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    const event: StoreEvent = { type, object: clone(obj) };
    this.history.push({ resourceVersion: this.rv, event, ...(previous ? { previous } : {}) });
    while (this.history.length > this.historyLimit) this.compactedTo = this.history.shift()!.resourceVersion;
    this.pending.push(event);
    this.deliver();
    return clone(obj);
  }

  /** Delivers pending events in resourceVersion order, also when a listener writes to the store. */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let event = this.pending.shift(); event; event = this.pending.shift()) {
        for (const listener of [...this.listeners]) this.notify(listener, event);
      }
    } finally {
      this.delivering = false;
    }
  }

  private notify(listener: (event: StoreEvent) => void, event: StoreEvent): void {
    try {
      listener(event);
    } catch (err) {
      // A failing listener must not undo a committed write; surface the bug instead of hiding it.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

/** The index of the first of the sorted `keys` that sorts after `after`. */
function firstAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
