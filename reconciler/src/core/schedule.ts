/**
 * CronJob schedules as the CronJob controller reads them: five-field cron expressions, the
 * descriptors (`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually`),
 * `@every <duration>`, evaluated in `spec.timeZone` (or a `TZ=`/`CRON_TZ=` prefix, or UTC). Cron
 * arithmetic is cron-parser's; `@every` is a constant delay counted from an anchor time (the
 * controller counts it from the last schedule time).
 */
import { CronExpressionParser } from 'cron-parser';
import { DESCRIPTORS, parseGoDuration as parseGoNanoseconds } from 'cdk8s-batch/rules';

/** The times a schedule fires, in ms since the epoch. */
export interface Schedule {
  /** The first time strictly after `after`, if any. */
  next(after: number): number | undefined;
  /** The last time at or before `at`, if any. */
  prev(at: number): number | undefined;
  /** How many times fall in `(after, until]`, counting at most `limit + 1`. */
  count(after: number, until: number, limit: number): number;
}

/** Go's `time.ParseDuration` for positive durations (`90s`, `1h30m`, `1.5h`), in ms; `undefined` otherwise. */
export function parseGoDuration(text: string): number | undefined {
  const ns = parseGoNanoseconds(text);
  return typeof ns === 'bigint' && ns > 0n ? Number(ns) / 1e6 : undefined;
}

/** `@every d`: anchor (cut to the second) + k × d for k ≥ 1, d cut to whole seconds and at least 1 s. */
function everySchedule(delayMs: number, anchor: number): Schedule {
  const step = Math.max(1000, Math.floor(delayMs / 1000) * 1000);
  const start = Math.floor(anchor / 1000) * 1000;
  return {
    next: (after) => start + Math.max(1, Math.floor((after - start) / step) + 1) * step,
    prev: (at) => {
      const k = Math.floor((at - start) / step);
      return k >= 1 ? start + k * step : undefined;
    },
    count: (after, until, limit) => {
      const first = Math.max(1, Math.floor((after - start) / step) + 1);
      const last = Math.floor((until - start) / step);
      return Math.min(limit + 1, Math.max(0, last - first + 1));
    },
  };
}

function cronSchedule(expression: string, tz: string): Schedule | undefined {
  const at = (currentDate: number, dir: 'next' | 'prev'): number | undefined => {
    try {
      return CronExpressionParser.parse(expression, { currentDate, tz, strict: false })[dir]().getTime();
    } catch {
      return undefined;
    }
  };
  const count = (after: number, until: number, limit: number): number => {
    let n = 0;
    try {
      const expr = CronExpressionParser.parse(expression, { currentDate: after, tz, strict: false });
      while (n <= limit && expr.next().getTime() <= until) n++;
    } catch {
      // no further time
    }
    return n;
  };
  const schedule: Schedule = { next: (after) => at(after, 'next'), prev: (t) => at(t + 1, 'prev'), count };
  // an unknown time zone or an impossible date (Feb 30) only shows when stepping
  return schedule.next(0) === undefined ? undefined : schedule;
}

/** Splits a `TZ=Zone ` or `CRON_TZ=Zone ` prefix from the schedule. */
function splitZone(schedule: string): { expression: string; zone?: string } {
  const m = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(schedule);
  return m ? { expression: m[2].trim(), zone: m[1] } : { expression: schedule };
}

/**
 * Parses a CronJob schedule; `undefined` when the controller could not run it (the rules report
 * why). `anchor` is where an `@every` schedule counts from.
 */
export function parseSchedule(schedule: unknown, timeZone: unknown, anchor: number): Schedule | undefined {
  if (typeof schedule !== 'string') return undefined;
  const { expression, zone } = splitZone(schedule.trim());
  const tz = typeof timeZone === 'string' && timeZone !== '' ? timeZone : (zone ?? 'UTC');
  if (expression.startsWith('@every ')) {
    const delay = parseGoDuration(expression.slice('@every '.length).trim());
    return delay === undefined ? undefined : everySchedule(delay, anchor);
  }
  const cron = DESCRIPTORS[expression] ?? expression;
  if (cron.split(/\s+/).length !== 5) return undefined;
  return cronSchedule(cron, tz);
}
