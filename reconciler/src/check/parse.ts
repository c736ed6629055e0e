/**
 * Turns the text of one input (multi-document YAML or JSON) into Kubernetes objects with
 * their source lines. `List` objects (`kind: List`, `JobList`, … with `items`, as
 * `kubectl get -o yaml` prints them) and top-level sequences are expanded into their items.
 *
 * Parser choice, measured (Node 20, 2 shared cores, a generated 10.5 MB file of 10,000 Jobs;
 * reproduce with `node --import tsx test/check/measure-parsers.ts`; quiet-machine runs):
 *   js-yaml `loadAll`                                       0.35-0.39 s
 *   this module without positions (+ alias/depth walk)      0.37 s
 *   this module with positions (what SARIF needs)           0.55-0.57 s
 *   yaml `parseAllDocuments` + `toJS`                       3.2-3.3 s
 *   yaml CST `Parser` alone (positions, no values yet)      2.0-3.8 s
 * (On a loaded machine everything took ~3x longer, 1.2 / 2.3 / 12.8 s, with the same ratios.)
 * js-yaml keeps no positions on its values, but its `listener` hook sees every node open and
 * close with the current line, which is enough to find the line of any field afterwards
 * (`positions.ts`). That is about 6x faster than `yaml` with positions, so js-yaml it is.
 * Positions cost ~50% on top of plain parsing, so they are recorded only when the output
 * needs them (SARIF) or when a document is unusable and its line must be named. For
 * comparison, the rules engine itself took ~1.1 s on the same 10,000 Jobs.
 *
 * Limits: js-yaml's `maxDepth` (100) stops deep nesting, its `maxTotalMergeKeys` stops merge
 * key floods, and aliases (which js-yaml returns as shared references) are expanded by a
 * bounded walk here, so a "billion laughs" bomb is reported instead of exploding later.
 */
import jsyaml from 'js-yaml';
import { PositionIndex } from './positions.ts';
import { KUBERNETES_YAML_SCHEMA } from './yaml-schema.ts';
import type { InputProblem, SourceObject } from './types.ts';

/** Expanded nodes allowed beyond the input's length (an alias-free document has fewer nodes than characters). */
export const ALIAS_EXPANSION_ALLOWANCE = 1_000_000;

/** Deepest nesting accepted, also through aliases; js-yaml applies the same limit while parsing. */
export const MAX_DEPTH = 100;

export interface ParseOptions {
  /** Record source lines of fields (for SARIF). Lines of unusable documents are found regardless. */
  readonly positions?: boolean;
}

export interface ParsedInput {
  readonly objects: SourceObject[];
  readonly problems: InputProblem[];
}

/** Parses one input. Never throws: anything unusable becomes an `InputProblem` naming the file and line. */
export function parseManifests(text: string, file: string, options: ParseOptions = {}): ParsedInput {
  const positions = options.positions ? new PositionIndex() : undefined;
  let documents: unknown[];
  try {
    documents = jsyaml.loadAll(text, undefined, { schema: KUBERNETES_YAML_SCHEMA, listener: positions?.listener });
  } catch (err) {
    return { objects: [], problems: [parseProblem(file, err)] };
  }
  // Aliases need an anchor (`&name`) earlier in the text; without one nothing can be shared.
  const tooBig = text.includes('&') ? expansionProblem(documents, text.length + ALIAS_EXPANSION_ALLOWANCE) : undefined;
  if (tooBig) return { objects: [], problems: [{ file, message: tooBig }] };
  const out = collectManifests(documents, file, positions);
  if (!positions && out.problems.length > 0) return parseManifests(text, file, { positions: true });
  return out;
}

/**
 * The Kubernetes objects among parsed documents: empty documents are dropped, Lists and
 * top-level sequences expanded, anything without a string apiVersion and kind reported.
 */
export function collectManifests(documents: readonly unknown[], file: string, positions?: PositionIndex): ParsedInput {
  const out: ParsedInput = { objects: [], problems: [] };
  const collector = new Collector(file, out, positions);
  documents.forEach((doc, i) => collector.document(doc, i));
  return out;
}

