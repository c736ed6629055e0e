/**
 * Label and field selectors in the API server's query syntax
 * (`a=b,c!=d,e in (x,y),f notin (z),g,!h` for labels; `metadata.name=x,status.phase!=Running` for fields).
 */
import { StoreError } from './types.ts';

/** One parsed requirement of a selector. */
export interface Requirement {
  readonly key: string;
  readonly op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
  readonly values: readonly string[];
}

/** A parsed selector: an object matches when every requirement holds. */
export type Selector = readonly Requirement[];

const SET_RE = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQ_RE = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/;
const KEY_RE = /^(!?)\s*([^\s!=()]+)$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

function parseTerm(term: string, what: string): Requirement {
  const set = SET_RE.exec(term);
  if (set) {
    const values = set[3].split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    return { key: set[1], op: set[2] as 'in' | 'notin', values };
  }
  const eq = EQ_RE.exec(term);
  if (eq) return { key: eq[1], op: eq[2] === '!=' ? 'neq' : 'eq', values: [eq[3]] };
  const key = KEY_RE.exec(term);
  if (key) return { key: key[2], op: key[1] ? 'notexists' : 'exists', values: [] };
  throw new StoreError(400, 'BadRequest', `unable to parse requirement: invalid ${what} selector term ${JSON.stringify(term)}`);
}

/** Parses a label selector query string. Throws a 400 `StoreError` on bad syntax. */
export function parseLabelSelector(text: string | undefined): Selector {
  if (!text) return [];
  return splitTerms(text).map((t) => parseTerm(t, 'label'));
}

/** Turns an equality map (`{app: 'x'}`) into a selector. */
export function selectorFromMap(labels: Record<string, string> | undefined): Selector {
  return Object.entries(labels ?? {}).map(([key, value]) => ({ key, op: 'eq', values: [value] }));
}

function holds(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'eq':
      return value === req.values[0];
    case 'neq':
      return value !== req.values[0];
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
  }
}

/** Whether `labels` satisfy every requirement of `selector`. */
export function matchesLabels(selector: Selector, labels: Record<string, string> | undefined): boolean {
  return selector.every((req) => holds(req, labels?.[req.key]));
}

/**
 * Parses a field selector and checks each field against `supported` (plus `metadata.name`
 * and `metadata.namespace`). Only `=`, `==` and `!=` are allowed, as in the API server.
 */
export function parseFieldSelector(text: string | undefined, supported: readonly string[] = []): Selector {
  if (!text) return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...supported]);
  return splitTerms(text).map((term) => {
    const req = parseTerm(term, 'field');
    if (req.op !== 'eq' && req.op !== 'neq') {
      throw new StoreError(400, 'BadRequest', `invalid field selector term ${JSON.stringify(term)}: only =, == and != are supported`);
    }
    if (!allowed.has(req.key)) {
      throw new StoreError(400, 'BadRequest', `${JSON.stringify(req.key)} is not a known field selector: only ${[...allowed].map((f) => JSON.stringify(f)).join(', ')}`);
    }
    return req;
  });
}

/** Field labels whose value the API server derives from another field, with the default it renders. */
const FIELD_ALIASES: Record<string, { path: string; empty: string }> = {
  'status.successful': { path: 'status.succeeded', empty: '0' },
  source: { path: 'source.component', empty: '' },
  'spec.unschedulable': { path: 'spec.unschedulable', empty: 'false' },
};

/** Reads a dotted field of an object as the string the API server compares field selectors with. */
export function fieldValue(obj: unknown, label: string): string {
  const alias = FIELD_ALIASES[label];
  const path = alias?.path ?? label;
  const cur = path.split('.').reduce<unknown>(
    (value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined),
    obj,
  );
  if (cur === undefined || cur === null) return alias?.empty ?? '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** Whether `obj` satisfies every requirement of a field selector. */
export function matchesFields(selector: Selector, obj: unknown): boolean {
  return selector.every((req) => holds(req, fieldValue(obj, req.key)));
}
