/**
 * The fields of the volume sources Job pod templates use (`validateVolumeSource` and the
 * per-source validators in pkg/apis/core/validation/validation.go): emptyDir, hostPath, secret,
 * configMap, persistentVolumeClaim and projected. The server validates only a volume's first
 * source (a second one is reported as such), so this is called for that one.
 */
import { isObject } from './json';
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

/** The findings of a volume's (first) source `key` with value `src`, at `at` (the source's path). */
export function volumeSourceFindings(key: string, src: unknown, at: string, env: VolumeEnv): Finding[] {
  const check = CHECKS[key];
  if (!check) return [];
  const out: Finding[] = [];
  check(isObject(src) ? src : {}, at, out, env);
  return out;
}
