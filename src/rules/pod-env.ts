/**
 * Environment variables of the pod template's containers (`ValidateEnv`, `validateEnvVarValueFrom`
 * and `ValidateEnvFrom` in pkg/apis/core/validation/validation.go): variable names and envFrom
 * prefixes, and where a value comes from (exactly one source, not together with `value`; downward
 * API field paths; container resource names; ConfigMap and Secret key references).
 */
import { dns1123LabelErrors, dns1123SubdomainErrors, qualifiedNameErrors } from './job-validators';
import { isObject } from './json';
import { ContainerAt, atLeast, items, podAt, str } from './pod-kit';
import { parseQuantity } from './quantity';
import { Finding, RuleContext } from './types';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * `validation.IsEnvVarName`, or `IsRelaxedEnvVarName` where RelaxedEnvironmentVariableValidation
 * is on (beta, on by default, from 1.32; GA 1.34).
 */
export function envVarNameErrors(name: string, relaxed: boolean): string[] {
  if (relaxed) {
    // printable ASCII (0x20–0x7e) other than '='
    return /^[\x20-\x3c\x3e-\x7e]+$/.test(name) ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  }
  const out: string[] = [];
  if (!ENV_NAME.test(name)) {
    out.push("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit");
  }
  out.push(...dotPrefixErrors(name));
  return out;
}

/** `hasChDirPrefix`: `.`, `..` and names starting with `..`. */
function dotPrefixErrors(v: string): string[] {
  if (v === '.') return ["must not be '.'"];
  if (v === '..') return ["must not be '..'"];
  return v.startsWith('..') ? ["must not start with '..'"] : [];
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** `validation.IsConfigMapKey`. */
export function configKeyErrors(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) out.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
  out.push(...dotPrefixErrors(key));
  return out;
}

/** The downward API fields an environment variable can read (`validEnvDownwardAPIFieldPathExpressions`, the same 1.28–1.37). */
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

/** The field labels `ConvertDownwardAPIFieldLabel` knows for pods (`spec.host` is an alias of `spec.nodeName`). */
const POD_FIELD_LABELS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy',
  'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs', 'spec.host',
]);

/** `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['key']` → `['metadata.labels', 'key']`. */
function splitSubscript(p: string): [string, string] | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** The downward API fields a volume file can read (`validVolumeDownwardAPIFieldPathExpressions`). */
export const VOLUME_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.annotations', 'metadata.uid'];

/** `validateObjectFieldSelector` with the field paths `allowed` (the environment's by default); `at` is the fieldRef's path. */
export function fieldRefFindings(ref: Record<string, any>, at: string, out: Finding[], allowed: readonly string[] = ENV_FIELD_PATHS): void {
  const apiVersion = str(ref.apiVersion) ? ref.apiVersion : 'v1'; // SetDefaults_ObjectFieldSelector
  const fieldPath = ref.fieldPath;
  if (!str(fieldPath)) {
    out.push({ path: `${at}.fieldPath`, problem: 'is required', fix: 'set fieldPath, e.g. metadata.name' });
    return;
  }
  const convErr = apiVersion !== 'v1' ? `unsupported pod version: ${apiVersion}` : conversionError(fieldPath);
  if (convErr) {
    out.push({ path: `${at}.fieldPath`, problem: `cannot be converted: ${convErr}`, got: fieldPath, fix: `use one of ${allowed.join(', ')}, or metadata.labels['<key>'] / metadata.annotations['<key>']` });
    return;
  }
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const key = sub[0] === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    for (const e of qualifiedNameErrors(key)) out.push({ path: at, problem: `subscript ${e}`, got: fieldPath });
    return;
  }
  const internal = fieldPath === 'spec.host' ? 'spec.nodeName' : fieldPath;
  if (!allowed.includes(internal)) {
    out.push({ path: `${at}.fieldPath`, problem: `must be one of ${allowed.join(', ')} (or a label or annotation subscript)`, got: fieldPath });
  }
}

/** The error of `ConvertDownwardAPIFieldLabel` for a v1 pod field label, if any. */
function conversionError(label: string): string | undefined {
  const sub = splitSubscript(label);
  if (sub) return sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels' ? undefined : `field label does not support subscript: ${label}`;
  return POD_FIELD_LABELS.has(label) ? undefined : `field label not supported: ${label}`;
}

