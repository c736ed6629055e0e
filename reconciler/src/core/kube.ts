/**
 * Safe readers for live Kubernetes objects. Everything the core reads comes from a cluster and may
 * be incomplete or wrongly typed, so these never throw: a wrong type reads as `undefined`.
 */
import type { KubeObject, ObjectRef } from './types.ts';

/** A value read from untyped JSON; every reader below checks its type before use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- live objects are untyped JSON
export type Json = any;

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a chain of keys, returning `undefined` at the first missing or wrong-typed step. */
export function dig(obj: unknown, ...keys: string[]): Json {
  let cur: unknown = obj;
  for (const key of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** `v` when it is an array, else `[]`. */
export function arrayOf(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
}

/** `v` when it is a string, else `undefined`. */
export function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` when it is a finite number, else `undefined`. */
export function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or `undefined` when it is not one. */
export function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** A deep copy of plain JSON. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** The object's labels (a fresh, string-only map). */
export function labelsOf(obj: unknown): Record<string, string> {
  return stringMap(dig(obj, 'metadata', 'labels'));
}

/** The object's annotations (a fresh, string-only map). */
export function annotationsOf(obj: unknown): Record<string, string> {
  return stringMap(dig(obj, 'metadata', 'annotations'));
}

/** The string-valued entries of `v` when it is an object. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** The object's namespace, falling back to the reference's. */
export function namespaceOf(obj: KubeObject | undefined, ref: ObjectRef): string {
  return stringOf(dig(obj, 'metadata', 'namespace')) ?? ref.namespace;
}

/** A reference to `obj`, taking what the object says over what the reference says. */
export function refOf(obj: KubeObject | undefined, ref: ObjectRef): ObjectRef {
  const uid = stringOf(dig(obj, 'metadata', 'uid')) ?? ref.uid;
  return {
    kind: ref.kind,
    namespace: namespaceOf(obj, ref),
    name: stringOf(dig(obj, 'metadata', 'name')) ?? ref.name,
    ...(uid === undefined ? {} : { uid }),
  };
}

/** True when the object carries a deletionTimestamp (it is going away). */
export function isDeleting(obj: unknown): boolean {
  return dig(obj, 'metadata', 'deletionTimestamp') !== undefined && dig(obj, 'metadata', 'deletionTimestamp') !== null;
}

/** The `status.conditions` entry of `type`, if any. */
export function conditionOf(obj: unknown, type: string): Record<string, Json> | undefined {
  return arrayOf(dig(obj, 'status', 'conditions')).find((c) => isRecord(c) && c.type === type);
}

/** True when the condition `type` is present with status `True`. */
export function conditionTrue(obj: unknown, type: string): boolean {
  return conditionOf(obj, type)?.status === 'True';
}

/** A Job is finished when its `Complete` or `Failed` condition is True (the job controller's `IsJobFinished`). */
export function isFinishedJob(job: unknown): boolean {
  return conditionTrue(job, 'Complete') || conditionTrue(job, 'Failed');
}

/** When a finished Job finished: its terminal condition's lastTransitionTime, else `status.completionTime`. */
export function finishTimeOf(job: unknown): number | undefined {
  for (const type of ['Complete', 'Failed']) {
    const c = conditionOf(job, type);
    if (c?.status === 'True' && timeOf(c.lastTransitionTime) !== undefined) return timeOf(c.lastTransitionTime);
  }
  return timeOf(dig(job, 'status', 'completionTime'));
}

/** The controlling owner reference (`controller: true`), if any. */
export function controllerOf(obj: unknown): Record<string, Json> | undefined {
  return arrayOf(dig(obj, 'metadata', 'ownerReferences')).find((o) => isRecord(o) && o.controller === true);
}

/** True when a CronJob controls the object. */
export function isOwnedByCronJob(obj: unknown): boolean {
  return controllerOf(obj)?.kind === 'CronJob';
}

/** The latest of the given times, ignoring missing ones. */
export function latest(times: ReadonlyArray<number | undefined>): number | undefined {
  let out: number | undefined;
  for (const t of times) if (t !== undefined && (out === undefined || t > out)) out = t;
  return out;
}

/**
 * Fits `base` + `suffix` into `max` characters by cutting `base`, then trims characters a
 * DNS label may not end with (`-`, `.`) from the cut so the result stays a valid name.
 */
export function fitName(base: string, suffix: string, max = 63): string {
  const room = Math.max(0, max - suffix.length);
  const cut = base.length > room ? base.slice(0, room).replace(/[^a-z0-9]+$/, '') : base;
  return `${cut}${suffix}`;
}
