/**
 * A work queue with client-go semantics: keys are de-duplicated (a key waiting in the queue is
 * added once), processing is serialised per key (a key re-added while a worker holds it is
 * deferred until `done`), `addAfter` keeps the earliest due time, failed items back off
 * exponentially per key (with ±20 % jitter, so that keys failing together do not retry
 * together) until `forget`, and `runWorkers` drives N concurrent workers.
 *
 * Two lanes: keys added with `add` are handed out before keys added with `addLowPriority`
 * (the replay of every cached object at a periodic resync), so that a real change never waits
 * behind a full re-evaluation. A low-priority key that is added normally moves to the front lane.
 */
import { ExponentialBackoff } from './rate-limiter.ts';

export interface WorkQueueOptions {
  /** First retry delay after a failure (client-go job controller: 1 s). */
  readonly baseDelayMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly maxDelayMs?: number;
  /** Spread of each retry delay, as a fraction (default 0.2: ±20 %). */
  readonly jitter?: number;
  readonly random?: () => number;
}

type Lane = 'high' | 'low';

export class WorkQueue {
  /** Ready keys per lane. An entry is current only while `ready` maps its key to that lane (moved keys leave stale entries behind). */
  private readonly high: string[] = [];
  private readonly low: string[] = [];
  private highHead = 0;
  private lowHead = 0;
  /** Keys ready to be handed out, and their lane. */
  private readonly ready = new Map<string, Lane>();
  /** Keys that need processing (ready, or re-added while a worker holds them), and their lane. */
  private readonly dirty = new Map<string, Lane>();
  private readonly processing = new Set<string>();
  private readonly waiting = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly backoff: ExponentialBackoff;
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.backoff = new ExponentialBackoff(options.baseDelayMs ?? 1000, options.maxDelayMs ?? 300_000);
  }

  /** Keys ready to be processed (not counting those being processed or waiting for `addAfter`). */
  get length(): number {
    return this.ready.size;
  }

  /** Keys scheduled by `addAfter` that are not due yet. */
  get delayed(): number {
    return this.waiting.size;
  }

  /** Keys a worker holds right now. */
  get inFlight(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Marks `key` for processing. A key already queued is not queued twice (a low-priority one moves to the front lane). */
  add(key: string): void {
    this.mark(key, 'high');
  }

  /**
   * Marks `key` for processing after every key added with `add`: for re-evaluations nothing
   * asked for (the replay of a resync). A key already queued keeps its place.
   */
  addLowPriority(key: string): void {
    this.mark(key, 'low');
  }

  /** Adds `key` after `delayMs`; when it is already scheduled, the earlier time wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { at, timer });
  }

  /** Re-adds `key` after its per-item backoff with jitter (and at least `minDelayMs`, e.g. a Retry-After). */
  addRateLimited(key: string, minDelayMs = 0): number {
    const jitter = this.options.jitter ?? 0.2;
    const spread = 1 - jitter + 2 * jitter * (this.options.random ?? Math.random)();
    const delay = Math.max(Math.round(this.backoff.when(key) * spread), minDelayMs);
    this.addAfter(key, delay);
    return delay;
  }

  /** Failures of `key` since it was last forgotten. */
  numRequeues(key: string): number {
    return this.backoff.numRequeues(key);
  }

  /** Resets the backoff of `key` (after a success, or when giving up). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Waits for the next key; resolves `undefined` once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.next();
    if (key !== undefined) return Promise.resolve(this.take(key));
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends processing of `key`; if it was re-added meanwhile it is queued again now, in the lane it was re-added to. */
  done(key: string): void {
    this.processing.delete(key);
    const lane = this.dirty.get(key);
    if (lane !== undefined && !this.shuttingDown) this.push(key, lane);
  }

  /** Stops handing out keys; waiting `get()` calls resolve `undefined`; delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  private mark(key: string, lane: Lane): void {
    if (this.shuttingDown) return;
    const current = this.dirty.get(key);
    if (current === 'high' || current === lane) return;
    this.dirty.set(key, lane);
    if (this.processing.has(key)) return; // `done` queues it
    if (current === 'low' && this.ready.has(key)) {
      // Promote: the entry left in the low lane becomes stale.
      this.ready.delete(key);
    }
    this.push(key, lane);
  }

  private push(key: string, lane: Lane): void {
    const getter = this.getters.shift();
    if (getter) {
      getter(this.take(key));
      return;
    }
    this.ready.set(key, lane);
    (lane === 'high' ? this.high : this.low).push(key);
  }

  /** The next current entry, front lane first; compacts a lane once its consumed head is large. */
  private next(): string | undefined {
    for (const lane of ['high', 'low'] as const) {
      const entries = lane === 'high' ? this.high : this.low;
      let head = lane === 'high' ? this.highHead : this.lowHead;
      let found: string | undefined;
      while (head < entries.length) {
        const key = entries[head++];
        if (this.ready.get(key) === lane) {
          found = key;
          break;
        }
      }
      if (head > 1024 && head * 2 > entries.length) {
        entries.splice(0, head);
        head = 0;
      }
      if (lane === 'high') this.highHead = head;
      else this.lowHead = head;
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private take(key: string): string {
    this.ready.delete(key);
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }
}

/** What processing one key returns. */
export interface ProcessResult {
  /** Process the key again after this many ms. */
  readonly requeueAfterMs?: number;
}

export interface WorkerOptions {
  readonly workers: number;
  /** Attempts after which a failing key is dropped (the next resync brings it back). */
  readonly maxRetries: number;
  readonly process: (key: string) => Promise<ProcessResult | void>;
  /** Called for every failure, with whether the key will be retried. */
  readonly onError?: (key: string, err: unknown, willRetry: boolean) => void;
  /** A minimum retry delay the error asks for (e.g. 429 Retry-After). */
  readonly retryAfterMs?: (err: unknown) => number | undefined;
}

async function processOne(queue: WorkQueue, key: string, options: WorkerOptions): Promise<void> {
  try {
    const result = await options.process(key);
    queue.forget(key);
    if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
  } catch (err) {
    const willRetry = queue.numRequeues(key) < options.maxRetries;
    options.onError?.(key, err, willRetry);
    if (willRetry) queue.addRateLimited(key, options.retryAfterMs?.(err) ?? 0);
    else queue.forget(key);
  } finally {
    queue.done(key);
  }
}

async function workerLoop(queue: WorkQueue, options: WorkerOptions): Promise<void> {
  for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
    await processOne(queue, key, options);
  }
}

/** Runs `options.workers` workers until the queue shuts down; resolves when all have exited. */
export async function runWorkers(queue: WorkQueue, options: WorkerOptions): Promise<void> {
  const count = Math.max(1, options.workers);
  await Promise.all(Array.from({ length: count }, () => workerLoop(queue, options)));
}
