/**
 * Source lines of YAML nodes, recorded while js-yaml parses (through its `listener` hook)
 * and resolved lazily: parsing only notes, for every mapping and sequence, its children in
 * order with the line each starts on; turning a rules-engine path such as
 * `spec.template.spec.containers[0].image` into a line happens only for the few fields
 * that a violation names.
 */
import type { State } from 'js-yaml';

interface Frame {
  readonly line: number;
  /** Children in order, flattened as `[result, line, result, line, …]`. */
  readonly kids: unknown[];
}

/** Collects node lines during one `loadAll` and answers line queries afterwards. */
export class PositionIndex {
  private readonly children = new WeakMap<object, unknown[]>();
  private readonly roots: Array<{ readonly result: unknown; readonly line: number }> = [];
  private readonly stack: Frame[] = [];

  /** The js-yaml `listener`: called on every node's open and close. */
  readonly listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      this.stack.push({ line: state.line + 1, kids: [] });
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    const result = state.result;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.kids.push(result, frame.line);
    else this.roots.push({ result, line: frame.line });
    if (typeof result === 'object' && result !== null) this.children.set(result, frame.kids);
  };

  /** 1-based first line of document `index` (whose parsed value is `value`), when known. */
  documentLine(index: number, value: unknown): number | undefined {
    const byIdentity = typeof value === 'object' && value !== null ? this.roots.find((r) => r.result === value) : undefined;
    return byIdentity?.line ?? this.roots[index]?.line;
  }

  /** 1-based line where item `index` of the parsed sequence `array` starts, when known. */
  itemLine(array: readonly unknown[], index: number): number | undefined {
    const kids = this.children.get(array);
    if (!kids || kids.length !== array.length * 2) return undefined;
    return kids[index * 2 + 1] as number;
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
    const kids = this.children.get(mapping);
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