class Collector {
  constructor(
    private readonly file: string,
    private readonly out: ParsedInput,
    private readonly positions: PositionIndex | undefined,
  ) {}

  document(doc: unknown, index: number): void {
    if (doc === null || doc === undefined) return; // an empty document
    const where = `document ${index + 1}`;
    const line = this.positions?.documentLine(index, doc);
    if (Array.isArray(doc)) this.items(doc, where);
    else this.manifest(doc, where, line);
  }

  private items(items: readonly unknown[], where: string): void {
    items.forEach((item, i) => this.manifest(item, `${where}, item [${i}]`, this.positions?.itemLine(items, i)));
  }

  private manifest(value: unknown, where: string, line: number | undefined): void {
    const problem = manifestProblem(value);
    if (problem) {
      this.out.problems.push({ file: this.file, line, message: `${where}: ${problem}` });
      return;
    }
    const object = value as Record<string, unknown>;
    if (isList(object)) {
      if (Array.isArray(object.items)) this.items(object.items, `${where} (${String(object.kind)}) items`);
      else this.out.problems.push({ file: this.file, line, message: `${where}: ${String(object.kind)}.items must be a list of objects (got ${describe(object.items)}); remove items or make it a list` });
      return;
    }
    const positions = this.positions;
    this.out.objects.push({
      file: this.file,
      object,
      line,
      lineOf: positions ? (path: string): number | undefined => positions.lineOf(object, path, line) : undefined,
    });
  }
}

/** `kind: List` or any `*List` carrying `items`, as the API server and kubectl print collections. */
function isList(object: Record<string, unknown>): boolean {
  return typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object;
}

/** Why a parsed document is not a Kubernetes object, or `undefined` when it is one. */
function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `is not a Kubernetes object (got ${describe(value)}); each document must be a mapping with apiVersion and kind`;
  }
  const object = value as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind']) {
    if (!(field in object)) return `has no ${field}; every Kubernetes object needs apiVersion and kind (e.g. apiVersion: batch/v1, kind: Job)`;
    const v = object[field];
    if (typeof v !== 'string' || v === '') return `${field} must be a non-empty string (got ${describe(v)}); e.g. apiVersion: batch/v1, kind: Job`;
  }
  return undefined;
}

/** Walks the documents as the rules will see them (aliases expanded), within a node budget and depth. */
function expansionProblem(documents: readonly unknown[], budget: number): string | undefined {
  const stack: Array<{ node: object; depth: number }> = [];
  const pushChildren = (children: readonly unknown[], depth: number): void => {
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ node: child, depth });
  };
  let count = documents.length;
  pushChildren(documents, 1);
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels once aliases are expanded; flatten the document or expand the aliases by hand`;
    const children = Array.isArray(node) ? node : Object.values(node);
    count += children.length;
    if (count > budget) {
      return `aliases expand to more than ${budget} nodes, far more than the input holds (a "billion laughs" YAML bomb?); expand the anchors by hand or remove the aliases`;
    }
    pushChildren(children, depth + 1);
  }
  return undefined;
}

function parseProblem(file: string, err: unknown): InputProblem {
  if (err instanceof jsyaml.YAMLException) {
    if (err.reason.startsWith('nesting exceeded maxDepth')) {
      return { file, line: err.mark ? err.mark.line + 1 : undefined, message: `nesting deeper than ${MAX_DEPTH} levels; Kubernetes objects are never this deep, check that this is a manifest` };
    }
    const where = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined;
    return {
      file,
      line: where?.line,
      message: `invalid YAML: ${err.reason}${where ? ` (column ${where.column})` : ''}; fix the syntax at that line`,
    };
  }
  if (err instanceof RangeError) return { file, message: `cannot parse: ${err.message}; the input is nested too deeply, check that this is a manifest` };
  return { file, message: `cannot parse: ${err instanceof Error ? err.message : String(err)}` };
}

/** A short rendering of a received value for messages (collections by shape, never serialised whole). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object' && value !== null) return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
