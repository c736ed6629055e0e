/**
 * Audit: the shared rules on a live Job or CronJob, and one Warning Event per violation.
 * Warnings get Warning Events too: an Event is the only place a user of `kubectl describe` sees a
 * hygiene problem on a live object, and Normal Events are kept for what the reconciler did.
 */
import { SUPPORTED_VERSIONS, UnsupportedVersionError, formatViolation, parseVersion, validate } from 'cdk8s-batch/rules';
import type { Violation } from 'cdk8s-batch/rules';
import { RULES_ENGINE_FAILED, clusterFinding } from './findings.ts';
import { isOwnedByCronJob } from './kube.ts';
import type { EventAction, KubeObject, ObjectRef } from './types.ts';

/** The Event `action` of audit Events. */
export const AUDIT_ACTION = 'Audit';

/**
 * Rule codes not reported on Jobs a CronJob controls: the CronJob's history limits delete them,
 * which is why the rules skip the same check inside a CronJob's job template.
 */
export const HISTORY_LIMITED_CODES: readonly string[] = ['TtlSecondsAfterFinishedMissing'];

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

/** What the audit found: rule violations, or a finding when the engine failed on the object. */
export interface AuditResult {
  readonly violations: readonly Violation[];
  readonly findings: readonly Violation[];
}

/** Runs the shared rules on `object` for the cluster's version. Never throws. */
export function audit(object: KubeObject, clusterVersion: string): AuditResult {
  try {
    const violations = validate(object, { kubernetesVersion: rulesVersion(clusterVersion) });
    const historyLimited = isOwnedByCronJob(object);
    return { violations: violations.filter((v) => !historyLimited || !HISTORY_LIMITED_CODES.includes(v.code)), findings: [] };
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
