/**
 * The Kubernetes version a manifest records in `batch.cdk8s.io/kubernetes-version`: how `check`,
 * the sandbox and the reconciler learn which version the constructs validated an object for.
 */
import { KUBERNETES_VERSION_ANNOTATION } from './annotations';
import { isObject } from './json';
import { SUPPORTED_VERSIONS } from './versions';

/** What an object records about its target version. */
export type RecordedVersion =
  /** No annotation. */
  | { readonly kind: 'none' }
  /** A supported minor version, normalised to `"1.31"`. */
  | { readonly kind: 'supported'; readonly version: string }
  /** An annotation that is not a supported minor version (`got` is the value as found). */
  | { readonly kind: 'unsupported'; readonly got: unknown };

const MINOR = /^v?(\d+)\.(\d+)(?:\.\d+)?$/;

/** The answer for an object without the annotation (nearly every one): shared, read-only. */
const NO_RECORD: RecordedVersion = Object.freeze({ kind: 'none' });

/** Reads `metadata.annotations["batch.cdk8s.io/kubernetes-version"]` of any object. Pure; never throws. */
export function recordedKubernetesVersion(manifest: unknown): RecordedVersion {
  const metadata = isObject(manifest) ? manifest.metadata : undefined;
  const annotations = isObject(metadata) ? metadata.annotations : undefined;
  if (!isObject(annotations) || !(KUBERNETES_VERSION_ANNOTATION in annotations)) return NO_RECORD;
  const got = annotations[KUBERNETES_VERSION_ANNOTATION];
  if (typeof got !== 'string') return { kind: 'unsupported', got };
  let recorded = readStrings.get(got);
  if (!recorded) {
    recorded = readString(got);
    // The same few values arrive on every object: keep a bounded number of them.
    if (readStrings.size >= 256) readStrings.clear();
    readStrings.set(got, recorded);
  }
  return recorded;
}

const readStrings = new Map<string, RecordedVersion>();

function readString(got: string): RecordedVersion {
  const m = MINOR.exec(got.trim());
  const version = m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
  return version !== undefined && SUPPORTED_VERSIONS.includes(version) ? { kind: 'supported', version } : { kind: 'unsupported', got };
}
