/**
 * The CronJob schedule parser, with exact parity to what the Kubernetes API server accepts:
 * robfig/cron v3 `ParseStandard` (minute hour day-of-month month day-of-week, descriptors,
 * `TZ=`/`CRON_TZ=` prefixes), including its quirks. See docs/adr/0002-cron-parser.md.
 *
 * Pure and total: `parseSchedule` never throws, whatever the input. Error texts are the parser's
 * own (the API server prints them after `spec.schedule: Invalid value: "<s>": `).
 */
import { loadLocationError } from './timezones';

/** One parsed time field: which values match, and whether it was written as `*` or `?`. */
export interface CronField {
  /** `values[v]` is true when value `v` matches. */
  readonly values: readonly boolean[];
  /** `*` or `?` without a step above 1: the day fields then combine with AND instead of OR. */
  readonly star: boolean;
}

/** A parsed five-field schedule (or a descriptor other than `@every`). */
export interface CronSpecSchedule {
  readonly kind: 'spec';
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

/** `@every <duration>`: a constant delay, at least one second, whole seconds. */
export interface CronEverySchedule {
  readonly kind: 'every';
  /** The delay in seconds, as robfig applies it (rounded down, at least 1). */
  readonly seconds: number;
}

/** A schedule the parser accepted. */
export type CronSchedule = CronSpecSchedule | CronEverySchedule;

/** The result of `parseSchedule`. */
export type ScheduleParseResult =
  | {
    readonly ok: true;
    readonly schedule: CronSchedule;
    /** The location of a `TZ=`/`CRON_TZ=` prefix, when present (`""` means UTC). */
    readonly location?: string;
    /** The descriptor used, e.g. `@hourly` or `@every`, when the schedule is a descriptor. */
    readonly descriptor?: string;
  }
  | {
    readonly ok: false;
    /** The parser's error text. */
    readonly error: string;
    /**
     * True for a `TZ=`/`CRON_TZ=` prefix with no space after it: robfig panics on it (up to 1.34
     * the API server answers with a server error, from 1.35 with a clean Invalid error).
     */
    readonly crash?: boolean;
  };

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** The descriptors Kubernetes documents, and what each stands for. */
export const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class ParseError {
  constructor(readonly message: string) {}
}

/** Results of recent parses: several rules read the same schedule, and many CronJobs share one. */
const parsed = new Map<string, ScheduleParseResult>();
const PARSED_MAX = 1024;

/**
 * Parses a CronJob schedule as the API server does (robfig/cron v3.0.1 `ParseStandard`).
 * Never throws. The result is shared between calls with the same input: treat it as read-only.
 */
export function parseSchedule(input: string): ScheduleParseResult {
  const text = String(input);
  let result = parsed.get(text);
  if (result === undefined) {
    result = parseUncached(text);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, result);
  }
  return result;
}

function parseUncached(text: string): ScheduleParseResult {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    // Defensive: a bug here must not turn into a crash for the user.
    return { ok: false, error: `cannot parse schedule: ${String(e)}` };
  }
}

function parse(input: string): ScheduleParseResult {
  let spec = input;
  if (spec.length === 0) throw new ParseError('empty spec string');
  let location: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    if (space < 0) {
      return {
        ok: false,
        crash: true,
        error: `the time zone prefix must be followed by a space and the schedule (the cron parser crashes on "${spec}")`,
      };
    }
    location = spec.slice(eq + 1, space);
    const err = loadLocationError(location);
    if (err !== undefined) throw new ParseError(`provided bad location ${location}: ${err}`);
    spec = goTrimSpace(spec.slice(space));
  }
  if (spec.startsWith('@')) {
    const schedule = parseDescriptor(spec);
    const descriptor = spec.startsWith('@every ') ? '@every' : spec;
    return location === undefined ? { ok: true, schedule, descriptor } : { ok: true, schedule, descriptor, location };
  }
  const fields = goFields(spec);
  if (fields.length !== 5) {
    throw new ParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  const schedule: CronSpecSchedule = {
    kind: 'spec',
    minute: parseField(fields[0], MINUTES),
    hour: parseField(fields[1], HOURS),
    dayOfMonth: parseField(fields[2], DAYS_OF_MONTH),
    month: parseField(fields[3], MONTHS),
    dayOfWeek: parseField(fields[4], DAYS_OF_WEEK),
  };
  return location === undefined ? { ok: true, schedule } : { ok: true, schedule, location };
}

