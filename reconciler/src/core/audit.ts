/**
 * Audit: the shared rules on a live Job or CronJob, and one Warning Event per violation.
 * Warnings get Warning Events too: an Event is the only place a user of `kubectl describe` sees a
 * hygiene problem on a live object, and Normal Events are kept for what the reconciler did.
 */
import {
  KUBERNETES_VERSION_ANNOTATION,
  SUPPORTED_VERSIONS,
  UnsupportedVersionError,
  formatViolation,
  parseVersion,
  recordedKubernetesVersion,
  validate,
} from 'cdk8s-batch/rules';
import type { Violation } from 'cdk8s-batch/rules';
import { KUBERNETES_VERSION_MISMATCH, RULES_ENGINE_FAILED, clusterFinding } from './findings.ts';
import type { EventAction, KubeObject, ObjectRef } from './types.ts';

/** The Event `action` of audit Events. */
export const AUDIT_ACTION = 'Audit';

/**
 * The Kubernetes version the rules run for: the cluster's own when the rules support it, else the
 * nearest supported one (the newest for a newer cluster, the oldest for an older one).
 */
export function rulesVersion(clusterVersion: string): string {
  try {
    parseVersion(clusterVersion);
    return clusterVersion;
  } catch (err) {
    if (!(err instanceof UnsupportedVersionError)) throw err;
  }
  const m = /^v?(\d+)\.(\d+)/.exec(String(clusterVersion).trim());
  const oldest = SUPPORTED_VERSIONS[0];
  const newest = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
  if (!m) return newest;
  const wanted = Number(m[1]) * 1000 + Number(m[2]);
  const [major, minor] = oldest.split('.').map(Number);
  return wanted < major * 1000 + minor ? oldest : newest;
}

/**
 * The one line to log when the rules run for another version than the cluster's (a cluster newer
 * than the newest version the rules know runs with the newest rules), else `undefined`.
 */
export function rulesVersionNotice(clusterVersion: string): string | undefined {
  const used = rulesVersion(clusterVersion);
  if (used === clusterVersion) return undefined;
  const newest = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
  const why = used === newest ? `newer than the newest version the rules know (${newest})` : `not a version the rules know (${SUPPORTED_VERSIONS.join(', ')})`;
  return `the cluster runs Kubernetes ${clusterVersion}, ${why}: auditing with the Kubernetes ${used} rules`;
}

/** What the audit found: rule violations, or a finding when the engine failed on the object. */
export interface AuditResult {
  readonly violations: readonly Violation[];
  readonly findings: readonly Violation[];
}

/**
 * `KubernetesVersionMismatch` when `object` records (`batch.cdk8s.io/kubernetes-version`) another
 * minor version than the cluster's own (`major.minor`, before any clamping to the supported range).
 */
export function versionMismatch(object: KubeObject, clusterVersion: string): Violation[] {
  const recorded = recordedKubernetesVersion(object);
  const cluster = /^v?(\d+)\.(\d+)/.exec(String(clusterVersion).trim());
  if (recorded.kind !== 'supported' || !cluster) return [];
  const running = `${Number(cluster[1])}.${Number(cluster[2])}`;
  if (recorded.version === running) return [];
  return [
    clusterFinding(KUBERNETES_VERSION_MISMATCH, {
      path: `metadata.annotations[${KUBERNETES_VERSION_ANNOTATION}]`,
      problem: `records that the object was validated for Kubernetes ${recorded.version}, but the cluster runs ${running}`,
      got: JSON.stringify(recorded.version),
      fix: `set BatchSettings.setKubernetesVersion to "${running}", synthesize and check again, then redeploy`,
    }),
  ];
}

/**
 * Runs the shared rules on `object` for the cluster's version. Never throws. On a cluster newer
 * than the rules know, a field of the live object that the rules' schema lacks is the cluster's
 * newer schema, not a mistake: `FieldUnknown` is not reported then.
 */
export function audit(object: KubeObject, clusterVersion: string): AuditResult {
  try {
    // The rules themselves spare the Jobs a CronJob controls the missing-TTL warning (history limits clean up).
    const version = rulesVersion(clusterVersion);
    const found = validate(object, { kubernetesVersion: version });
    const violations = version === clusterVersion ? found : found.filter((v) => v.code !== 'FieldUnknown');
    return { violations, findings: versionMismatch(object, clusterVersion) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      violations: [],
      findings: [clusterFinding(RULES_ENGINE_FAILED, { path: 'metadata.name', problem: 'could not be audited', got: message })],
    };
  }
}

/** One Warning Event per violation or finding: reason = code, note = the formatted violation. */
export function warningEvents(regarding: ObjectRef, violations: readonly Violation[], action = AUDIT_ACTION): EventAction[] {
  return violations.map((v) => ({
    type: 'event',
    regarding,
    eventType: 'Warning',
    reason: v.code,
    action,
    note: formatViolation(v),
  }));
}
