/**
 * Safe readers for untyped JSON. Rules see whatever a user or a cluster sent, so
 * every read must tolerate wrong types: these return `undefined` instead of throwing.
 */

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole number that fits an int32, as the API server's int32 fields require. */
export function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** A whole number that fits an int64 safely in JavaScript. */
export function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** `obj[key]` when `obj` is an object, else `undefined`. */
export function field(obj: unknown, key: string): any {
  return isObject(obj) ? obj[key] : undefined;
}

/** Follows a chain of keys and indexes, returning `undefined` at the first missing or wrong-typed step. */
export function dig(obj: unknown, ...keys: Array<string | number>): any {
  let cur: any = obj;
  for (const key of keys) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (!isObject(cur)) return undefined;
      cur = cur[key];
    }
  }
  return cur;
}

/** `v` when it is an array, else `[]`. */
export function arrayOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** Joins path segments: `path('spec', 'rules', 0, 'action')` → `spec.rules[0].action`. */
export function path(...segments: Array<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (s === '') continue;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** Renders a received value for `(got …)`: strings bare, everything else as compact JSON, cut at 80 characters. */
export function renderValue(v: unknown): string {
  let text: string;
  if (typeof v === 'string') {text = v === '' ? '""' : v;} else if (v === undefined) {text = 'unset';} else {
    try {
      text = JSON.stringify(v) ?? String(v);
    } catch {
      text = String(v);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A deep copy of plain JSON data. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
