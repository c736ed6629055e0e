/**
 * Rate limiters with client-go semantics: a per-item exponential failure backoff (the work
 * queue's retry delay) and a global token bucket (the budget for API writes).
 */

/** Per-item exponential backoff: `base * 2^failures`, capped at `max`; `forget` resets an item. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {
    if (!(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new RangeError(`backoff needs 0 < base <= max (got base ${baseDelayMs}, max ${maxDelayMs})`);
    }
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 52));
  }

  /** How many failures of `key` were recorded since it was last forgotten. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

/** A delay for attempt `attempt` (0-based) between `base` and `max`, with ±`jitter` (fraction) spread. */
export function backoffDelay(attempt: number, opts: { baseMs: number; maxMs: number; jitter?: number }, random: () => number = Math.random): number {
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 52));
  const jitter = opts.jitter ?? 0.2;
  return Math.max(0, Math.round(raw * (1 - jitter + 2 * jitter * random())));
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly qps: number;
  /** Bucket size (the most requests allowed at once). */
  readonly burst: number;
  /** Wall clock in ms (tests pass their own). */
  readonly now?: () => number;
}

/** A token bucket: `take()` resolves once a token is available; tokens refill at `qps`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(readonly options: TokenBucketOptions) {
    if (!(options.qps > 0) || !(options.burst >= 1)) {
      throw new RangeError(`token bucket needs qps > 0 and burst >= 1 (got qps ${options.qps}, burst ${options.burst})`);
    }
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.last = this.now();
  }

  /** Takes a token immediately if one is available. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits (first come, first served) for a token and takes it. */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.waitForToken());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Releases everyone waiting; later `take()` calls resolve at once. Used at shutdown. */
  close(): void {
    this.closed = true;
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.resolve();
    }
    this.pending.clear();
  }

  private async waitForToken(): Promise<void> {
    while (!this.closed && !this.tryTake()) {
      const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.options.qps) * 1000));
      await new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => {
            this.pending.delete(entry);
            resolve();
          }, waitMs),
          resolve,
        };
        this.pending.add(entry);
      });
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.last) / 1000) * this.options.qps);
    this.last = now;
  }
}
