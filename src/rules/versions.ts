import { KubeVersion } from './types';

/** Kubernetes minor versions the rules are written for, oldest first. */
export const SUPPORTED_VERSIONS: readonly string[] = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37'];

/** The version used when none is given: the one cdk8s-plus-28 targets. */
export const DEFAULT_KUBERNETES_VERSION = '1.28';

/** Thrown for a version string the engine cannot use (an argument error, not a violation). */
export class UnsupportedVersionError extends Error {
  constructor(readonly received: string) {
    super(
      `kubernetesVersion must be one of ${SUPPORTED_VERSIONS.join(', ')} (got ${JSON.stringify(received)}); ` +
        'pass a supported minor version such as "1.31"',
    );
    this.name = 'UnsupportedVersionError';
  }
}

/** Parses `"1.31"`, `"v1.31"` or `"v1.31.4"` (a patch part is ignored). Throws `UnsupportedVersionError`. */
export function parseVersion(text: string): KubeVersion {
  const cached = typeof text === 'string' ? parsed.get(text) : undefined;
  if (cached) return cached;
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(String(text).trim());
  if (!m) throw new UnsupportedVersionError(text);
  const version = { major: Number(m[1]), minor: Number(m[2]) };
  if (!SUPPORTED_VERSIONS.includes(formatVersion(version))) throw new UnsupportedVersionError(text);
  if (parsed.size < 100) parsed.set(text, version);
  return version;
}

/** Versions parsed so far (the same few strings arrive for every object). */
const parsed = new Map<string, KubeVersion>();

/** `{1, 31}` → `"1.31"`. */
export function formatVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}`;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is within `[since, until]` (both optional, inclusive). */
export function versionInRange(v: KubeVersion, since?: string, until?: string): boolean {
  if (since && compareVersions(v, parseLoose(since)) < 0) return false;
  if (until && compareVersions(v, parseLoose(until)) > 0) return false;
  return true;
}

const looseCache = new Map<string, KubeVersion>();

function parseLoose(text: string): KubeVersion {
  let v = looseCache.get(text);
  if (!v) {
    const [major, minor] = text.split('.').map(Number);
    v = { major, minor };
    looseCache.set(text, v);
  }
  return v;
}
