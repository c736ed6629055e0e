/**
 * Fault injection and request accounting for the emulated API server.
 *
 * Faults are matched against each request in injection order; the first match whose
 * `times` is not used up applies (and uses one):
 * - `status`: answer with an error `Status` (e.g. 429 with `Retry-After`, 500, 503);
 * - `reset`: destroy the socket without an answer (the client sees ECONNRESET); with
 *   `after: true` the request is applied first and only its answer is lost (a write that
 *   happened although the client saw it fail);
 * - `hang`: accept the request and never answer it (until the client goes);
 * - `delay`: hold the request for `ms` before handling it normally;
 * - `gone`: a watch gets a 410 `ERROR` event mid-stream and ends — ongoing matching watches
 *   at injection time, then new ones while uses remain;
 * - `stall`: a watch answers 200 and then sends nothing, not even bookmarks, until the client goes.
 * `times` defaults to 1; pass `Infinity` for a persistent fault.
 */

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** HTTP method, e.g. `GET`, `PATCH`. */
  readonly method?: string;
  /** The request path starts with this, e.g. `/apis/batch/v1`. */
  readonly pathPrefix?: string;
  /** `true`: only watch requests; `false`: only non-watch requests. */
  readonly watch?: boolean;
  /** API verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  readonly verb?: string;
  /** Resource plural, e.g. `jobs`. */
  readonly resource?: string;
}

interface FaultBase {
  readonly match?: FaultMatch;
  /** How many requests the fault applies to (default 1). */
  readonly times?: number;
}

export type Fault =
  | (FaultBase & { readonly type: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly message?: string })
  | (FaultBase & { readonly type: 'reset'; readonly after?: boolean })
  | (FaultBase & { readonly type: 'hang' })
  | (FaultBase & { readonly type: 'delay'; readonly ms: number })
  | (FaultBase & { readonly type: 'gone' })
  | (FaultBase & { readonly type: 'stall' });

/** What the HTTP layer knows about a request when it consults the faults. */
export interface RequestFacts {
  readonly method: string;
  readonly path: string;
  readonly watch: boolean;
  readonly verb?: string;
  readonly resource?: string;
}

/** A handle on an injected fault. */
export interface FaultHandle {
  readonly fault: Fault;
  /** Uses left (`Infinity` for a persistent fault). */
  remaining(): number;
  /** Removes the fault. */
  cancel(): void;
}

/** A live watch stream that a `gone` fault can end. */
export interface LiveWatch {
  readonly facts: RequestFacts;
  /** Sends the 410 ERROR event and ends the stream. */
  expire(): void;
}

interface Entry {
  readonly fault: Fault;
  left: number;
}

function matches(match: FaultMatch | undefined, facts: RequestFacts): boolean {
  if (!match) return true;
  const checks: Array<[unknown, unknown]> = [
    [match.method?.toUpperCase(), facts.method.toUpperCase()],
    [match.watch, facts.watch],
    [match.verb, facts.verb],
    [match.resource, facts.resource],
  ];
  if (checks.some(([want, got]) => want !== undefined && want !== got)) return false;
  return match.pathPrefix === undefined || facts.path.startsWith(match.pathPrefix);
}

const WATCH_ONLY = new Set<Fault['type']>(['gone', 'stall']);

/** The fault table of one emulator. */
export class Faults {
  private entries: Entry[] = [];
  private readonly live = new Set<LiveWatch>();

