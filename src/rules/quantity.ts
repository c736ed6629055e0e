/**
 * Kubernetes resource quantities (`k8s.io/apimachinery/pkg/api/resource`), parsed exactly: a
 * quantity is `digits × 10^exp10 × 2^exp2`, so `1`, `1000m` and `0.001k` compare equal, as
 * `Quantity.Cmp` does, without floating-point rounding.
 */

/** An exact quantity: `mantissa × 10^exp10 × 2^exp2`. */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exp10: number;
  readonly exp2: number;
}

const DECIMAL: Record<string, number> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * `true` when `value` has the syntax of a quantity (cheaper than `parseQuantity`, no arithmetic).
 * Strings are answered from a bounded table: manifests repeat the same few quantities.
 */
export function isQuantity(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'string') return false;
  let ok = quantitySyntax.get(value);
  if (ok === undefined) {
    const m = SYNTAX.exec(value.trim());
    ok = m !== null && (m[2] !== '' || (m[3] ?? '') !== '');
    if (quantitySyntax.size >= 1024) quantitySyntax.clear();
    quantitySyntax.set(value, ok);
  }
  return ok;
}

const quantitySyntax = new Map<string, boolean>();

/** Parses a quantity as the API server does (`resource.ParseQuantity`); a number is read as its decimal text. `undefined` when invalid. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  const m = SYNTAX.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  let mantissa = BigInt(`${m[2]}${fraction}` || '0');
  if (m[1] === '-') mantissa = -mantissa;
  const suffix = m[4] ?? '';
  let exp10 = -fraction.length;
  let exp2 = 0;
  if (suffix in BINARY) exp2 = BINARY[suffix];
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix];
  else exp10 += Number(suffix.slice(1));
  return { mantissa, exp10, exp2 };
}

function scaled(q: Quantity, exp10: number, exp2: number): bigint {
  return q.mantissa * 10n ** BigInt(q.exp10 - exp10) * 2n ** BigInt(q.exp2 - exp2);
}

/** Negative when a < b, 0 when equal, positive when a > b (`Quantity.Cmp`). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const exp10 = Math.min(a.exp10, b.exp10);
  const exp2 = Math.min(a.exp2, b.exp2);
  const x = scaled(a, exp10, exp2);
  const y = scaled(b, exp10, exp2);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `true` for a whole number (`Quantity.Value()` without rounding). */
export function isWholeQuantity(q: Quantity): boolean {
  if (q.exp10 >= 0) return true;
  return (q.mantissa * 2n ** BigInt(q.exp2)) % 10n ** BigInt(-q.exp10) === 0n;
}
