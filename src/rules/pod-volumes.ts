/**
 * The fields of the volume sources Job pod templates use (`validateVolumeSource` and the
 * per-source validators in pkg/apis/core/validation/validation.go): emptyDir, hostPath, secret,
 * configMap, persistentVolumeClaim, downwardAPI, nfs, csi, ephemeral and projected. The server validates only a volume's first
 * source (a second one is reported as such), so this is called for that one.
 */
import { dns1123SubdomainErrors, labelSelectorProblems } from './job-validators';
import { isObject } from './json';
import { VOLUME_FIELD_PATHS, fieldRefFindings, resourceFieldRefFindings } from './pod-env';
import { items, str } from './pod-kit';
import { parseQuantity } from './quantity';
import { Finding } from './types';

const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];

/** `validatePathNoBacksteps`. */
function backstepErrors(p: string): string[] {
  return p.split('/').includes('..') ? ["must not contain '..'"] : [];
}

/** `ValidateLocalNonReservedPath`: relative, no `..` element, not starting with `..`. */
export function localPathErrors(p: string): string[] {
  const out: string[] = [];
  if (p.startsWith('/')) out.push('must be a relative path');
  out.push(...backstepErrors(p));
  if (p.startsWith('..') && !p.startsWith('../')) out.push("must not start with '..'");
  return out;
}

function modeFinding(mode: unknown, at: string, out: Finding[]): void {
  if (typeof mode === 'number' && (mode < 0 || mode > 0o777)) out.push({ path: at, problem: FILE_MODE, got: mode, fix: 'use a file mode such as 0644 (420 in decimal)' });
}

/** `validateKeyToPath`. */
function keyToPathFindings(list: unknown, at: string, out: Finding[]): void {
  items(list).forEach((kp, i) => {
    const here = `${at}.items[${i}]`;
    if (!str(kp.key)) out.push({ path: `${here}.key`, problem: 'is required' });
    const p = typeof kp.path === 'string' ? kp.path : '';
    if (p === '') out.push({ path: `${here}.path`, problem: 'is required' });
    for (const e of localPathErrors(p)) out.push({ path: `${here}.path`, problem: e, got: p });
    modeFinding(kp.mode, `${here}.mode`, out);
  });
}

/** Version facts the source checks need. */
interface VolumeEnv {
  /** A projected token's path must be a local relative path (from 1.30). */
  readonly localTokenPath: boolean;
}

type SourceCheck = (src: Record<string, any>, at: string, out: Finding[], env: VolumeEnv) => void;

const CHECKS: Readonly<Record<string, SourceCheck>> = {
  emptyDir: (src, at, out) => {
    const q = parseQuantity(src.sizeLimit);
    if (q && q.mantissa < 0n) out.push({ path: `${at}.sizeLimit`, problem: 'must be a valid resource quantity (not negative)', got: src.sizeLimit });
  },
  hostPath: (src, at, out) => {
    const p = typeof src.path === 'string' ? src.path : '';
    if (p === '') {
      out.push({ path: `${at}.path`, problem: 'is required', fix: 'set the path on the node' });
      return;
    }
    for (const e of backstepErrors(p)) out.push({ path: `${at}.path`, problem: e, got: p });
    if (typeof src.type === 'string' && !HOST_PATH_TYPES.includes(src.type)) {
      out.push({ path: `${at}.type`, problem: `must be one of ${HOST_PATH_TYPES.map((t) => `"${t}"`).join(', ')}`, got: src.type });
    }
  },
  secret: (src, at, out) => {
    if (!str(src.secretName)) out.push({ path: `${at}.secretName`, problem: 'is required', fix: 'name the Secret to mount' });
    modeFinding(src.defaultMode, `${at}.defaultMode`, out);
    keyToPathFindings(src.items, at, out);
  },
  configMap: (src, at, out) => {
    if (!str(src.name)) out.push({ path: `${at}.name`, problem: 'is required', fix: 'name the ConfigMap to mount' });
    modeFinding(src.defaultMode, `${at}.defaultMode`, out);
    keyToPathFindings(src.items, at, out);
  },
  persistentVolumeClaim: (src, at, out) => {
    if (!str(src.claimName)) out.push({ path: `${at}.claimName`, problem: 'is required', fix: 'name the PersistentVolumeClaim to mount' });
  },
  downwardAPI: (src, at, out) => {
    modeFinding(src.defaultMode, `${at}.defaultMode`, out);
    // The server reports every item's problems at the source's path, without `items[i]`.
    for (const file of items(src.items)) downwardFileFindings(file, at, out);
  },
  nfs: (src, at, out) => {
    if (!str(src.server)) out.push({ path: `${at}.server`, problem: 'is required' });
    const p = typeof src.path === 'string' ? src.path : '';
    if (p === '') out.push({ path: `${at}.path`, problem: 'is required' });
    if (!p.startsWith('/')) out.push({ path: `${at}.path`, problem: 'must be an absolute path', got: p });
  },
  csi: (src, at, out) => {
    const driver = typeof src.driver === 'string' ? src.driver : '';
    if (driver === '') {
      out.push({ path: `${at}.driver`, problem: 'is required', fix: 'name the CSI driver, e.g. ebs.csi.aws.com' });
      return;
    }
    if (driver.length > 63) out.push({ path: `${at}.driver`, problem: 'must be no more than 63 characters', got: driver });
    for (const e of dns1123SubdomainErrors(driver.toLowerCase())) out.push({ path: `${at}.driver`, problem: e, got: driver });
  },
  ephemeral: (src, at, out) => {
    if (!isObject(src.volumeClaimTemplate)) out.push({ path: `${at}.volumeClaimTemplate`, problem: 'is required', fix: 'add a volumeClaimTemplate with accessModes and resources.requests.storage' });
    else claimSpecFindings(isObject(src.volumeClaimTemplate.spec) ? src.volumeClaimTemplate.spec : {}, `${at}.volumeClaimTemplate.spec`, out);
  },
  projected: (src, at, out, env) => {
    modeFinding(src.defaultMode, `${at}.defaultMode`, out);
    items(src.sources).forEach((s, i) => projectionFindings(s, at, `${at}.sources[${i}]`, env.localTokenPath, out));
  },
};