function parseDescriptor(spec: string): CronSchedule {
  const expansion = DESCRIPTORS[spec];
  if (expansion !== undefined) {
    const [mi, h, dom, mo, dow] = expansion.split(' ');
    return {
      kind: 'spec',
      minute: parseField(mi, MINUTES),
      hour: parseField(h, HOURS),
      dayOfMonth: parseField(dom, DAYS_OF_MONTH),
      month: parseField(mo, MONTHS),
      dayOfWeek: parseField(dow, DAYS_OF_WEEK),
    };
  }
  const every = '@every ';
  if (spec.startsWith(every)) {
    const nanos = parseGoDuration(spec.slice(every.length));
    if (typeof nanos === 'string') throw new ParseError(`failed to parse duration ${spec}: ${nanos}`);
    // robfig `Every`: below one second becomes one second; sub-second parts are dropped.
    const seconds = nanos < 1_000_000_000n ? 1 : Number(nanos / 1_000_000_000n);
    return { kind: 'every', seconds };
  }
  throw new ParseError(`unrecognized descriptor: ${spec}`);
}

/** `getField`: a comma-separated list of ranges; empty list items are skipped (`strings.FieldsFunc`). */
function parseField(field: string, bounds: Bounds): CronField {
  const values = new Array<boolean>(bounds.max + 1).fill(false);
  let star = false;
  for (const expr of field.split(',')) {
    if (expr === '') continue;
    if (parseRange(expr, bounds, values)) star = true;
  }
  return { values, star };
}

/** `getRange`: `number | number "-" number [ "/" number ]`, `*`/`?`, names. Returns the star flag. */
function parseRange(expr: string, r: Bounds, values: boolean[]): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: bigint;
  let end: bigint;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    // Anything after `*-` is never read: `*-5` is the same as `*`.
    start = BigInt(r.min);
    end = BigInt(r.max);
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new ParseError(`too many hyphens: ${expr}`);
  }
  let step: bigint;
  if (rangeAndStep.length === 1) {
    step = 1n;
  } else if (rangeAndStep.length === 2) {
    step = parseNonNegativeInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (singleDigit) end = BigInt(r.max);
    if (step > 1n) star = false;
  } else {
    throw new ParseError(`too many slashes: ${expr}`);
  }
  if (start < BigInt(r.min)) throw new ParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > BigInt(r.max)) throw new ParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new ParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new ParseError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) values[Number(i)] = true;
  return star;
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): bigint {
  if (names) {
    const named = names[goToLower(expr)];
    if (named !== undefined && Object.prototype.hasOwnProperty.call(names, goToLower(expr))) return BigInt(named);
  }
  return parseNonNegativeInt(expr);
}

