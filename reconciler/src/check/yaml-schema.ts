/**
 * The js-yaml schema that reads manifests the way Kubernetes does. kubectl and the API
 * server read YAML with sigs.k8s.io/yaml, which resolves plain scalars by go-yaml v2's
 * YAML 1.1 rules: `yes`/`no`/`on`/`off`/`y`/`n` are booleans and `0644` is octal (420);
 * js-yaml's YAML 1.2 core schema would read them as the string "yes" and the number 644,
 * so `check` would judge a different object than the one kubectl sends
 * (https://github.com/kubernetes/kubernetes/issues/34146). Timestamps stay strings and
 * language-specific tags (`!!binary`, `!!js/…`) are not accepted.
 */
import jsyaml from 'js-yaml';

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** First characters of the YAML 1.1 booleans: y Y n N t T f F o O. */
const BOOL_FIRST = new Set('yYnNtTfFoO'.split('').map((c) => c.charCodeAt(0)));

/**
 * Whether a plain scalar can be a boolean at all: at most 5 characters, starting with one of
 * theirs. Every plain scalar, mapping keys included, is tested, so the sets are consulted only
 * for the few that pass.
 */
function mayBeBool(data: string): boolean {
  return data.length <= 5 && BOOL_FIRST.has(data.charCodeAt(0));
}

/** YAML 1.1 booleans, replacing the core schema's `true`/`false` only. */
const bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null): boolean => data !== null && mayBeBool(data) && (TRUE.has(data) || FALSE.has(data)),
  construct: (data: string): boolean => TRUE.has(data),
});

/** go-yaml v2 integers: underscores dropped, then Go's base prefixes, where a leading 0 means octal. */
const INT = /^([-+]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

function parseDigits(digits: string): number {
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0b') return parseInt(digits.slice(2), 2);
  if (prefix === '0o') return parseInt(digits.slice(2), 8);
  if (prefix === '0x') return parseInt(digits.slice(2), 16);
  if (digits.length > 1 && digits.startsWith('0')) return parseInt(digits.slice(1), 8);
  return parseInt(digits, 10);
}

/** Whether a plain scalar can be an integer at all: it starts with a sign or a digit (most scalars are names). */
function mayBeInt(data: string): boolean {
  const c = data.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45;
}

/** `0` or a decimal without sign, underscore or leading zero (`3600`): the commonest integer, read without a regular expression. */
function plainDecimal(data: string): boolean {
  const first = data.charCodeAt(0);
  if (first < 49 || first > 57) return data === '0';
  for (let i = 1; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const int = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null): boolean =>
    data !== null && mayBeInt(data) && (plainDecimal(data) || INT.test(data.includes('_') ? data.replace(/_/g, '') : data)),
  construct: (data: string): number => {
    if (plainDecimal(data)) return parseInt(data, 10);
    const [, sign, digits] = INT.exec(data.replace(/_/g, ''))!;
    const n = parseDigits(digits);
    return sign === '-' ? -n : n;
  },
});

/** The core schema's float type (js-yaml's own resolver and constructor). */
const coreFloat = (jsyaml as unknown as { types: { float: { resolve(data: string): boolean; construct(data: string): number } } }).types.float;

/**
 * The core schema's floats (this schema only loads), resolved by js-yaml's own function once a
 * plain scalar starts as a float must (a sign, a digit or `.`): most scalars are names, and its
 * regular expression is then not run at all.
 */
const float = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null): boolean => data !== null && mayBeFloat(data) && coreFloat.resolve(data),
  construct: (data: string): number => coreFloat.construct(data),
});

function mayBeFloat(data: string): boolean {
  const c = data.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** `merge` and `null` are exported by js-yaml at runtime but missing from @types/js-yaml. */
const { merge, null: coreNull } = (jsyaml as unknown as { types: { merge: jsyaml.Type; null: jsyaml.Type & { resolve(data: string | null): boolean } } }).types;

/**
 * Implicit resolution of plain scalars in one step, with exactly the outcome of trying null,
 * bool, int and float in that order (the core schema's order): js-yaml calls every implicit
 * type of the schema on every plain scalar, mapping keys included, until one resolves, so a name
 * would cost four calls; here it costs one. Explicit tags (`!!int 0644`) still use the types
 * above.
 */
const plainScalar = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null): boolean =>
    coreNull.resolve(data) || bool.resolve(data) || int.resolve(data) || float.resolve(data),
  construct: (data: string | null): unknown => {
    if (coreNull.resolve(data)) return null;
    if (bool.resolve(data)) return bool.construct(data);
    if (int.resolve(data)) return int.construct(data);
    return float.construct(data);
  },
});

/**
 * The YAML 1.2 core schema with go-yaml v2's booleans and integers, plus merge keys (`<<`):
 * the failsafe schema (strings, lists, mappings) with null, bool, int and float resolved by
 * `plainScalar`, and the same four types for explicit tags.
 */
export const KUBERNETES_YAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [plainScalar, merge], explicit: [coreNull, bool, int, float] });
