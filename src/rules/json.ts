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

/**
 * A deep copy of plain JSON data, with `JSON.parse(JSON.stringify(v))` semantics (undefined
 * members dropped, undefined list items and non-finite numbers become `null`, -0 becomes 0,
 * `toJSON` honoured)
 * at a fraction of its cost: the engine copies every object it checks.
 */
export function cloneJson<T>(v: T): T {
  return copy(v) as T;
}

function copy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // JSON has no -0 (it prints 0) and no NaN or Infinity (they print null).
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case 'object': {
      if (v === null) return null;
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return copy((v as { toJSON(): unknown }).toJSON());
      if (Array.isArray(v)) {
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = copy(v[i]) ?? null;
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const c = copy((v as Record<string, unknown>)[key]);
        if (c === undefined) continue;
        // A `__proto__` member is data in JSON; assigning it would set the copy's prototype.
        if (key === '__proto__') Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
        else out[key] = c;
      }
      return out;
    }
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined;
  }
}
