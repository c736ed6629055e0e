/**
 * What the caches keep of Pods and Nodes: only the fields the controller and `decide` read, so
 * that a cluster with hundreds of thousands of finished pods kept for their logs costs a few
 * hundred bytes per pod instead of its whole spec and status. Jobs and CronJobs are kept whole
 * (the rules read every field of them), with their repeated string values and the parts they have
 * in common with other Jobs held once. The fresh view (`fresh-view.ts`) reads whole objects from
 * the API server, never from these caches.
 *
 * Read from a Pod: metadata (name, namespace, uid, resourceVersion, ownerReferences, creation
 * and deletion time, and of the labels only the Job's generated controller-uid and job-name:
 * `stuck.ts`, `cleanup.ts`, the controller's indexes, `refOf`), `spec.nodeName` (lost nodes),
 * `status.phase`, `status.startTime`, `status.completionTime` and the latest time among the
 * conditions (`stuck.ts`: liveness and evidence of progress).
 * Read from a Node: metadata (name, uid, resourceVersion) and its conditions (`nodeLostAt`).
 */
import { CONTROLLER_UID_LABELS, JOB_NAME_LABELS } from '../core/annotations.ts';
import type { KubeObject } from '../core/types.ts';

type Meta = NonNullable<KubeObject['metadata']>;
type Json = Record<string, unknown>;

/**
 * Object literals by their keys: `{ "a": v[0], "b": v[1] }`. V8 gives an object made by a
 * literal exactly its properties inside the object, where one grown key by key starts with four
 * slots and moves the fifth and later ones to a separate array: with hundreds of thousands of
 * cached views, that is tens of megabytes. The keys are this module's own field names.
 */
const literals = new Map<string, (values: unknown[]) => Json>();
function literalOf(keys: string[]): (values: unknown[]) => Json {
  const signature = keys.join(',');
  let make = literals.get(signature);
  if (make === undefined) {
    make = new Function('v', `return { ${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => Json;
    literals.set(signature, make);
  }
  return make;
}

/** Builds an object from the entries whose value is defined, as one literal (compact, no `delete`). */
function defined(entries: Array<[string, unknown]>): Json {
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    keys.push(key);
    values.push(value);
  }
  return literalOf(keys)(values);
}

/**
 * Values repeated across many objects (namespaces, kinds, API versions, phases, condition types)
 * are kept once. Bounded: past `INTERN_LIMIT` distinct values, new ones are kept as they are.
 */
const INTERN_LIMIT = 10_000;
const interned = new Map<string, string>();
function intern<T>(value: T): T {
  if (typeof value !== 'string') return value;
  const known = interned.get(value);
  if (known !== undefined) return known as T;
  if (interned.size < INTERN_LIMIT) interned.set(value, value);
  return value;
}

/**
 * A small table of the string values seen last, started afresh when full: values that arrive
 * close together (timestamps of the same second, the owner of a Job's pods, which are listed and
 * created together) are kept once. Bounded, unlike `intern`, for values without end.
 */
class RecentStrings {
  private table = new Map<string, string>();
  constructor(private readonly limit: number) {}

  share<T>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.table.get(value);
    if (known !== undefined) return known as T;
    if (this.table.size >= this.limit) this.table = new Map();
    this.table.set(value, value);
    return value;
  }
}

/** Timestamps have a resolution of one second: objects of the same second carry the same string. */
const recentTimes = new RecentStrings(1024);
function shareTime<T>(value: T): T {
  return recentTimes.share(value);
}

/** The name and uid of the Job owning a pod: its pods (and their labels) hold them once. */
const recentOwners = new RecentStrings(1024);

/**
 * Parts of cached objects that are the same from object to object (the pod template of the Jobs
 * of one CronJob or one generator: containers, resources, security contexts; the owner reference
 * and labels of the pods of one Job) are kept once: a part is looked up by its signature (its
 * keys and values, the parts within it by their id) and the first object's copy, frozen, stands
 * for every later one (the caches never change an object in place). A part holding the object's
 * own uid or name is never shared. Bounded like `RecentStrings`: a table starts afresh when full.
 */
interface Part {
  readonly part: object;
  readonly id: number;
}
let nextPartId = 0;

class PartTable {
  private parts = new Map<string, Part>();
  constructor(private readonly limit: number) {}

  /** Shares the parts within `node` (replacing them in place) and returns the shared copy of `node`, or undefined when it holds something of its own. */
  share(node: object, own: ReadonlyMap<string, string>, depth = 0): Part | undefined {
    if (depth > 32) return undefined;
    const record = node as Record<string, unknown>;
    let signature = Array.isArray(node) ? '[' : '{';
    let shareable = true;
    for (const key of Object.keys(record)) {
      const value = this.valueSignature(record, key, own, depth);
      if (value === undefined) shareable = false;
      else signature += `${JSON.stringify(key)}:${value},`;
    }
    return shareable ? this.canonical(node, signature) : undefined;
  }

  /** The shared copy of `node`, or `node` itself when it cannot be shared. */
  of<T>(node: T, own: ReadonlyMap<string, string> = NO_OWN): T {
    return node !== null && typeof node === 'object' ? ((this.share(node, own)?.part as T) ?? node) : node;
  }

  /** The signature of one value of a part (a part within it replaced by its shared copy), or undefined when it cannot be shared. */
  private valueSignature(holder: Record<string, unknown>, key: string, own: ReadonlyMap<string, string>, depth: number): string | undefined {
    const value = holder[key];
    if (value !== null && typeof value === 'object') {
      const shared = this.share(value, own, depth + 1);
      if (shared === undefined) return undefined;
      holder[key] = shared.part;
      return `#${shared.id}`;
    }
    if (typeof value === 'string' && own.has(value)) return undefined;
    return JSON.stringify(value) ?? 'u';
  }

  private canonical(node: object, signature: string): Part {
    const known = this.parts.get(signature);
    if (known !== undefined) return known;
    if (this.parts.size >= this.limit) this.parts = new Map();
    const part = { part: Object.freeze(node), id: nextPartId++ };
    this.parts.set(signature, part);
    return part;
  }
}