  /** Adds a fault; `gone` immediately ends matching ongoing watches. */
  inject(fault: Fault): FaultHandle {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be positive (got ${String(fault.times)})`);
    const entry: Entry = { fault, left: times };
    this.entries.push(entry);
    if (fault.type === 'gone') this.expireLive(entry);
    return {
      fault,
      remaining: () => entry.left,
      cancel: () => {
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  /** Removes every fault. */
  clear(): void {
    this.entries = [];
  }

  /** The faults still in effect. */
  active(): Fault[] {
    return this.entries.map((e) => e.fault);
  }

  /**
   * Takes the first request-level fault (`status`, `reset`, `hang`, `delay`) matching `facts`,
   * using it once. `gone` and `stall` are taken by `takeWatchFault`.
   */
  takeRequestFault(facts: RequestFacts): Fault | undefined {
    return this.take(facts, (f) => !WATCH_ONLY.has(f.type));
  }

  /** Takes the first `gone` or `stall` fault matching a new watch. */
  takeWatchFault(facts: RequestFacts): Fault | undefined {
    return this.take(facts, (f) => WATCH_ONLY.has(f.type));
  }

  /** Registers an ongoing watch so that a later `gone` can end it; returns the unregister function. */
  trackWatch(watch: LiveWatch): () => void {
    this.live.add(watch);
    return () => this.live.delete(watch);
  }

  private take(facts: RequestFacts, kind: (f: Fault) => boolean): Fault | undefined {
    const entry = this.entries.find((e) => kind(e.fault) && matches(e.fault.match, facts));
    if (!entry) return undefined;
    this.use(entry);
    return entry.fault;
  }

  private use(entry: Entry): void {
    entry.left -= 1;
    if (entry.left <= 0) this.entries = this.entries.filter((e) => e !== entry);
  }

  private expireLive(entry: Entry): void {
    for (const watch of [...this.live]) {
      if (entry.left <= 0) return;
      if (!watch.facts.watch || !matches(entry.fault.match, watch.facts)) continue;
      this.use(entry);
      this.live.delete(watch);
      watch.expire();
    }
  }
}

/** One handled request, for assertions on what a client sent. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly verb?: string;
  readonly resource?: string;
  readonly contentType?: string;
  /** The request body as text (of resource writes; the first 64 KiB). */
  body?: string;
  /** The HTTP status answered (set once the answer starts). */
  status?: number;
  /** When the request arrived (ms since the epoch, wall clock). */
  readonly at: number;
  /** When the answer ended or the connection closed. */
  answeredAt?: number;
  /** Who sent it: the bearer token of the request (each kubeconfig user has its own). */
  readonly user?: string;
}

/** Request counts of an emulator (since start or the last `reset`). */
export interface RequestStats {
  readonly total: number;
  /** By API verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, …; `other` for discovery and non-resource paths). */
  readonly byVerb: Record<string, number>;
  /** By resource (`jobs`, `pods`, `jobs/status`, …; `other` for non-resource paths). */
  readonly byResource: Record<string, number>;
  /** By `<verb> <resource>`, e.g. `list jobs`. */
  readonly byVerbAndResource: Record<string, number>;
  /** Requests answered by an injected fault. */
  readonly faulted: number;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts requests by verb and resource and keeps the most recent ones. */
export class RequestLog {
  private counts = { total: 0, faulted: 0, byVerb: {} as Record<string, number>, byResource: {} as Record<string, number>, byVerbAndResource: {} as Record<string, number> };
  private recent: RequestRecord[] = [];

  constructor(private readonly keep = 1000) {}

  /** Records a request as it arrives. */
  add(record: RequestRecord): RequestRecord {
    const verb = record.verb ?? 'other';
    const resource = record.resource ?? 'other';
    this.counts.total += 1;
    bump(this.counts.byVerb, verb);
    bump(this.counts.byResource, resource);
    bump(this.counts.byVerbAndResource, `${verb} ${resource}`);
    this.recent.push(record);
    if (this.recent.length > this.keep) this.recent.shift();
    return record;
  }

  /** Counts a request answered by a fault. */
  faulted(): void {
    this.counts.faulted += 1;
  }

  stats(): RequestStats {
    return structuredClone(this.counts);
  }

  /** The most recent requests, oldest first (with the HTTP status once answered). */
  requests(): RequestRecord[] {
    return [...this.recent];
  }

  reset(): void {
    this.counts = { total: 0, faulted: 0, byVerb: {}, byResource: {}, byVerbAndResource: {} };
    this.recent = [];
  }
}
