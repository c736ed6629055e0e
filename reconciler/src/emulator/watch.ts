/**
 * Watch streams of the emulated API server: newline-delimited JSON watch events over a
 * chunked 200 answer, starting with synthetic ADDED events (no resourceVersion or `0`) or
 * the recorded events after `resourceVersion` (410 `ERROR` event when it is too old), then
 * live changes; BOOKMARK events with `allowWatchBookmarks`; `timeoutSeconds` ends the stream.
 * Selector-filtered watches see an object leaving the selection as DELETED and entering it as ADDED.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults, RequestFacts } from './faults.ts';
import { statusOf, type ResourceRequest } from './http.ts';
import { groupVersion } from './resources.ts';
import { view } from './rest.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, type Selector } from './selectors.ts';
import { toTable, wantsTable } from './table.ts';
import type { HistoryEntry, MemoryStore } from './store.ts';
import { StoreError, type StoredObject, type StoreEvent } from './types.ts';

/** What a watch needs from the emulator. */
export interface WatchEnv {
  readonly store: MemoryStore;
  readonly faults: Faults;
  /** Interval of BOOKMARK events for watches that allow them. */
  readonly bookmarkIntervalMs: number;
  /** Stream length when the client gives no `timeoutSeconds`. */
  readonly defaultTimeoutSeconds: number;
  /** Registers an open stream so that closing the emulator ends it; returns the unregister function. */
  readonly track: (end: () => void) => () => void;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

interface Filter {
  readonly labels: Selector;
  readonly fields: Selector;
  readonly selective: boolean;
  /** Render objects as Table rows (the client asked for `as=Table`). */
  readonly table: boolean;
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

/** One open watch stream. */
class WatchStream {
  private readonly cleanups: Array<() => void> = [];
  /** uids of objects the client currently sees (selector-filtered watches only). */
  private readonly visible = new Set<string>();
  private ended = false;
  private sentColumns = false;

  constructor(
    private readonly env: WatchEnv,
    private readonly r: ResourceRequest,
    private readonly res: ServerResponse,
    private readonly filter: Filter,
  ) {}

  open(): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    this.res.flushHeaders();
    this.res.on('close', () => this.end());
    this.cleanups.push(this.env.track(() => this.end()));
  }

  /** Sends the initial events, then follows the store. */
  start(facts: RequestFacts): void {
    if (!this.replay()) return;
    this.cleanups.push(this.env.store.watch((e) => this.onEvent(e)));
    this.cleanups.push(this.env.faults.trackWatch({ facts, expire: () => this.expire('the watch was expired by the server') }));
    this.startTimers();
  }

  /** Sends a 410 ERROR event and ends the stream (a `gone` fault or a too-old resourceVersion). */
  expire(message: string): void {
    const err = new StoreError(410, 'Expired', message);
    this.send('ERROR', statusOf(err) as unknown as StoredObject);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (!this.res.writableEnded) this.res.end();
  }

  private replay(): boolean {
    const rv = this.r.query.get('resourceVersion');
    if (!rv || rv === '0') {
      for (const obj of this.env.store.query(this.r.resource.kind, { namespace: this.r.namespace })) this.onEvent({ type: 'ADDED', object: obj });
      this.initialEventsEnd();
      return true;
    }
    let history: HistoryEntry[];
    try {
      history = this.env.store.eventsSince(rv);
    } catch (err) {
      this.expire(err instanceof StoreError ? err.message : String(err));
      return false;
    }
    if (this.filter.selective) this.seedVisible(history);
    for (const h of history) this.onEvent(h.event);
    return true;
  }

  /**
   * For a resumed selector watch, estimates which objects the client saw at its resourceVersion:
   * objects unchanged since (selected now), and objects whose first later change was not their creation.
   */
  private seedVisible(history: HistoryEntry[]): void {
    const first = new Map<string, StoreEvent>();
    for (const h of history) if (!first.has(h.event.object.metadata.uid)) first.set(h.event.object.metadata.uid, h.event);
    // Read, not kept: the stored objects themselves (`shared`), not a copy of each.
    for (const obj of this.env.store.query(this.r.resource.kind, { namespace: this.r.namespace, shared: true })) {
      if (!first.has(obj.metadata.uid) && this.selects(view(this.r.resource, obj))) this.visible.add(obj.metadata.uid);
    }
    for (const [uid, e] of first) {
      if (e.type !== 'ADDED' && this.inScope(e.object) && this.selects(view(this.r.resource, e.object))) this.visible.add(uid);
    }
  }

