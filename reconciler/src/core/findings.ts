/**
 * Cluster-context findings: problems only a live cluster shows (time, pods, nodes, quotas), in the
 * same `Violation` shape as the rules so that Events, metrics and reports treat both alike. Codes
 * are UpperCamelCase, stable forever, and are also the Event `reason`. The table itself lives
 * with the rules (`cdk8s-batch/rules`), which generate `docs/rules.md` from it.
 */
import {
  ADMISSION_GATE_HELD,
  CLUSTER_FINDINGS,
  CRONJOB_NOT_SCHEDULING,
  FINISHED_JOB_EXPIRED,
  JOB_STUCK,
  KUBERNETES_VERSION_MISMATCH,
  ORPHANED_POD,
  RULES_ENGINE_FAILED,
  type ClusterFinding,
  type Violation,
} from 'cdk8s-batch/rules';

export {
  ADMISSION_GATE_HELD,
  CLUSTER_FINDINGS,
  CRONJOB_NOT_SCHEDULING,
  FINISHED_JOB_EXPIRED,
  JOB_STUCK,
  KUBERNETES_VERSION_MISMATCH,
  ORPHANED_POD,
  RULES_ENGINE_FAILED,
};
export type { ClusterFinding };

const BY_CODE = new Map(CLUSTER_FINDINGS.map((f) => [f.code, f]));

/** What a finding says about one object. */
export interface FindingDetail {
  /** Dotted path of the field the finding is about. */
  readonly path: string;
  /** What is wrong, without the path and the value. */
  readonly problem: string;
  /** The value received, rendered as `(got <value>)`; omitted when there is none. */
  readonly got?: string;
  /** A more specific fix than the table's. */
  readonly fix?: string;
}

/** Builds the `Violation` of cluster finding `code` (which must be in `CLUSTER_FINDINGS`). */
export function clusterFinding(code: string, detail: FindingDetail): Violation {
  const row = BY_CODE.get(code);
  if (!row) throw new Error(`unknown cluster finding code ${JSON.stringify(code)}`);
  const got = detail.got === undefined ? '' : ` (got ${detail.got})`;
  return {
    code,
    severity: row.severity,
    path: detail.path,
    message: `${detail.path} ${detail.problem}${got}`,
    fix: detail.fix ?? row.fix,
  };
}