const NO_OWN: ReadonlyMap<string, string> = new Map();
/** Parts of Jobs and CronJobs. */
const batchParts = new PartTable(10_000);
/** Parts of pods: a Job's pods are listed and created together, so a small table finds them. */
const podParts = new PartTable(1024);

/**
 * The labels the controller reads on a pod: its Job's generated controller-uid and job-name
 * labels. Readers take the first of each list that is present (`CONTROLLER_UID_LABELS`,
 * `JOB_NAME_LABELS`), so the view keeps just that one.
 */
function podLabels(source: Record<string, string>, share: (v: string) => string): Json {
  const entries: Array<[string, unknown]> = [];
  for (const keys of [CONTROLLER_UID_LABELS, JOB_NAME_LABELS]) {
    const key = keys.find((k) => source[k] !== undefined);
    if (key !== undefined) entries.push([key, typeof source[key] === 'string' ? share(source[key]) : source[key]]);
  }
  return defined(entries);
}

function ownerView(o: unknown): unknown {
  if (!o || typeof o !== 'object') return o;
  const x = o as Json;
  const [apiVersion, kind, name, uid, controller] = [intern(x.apiVersion), intern(x.kind), recentOwners.share(x.name), recentOwners.share(x.uid), x.controller];
  return defined([['apiVersion', apiVersion], ['kind', kind], ['name', name], ['uid', uid], ['controller', controller]]);
}

/**
 * Metadata the controller reads. A label value equal to the controlling owner's uid or name
 * shares that string (the generated labels repeat them), so the cache holds it once.
 */
function metadataView(meta: Meta | undefined, pod: boolean): Json | undefined {
  if (!meta || typeof meta !== 'object') return undefined;
  const owners = Array.isArray(meta.ownerReferences) ? (meta.ownerReferences.map(ownerView) as Meta['ownerReferences']) : undefined;
  const owner = owners?.find((o) => o?.controller);
  const share = (v: string): string => (v === owner?.uid ? owner.uid : v === owner?.name ? owner.name : v);
  const labels = pod && meta.labels && typeof meta.labels === 'object' ? podLabels(meta.labels, share) : meta.labels;
  return defined([
    ['name', meta.name],
    ['namespace', intern(meta.namespace)],
    ['uid', meta.uid],
    ['resourceVersion', meta.resourceVersion],
    ['creationTimestamp', shareTime(meta.creationTimestamp)],
    ['deletionTimestamp', shareTime(meta.deletionTimestamp)],
    ['labels', pod ? podParts.of(labels) : labels],
    ['ownerReferences', pod ? podParts.of(owners) : owners],
  ]);
}

function conditionView(c: unknown): unknown {
  if (!c || typeof c !== 'object') return c;
  const x = c as Json;
  return defined([['type', intern(x.type)], ['status', intern(x.status)], ['lastTransitionTime', shareTime(x.lastTransitionTime)], ['lastProbeTime', shareTime(x.lastProbeTime)]]);
}

function conditionsView(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value.map(conditionView) : undefined;
}

/** Times parsed last (the conditions of a list's pods carry few distinct times); started afresh when full. */
let parsedTimes = new Map<string, number>();