  private initialEventsEnd(): void {
    if (!isTrue(this.r.query.get('sendInitialEvents')) || !isTrue(this.r.query.get('allowWatchBookmarks'))) return;
    this.bookmark({ 'k8s.io/initial-events-end': 'true' });
  }

  private startTimers(): void {
    const q = this.r.query;
    if (isTrue(q.get('allowWatchBookmarks'))) {
      const t = setInterval(() => this.bookmark(), this.env.bookmarkIntervalMs);
      this.cleanups.push(() => clearInterval(t));
    }
    const given = Number(this.r.query.get('timeoutSeconds') ?? NaN);
    const seconds = Number.isFinite(given) && given > 0 ? given : this.env.defaultTimeoutSeconds;
    const t = setTimeout(() => this.end(), seconds * 1000);
    this.cleanups.push(() => clearTimeout(t));
  }

  private bookmark(annotations?: Record<string, string>): void {
    const metadata: Record<string, unknown> = { resourceVersion: this.env.store.resourceVersion };
    if (annotations) metadata.annotations = annotations;
    this.send('BOOKMARK', { kind: this.r.resource.kind, apiVersion: groupVersion(this.r.resource), metadata } as unknown as StoredObject);
  }

  private selects(obj: StoredObject): boolean {
    return matchesLabels(this.filter.labels, obj.metadata.labels) && matchesFields(this.filter.fields, obj);
  }

  private inScope(obj: StoredObject): boolean {
    return obj.kind === this.r.resource.kind && (this.r.namespace === undefined || obj.metadata.namespace === this.r.namespace);
  }

  private onEvent(event: StoreEvent): void {
    if (this.ended || !this.inScope(event.object)) return;
    const obj = view(this.r.resource, event.object);
    if (!this.filter.selective) {
      this.send(event.type, obj);
      return;
    }
    const type = this.selectiveType(event.type, obj);
    if (type) this.send(type, obj);
  }

  /** The event a selector watch sends: entering the selection is ADDED, leaving it DELETED. */
  private selectiveType(type: StoreEvent['type'], obj: StoredObject): WatchEventType | undefined {
    const uid = obj.metadata.uid;
    const was = this.visible.has(uid);
    const is = type !== 'DELETED' && this.selects(obj);
    if (is) this.visible.add(uid);
    else this.visible.delete(uid);
    if (is) return was ? 'MODIFIED' : 'ADDED';
    return was ? 'DELETED' : undefined;
  }

  private send(type: WatchEventType, object: StoredObject): void {
    if (this.res.writableEnded) return;
    const rendered = this.filter.table && type !== 'ERROR' && type !== 'BOOKMARK' ? this.tableOf(object) : object;
    this.res.write(`${JSON.stringify({ type, object: rendered })}\n`);
  }

  /** One-row Table for `kubectl get --watch`; only the first carries the column definitions. */
  private tableOf(object: StoredObject): unknown {
    const table = toTable(this.r.resource, [object], { now: this.env.store.clock.now(), includeColumns: !this.sentColumns });
    this.sentColumns = true;
    return table;
  }
}

/**
 * Serves a watch request. Selector errors answer 400 before the stream opens; a `stall`
 * fault opens a silent stream; a `gone` fault sends the initial events and then a 410 ERROR.
 */
export function serveWatch(env: WatchEnv, r: ResourceRequest, req: IncomingMessage, res: ServerResponse): void {
  const labels = parseLabelSelector(r.query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(r.query.get('fieldSelector') ?? undefined, r.resource.fieldLabels);
  const facts: RequestFacts = { method: 'GET', path: pathOf(r), watch: true, verb: 'watch', resource: r.resource.plural };
  const fault = env.faults.takeWatchFault(facts);
  const filter: Filter = { labels, fields, selective: labels.length + fields.length > 0, table: wantsTable(req.headers.accept) };
  const stream = new WatchStream(env, r, res, filter);
  stream.open();
  // A stalled stream stays open and silent (no events, bookmarks or timeout) until the client goes.
  if (fault?.type === 'stall') return;
  stream.start(facts);
  if (fault?.type === 'gone') stream.expire('too old resource version: the watch was expired by the server');
}

function pathOf(r: ResourceRequest): string {
  const base = r.resource.group ? `/apis/${r.resource.group}/${r.resource.version}` : `/api/${r.resource.version}`;
  return `${base}${r.namespace ? `/namespaces/${r.namespace}` : ''}/${r.resource.plural}`;
}
