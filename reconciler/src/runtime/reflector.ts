/**
 * A reflector keeps a local cache of one kind (in one namespace or all) in step with the API
 * server: list → watch (bookmarks, server-side timeout with jitter) → on 410 Gone relist (at
 * once the first time, then with backoff while 410s follow each other) → on errors back off
 * exponentially with jitter (honouring Retry-After) → an inactivity watchdog restarts a silent
 * stream and reports the reflector unhealthy until the new one delivers → a periodic resync
 * replays every cached object to the handler (as an update with old === new), without a request
 * to the server, in slices that yield to the event loop (client-go's informer resync).
 * The server is listed again only when the watch cannot go on: the first list, 410 Gone (an
 * expired resourceVersion or continue token) and errors. A periodic relist from the server
 * (`relistMs`) is an opt-in for anti-entropy: the watch of the API server delivers every change
 * after the resourceVersion it starts from, so a relist repairs only a server or client bug, at
 * the cost of listing every object again.
 * An optional reflector (an auxiliary resource) whose list is forbidden (403) or absent (404)
 * is degraded: it counts as synced with an empty cache, tells `onDegraded` once, and keeps
 * trying at the longest backoff until the list works again.
 * The cache is keyed by `namespace/name`, with `managedFields` stripped. `stop()` is safe to
 * call at any time and never resurrects the loop.
 * A cache that keeps a view (`viewFields`, the Pod cache) is filled by the streaming list where the
 * port and the server have it: one watch whose initial ADDED events are collected and installed
 * as a list at the initial-events-end bookmark (the moment the cache counts as synced), and
 * which then goes on as the watch; 410 and errors after that stream the list again. A streaming
 * list that ends before its initial events did is followed by one paged list. A server that
 * refuses it (422: the `WatchList` feature gate is off in 1.28–1.31 and 1.33) is listed page by
 * page from then on, and watched in JSON; so is one that cannot send it in protobuf (406: the API
 * emulator, which answers JSON only).
 */
import type { KubeObject } from '../core/types.ts';
import { KubeApiError, errorFromWatchStatus, toKubeApiError } from '../adapters/errors.ts';
import { INITIAL_EVENTS_END, type KubePort, type ListResult, type ResourceKind, type WatchEvent, type WatchStream } from '../adapters/port.ts';
import { backoffDelay } from './rate-limiter.ts';

export interface ReflectorHandler {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete?(obj: KubeObject): void;
}

/** Why a watch stream was (re)started. */
export type RestartReason = 'timeout' | 'watchdog' | 'gone' | 'error';

