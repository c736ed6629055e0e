/**
 * Simulated time for the emulated cluster. `ManualClock` is stepped by hand (tests);
 * `ScaledClock` runs `speed`× faster than another clock, by default the wall clock (sandbox).
 */
import type { Clock } from '../emulator/types.ts';

interface ManualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** How many timers one `advance` may fire before it concludes that timers keep rescheduling themselves at the same instant. */
const MAX_TIMERS_PER_ADVANCE = 1_000_000;

/** 2026-01-01T00:00:00Z: the default start of a `ManualClock`. */
export const DEFAULT_START = Date.UTC(2026, 0, 1);

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that falls due within the
 * window in time order (ties in scheduling order), setting `now()` to each timer's due time while
 * it runs; timers scheduled by fired timers inside the window fire in the same call.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start: number | Date | string = DEFAULT_START) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + Math.max(0, ms));
  }

  /** Moves time forward to `time` (epoch ms), firing due timers in order. */
  advanceTo(time: number): void {
    const target = Math.max(time, this.current);
    let fired = 0;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers = this.timers.filter((t) => t !== timer);
      this.current = timer.at;
      timer.fn();
      fired += 1;
      if (fired > MAX_TIMERS_PER_ADVANCE) throw new Error(`ManualClock: more than ${MAX_TIMERS_PER_ADVANCE} timers fired in one advance`);
    }
    this.current = target;
  }

  /** Fires the timers due now (the zero-delay ones) without moving time. */
  flush(): void {
    this.advance(0);
  }

  /** Due time of the earliest pending timer, if any. */
  nextTimerAt(): number | undefined {
    return this.earliest()?.at;
  }

  /** Number of pending timers. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(target: number): ManualTimer | undefined {
    const first = this.earliest();
    return first && first.at <= target ? first : undefined;
  }

  private earliest(): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** The wall clock. */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** Options of `ScaledClock`. */
export interface ScaledClockOptions {
  /** Simulated milliseconds per base millisecond (default 1). */
  readonly speed?: number;
  /** Simulated time at creation, epoch ms (default: the base clock's now). */
  readonly start?: number;
  /** The clock that actually passes (default the wall clock). */
  readonly base?: Clock;
}

interface ScaledTimer {
  readonly due: number;
  readonly fn: () => void;
  cancel: () => void;
}

/**
 * Simulated time that runs `speed`× faster than its base clock. A timer of `ms` simulated
 * milliseconds fires after `ms / speed` base milliseconds; changing the speed reschedules
 * pending timers so they still fire at their simulated due time.
 *
 * Simulated time never passes a pending timer's due time: while a timer is late (the event
 * loop was busy), `now()` holds at its due time, and a timer runs with `now()` equal to its
 * due time. At high speeds a few milliseconds of lag would otherwise be many simulated
 * seconds, and a CronJob with a short `startingDeadlineSeconds` would miss its start.
 */
export class ScaledClock implements Clock {
  private readonly base: Clock;
  private speedValue: number;
  private anchorSim: number;
  private anchorBase: number;
  private readonly timers = new Set<ScaledTimer>();
  /** Earliest due time among pending timers; `null` when it must be recomputed. */
  private earliest: number | undefined | null = undefined;
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(options: ScaledClockOptions = {}) {
    this.base = options.base ?? wallClock;
    this.speedValue = ScaledClock.checkSpeed(options.speed ?? 1);
    this.anchorBase = this.base.now();
    this.anchorSim = options.start ?? this.anchorBase;
  }

  get speed(): number {
    return this.speedValue;
  }

  now(): number {
    const running = this.anchorSim + (this.base.now() - this.anchorBase) * this.speedValue;
    const earliest = this.earliestDue();
    this.lastNow = Math.max(this.lastNow, earliest === undefined ? running : Math.min(running, earliest));
    return this.lastNow;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: ScaledTimer = { due: this.now() + Math.max(0, ms), fn, cancel: () => undefined };
    this.timers.add(timer);
    this.earliest = null;
    this.arm(timer);
    return () => {
      timer.cancel();
      this.remove(timer);
    };
  }

  private remove(timer: ScaledTimer): void {
    if (this.timers.delete(timer)) this.earliest = null;
  }

  private earliestDue(): number | undefined {
    if (this.earliest === null) {
      let min: number | undefined;
      for (const t of this.timers) if (min === undefined || t.due < min) min = t.due;
      this.earliest = min;
    }
    return this.earliest;
  }

  /** Runs a due timer at its own due time: simulated time resumes from there. */
  private fire(timer: ScaledTimer): void {
    const at = Math.max(this.lastNow, Math.min(timer.due, this.anchorSim + (this.base.now() - this.anchorBase) * this.speedValue));
    this.remove(timer);
    this.anchorSim = at;
    this.anchorBase = this.base.now();
    this.lastNow = at;
    timer.fn();
  }

  /** Changes the speed from now on; pending timers keep their simulated due times. */
  setSpeed(speed: number): void {
    const now = this.now();
    this.speedValue = ScaledClock.checkSpeed(speed);
    this.anchorSim = now;
    this.anchorBase = this.base.now();
    for (const timer of this.timers) {
      timer.cancel();
      this.arm(timer);
    }
  }

  /** Cancels every pending timer (so a sandbox can exit). */
  dispose(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.earliest = undefined;
  }

  private arm(timer: ScaledTimer): void {
    const baseMs = Math.ceil(Math.max(0, timer.due - this.now()) / this.speedValue);
    timer.cancel = this.base.setTimer(baseMs, () => this.fire(timer));
  }

  private static checkSpeed(speed: number): number {
    if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`ScaledClock: speed must be a positive number (got ${speed})`);
    return speed;
  }
}
