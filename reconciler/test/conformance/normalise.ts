/**
 * Makes observations of two API servers comparable: every value that legitimately differs
 * between two servers (or two runs) is replaced by a placeholder, each rule named here.
 */

/** Keys whose values differ per object or per server; replaced by `<key>`. */
const PER_OBJECT = new Set(['uid', 'creationTimestamp', 'resourceVersion', 'deletionTimestamp', 'continue']);

/** Labels the job controller's strategy derives from the Job's uid. */
const UID_LABELS = new Set(['controller-uid', 'batch.kubernetes.io/controller-uid']);

/** Keys dropped entirely. */
const DROPPED = new Set([
  // Server-side apply bookkeeping: the emulator does not track field managers (see docs/emulator-conformance.md).
  'managedFields',
]);

/** Replaces the run's namespace in strings, and per-object values by placeholders. */
export function normalise(value: unknown, ns: string): unknown {
  if (typeof value === 'string') return value.split(ns).join('<ns>');
  if (Array.isArray(value)) return value.map((v) => normalise(v, ns));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (DROPPED.has(k)) continue;
    out[k] = UID_LABELS.has(k) ? '<uid>' : PER_OBJECT.has(k) && v !== undefined && v !== null && typeof v !== 'object' ? `<${k}>` : normalise(v, ns);
  }
  return out;
}
