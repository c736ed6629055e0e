/**
 * An in-memory `KubePort` with API-server semantics where the runtime depends on them
 * (global resourceVersion, watch history with compaction → 410, bookmarks, server-side watch
 * timeout, merge patch with resourceVersion precondition → 409, delete preconditions) and
 * scripted faults for lists and watches.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/core/types.ts';
import { KubeApiError, errorFromStatus } from '../../src/adapters/errors.ts';
import type {
  DeleteOptions,
  KubePort,
  ListOptions,
  ListPageOptions,
  ListResult,
  ResourceKind,
  ServerVersion,
  WatchEvent,
  WatchOptions,
  WatchStream,
} from '../../src/adapters/port.ts';

export type WatchFault = 'stall' | 'reset' | 'gone' | { status: number; retryAfterSeconds?: number };

interface OpenWatch {
  kind: ResourceKind;
  options: WatchOptions;
  send: (e: WatchEvent) => void;
  end: (err?: unknown) => void;
}

interface HistoryEntry {
  rv: number;
  kind: ResourceKind;
  event: WatchEvent;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function matchesLabels(obj: KubeObject, selector?: string): boolean {
  if (!selector) return true;
  const labels = obj.metadata?.labels ?? {};
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? k.trim() in labels : labels[k.trim()] === v.trim();
  });
}

export class FakeKube implements KubePort {
  readonly objects = new Map<ResourceKind, Map<string, KubeObject>>();
  readonly calls: Array<{ op: string; kind: ResourceKind; name?: string; namespace?: string; body?: unknown; options?: unknown }> = [];
  readonly listFaults: KubeApiError[] = [];
  readonly watchFaults: WatchFault[] = [];
  readonly writeFaults: KubeApiError[] = [];
  version: ServerVersion = { major: '1', minor: '31', gitVersion: 'v1.31.0' };
  private rv = 100;
  private compactedRv = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<OpenWatch>();
  listCount = 0;
  /** While set, changes reach neither open watches nor the watch history (only a relist shows them). */
  stopDelivering = false;
  watchCount = 0;

  get openWatches(): number {
    return this.watches.size;
  }

  get currentRv(): string {
    return String(this.rv);
  }

  private bucket(kind: ResourceKind): Map<string, KubeObject> {
    let b = this.objects.get(kind);
    if (!b) this.objects.set(kind, (b = new Map()));
    return b;
  }

  private record(kind: ResourceKind, type: WatchEvent['type'], obj: KubeObject): void {
    const event = { type, object: clone(obj) };
    if (this.stopDelivering) return;
    this.history.push({ rv: this.rv, kind, event });
    for (const w of this.watches) {
      if (w.kind === kind && this.inScope(obj, w.options)) w.send(clone(event));
    }
  }

  private inScope(obj: KubeObject, o: ListOptions): boolean {
    return (!o.namespace || obj.metadata?.namespace === o.namespace) && matchesLabels(obj, o.labelSelector);
  }

  /** Seeds or overwrites an object directly (as another client would), producing watch events. */
  put(kind: ResourceKind, obj: KubeObject): KubeObject {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const before = this.bucket(kind).get(key);
    const stored = clone(obj);
    stored.kind ??= kind;
    stored.metadata = { uid: before?.metadata?.uid ?? randomUUID(), ...stored.metadata, resourceVersion: String(++this.rv) };
    this.bucket(kind).set(key, stored);
    this.record(kind, before ? 'MODIFIED' : 'ADDED', stored);
    return clone(stored);
  }

  remove(kind: ResourceKind, namespace: string | undefined, name: string): void {
    const key = `${namespace ?? ''}/${name}`;
    const obj = this.bucket(kind).get(key);
    if (!obj) return;
    this.bucket(kind).delete(key);
    ++this.rv;
    this.record(kind, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } });
  }

  /** Forgets watch history: watches from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every open watch. */
  bookmark(): void {
    for (const w of this.watches) w.send({ type: 'BOOKMARK', object: { kind: w.kind, metadata: { resourceVersion: String(this.rv) } } });
  }

  /** Ends every open watch as the server would at its timeout. */
  closeWatches(): void {
    for (const w of [...this.watches]) w.end();
  }

  /** Sends an in-stream 410 Expired ERROR to every open watch. */
  expireWatches(): void {
    for (const w of this.watches) w.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as never });
  }

  async list(kind: ResourceKind, options: ListPageOptions = {}): Promise<ListResult> {
    this.listCount++;
    this.calls.push({ op: 'list', kind, namespace: options.namespace, options });
    await Promise.resolve();
    const fault = this.listFaults.shift();
    if (fault) throw fault;
    const view = options.view ?? ((obj: KubeObject): KubeObject => obj);
    const items = [...this.bucket(kind).values()].filter((o) => this.inScope(o, options)).map((o) => view(clone(o)));
    return { items, resourceVersion: String(this.rv) };
  }

  watch(kind: ResourceKind, options: WatchOptions, onEvent: (event: WatchEvent) => void): WatchStream {
    this.watchCount++;
    this.calls.push({ op: 'watch', kind, namespace: options.namespace, options });
    let resolveDone: () => void = () => undefined;
    let rejectDone: (e: unknown) => void = () => undefined;
    const done = new Promise<void>((res, rej) => ((resolveDone = res), (rejectDone = rej)));
    let open = true;
    const timer: { t?: NodeJS.Timeout } = {};
    const w: OpenWatch = {
      kind,
      options,
      send: (e) => open && setImmediate(() => open && onEvent(e)),
      end: (err?: unknown) => {
        if (!open) return;
        open = false;
        clearTimeout(timer.t);
        this.watches.delete(w);
        if (err) rejectDone(err);
        else resolveDone();
      },
    };
    const fault = this.watchFaults.shift();
    if (fault === 'stall') return { done, stop: () => w.end() };
    setImmediate(() => this.startWatch(w, fault));
    timer.t = setTimeout(() => w.end(), options.timeoutSeconds * 1000);
    return { done, stop: () => w.end() };
  }

  private startWatch(w: OpenWatch, fault: WatchFault | undefined): void {
    if (fault === 'reset') return w.end(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    if (typeof fault === 'object') {
      const headers = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return w.end(errorFromStatus(fault.status, { reason: 'Injected', message: 'injected fault' }, headers));
    }
    const from = Number(w.options.resourceVersion || this.rv);
    if (fault === 'gone' || from < this.compactedRv) {
      return w.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as never });
    }
    this.watches.add(w);
    for (const h of this.history) {
      if (h.rv > from && h.kind === w.kind && this.inScope(h.event.object, w.options)) w.send(clone(h.event));
    }
  }

  async get(kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject> {
    this.calls.push({ op: 'get', kind, namespace, name });
    await Promise.resolve();
    const obj = this.bucket(kind).get(`${namespace ?? ''}/${name}`);
    if (!obj) throw errorFromStatus(404, { reason: 'NotFound', message: `${kind} "${name}" not found` });
    return clone(obj);
  }

  private writeFault(): void {
    const fault = this.writeFaults.shift();
    if (fault) throw fault;
  }

  async create(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject> {
    this.calls.push({ op: 'create', kind, namespace, name: body.metadata?.name, body: clone(body) });
    await Promise.resolve();
    this.writeFault();
    const name = body.metadata?.name ?? `${body.metadata?.generateName ?? 'x-'}${Math.random().toString(36).slice(2, 7)}`;
    if (this.bucket(kind).has(`${namespace}/${name}`)) {
      throw errorFromStatus(409, { reason: 'AlreadyExists', message: `${kind} "${name}" already exists` });
    }
    return this.put(kind, { ...body, metadata: { ...body.metadata, name, namespace, uid: randomUUID() } });
  }

  async mergePatch(kind: ResourceKind, target: { namespace: string; name: string }, patch: Record<string, unknown>, resourceVersion?: string): Promise<KubeObject> {
    this.calls.push({ op: 'patch', kind, ...target, body: clone(patch), options: { resourceVersion } });
    await Promise.resolve();
    this.writeFault();
    const current = this.bucket(kind).get(`${target.namespace}/${target.name}`);
    if (!current) throw errorFromStatus(404, { reason: 'NotFound', message: `${kind} "${target.name}" not found` });
    if (resourceVersion && current.metadata?.resourceVersion !== resourceVersion) {
      throw errorFromStatus(409, { reason: 'Conflict', message: 'the object has been modified' });
    }
    return this.put(kind, mergePatch(current, patch) as KubeObject);
  }

  async replace(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject> {
    this.calls.push({ op: 'replace', kind, namespace, name: body.metadata?.name, body: clone(body) });
    await Promise.resolve();
    this.writeFault();
    const current = this.bucket(kind).get(`${namespace}/${body.metadata?.name}`);
    if (!current) throw errorFromStatus(404, { reason: 'NotFound', message: 'not found' });
    if (body.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
      throw errorFromStatus(409, { reason: 'Conflict', message: 'the object has been modified' });
    }
    return this.put(kind, body);
  }

  async delete(kind: ResourceKind, target: { namespace: string; name: string }, options: DeleteOptions = {}): Promise<void> {
    this.calls.push({ op: 'delete', kind, ...target, options });
    await Promise.resolve();
    this.writeFault();
    const current = this.bucket(kind).get(`${target.namespace}/${target.name}`);
    if (!current) throw errorFromStatus(404, { reason: 'NotFound', message: `${kind} "${target.name}" not found` });
    const uidMismatch = options.uid && options.uid !== current.metadata?.uid;
    const rvMismatch = options.resourceVersion && options.resourceVersion !== current.metadata?.resourceVersion;
    if (uidMismatch || rvMismatch) throw errorFromStatus(409, { reason: 'Conflict', message: 'Precondition failed' });
    this.remove(kind, target.namespace, target.name);
  }

  async serverVersion(): Promise<ServerVersion> {
    return this.version;
  }

  /** Ends every watch; call at the end of a test. */
  close(): void {
    this.closeWatches();
  }
}