/** robfig `mustParseInt`: `strconv.Atoi`, then no negatives. */
function parseNonNegativeInt(expr: string): bigint {
  const n = goAtoi(expr);
  if (typeof n === 'string') throw new ParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: ${n}`);
  if (n < 0n) throw new ParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go `strconv.Atoi` on a 64-bit platform: optional sign, decimal digits only. Returns the error kind as a string. */
function goAtoi(s: string): bigint | string {
  let body = s;
  let negative = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  if (body.length === 0) return 'invalid syntax';
  let n = 0n;
  for (const ch of body) {
    if (ch < '0' || ch > '9') return 'invalid syntax';
    n = n * 10n + BigInt(ch.charCodeAt(0) - 48);
    if (n > UINT64_MAX) return 'value out of range';
  }
  if (negative ? n > INT64_MAX + 1n : n > INT64_MAX) return 'value out of range';
  return negative ? -n : n;
}

/** Go `strconv.Quote` for the characters a schedule field can hold (JSON escaping is close enough). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go `strings.ToLower` as far as it matters for matching ASCII names. */
function goToLower(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch >= 'A' && ch <= 'Z') out += ch.toLowerCase();
    else if (ch === '\u0130') out += 'i'; // Go maps U+0130 to a plain 'i'
    else if (ch === '\u212A') out += 'k'; // Kelvin sign
    else if (ch.charCodeAt(0) < 128) out += ch;
    else out += ch === ch.toLowerCase() ? ch : '\uFFFD';
  }
  return out;
}

/** The characters Go's `unicode.IsSpace` accepts (used by `strings.Fields` and `strings.TrimSpace`). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;
const GO_SPACES = new RegExp(`${GO_SPACE.source}+`, 'g');

function goFields(s: string): string[] {
  return s.split(GO_SPACES).filter((f) => f !== '');
}

function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && GO_SPACE.test(s[start])) start++;
  while (end > start && GO_SPACE.test(s[end - 1])) end--;
  return s.slice(start, end);
}

/** Go's duration units in nanoseconds (`µs` in both its micro sign and Greek mu spellings). */
const DURATION_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00B5s', 1_000n],
  ['\u03BCs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go `time.ParseDuration`: nanoseconds, or the error text. */
export function parseGoDuration(orig: string): bigint | string {
  const quoted = goQuote(orig);
  let s = orig;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return `time: invalid duration ${quoted}`;
  const limit = 2n ** 63n;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return `time: invalid duration ${quoted}`;
    let i = 0;
    let whole = 0n;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > limit) return `time: invalid duration ${quoted}`;
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let frac = 0n;
    let scale = 1n;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s[j] >= '0' && s[j] <= '9') {
        if (!overflow) {
          if (frac > (limit - 1n) / 10n) {
            overflow = true;
          } else {
            frac = frac * 10n + BigInt(s.charCodeAt(j) - 48);
            scale *= 10n;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return `time: invalid duration ${quoted}`;
    let u = 0;
    while (u < s.length && s[u] !== '.' && !(s[u] >= '0' && s[u] <= '9')) u++;
    if (u === 0) return `time: missing unit in duration ${quoted}`;
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = DURATION_UNITS.get(unitText);
    if (unit === undefined) {
      return `time: unknown unit ${goQuote(unitText)} in duration ${quoted}`;
    }
    if (whole > limit / unit) return `time: invalid duration ${quoted}`;
    let v = whole * unit;
    if (frac > 0n) {
      v += BigInt(Math.floor(Number(frac) * (Number(unit) / Number(scale))));
      if (v > limit) return `time: invalid duration ${quoted}`;
    }
    total += v;
    if (total > limit) return `time: invalid duration ${quoted}`;
  }
  if (negative) return -total;
  if (total > limit - 1n) return `time: invalid duration ${quoted}`;
  return total;
}

const MINUTE_MS = 60_000;

/**
 * The next `count` fire times of `schedule` strictly after `afterMs` (milliseconds since the
 * epoch), evaluated in UTC, as robfig's `Next` computes them. Returns fewer when the schedule
 * stops firing within five years (e.g. `0 0 30 2 *`, February 30th, never fires).
 * Pure: the start time is passed in.
 */
export function nextFireTimes(schedule: CronSchedule, afterMs: number, count: number): number[] {
  const out: number[] = [];
  let t = afterMs;
  for (let i = 0; i < count; i++) {
    const next = schedule.kind === 'every' ? Math.floor(t / 1000) * 1000 + schedule.seconds * 1000 : nextSpec(schedule, t);
    if (next === undefined) break;
    out.push(next);
    t = next;
  }
  return out;
}

function dayMatches(s: CronSpecSchedule, d: Date): boolean {
  const dom = s.dayOfMonth.values[d.getUTCDate()] === true;
  const dow = s.dayOfWeek.values[d.getUTCDay()] === true;
  if (s.dayOfMonth.star || s.dayOfWeek.star) return dom && dow;
  return dom || dow;
}

/** robfig `SpecSchedule.Next` in UTC (no daylight-saving jumps), seconds fixed at 0. */
/** The first index from `from` (below `end`) whose value is set, or -1. */
function nextSet(values: ArrayLike<boolean | number | undefined>, from: number, end: number): number {
  for (let i = from; i < end; i++) if (values[i]) return i;
  return -1;
}

function nextSpec(s: CronSpecSchedule, afterMs: number): number | undefined {
  // The earliest possible time is the next whole minute (seconds are always 0).
  let d = new Date(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const yearLimit = d.getUTCFullYear() + 5;
  for (;;) {
    if (d.getUTCFullYear() > yearLimit) return undefined;
    if (!s.month.values[d.getUTCMonth() + 1]) {
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      continue;
    }
    if (!dayMatches(s, d)) {
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
      continue;
    }
    const hour = d.getUTCHours();
    if (!s.hour.values[hour]) {
      // Jump straight to the next matching hour of the day, or to the next day.
      const h = nextSet(s.hour.values, hour + 1, 24);
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + (h < 0 ? 1 : 0), h < 0 ? 0 : h));
      continue;
    }
    const minute = d.getUTCMinutes();
    if (!s.minute.values[minute]) {
      // Jump straight to the next matching minute of the hour, or to the next hour.
      const m = nextSet(s.minute.values, minute + 1, 60);
      d = new Date(m < 0 ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour + 1) : d.getTime() + (m - minute) * MINUTE_MS);
      continue;
    }
    return d.getTime();
  }
}

/**
 * The largest number of times `schedule` fires within any 24 hours. Every day a five-field
 * schedule fires at all, it fires at the same minutes and hours, so a 24-hour window starting at
 * midnight of such a day holds (matching minutes × matching hours) fires and no window holds more.
 * A schedule that never fires (e.g. February 30th) counts 0. `fromMs` is where the search for a
 * firing day starts.
 */
export function firesPerDay(schedule: CronSchedule, fromMs: number): number {
  if (schedule.kind === 'every') return Math.floor((24 * 3600) / schedule.seconds);
  if (nextSpec(schedule, fromMs) === undefined) return 0;
  const count = (f: CronField): number => f.values.filter((v) => v).length;
  return count(schedule.minute) * count(schedule.hour);
}