export interface ReflectorTimings {
  /** Server-side watch timeout (client-go: 5 min), spread by ±`timeoutJitter`. */
  readonly watchTimeoutSeconds: number;
  readonly timeoutJitter: number;
  /**
   * A stream with no event or bookmark for this long is restarted (the API server sends a
   * bookmark about every minute to watches that allow them).
   */
  readonly watchdogMs: number;
  /**
   * Replay of every cached object to the handler this often (`onUpdate(obj, obj)`), so that the
   * controller decides each one again at the current time; no request to the server. 0 disables it.
   */
  readonly resyncMs: number;
  /**
   * Opt-in anti-entropy: list everything from the server again this often, alongside the running
   * watch, merge (a missed add, update or delete is repaired) and replay every object. It costs a
   * full list of the kind each time (at 100,000 Jobs and 300,000 pods: 800 list pages, about 1 GB
   * of JSON, and 150–240 MB more RSS while it runs). 0 (the default) never relists on a timer.
   */
  readonly relistMs: number;
  /** Backoff after errors: from `backoffBaseMs` doubling to `backoffMaxMs`, ±20 % jitter. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_REFLECTOR_TIMINGS: ReflectorTimings = {
  watchTimeoutSeconds: 300,
  timeoutJitter: 0.1,
  watchdogMs: 90_000,
  resyncMs: 600_000,
  relistMs: 0,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
};

export interface ReflectorOptions {
  readonly kind: ResourceKind;
  /** Undefined: all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly timings?: Partial<ReflectorTimings>;
  readonly handler?: ReflectorHandler;
  /**
   * Items per list request: lists are fetched in pages (`limit`/`continue`, client-go's pager
   * uses 500) so that no response holds every object at once. 0 lists in one request.
   */
  readonly pageSize?: number;
  /**
   * Objects replayed per turn of the event loop by a resync (default `DEFAULT_REPLAY_SLICE`): watch
   * events and the work the handler queued run between two slices.
   */
  readonly replaySlice?: number;
  /** Called whenever a new watch starts after the first one. */
  readonly onRestart?: (reason: RestartReason, err?: KubeApiError) => void;
  /** Called for every failed list or watch (not for the repeats of a degraded list). */
  readonly onError?: (err: KubeApiError) => void;
  /**
   * An auxiliary resource: a 403 or 404 on its list degrades the reflector instead of holding
   * sync back; `onDegraded` is called with the error when that starts and with `undefined` when
   * the list works again.
   */
  readonly optional?: boolean;
  readonly onDegraded?: (err: KubeApiError | undefined) => void;
  readonly random?: () => number;
  /**
   * What the cache keeps of each object (after `managedFields` is stripped): e.g. only the fields
   * the controller reads. Applied to listed and watched objects alike, before the handler sees them.
   */
  readonly transform?: (obj: KubeObject) => KubeObject;
  /**
   * `transform` is the kind's cache view (`runtime/cache-view.ts`) and reads nothing else: listed
   * objects may come with only the fields it reads (`ListPageOptions.viewFields`). With it, and a
   * port that has `streamList`, the cache is filled by the streaming list instead of pages: its
   * ADDED events fill it, its initial-events-end bookmark marks it synced, and the same stream goes
   * on as the watch (watched objects then come with the view's fields too). A server that refuses
   * the streaming list (422: the `WatchList` feature gate off; 406: no protobuf) is listed page by
   * page from then on.
   */
  readonly viewFields?: boolean;
  /** Called once when the server refused the streaming list and the reflector turned to pages. */
  readonly onStreamListRefused?: (err: KubeApiError) => void;
}

/** A list error that degrades an optional reflector. */
export function isDegrading(err: KubeApiError): boolean {
  return err.kind === 'Forbidden' || err.kind === 'NotFound';
}

/** `namespace/name` (or `name` for cluster-scoped objects). */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  // Joined, not a template literal: a flat string, where concatenation would keep a cons string
  // (and, once hashed as a Map key, a flat copy besides) for every cached object.
  return ns ? [ns, obj.metadata?.name].join('/') : `${obj.metadata?.name}`;
}

/**
 * The object the cache holds when the list brings it again at the same resourceVersion (the
 * same version on the server, so the same content): a relist keeps the cached object, and what
 * was derived from it (the controller's audits) stays valid.
 */
function sameVersion(held: KubeObject | undefined, listed: KubeObject): KubeObject {
  const rv = listed.metadata?.resourceVersion;
  return held !== undefined && rv !== undefined && rv !== '' && held.metadata?.resourceVersion === rv ? held : listed;
}

function stripManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

type WatchEnd = 'timeout' | 'watchdog' | 'stopped';

/** Items per list page unless `pageSize` says otherwise (client-go's pager default). */
export const DEFAULT_PAGE_SIZE = 500;

/** Objects a resync replays per turn of the event loop unless `replaySlice` says otherwise. */
export const DEFAULT_REPLAY_SLICE = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a streaming list's initial events are collected into until their end bookmark. */
type Collected = Map<string, KubeObject>;

/** A later page of a chunked list answered 410: the snapshot it continued is gone. */
class ExpiredContinue extends Error {
  constructor(readonly cause: unknown) {
    super('the continue token of a chunked list expired');
  }
}

