/**
 * Source lines of YAML nodes, recorded while js-yaml parses (through its `listener` hook)
 * and resolved lazily: parsing only appends each node's value, line and depth to a log;
 * rebuilding a collection's children from it and turning a rules-engine path such as
 * `spec.template.spec.containers[0].image` into a line happens only for the few fields
 * that a violation names.
 */
import type { State } from 'js-yaml';

/** Collects node lines during one `loadAll` and answers line queries afterwards. */
export class PositionIndex {
  // A post-order log of closed nodes (value, 1-based start line, depth). A node's children
  // are the entries one level deeper that directly precede it, back to the first entry at
  // its own depth or above; they are rebuilt on demand, so parsing only appends numbers.
  private readonly values: unknown[] = [];
  private readonly lines: number[] = [];
  private readonly depths: number[] = [];
  private readonly openLines: number[] = [];
  /** Log index of the innermost node that produced each collection. */
  private readonly closedAt = new WeakMap<object, number>();
  private readonly childCache = new WeakMap<object, unknown[]>();

  /** The js-yaml `listener`: called on every node's open and close. */
  readonly listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      this.openLines.push(state.line + 1);
      return;
    }
    const line = this.openLines.pop() ?? 0;
    const result = state.result;
    // The innermost node that produced a collection closes first; outer wrappers (js-yaml
    // re-wraps a flow collection read as a candidate key) and aliases close later with the
    // same value and must not replace it.
    if (typeof result === 'object' && result !== null && !this.closedAt.has(result)) this.closedAt.set(result, this.values.length);
    this.values.push(result);
    this.lines.push(line);
    this.depths.push(this.openLines.length);
  };

  /** 1-based first line of document `index` (whose parsed value is `value`), when known. */
  documentLine(index: number, value: unknown): number | undefined {
    const at = typeof value === 'object' && value !== null ? this.closedAt.get(value) : undefined;
    if (at !== undefined) return this.lines[this.outermost(at)];
    let seen = -1;
    for (let i = 0; i < this.depths.length; i++) if (this.depths[i] === 0 && ++seen === index) return this.lines[i];
    return undefined;
  }

  /** The outermost log entry wrapping entry `at` with the same value (a document root's own line). */
  private outermost(at: number): number {
    let i = at;
    while (i + 1 < this.values.length && this.values[i + 1] === this.values[at] && this.depths[i + 1] === this.depths[i] - 1) i++;
    return i;
  }

  /** Children of a collection as `[value, line, value, line, …]`, rebuilt from the log. */
  private children(collection: object): unknown[] | undefined {
    const cached = this.childCache.get(collection);
    if (cached) return cached;
    const at = this.closedAt.get(collection);
    if (at === undefined) return undefined;
    const depth = this.depths[at];
    const reversed: unknown[] = [];
    for (let i = at - 1; i >= 0 && this.depths[i] > depth; i--) {
      if (this.depths[i] === depth + 1) reversed.push(this.lines[i], this.values[i]);
    }
    const kids = reversed.reverse();
    this.childCache.set(collection, kids);
    return kids;
  }

  /** 1-based line where item `index` of the parsed sequence `array` starts, when known. */
  itemLine(array: readonly unknown[], index: number): number | undefined {
    const kids = this.recorded(array);
    if (!kids || kids.length !== array.length * 2) return undefined;
    return kids[index * 2 + 1] as number;
  }

  /**
   * The children recorded for a collection. js-yaml ends a block mapping by trying to read one
   * more key where the next document (or a dedent) starts; that attempt is recorded as a
   * trailing empty child, which is dropped here.
   */
  private recorded(collection: object): unknown[] | undefined {
    const kids = this.children(collection);
    if (!kids) return undefined;
    const pairs = kids.length / 2;
    const expected = Array.isArray(collection) ? collection.length : pairs - (pairs % 2);
    return pairs === expected + 1 && kids[kids.length - 2] === null ? kids.slice(0, -2) : kids;
  }

  /**
   * The line of the deepest node on `path` (engine syntax: dotted keys, `[i]` indexes; keys
   * may themselves contain dots, as label keys do) below `root`, or `fallback` when not even
   * the first step can be found.
   */
  lineOf(root: unknown, path: string, fallback: number | undefined): number | undefined {
    let node = root;
    let rest = path;
    let line = fallback;
    while (rest !== '') {
      const step = this.step(node, rest);
      if (!step) break;
      node = step.node;
      rest = step.rest;
      line = step.line ?? line;
    }
    return line;
  }

  private step(node: unknown, rest: string): { node: unknown; rest: string; line?: number } | undefined {
    const text = rest.startsWith('.') ? rest.slice(1) : rest;
    const index = /^\[(\d+)\]/.exec(text);
    if (index) {
      if (!Array.isArray(node)) return undefined;
      const i = Number(index[1]);
      return { node: node[i], rest: text.slice(index[0].length), line: this.itemLine(node, i) };
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    const key = longestKey(node as Record<string, unknown>, text);
    if (key === undefined) return undefined;
    return { node: (node as Record<string, unknown>)[key], rest: text.slice(key.length), line: this.keyLines(node)?.get(key) };
  }

  /** Key → line of a parsed mapping; `undefined` when the recorded children do not pair up cleanly. */
  private keyLines(mapping: object): Map<string, number> | undefined {
    const kids = this.recorded(mapping);
    if (!kids || kids.length % 4 !== 0) return undefined;
    const lines = new Map<string, number>();
    for (let i = 0; i < kids.length; i += 4) {
      const key = String(kids[i]);
      if (!(key in mapping) && key !== '<<') return undefined;
      lines.set(key, kids[i + 1] as number);
    }
    return lines;
  }
}

/** The longest own key of `node` that `text` starts with, followed by `.`, `[` or the end. */
function longestKey(node: Record<string, unknown>, text: string): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(node)) {
    if (!text.startsWith(key) || (best !== undefined && key.length <= best.length)) continue;
    const next = text.charAt(key.length);
    if (next === '' || next === '.' || next === '[') best = key;
  }
  return best;
}
