/**
 * What a real API server answered, in the compact form the golden data stores, and how its
 * field paths compare with the engine's.
 */
import { createHash } from 'crypto';
import type { ApiResponse } from './client';

/** One reason the server gave for a rejection. */
export interface Cause {
  /** Field path as the server wrote it (`spec.template.spec.containers[0].name`); `''` when it gave none. */
  readonly path: string;
  /**
   * `FieldValueInvalid`, `FieldValueRequired`, … from `Status.details.causes[].reason`;
   * `FieldValueUnknown` / `FieldValueDuplicate` for strict decoding errors; `FieldValueTypeInvalid`
   * for JSON type errors (the server names the path without list indexes); `BadRequest` for any
   * other 400 (e.g. an unparsable quantity); `NotFound` when the group/version has no such kind.
   */
  readonly type: string;
  readonly message: string;
}

/** The server's answer to one request. */
export interface Verdict {
  readonly accepted: boolean;
  /** HTTP status of a rejection. */
  readonly code?: number;
  readonly causes: readonly Cause[];
  readonly warnings: readonly string[];
}

/** The first 16 hex digits of the SHA-256 of the JSON text sent. */
export function hashObject(object: unknown): string {
  return createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
}

/** Turns an API response into a verdict. */
export function verdictOf(res: ApiResponse): Verdict {
  if (res.status >= 200 && res.status < 300) return { accepted: true, causes: [], warnings: res.warnings };
  const body = typeof res.body === 'object' && res.body !== null ? res.body : {};
  const message: string = typeof body.message === 'string' ? body.message : String(res.body ?? '');
  return { accepted: false, code: res.status, causes: causesOf(res.status, body, message), warnings: res.warnings };
}

function causesOf(status: number, body: any, message: string): Cause[] {
  const detailed = Array.isArray(body.details?.causes) ? body.details.causes : [];
  if (status === 422 && detailed.length > 0) {
    return detailed.map((c: any) => ({ path: String(c.field ?? ''), type: String(c.reason ?? ''), message: String(c.message ?? '') }));
  }
  if (status === 404) return [{ path: 'apiVersion', type: 'NotFound', message }];
  if (status === 400) return decodeCauses(message);
  return [{ path: '', type: String(body.reason ?? `HTTP${status}`), message }];
}

/** Parses the decoder's 400 messages: strict decoding errors and JSON type errors. */
export function decodeCauses(message: string): Cause[] {
  const strict = /strict decoding error: (.*)$/s.exec(message);
  if (strict) {
    const out: Cause[] = [];
    const re = /(unknown|duplicate) field "((?:[^"\\]|\\.)*)"/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(strict[1])) !== null) {
      out.push({ path: m[2].replace(/\\(.)/g, '$1'), type: m[1] === 'unknown' ? 'FieldValueUnknown' : 'FieldValueDuplicate', message: m[0] });
    }
    if (out.length > 0) return out;
  }
  const typed = /cannot unmarshal (.+?) into Go struct field [A-Za-z0-9_]+\.(\S+) of type (\S+)/.exec(message);
  if (typed) return [{ path: typed[2], type: 'FieldValueTypeInvalid', message: typed[0] }];
  return [{ path: '', type: 'BadRequest', message }];
}

/**
 * Splits a field path into segments: `a.b[0].c[key.with.dots]` → `a`, `b`, `0`, `c`, `key.with.dots`.
 * The server and the engine both write list indexes and map keys in brackets.
 */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (cur) out.push(cur);
      cur = '';
      i++;
    } else if (ch === '[') {
      if (cur) out.push(cur);
      cur = '';
      const end = path.indexOf(']', i);
      const stop = end < 0 ? path.length : end;
      out.push(path.slice(i + 1, stop));
      i = stop + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Normalised path: segments joined with `/`. */
export function normalisePath(path: string): string {
  return pathSegments(path).join('/');
}

/**
 * The path of a JSON type error without the Go names of embedded structs, which the decoder
 * writes into it (`volumes.VolumeSource.configMap`, `livenessProbe.ProbeHandler.exec`,
 * `secretKeyRef.LocalObjectReference.name`) although the JSON has no such level. JSON field names
 * start with a lower-case letter and the decoder names no map keys, so an upper-case segment is
 * always such a struct name.
 */
function typeErrorPath(path: string): string {
  return pathSegments(path).filter((s) => !/^[A-Z]/.test(s)).join('/');
}

/**
 * Whether an engine path names the field of a server cause. The same field, after normalising
 * the bracket and dot syntax, or a key of the map the server names; for a JSON type error (whose path the server writes without list
 * indexes) the engine path without its indexes, or a field inside it.
 */
export function pathMatches(cause: Cause, enginePath: string): boolean {
  if (cause.type === 'FieldValueTypeInvalid') {
    const bare = normalisePath(enginePath.replace(/\[\d+\]/g, ''));
    const want = typeErrorPath(cause.path);
    return bare === want || bare.startsWith(`${want}/`);
  }
  const want = normalisePath(cause.path);
  if (normalisePath(enginePath) === want) return true;
  // The server names a map (`metadata.labels`) where the engine names the key inside it
  // (`metadata.labels[bad key]`): the same field, one map key more precise.
  const key = /\[([^\]]*)\]$/.exec(enginePath);
  return key !== null && !/^\d+$/.test(key[1]) && normalisePath(enginePath.slice(0, key.index)) === want;
}