const CONTAINER_RESOURCES = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
const HUGEPAGES_PREFIXES = ['requests.hugepages-', 'limits.hugepages-'];

/** `validateContainerResourceFieldSelector` and `validateContainerResourceDivisor`; in a volume the containerName is required. */
export function resourceFieldRefFindings(ref: Record<string, any>, at: string, out: Finding[], volume = false): void {
  const resource = typeof ref.resource === 'string' ? ref.resource : '';
  if (volume && !str(ref.containerName)) {
    out.push({ path: `${at}.containerName`, problem: 'is required in a downward API volume', fix: 'name the container whose resources to read' });
  } else if (resource === '') {
    out.push({ path: `${at}.resource`, problem: 'is required', fix: 'set resource, e.g. limits.cpu' });
  } else if (!CONTAINER_RESOURCES.includes(resource) && !HUGEPAGES_PREFIXES.some((p) => resource.startsWith(p))) {
    out.push({ path: `${at}.resource`, problem: `must be one of ${CONTAINER_RESOURCES.join(', ')} or a hugepages resource`, got: resource });
  }
  if (ref.divisor === undefined) return;
  const kind = resource.endsWith('.cpu') ? 'cpu' : /\.(memory|ephemeral-storage)$/.test(resource) || HUGEPAGES_PREFIXES.some((p) => resource.startsWith(p)) ? 'bytes' : '';
  if (kind !== '' && !divisorAllowed(ref.divisor, kind)) {
    const allowed = kind === 'cpu' ? '1m and 1' : '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';
    out.push({ path: `${at}.divisor`, problem: `must be one of ${allowed} for ${resource}`, got: ref.divisor });
  }
}

/** Whether a divisor's canonical form is one the server allows (`divisor.String()` in the allowed set; zero means unset). */
function divisorAllowed(raw: unknown, kind: 'cpu' | 'bytes'): boolean {
  const q = parseQuantity(raw);
  if (!q) return true;
  if (q.mantissa === 0n) return true;
  const binary = typeof raw === 'string' && /i$/.test(raw.trim());
  // value = mantissa × 10^exp10 × 2^exp2, exactly.
  const num = q.mantissa * 10n ** BigInt(Math.max(q.exp10, 0)) * 2n ** BigInt(q.exp2);
  const den = 10n ** BigInt(Math.max(-q.exp10, 0));
  if (kind === 'cpu') return num === den || num * 1000n === den;
  if (num % den !== 0n) return false;
  const v = num / den;
  const base = binary ? 1024n : 1000n;
  for (let k = binary ? 1 : 0, p = binary ? 1024n : 1n; k <= 6; k++, p *= base) if (v === p) return true;
  return false;
}

/** `validateConfigMapKeySelector` / `validateSecretKeySelector`. */
function keyRefFindings(ref: Record<string, any>, at: string, out: Finding[]): void {
  const name = typeof ref.name === 'string' ? ref.name : '';
  for (const e of dns1123SubdomainErrors(name)) out.push({ path: `${at}.name`, problem: e, got: name, fix: 'name the ConfigMap or Secret: lowercase letters, digits, "-" and "."' });
  const key = typeof ref.key === 'string' ? ref.key : '';
  if (key === '') out.push({ path: `${at}.key`, problem: 'is required', fix: 'set the key to read' });
  else for (const e of configKeyErrors(key)) out.push({ path: `${at}.key`, problem: e, got: key, fix: "use a key of letters, digits, '-', '_' and '.'" });
}

/** `validateFileKeySelector`. */
function fileKeyRefFindings(ref: Record<string, any>, at: string, out: Finding[]): void {
  if (!str(ref.key)) out.push({ path: `${at}.key`, problem: 'is required' });
  else for (const e of envVarNameErrors(ref.key, true)) out.push({ path: `${at}.key`, problem: e, got: ref.key });
  if (!str(ref.volumeName)) out.push({ path: `${at}.volumeName`, problem: 'is required' });
  else for (const e of dns1123LabelErrors(ref.volumeName)) out.push({ path: `${at}.volumeName`, problem: e, got: ref.volumeName });
  if (!str(ref.path)) out.push({ path: `${at}.path`, problem: 'is required' });
  else if (ref.path.split('/').includes('..')) out.push({ path: `${at}.path`, problem: "must not contain '..'", got: ref.path });
}