export class Reflector {
  private readonly store = new Map<string, KubeObject>();
  private readonly timings: ReflectorTimings;
  private readonly random: () => number;
  private resourceVersion = '';
  private stopped = false;
  private running?: Promise<void>;
  private stream?: WatchStream;
  private wake?: () => void;
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private lastRelist = 0;
  private restarts = 0;
  private eventsInWatch = 0;
  /** 410s in a row without a watch that delivered anything in between. */
  private goneStreak = 0;
  /** False from a watchdog restart until the next watch delivers an event or bookmark. */
  private live = true;
  private degradedBy?: KubeApiError;
  private resyncTimer?: NodeJS.Timeout;
  private relistTimer?: NodeJS.Timeout;
  /** When every object was last replayed (by a resync, or by a relist). */
  private lastReplay = 0;
  /** A resync's replay is running. */
  private replaying = false;
  private resyncs = 0;
  /**
   * Counts full relists (after 410 or errors), so that a periodic relist overtaken by one drops
   * its older list and a resync's replay stops (the relist replayed everything anew).
   */
  private relists = 0;
  /** While a periodic relist's list runs: the keys watch events changed meanwhile (the watch has the last word on them). */
  private touchedDuringRelist?: Set<string>;
  /** The server refused the streaming list: lists go page by page. */
  private streamListRefused?: KubeApiError;
  /**
   * The last streaming list ended before its initial events did (an error, a silent or closed
   * stream): the next list is paged, as client-go's reflector does (progress rather than a loop
   * on a streaming list that cannot complete); the one after streams again.
   */
  private pageNextList = false;

  constructor(
    private readonly port: KubePort,
    readonly options: ReflectorOptions,
  ) {
    this.timings = { ...DEFAULT_REFLECTOR_TIMINGS, ...options.timings };
    this.random = options.random ?? Math.random;
  }

  get kind(): ResourceKind {
    return this.options.kind;
  }

  /** True once the first list has been stored (or, for an optional reflector, degraded). */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** False while a stalled watch is being replaced. */
  get healthy(): boolean {
    return this.live;
  }

  /** The error that degraded this optional reflector, while it lasts. */
  get degraded(): KubeApiError | undefined {
    return this.degradedBy;
  }

  /** The resourceVersion the next watch continues from. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Number of watch restarts so far. */
  get restartCount(): number {
    return this.restarts;
  }

  /** Number of periodic resyncs (replays of the cache) completed so far. */
  get resyncCount(): number {
    return this.resyncs;
  }

  get(key: string): KubeObject | undefined {
    return this.store.get(key);
  }

  list(): KubeObject[] {
    return [...this.store.values()];
  }

  get size(): number {
    return this.store.size;
  }

  /**
   * Lists once into the cache (no watch): for one-shot passes. Rejects with a `KubeApiError`,
   * except that an optional reflector degrades on 403 and 404.
   */
  async listOnce(): Promise<void> {
    try {
      await this.relist();
    } catch (err) {
      const e = toKubeApiError(err);
      if (!this.degrade(e)) throw e;
    }
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.run();
    this.scheduleResync();
    this.scheduleRelist();
  }

