/**
 * The machine-readable report:
 * `{ objects, violations: [{ file, kind, name, namespace, kubernetesVersion, code, severity, path, message, fix }] }`.
 */
import { asciiSafeJson } from './printable.ts';
import type { CheckReport } from './types.ts';

export interface JsonViolation {
  readonly file: string;
  readonly kind: string;
  readonly name: string | null;
  readonly namespace: string | null;
  /** The Kubernetes version the object was checked for. */
  readonly kubernetesVersion: string;
  readonly code: string;
  readonly severity: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export interface JsonReport {
  readonly objects: number;
  readonly violations: JsonViolation[];
}

export function toJsonReport(report: CheckReport): JsonReport {
  const violations = report.results.flatMap((r) =>
    r.violations.map((v) => ({
      file: r.source.file,
      kind: r.kind,
      name: r.name,
      namespace: r.namespace,
      kubernetesVersion: r.kubernetesVersion,
      code: v.code,
      severity: v.severity,
      path: v.path,
      message: v.message,
      fix: v.fix,
    })),
  );
  return { objects: report.objects, violations };
}

export function formatJson(report: CheckReport): string {
  return `${asciiSafeJson(JSON.stringify(toJsonReport(report), null, 2))}\n`;
}
