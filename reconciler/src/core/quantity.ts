/**
 * Kubernetes resource quantities (`100m`, `1Gi`, `500Mi`, `2`, `1e3`, `1.5`), exactly: values are
 * held as whole nano-units in a `bigint`, so sums and comparisons never round. As in the API
 * server, a value finer than one nano-unit is rounded up.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Decimal SI suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

/** One base unit (a core, a byte, a pod) in nano-units. */
export const NANO = 1_000_000_000n;

/** Parses a quantity into nano-units; `undefined` when `text` is not a quantity. Numbers are accepted too. */
export function parseQuantity(text: unknown): bigint | undefined {
  const source = typeof text === 'number' && Number.isFinite(text) ? String(text) : text;
  if (typeof source !== 'string') return undefined;
  const m = QUANTITY.exec(source.trim());
  if (!m) return undefined;
  const [, sign, digits, binary, exponent, decimal] = m;
  const [whole, fraction = ''] = digits.split('.');
  // value = (whole.fraction) × multiplier; kept as an integer mantissa over 10^fraction.length
  const mantissa = BigInt(`${whole || '0'}${fraction}`);
  const power = decimalPower(exponent, decimal) + 9 - fraction.length;
  if (Math.abs(power) > 60) return undefined;
  const scaled = scale(mantissa * (binary ? BINARY[binary] : 1n), power);
  return sign === '-' ? -scaled : scaled;
}

function decimalPower(exponent: string | undefined, decimal: string | undefined): number {
  if (exponent) return Number(exponent.slice(1));
  return DECIMAL[decimal ?? ''];
}

/** `value × 10^power`, rounded up when `power` is negative. */
function scale(value: bigint, power: number): bigint {
  if (power >= 0) return value * 10n ** BigInt(power);
  const divisor = 10n ** BigInt(-power);
  return (value + divisor - 1n) / divisor;
}

/** Renders nano-units for messages: `1500m`, `2`, `512Mi`, `3Gi`. */
export function formatQuantity(nano: bigint): string {
  if (nano < 0n) return `-${formatQuantity(-nano)}`;
  if (nano % NANO !== 0n) return nano % 1_000_000n === 0n ? `${nano / 1_000_000n}m` : `${nano}n`;
  const units = nano / NANO;
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const size = BINARY[suffix];
    if (units >= size && units % size === 0n) return `${units / size}${suffix}`;
  }
  return `${units}`;
}