  /** Resolves after the first successful list (or at stop). */
  waitForSync(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.resyncTimer);
    clearTimeout(this.relistTimer);
    this.stream?.stop();
    this.wake?.();
    for (const w of this.syncWaiters.splice(0)) w();
    await this.running;
  }

  private async run(): Promise<void> {
    const state = { failures: 0, restartReason: undefined as RestartReason | undefined };
    while (!this.stopped) {
      try {
        await this.cycle(state);
      } catch (err) {
        if (this.stopped) break;
        await this.afterFailure(state, toKubeApiError(err));
      }
    }
  }

  /** One list (when needed) and one watch. */
  private async cycle(state: { failures: number; restartReason?: RestartReason }): Promise<void> {
    if (state.restartReason) this.noteRestart(state.restartReason);
    state.restartReason = undefined;
    if (!this.resourceVersion && (!this.streamsList() || this.pageNextList)) {
      this.pageNextList = false;
      await this.relist();
    }
    const started = Date.now();
    const end = await this.watchOnce();
    if (end === 'timeout' && this.quietWatch(started)) await this.sleep(this.errorDelay(state.failures++));
    else state.failures = 0;
    if (end !== 'stopped') state.restartReason = end;
  }

  private async afterFailure(state: { failures: number; restartReason?: RestartReason }, err: KubeApiError): Promise<void> {
    if (this.refuseStreamList(err)) return;
    if (this.degrade(err)) {
      state.restartReason = 'error';
      await this.sleep(this.errorDelay(Number.MAX_SAFE_INTEGER));
      return;
    }
    this.options.onError?.(err);
    // A watch whose resourceVersion is gone relists: at once the first time, then with backoff
    // while 410s keep coming (a storm must not become a relist loop). A 410 from the list
    // itself (a continue token that expired again after the restart) backs off like any failed list.
    if (err.kind === 'Gone' && this.resourceVersion) {
      state.restartReason = 'gone';
      this.resourceVersion = '';
      if (this.goneStreak++ > 0) await this.sleep(this.errorDelay(this.goneStreak - 2));
      return;
    }
    state.restartReason = 'error';
    await this.sleep(this.errorDelay(state.failures++, err));
  }

  /** The cache is filled by the streaming list (not refused, the port has it, the cache keeps a view). */
  private streamsList(): boolean {
    return this.options.viewFields === true && this.port.streamList !== undefined && !this.streamListRefused;
  }

  /**
   * A streaming list refused before the cache was filled by it (422: the `WatchList` gate is off
   * on the server; 406: the server cannot send it in protobuf): pages from now on, listed at once.
   * True when it was that.
   */
  private refuseStreamList(err: KubeApiError): boolean {
    if ((err.kind !== 'Invalid' && err.status !== 406) || this.resourceVersion || !this.streamsList()) return false;
    this.streamListRefused = err;
    this.options.onStreamListRefused?.(err);
    return true;
  }

  /** Degrades an optional reflector on 403/404 (once); true when it did or already was. */
  private degrade(err: KubeApiError): boolean {
    if (!this.options.optional || !isDegrading(err) || this.resourceVersion) return false;
    if (!this.degradedBy) {
      this.degradedBy = err;
      this.options.onDegraded?.(err);
    }
    this.markSynced();
    return true;
  }

  private noteRestart(reason: RestartReason, err?: KubeApiError): void {
    this.restarts++;
    this.options.onRestart?.(reason, err);
  }

  /** A stream the server ended quickly without sending anything: back off instead of spinning. */
  private quietWatch(started: number): boolean {
    return this.eventsInWatch === 0 && Date.now() - started < this.timings.backoffMaxMs;
  }

  private errorDelay(attempt: number, err?: KubeApiError): number {
    const delay = backoffDelay(attempt, { baseMs: this.timings.backoffBaseMs, maxMs: this.timings.backoffMaxMs }, this.random);
    return Math.max(delay, err?.retryAfterMs ?? 0);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Lists, replaces the cache, and tells the handler what changed (every surviving object is replayed). */
  private async relist(): Promise<void> {
    const listed = await this.listAll();
    if (!listed || this.stopped) return;
    this.install(listed);
  }

  /** Replaces the cache with what a list (paged or streamed) brought, replays the changes, marks the cache synced. */
  private install(listed: { fresh: Map<string, KubeObject>; resourceVersion: string }): void {
    this.relists++;
    const old = new Map(this.store);
    this.store.clear();
    for (const [key, listedObj] of listed.fresh) {
      const obj = sameVersion(old.get(key), listedObj);
      listed.fresh.set(key, obj);
      this.store.set(key, obj);
    }
    this.resourceVersion = listed.resourceVersion;
    this.lastRelist = Date.now();
    this.lastReplay = this.lastRelist;
    this.live = true;
    if (this.degradedBy) {
      this.degradedBy = undefined;
      this.options.onDegraded?.(undefined);
    }
    this.replay(old, listed.fresh);
    this.markSynced();
  }

  /**
   * Every object in scope, page by page; the cache is replaced only once the last page arrived.
   * A `continue` token that expired between pages (410) restarts the list once from the start,
   * as client-go's pager does; any other error, or a second expiry, goes to the caller.
   */
  private async listAll(): Promise<{ fresh: Map<string, KubeObject>; resourceVersion: string } | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.listPages();
      } catch (err) {
        if (attempt === 0 && err instanceof ExpiredContinue) continue;
        throw err instanceof ExpiredContinue ? err.cause : err;
      }
    }
  }

  private async listPages(): Promise<{ fresh: Map<string, KubeObject>; resourceVersion: string } | undefined> {
    const fresh = new Map<string, KubeObject>();
    let next: Promise<ListResult> | undefined = this.listPage(undefined);
    // Every page carries the resourceVersion of the snapshot the first page was served at.
    let resourceVersion: string | undefined;
    while (next) {
      const page: ListResult = await next;
      if (this.stopped) return undefined;
      resourceVersion ??= page.resourceVersion;
      // The next page is asked for before this one is viewed: the server prepares it meanwhile
      // (one request in flight per list, as before; only the order changes).
      next = page.continue ? this.listPage(page.continue) : undefined;
      // A failure of that request is awaited (and thrown) by the next turn of the loop.
      next?.catch(() => undefined);
      // The port made each item the cache's view as it read it (`ListPageOptions.view`).
      for (const obj of page.items) fresh.set(objectKey(obj), obj);
    }
    return { fresh, resourceVersion: resourceVersion ?? '' };
  }

  private async listPage(token: string | undefined): Promise<ListResult> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    try {
      return await this.port.list(this.kind, {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        ...(pageSize > 0 ? { limit: pageSize } : {}),
        ...(token ? { continue: token } : {}),
        ...(this.options.viewFields ? { viewFields: true } : {}),
        view: this.viewListed,
      });
    } catch (err) {
      if (token && toKubeApiError(err).kind === 'Gone') throw new ExpiredContinue(err);
      throw err;
    }
  }

  /** Arms the next periodic resync: `resyncMs` after every object was last replayed. */
  private scheduleResync(): void {
    const { resyncMs } = this.timings;
    if (resyncMs <= 0 || this.stopped) return;
    const due = this.synced ? Math.max(0, this.lastReplay + resyncMs - Date.now()) : resyncMs;
    this.resyncTimer = setTimeout(() => {
      const due = this.synced && !this.replaying && Date.now() >= this.lastReplay + resyncMs;
      void (due ? this.resync() : Promise.resolve()).finally(() => this.scheduleResync());
    }, due);
  }

  /**
   * The periodic resync: every cached object is handed to the handler again as an update with
   * old === new, with no request to the server. The replay walks the cache itself (no copy), a
   * slice of `replaySlice` objects per turn of the event loop, so watch events keep flowing
   * between slices; each object is read from the cache when its turn comes, so one the watch
   * changed meanwhile is replayed at the watch's version (never an older one), one it deleted is
   * skipped. A full relist meanwhile (410, errors) ends the replay: the relist replayed every
   * object itself.
   */
  private async resync(): Promise<void> {
    this.replaying = true;
    this.lastReplay = Date.now();
    const relists = this.relists;
    const slice = Math.max(1, this.options.replaySlice ?? DEFAULT_REPLAY_SLICE);
    try {
      const objects = this.store.values();
      for (let done = false; !done; ) {
        done = this.replaySlice(objects, slice);
        if (!done) await nextTurn();
        if (this.stopped || this.relists !== relists) return;
      }
      this.resyncs++;
    } finally {
      this.replaying = false;
    }
  }

  /** Replays up to `slice` objects; true when the cache has been walked to its end. */
  private replaySlice(objects: IterableIterator<KubeObject>, slice: number): boolean {
    for (let i = 0; i < slice; i++) {
      const next = objects.next();
      if (next.done) return true;
      this.notify('update', next.value, next.value);
    }
    return false;
  }

  /** Arms the next periodic relist (opt-in, `relistMs`): `relistMs` after the last full list. */
  private scheduleRelist(): void {
    const { relistMs } = this.timings;
    if (relistMs <= 0 || this.stopped) return;
    const due = this.synced ? Math.max(0, this.lastRelist + relistMs - Date.now()) : relistMs;
    this.relistTimer = setTimeout(() => {
      const due = this.synced && this.touchedDuringRelist === undefined && Date.now() >= this.lastRelist + relistMs;
      void (due ? this.periodicRelist() : Promise.resolve()).finally(() => this.scheduleRelist());
    }, due);
  }

  /**
   * The opt-in periodic relist: lists everything while the watch keeps running, then merges.
   * Objects a watch event changed during the list keep the watch's version (the list may
   * predate it, and the watch reports every later change anyway); every other object takes the
   * list's version, so a missed add, update or delete is repaired; then every object is replayed.
   * A failed list is reported and left to the next period; the watch is unaffected.
   */
  private async periodicRelist(): Promise<void> {
    const touched = new Set<string>();
    this.touchedDuringRelist = touched;
    const relists = this.relists;
    try {
      const listed = await this.listAll();
      // A full relist meanwhile (the watch failed) already holds a newer picture.
      if (!listed || this.stopped || this.relists !== relists) return;
      this.lastRelist = Date.now();
      this.lastReplay = this.lastRelist;
      this.merge(listed.fresh, touched);
    } catch (err) {
      if (!this.stopped) this.options.onError?.(toKubeApiError(err));
    } finally {
      this.touchedDuringRelist = undefined;
    }
  }

  /** Takes the listed version of every object the watch did not touch meanwhile, and replays it. */
  private merge(fresh: Map<string, KubeObject>, touched: ReadonlySet<string>): void {
    for (const [key, obj] of new Map(this.store)) {
      if (fresh.has(key) || touched.has(key)) continue;
      this.store.delete(key);
      this.notify('delete', obj);
    }
    for (const [key, obj] of fresh) {
      if (touched.has(key)) continue;
      const before = this.store.get(key);
      const kept = sameVersion(before, obj);
      this.store.set(key, kept);
      this.notify(before ? 'update' : 'add', kept, before);
    }
  }

  private replay(old: Map<string, KubeObject>, fresh: Map<string, KubeObject>): void {
    for (const [key, obj] of old) if (!fresh.has(key)) this.notify('delete', obj);
    for (const [key, obj] of fresh) this.notify(old.has(key) ? 'update' : 'add', obj, old.get(key));
  }

  private notify(what: 'add' | 'update' | 'delete', obj: KubeObject, before?: KubeObject): void {
    const h = this.options.handler;
    if (!h) return;
    if (what === 'delete') h.onDelete?.(obj);
    else if (what === 'update' && before) h.onUpdate?.(before, obj);
    else h.onAdd?.(obj);
  }

  /** `view` for the port's lists. */
  private readonly viewListed = (raw: KubeObject): KubeObject => this.view(raw);

  /** The object as the cache keeps it. */
  private view(raw: KubeObject): KubeObject {
    const obj = stripManagedFields({ ...raw, kind: raw.kind ?? this.kind });
    return this.options.transform ? this.options.transform(obj) : obj;
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private applyEvent(event: WatchEvent): void {
    const obj = this.view(event.object);
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const key = objectKey(obj);
    this.touchedDuringRelist?.add(key);
    const before = this.store.get(key);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      return this.notify('delete', before ?? obj);
    }
    this.store.set(key, obj);
    this.notify(before ? 'update' : 'add', obj, before);
  }

  private watchTimeoutSeconds(): number {
    const { watchTimeoutSeconds: t, timeoutJitter: j } = this.timings;
    return Math.max(1, Math.round(t * (1 - j + 2 * j * this.random())));
  }

  /** Runs one watch until the server closes it, the watchdog fires, an error, or stop. */
  private watchOnce(): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve, reject) => {
      if (this.stopped) return resolve('stopped');
      let lastActivity = Date.now();
      this.eventsInWatch = 0;
      const timers: NodeJS.Timeout[] = [];
      const finish = (end: WatchEnd | Error): void => {
        timers.forEach((t) => clearTimeout(t));
        stream.stop();
        // A streaming list that ended before its initial events did: the next list is paged.
        if (collected && !this.stopped) this.pageNextList = true;
        if (end instanceof Error) reject(end);
        else resolve(this.stopped ? 'stopped' : end);
      };
      // Without a resourceVersion (streaming list): the initial events, collected until their end bookmark.
      let collected: Collected | undefined = !this.resourceVersion && this.streamsList() ? new Map() : undefined;
      const stream = this.openWatch(collected !== undefined, (event) => {
        lastActivity = Date.now();
        this.eventsInWatch++;
        if (event.type === 'ERROR') return finish(errorFromWatchStatus(event.object));
        this.live = true;
        this.goneStreak = 0;
        if (!collected) return this.applyEvent(event);
        const outcome = this.collect(collected, event);
        if (outcome instanceof KubeApiError) return finish(outcome);
        if (outcome === 'synced') collected = undefined;
      });
      this.stream = stream;
      timers.push(...this.watchTimers(() => lastActivity, finish));
      stream.done.then(() => finish('timeout'), (err: unknown) => finish(toKubeApiError(err)));
    });
  }

  /** The watch from the last resourceVersion, or (`initial`) the streaming list. */
  private openWatch(initial: boolean, onEvent: (event: WatchEvent) => void): WatchStream {
    const scope = {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      timeoutSeconds: this.watchTimeoutSeconds(),
      // The view's fields only (protobuf for pods), where the stream list is in use.
      ...(this.streamsList() ? { viewFields: true } : {}),
    };
    if (initial && this.port.streamList) return this.port.streamList(this.kind, scope, onEvent);
    return this.port.watch(this.kind, { ...scope, resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, onEvent);
  }

  /**
   * One initial event of a streaming list. Objects are collected (not yet in the cache: a stream
   * that fails before its end starts over, and the cache keeps what it held); the bookmark
   * annotated initial-events-end installs them at its resourceVersion and marks the cache synced
   * ('synced'). A bookmark without the annotation before it means the server ignored
   * `sendInitialEvents` (the API server holds its bookmarks back until then): refused.
   */
  private collect(collected: Collected, event: WatchEvent): 'listing' | 'synced' | KubeApiError {
    if (event.type === 'BOOKMARK') {
      const metadata = event.object.metadata;
      if (metadata?.annotations?.[INITIAL_EVENTS_END] !== 'true' || !metadata.resourceVersion) {
        return new KubeApiError('Invalid', 0, `the streaming list of ${this.kind} sent a bookmark without ${INITIAL_EVENTS_END} before its initial events ended: the server ignored sendInitialEvents`);
      }
      this.install({ fresh: collected, resourceVersion: metadata.resourceVersion });
      return 'synced';
    }
    const obj = this.view(event.object);
    if (event.type === 'DELETED') collected.delete(objectKey(obj));
    else collected.set(objectKey(obj), obj);
    return 'listing';
  }

  private watchTimers(lastActivity: () => number, finish: (end: WatchEnd) => void): NodeJS.Timeout[] {
    const { watchdogMs } = this.timings;
    const check = Math.max(5, Math.min(1000, Math.floor(watchdogMs / 4)));
    return [
      setInterval(() => {
        if (Date.now() - lastActivity() <= watchdogMs) return;
        this.live = false;
        finish('watchdog');
      }, check),
    ];
  }
}

/** The reflectors of one kind over several namespaces, read as one cache. */
export class Informer {
  constructor(readonly reflectors: readonly Reflector[]) {}

  get hasSynced(): boolean {
    return this.reflectors.every((r) => r.hasSynced);
  }

  /** No watch of this cache is stalled. */
  get healthy(): boolean {
    return this.reflectors.every((r) => r.healthy);
  }

  /** The error that degraded one of the reflectors (an optional resource), while it lasts. */
  get degraded(): KubeApiError | undefined {
    return this.reflectors.find((r) => r.degraded)?.degraded;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const key = namespace ? `${namespace}/${name}` : name;
    for (const r of this.reflectors) {
      const obj = r.get(key);
      if (obj) return obj;
    }
    return undefined;
  }

  list(namespace?: string): KubeObject[] {
    const all = this.reflectors.flatMap((r) => r.list());
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  start(): void {
    this.reflectors.forEach((r) => r.start());
  }

  /** Lists every reflector once, without watching. */
  async listOnce(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.listOnce()));
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.stop()));
  }
}
