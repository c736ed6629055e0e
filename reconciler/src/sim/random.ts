/**
 * Seeded pseudo-randomness for reproducible simulations: the same seed gives the same pod
 * names and the same pod outcomes on every run.
 */

/** A generator of numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast 32-bit generator, good enough for simulation (not for cryptography). */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A number in [0, 1) determined by the seed and a key alone, so that an outcome (does this pod
 * fail?) does not depend on the order in which things happen.
 */
export function keyedUnit(seed: number, key: string): number {
  return seededRng(fnv1a(`${seed >>> 0}:${key}`))();
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character name suffix in the API server's alphabet, drawn from `rng`. */
export function nameSuffix(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += SUFFIX_CHARS[Math.floor(rng() * SUFFIX_CHARS.length)];
  return out;
}