type SourceCheck = (ref: Record<string, any>, at: string, out: Finding[]) => void;

const SOURCES: ReadonlyArray<[string, SourceCheck]> = [
  ['fieldRef', fieldRefFindings],
  ['resourceFieldRef', resourceFieldRefFindings],
  ['configMapKeyRef', keyRefFindings],
  ['secretKeyRef', keyRefFindings],
  ['fileKeyRef', fileKeyRefFindings],
];

/** `validateEnvVarValueFrom`: the findings for one variable's `valueFrom` at `at`. */
function valueFromFindings(ctx: RuleContext, e: Record<string, any>, at: string, out: Finding[]): void {
  const from = e.valueFrom;
  if (!isObject(from)) return;
  // fileKeyRef is dropped where EnvFiles is off (alpha in 1.34).
  const fileKeys = atLeast(ctx, 35);
  let count = 0;
  for (const [key, check] of SOURCES) {
    if (!isObject(from[key]) || (key === 'fileKeyRef' && !fileKeys)) continue;
    count++;
    check(from[key], `${at}.${key}`, out);
  }
  const names = fileKeys ? 'fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef' : 'fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef';
  if (count === 0) out.push({ path: at, problem: `must specify one of ${names}`, got: from, fix: `set exactly one of ${names}` });
  else if (str(e.value)) out.push({ path: at, problem: 'may not be specified when `value` is not empty', got: e.value, fix: 'set either value or valueFrom, not both' });
  else if (count > 1) out.push({ path: at, problem: 'may not have more than one source specified at a time', fix: `keep one of ${names}` });
}

/** The findings of a container's environment: names (`EnvVarNameInvalid`) and sources (`EnvVarSourceInvalid`). */
export interface EnvFindings {
  readonly names: Finding[];
  readonly sources: Finding[];
}

/** `ValidateEnv` and `ValidateEnvFrom` for one container. */
export function envFindings(ctx: RuleContext, { c, list, i }: ContainerAt): EnvFindings {
  const relaxed = atLeast(ctx, 32);
  const names: Finding[] = [];
  const sources: Finding[] = [];
  items(c.env).forEach((e, j) => {
    const at = podAt(ctx, list, i, 'env', j);
    if (!str(e.name)) names.push({ path: `${at}.name`, problem: 'is required' });
    else for (const m of envVarNameErrors(e.name, relaxed)) names.push({ path: `${at}.name`, problem: m, got: e.name });
    valueFromFindings(ctx, e, `${at}.valueFrom`, sources);
  });
  items(c.envFrom).forEach((e, j) => {
    const at = podAt(ctx, list, i, 'envFrom', j);
    if (str(e.prefix)) for (const m of envVarNameErrors(e.prefix, relaxed)) names.push({ path: `${at}.prefix`, problem: m, got: e.prefix });
    envFromSourceFindings(e, at, sources);
  });
  return { names, sources };
}

/** The ConfigMap or Secret an envFrom entry reads: exactly one, with a valid name (a trailing '-' allowed, as for a prefix). */
function envFromSourceFindings(e: Record<string, any>, at: string, out: Finding[]): void {
  let count = 0;
  for (const key of ['configMapRef', 'secretRef']) {
    const ref = e[key];
    if (!isObject(ref)) continue;
    count++;
    if (!str(ref.name)) out.push({ path: `${at}.${key}.name`, problem: 'is required' });
    else for (const m of dns1123SubdomainErrors(ref.name.endsWith('-') ? `${ref.name.slice(0, -1)}a` : ref.name)) out.push({ path: `${at}.${key}.name`, problem: m, got: ref.name });
  }
  // The server reports these at the envFrom list, without the entry's index.
  const list = at.slice(0, at.lastIndexOf('['));
  if (count === 0) out.push({ path: list, problem: 'must specify one of configMapRef or secretRef', fix: 'set configMapRef or secretRef in every envFrom entry' });
  else if (count > 1) out.push({ path: list, problem: 'may not have more than one field specified at a time', fix: 'split the entry into one for the ConfigMap and one for the Secret' });
}