/** Milliseconds of an RFC 3339 time, or -Infinity. */
function millis(value: unknown): number {
  if (typeof value !== 'string') return -Infinity;
  let t = parsedTimes.get(value);
  if (t === undefined) {
    t = Date.parse(value);
    if (Number.isNaN(t)) t = -Infinity;
    if (parsedTimes.size >= 1024) parsedTimes = new Map();
    parsedTimes.set(value, t);
  }
  return t;
}

/**
 * A pod's conditions are read only for their latest time (`evidenceTimes` in `stuck.ts`): the
 * view keeps the one condition carrying it.
 */
function latestConditionView(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return conditionsView(value);
  const time = (c: unknown): number => (c && typeof c === 'object' ? Math.max(millis((c as Json).lastTransitionTime), millis((c as Json).lastProbeTime)) : -Infinity);
  let best = value[0] as unknown;
  let bestTime = time(best);
  for (const c of value) {
    const t = time(c);
    if (t > bestTime) [best, bestTime] = [c, t];
  }
  return [conditionView(best)];
}

/** A Pod as the Pod cache keeps it. */
export function podCacheView(pod: KubeObject): KubeObject {
  const status = pod.status && typeof pod.status === 'object'
    ? defined([['phase', intern(pod.status.phase)], ['startTime', shareTime(pod.status.startTime)], ['completionTime', shareTime(pod.status.completionTime)], ['conditions', podParts.of(latestConditionView(pod.status.conditions))]])
    : undefined;
  const spec = pod.spec && typeof pod.spec === 'object' && pod.spec.nodeName !== undefined ? { nodeName: pod.spec.nodeName } : undefined;
  return defined([['apiVersion', intern(pod.apiVersion)], ['kind', intern(pod.kind)], ['metadata', metadataView(pod.metadata, true)], ['spec', spec], ['status', status]]) as KubeObject;
}

/** A Node as the Node cache keeps it. */
export function nodeCacheView(node: KubeObject): KubeObject {
  const status = node.status && typeof node.status === 'object' ? defined([['conditions', conditionsView(node.status.conditions)]]) : undefined;
  return defined([['apiVersion', intern(node.apiVersion)], ['kind', intern(node.kind)], ['metadata', metadataView(node.metadata, false)], ['status', status]]) as KubeObject;
}

/** Fields whose values are unique per object: never worth interning. */
const UNIQUE_KEYS = new Set(['name', 'uid', 'resourceVersion', 'generateName']);
/** Fields holding timestamps (shared with the objects of the same second, `shareTime`). */
const TIME_KEYS = new Set(['creationTimestamp', 'deletionTimestamp', 'startTime', 'completionTime', 'lastTransitionTime', 'lastProbeTime', 'lastUpdateTime', 'lastScheduleTime', 'lastSuccessfulTime']);

/**
 * One string value of a Job or CronJob as its cache keeps it: the object's own uid or name
 * where a label or selector repeats it (`own`), a timestamp shared with its second, a repeated
 * value interned.
 */
function shareValue(key: string, value: string, own: ReadonlyMap<string, string>): string {
  const mine = own.get(value);
  if (mine !== undefined) return mine;
  if (TIME_KEYS.has(key)) return shareTime(value);
  return UNIQUE_KEYS.has(key) ? value : intern(value);
}

/** Shares the repeated string values of a JSON tree in place (defaults, images, labels, …). */
function internTree(node: unknown, depth: number, own: ReadonlyMap<string, string>): void {
  if (depth > 32 || !node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      if (typeof node[i] === 'string') node[i] = own.get(node[i]) ?? intern(node[i]);
      else internTree(node[i], depth + 1, own);
    }
    return;
  }
  const obj = node as Json;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (typeof value === 'string') obj[key] = shareValue(key, value, own);
    else internTree(value, depth + 1, own);
  }
}

/**
 * A Job or CronJob as its cache keeps it: whole (the rules read every field), with the string
 * values repeated from object to object (pod template defaults, images, labels) held once, its
 * own uid and name held once where its generated labels and selector repeat them, and its parts
 * equal to another object's shared with it (`PartTable`; shared parts are frozen: the caches never
 * change an object in place). The object is fresh from a list or watch and owned by the cache,
 * so it is interned in place; the object itself and its metadata are never shared.
 */
export function batchCacheView(obj: KubeObject): KubeObject {
  const own = ownValues(obj);
  internTree(obj, 0, own);
  const record = obj as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key !== 'metadata') record[key] = batchParts.of(value, own);
  }
  return obj;
}

/** The object's own uid and name. */
function ownValues(obj: KubeObject): Map<string, string> {
  const own = new Map<string, string>();
  for (const value of [obj.metadata?.uid, obj.metadata?.name]) if (typeof value === 'string' && value !== '') own.set(value, value);
  return own;
}
