/**
 * Completion-index sets and their text form, as in `status.completedIndexes`,
 * `status.failedIndexes` and `successPolicy.rules[].succeededIndexes`: `"0-3,5,7-8"`.
 */

/** Parses an interval list (`"1,3-5"`), keeping indexes below `limit`; malformed fragments are skipped. */
export function parseIndexes(text: string | undefined, limit = Number.MAX_SAFE_INTEGER): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const fragment of text.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(fragment);
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), limit - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

/**
 * Formats a set of indexes as sorted intervals, as the job controller writes them: runs of three or
 * more as `first-last`, a run of two as `first,last`: `{0,1,2,3,5,7,8}` → `"0-3,5,7,8"`.
 */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (i === j) parts.push(String(sorted[i]));
    else parts.push(`${sorted[i]}${j === i + 1 ? ',' : '-'}${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