/** One projected source; a service account token's path is reported at the projected volume's `path`, as the server does. */
function projectionFindings(s: Record<string, any>, at: string, srcAt: string, localTokenPath: boolean, out: Finding[]): void {
  for (const kind of ['secret', 'configMap'] as const) {
    const ref = s[kind];
    if (!isObject(ref)) continue;
    if (!str(ref.name)) out.push({ path: `${srcAt}.${kind}.name`, problem: 'is required' });
    keyToPathFindings(ref.items, `${srcAt}.${kind}`, out);
  }
  const token = s.serviceAccountToken;
  if (!isObject(token)) return;
  // expirationSeconds defaults to 3600 (SetDefaults_ServiceAccountTokenProjection).
  const exp = token.expirationSeconds;
  if (typeof exp === 'number' && exp < 600) out.push({ path: `${srcAt}.serviceAccountToken.expirationSeconds`, problem: 'may not specify a duration less than 10 minutes', got: exp });
  if (typeof exp === 'number' && exp > 2 ** 32) out.push({ path: `${srcAt}.serviceAccountToken.expirationSeconds`, problem: 'may not specify a duration larger than 2^32 seconds', got: exp });
  const p = typeof token.path === 'string' ? token.path : '';
  if (p === '') out.push({ path: `${at}.path`, problem: 'is required (serviceAccountToken.path)' });
  else if (localTokenPath) for (const e of localPathErrors(p)) out.push({ path: `${at}.path`, problem: e, got: p });
}

/** `validateDownwardAPIVolumeFile`, reported under `at` (the downwardAPI source). */
function downwardFileFindings(file: Record<string, any>, at: string, out: Finding[]): void {
  const p = typeof file.path === 'string' ? file.path : '';
  if (p === '') out.push({ path: `${at}.path`, problem: 'is required' });
  for (const e of localPathErrors(p)) out.push({ path: `${at}.path`, problem: e, got: p });
  if (isObject(file.fieldRef)) {
    fieldRefFindings(file.fieldRef, `${at}.fieldRef`, out, VOLUME_FIELD_PATHS);
    if (isObject(file.resourceFieldRef)) out.push({ path: at, problem: 'fieldRef and resourceFieldRef can not be specified simultaneously', fix: 'give each item one of fieldRef or resourceFieldRef' });
  } else if (isObject(file.resourceFieldRef)) {
    resourceFieldRefFindings(file.resourceFieldRef, `${at}.resourceFieldRef`, out, true);
  } else {
    out.push({ path: at, problem: 'needs one of fieldRef and resourceFieldRef in every item', fix: 'set fieldRef or resourceFieldRef' });
  }
  modeFinding(file.mode, `${at}.mode`, out);
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** `ValidatePersistentVolumeClaimSpec` for a generic ephemeral volume's claim template. */
function claimSpecFindings(spec: Record<string, any>, at: string, out: Finding[]): void {
  const modes: unknown[] = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) out.push({ path: `${at}.accessModes`, problem: 'needs at least 1 access mode', fix: 'set accessModes, e.g. [ReadWriteOnce]' });
  for (const m of modes) if (typeof m !== 'string' || !ACCESS_MODES.includes(m)) out.push({ path: `${at}.accessModes`, problem: `must be one of ${ACCESS_MODES.map((x) => `"${x}"`).join(', ')}`, got: m });
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m as string))) {
    out.push({ path: `${at}.accessModes`, problem: 'may not use ReadWriteOncePod with other access modes', got: modes });
  }
  for (const p of labelSelectorProblems(spec.selector)) out.push({ path: `${at}.selector.${p.path.map(String).join('.')}`, problem: p.problem, got: p.value });
  const requests = isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests : {};
  const storage = requests.storage;
  const q = parseQuantity(storage);
  // The server names it resources[storage].
  if (storage === undefined) out.push({ path: `${at}.resources[storage]`, problem: 'is required (resources.requests.storage)', fix: 'request the storage size, e.g. 1Gi' });
  else if (q && q.mantissa <= 0n) out.push({ path: `${at}.resources[storage]`, problem: 'must be greater than 0', got: storage });
  if (str(spec.storageClassName)) for (const e of dns1123SubdomainErrors(spec.storageClassName)) out.push({ path: `${at}.storageClassName`, problem: e, got: spec.storageClassName });
  if (typeof spec.volumeMode === 'string' && spec.volumeMode !== 'Block' && spec.volumeMode !== 'Filesystem') out.push({ path: `${at}.volumeMode`, problem: 'must be one of "Block", "Filesystem"', got: spec.volumeMode });
}

/** The findings of a volume's (first) source `key` with value `src`, at `at` (the source's path). */
export function volumeSourceFindings(key: string, src: unknown, at: string, env: VolumeEnv): Finding[] {
  const check = CHECKS[key];
  if (!check) return [];
  const out: Finding[] = [];
  check(isObject(src) ? src : {}, at, out, env);
  return out;
}
