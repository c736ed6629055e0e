/**
 * Kubernetes' own string validators (apimachinery `util/validation`), re-implemented for plain
 * JSON: DNS names, label keys and values, qualified names, label selectors, domain-prefixed
 * paths, and the index-interval format of `succeededIndexes` / `completedIndexes`.
 * Each returns the problems found as short clauses, `[]` when valid.
 */
import { arrayOf, isObject } from './json';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** Longest DNS-1123 label (pod hostnames, container names). */
export const DNS1123_LABEL_MAX = 63;
/** Longest DNS-1123 subdomain (object names). */
export const DNS1123_SUBDOMAIN_MAX = 253;
/** Longest label value. */
export const LABEL_VALUE_MAX = 63;

/** The answer of a validator for a valid string: one shared empty list, which callers only read. */
const VALID: readonly string[] = Object.freeze([]);

/** `IsDNS1123Label`. */
export function dns1123LabelErrors(v: string): readonly string[] {
  // Valid strings, nearly all of them, are answered without building a list.
  if (v.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(v)) return VALID;
  const out: string[] = [];
  if (v.length > DNS1123_LABEL_MAX) out.push(`must be no more than ${DNS1123_LABEL_MAX} characters`);
  if (!DNS1123_LABEL.test(v)) {
    out.push("must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  }
  return out;
}

/** `IsDNS1123Subdomain`. */
export function dns1123SubdomainErrors(v: string): readonly string[] {
  if (v.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(v)) return VALID;
  const out: string[] = [];
  if (v.length > DNS1123_SUBDOMAIN_MAX) out.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`);
  if (!DNS1123_SUBDOMAIN.test(v)) {
    out.push("must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  return out;
}

/**
 * The errors of strings validated before, for validators that see the same few strings on every
 * object (label keys and values, condition types): a bounded table, emptied when full. The arrays
 * are shared, so callers only read them.
 */
function memoized(table: Map<string, readonly string[]>, v: string, compute: (v: string) => readonly string[]): readonly string[] {
  let errors = table.get(v);
  if (errors === undefined) {
    errors = compute(v);
    if (table.size >= 2048) table.clear();
    table.set(v, errors);
  }
  return errors;
}

const qualifiedNames = new Map<string, readonly string[]>();
const labelValues = new Map<string, readonly string[]>();

/** `IsQualifiedName`: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 of `[A-Za-z0-9-_.]`. */
export function qualifiedNameErrors(v: string): readonly string[] {
  return memoized(qualifiedNames, v, computeQualifiedNameErrors);
}

function computeQualifiedNameErrors(v: string): readonly string[] {
  const parts = v.split('/');
  let name: string;
  const out: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else for (const e of dns1123SubdomainErrors(prefix)) out.push(`prefix part ${e}`);
  } else {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    out.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return out;
}

/** `IsValidLabelValue`. */
export function labelValueErrors(v: string): readonly string[] {
  // A valid value (every Job name becomes one) is answered without the table.
  if (v.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(v)) return VALID;
  return memoized(labelValues, v, computeLabelValueErrors);
}

function computeLabelValueErrors(v: string): readonly string[] {
  const out: string[] = [];
  if (v.length > LABEL_VALUE_MAX) out.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE.test(v)) {
    out.push("must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return out;
}

/** One problem in a label map, with the key it is about. */
export interface MapProblem {
  readonly key: string;
  readonly value: unknown;
  readonly problem: string;
  /** `true` when the key is wrong, `false` when the value is. */
  readonly inKey: boolean;
}

const NO_PROBLEMS: readonly string[] = [];
/** A label map without problems (nearly all of them): one shared empty list. */
const NO_MAP_PROBLEMS: readonly MapProblem[] = Object.freeze([]);

/** `ValidateLabels`: every key a qualified name, every value a label value. */
export function labelMapProblems(labels: unknown): readonly MapProblem[] {
  if (!isObject(labels)) return NO_MAP_PROBLEMS;
  let out: MapProblem[] | undefined;
  const keys = Object.keys(labels);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = labels[key];
    const keyErrors = qualifiedNameErrors(key);
    const valueErrors = typeof value === 'string' ? labelValueErrors(value) : NO_PROBLEMS;
    if (keyErrors.length === 0 && valueErrors.length === 0) continue;
    out ??= [];
    for (const p of keyErrors) out.push({ key, value: key, problem: p, inKey: true });
    for (const p of valueErrors) out.push({ key, value, problem: p, inKey: false });
  }
  return out ?? NO_MAP_PROBLEMS;
}

/** Total size limit of `metadata.annotations`, in bytes (`TotalAnnotationSizeLimitB`). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** `ValidateAnnotations`: keys are qualified names (lowercased), total size ≤ 256 KiB. */
export function annotationProblems(annotations: unknown): MapProblem[] {
  if (!isObject(annotations)) return [];
  const out: MapProblem[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const p of qualifiedNameErrors(key.toLowerCase())) out.push({ key, value: key, problem: p, inKey: true });
    size += byteLength(key) + (typeof value === 'string' ? byteLength(value) : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    out.push({ key: '', value: size, problem: `may not be more than ${ANNOTATIONS_MAX_BYTES} bytes in total`, inKey: false });
  }
  return out;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-8 length of a string. */
export function byteLength(s: string): number {
  // One byte per UTF-16 unit, plus what each non-ASCII unit adds: 2 bytes below U+0800, 3 up to
  // U+FFFF (a lone surrogate is encoded as U+FFFD, also 3), 4 for a surrogate pair (2 units).
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 2;
      i++;
    } else {
      n += 2;
    }
  }
  return n;
}

/** One problem in a label selector, relative to the selector (`matchLabels.a`, `matchExpressions[0].operator`). */
export interface SelectorProblem {
  readonly path: Array<string | number>;
  readonly value: unknown;
  readonly problem: string;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** `ValidateLabelSelector` (metav1): keys, values and operators. */
export function labelSelectorProblems(selector: unknown): SelectorProblem[] {
  if (!isObject(selector)) return [];
  const out: SelectorProblem[] = [];
  // The API server reports a bad key or value of matchLabels at matchLabels itself (ValidateLabels).
  for (const p of labelMapProblems(selector.matchLabels)) {
    out.push({ path: ['matchLabels'], value: p.value, problem: p.inKey ? `key ${JSON.stringify(p.key)} ${p.problem}` : `value of ${JSON.stringify(p.key)} ${p.problem}` });
  }
  arrayOf(selector.matchExpressions).forEach((item, i) => {
    // Go decodes a null item as an empty requirement (key "" and operator ""), which is then validated.
    const expr = item === null ? {} : item;
    if (!isObject(expr)) return;
    const op = expr.operator;
    const values = arrayOf(expr.values);
    if (!SELECTOR_OPERATORS.includes(op)) {
      out.push({ path: ['matchExpressions', i, 'operator'], value: op, problem: 'must be one of "In", "NotIn", "Exists", "DoesNotExist"' });
    } else if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      out.push({ path: ['matchExpressions', i, 'values'], value: expr.values, problem: `must be specified when operator is ${op}` });
    } else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      out.push({ path: ['matchExpressions', i, 'values'], value: expr.values, problem: `may not be specified when operator is ${op}` });
    }
    const key = expr.key ?? '';
    if (typeof key === 'string') {
      for (const p of qualifiedNameErrors(key)) out.push({ path: ['matchExpressions', i, 'key'], value: key, problem: p });
    }
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const p of labelValueErrors(v)) out.push({ path: ['matchExpressions', i, 'values', j], value: v, problem: p });
    });
  });
  return out;
}

/**
 * Whether `selector` (a metav1 LabelSelector) selects an object with `labels`. An empty selector
 * matches everything. The caller has already found the selector valid (`labelSelectorProblems`
 * gives nothing; the rules check that first and skip an invalid one), so it is not checked again.
 */
export function validSelectorMatches(selector: Record<string, any>, labels: Record<string, unknown>): boolean {
  if (isObject(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  }
  for (const expr of arrayOf(selector.matchExpressions)) {
    if (!isObject(expr)) return false;
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = arrayOf(expr.values);
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(labels[expr.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[expr.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** `IsDomainPrefixedPath`: `<DNS subdomain>/<HTTP path chars>`, e.g. `example.com/foo`. `""` is reported by the caller as required. */
export function domainPrefixedPathErrors(v: string): string[] {
  const slash = v.indexOf('/');
  if (slash <= 0 || slash === v.length - 1) return ['must be a domain-prefixed path (such as "acme.io/foo")'];
  const host = v.slice(0, slash);
  const rest = v.slice(slash + 1);
  const out = dns1123SubdomainErrors(host).map((e) => `domain part ${e}`);
  if (!HTTP_PATH.test(rest)) out.push("path part must consist of valid HTTP path characters (letters, digits and -._~%!$&'()*+,;=:/)");
  return out;
}

/** Result of parsing an index-interval list such as `"1,3-5,7"`. */
export interface IndexIntervals {
  /** `[first, last]` pairs, inclusive, in order. */
  readonly intervals: ReadonlyArray<readonly [number, number]>;
  /** The number of indexes covered. */
  readonly count: number;
}

/**
 * Parses the index-interval format of `succeededIndexes` (`validateIndexesFormat`): comma-separated
 * `x` or `x-y`, integers (Go `Atoi`: an optional sign, ASCII digits), each `< completions`,
 * `x < y` inside an interval, intervals strictly increasing. Returns the parsed intervals or the
 * upstream error text.
 */
export function parseIndexIntervals(text: string, completions: number): IndexIntervals | { error: string } {
  const intervals: Array<[number, number]> = [];
  let count = 0;
  let previous = -1;
  if (text === '') return { intervals, count };
  for (const fragment of text.split(',')) {
    const parts = fragment.split('-');
    if (parts.length > 2) {
      return { error: `the fragment "${fragment}" violates the requirement that an index interval can have at most two parts separated by '-'` };
    }
    const nums: number[] = [];
    for (const p of parts) {
      if (!/^[+-]?[0-9]+$/.test(p)) return { error: `cannot convert string to integer for index: "${p}"` };
      const n = Number(p);
      if (!Number.isSafeInteger(n)) return { error: `cannot convert string to integer for index: "${p}"` };
      if (n >= completions) return { error: `too large index: "${p}"` };
      nums.push(n);
    }
    const [x, y] = nums.length === 2 ? nums : [nums[0], nums[0]];
    if (x <= previous) return { error: `non-increasing order, previous: ${previous}, current: ${x}` };
    if (nums.length === 2 && y <= x) return { error: `non-increasing order, previous: ${x}, current: ${y}` };
    previous = y;
    intervals.push([x, y]);
    count += y - x + 1;
  }
  return { intervals, count };
}
