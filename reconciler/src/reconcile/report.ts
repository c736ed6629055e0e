/**
 * The `reconcile --once` report: the same JSON shape as `check --format json` (with `file` =
 * `cluster`) plus the actions taken, or a readable table grouped by object.
 */
import type { ActionResult } from '../runtime/actuator.ts';
import { describeAction, type OnceReport } from '../runtime/controller.ts';
import { printable } from '../check/printable.ts';

export interface ClusterViolation {
  readonly file: 'cluster';
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly code: string;
  readonly severity: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export interface ActionEntry {
  readonly type: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  readonly outcome: string;
  readonly error?: string;
}

export interface JsonClusterReport {
  readonly objects: number;
  readonly violations: ClusterViolation[];
  readonly actions: ActionEntry[];
  readonly errors?: string[];
}

function actionEntry(result: ActionResult): ActionEntry {
  const a = result.action;
  const base = { type: a.type, outcome: result.outcome, ...(result.error ? { error: result.error.message } : {}) };
  switch (a.type) {
    case 'event':
      return { ...base, kind: a.regarding.kind, namespace: a.regarding.namespace, name: a.regarding.name, reason: a.reason };
    case 'patch':
      return { ...base, kind: a.target.kind, namespace: a.target.namespace, name: a.target.name, reason: a.reasons.join(',') };
    case 'delete':
      return { ...base, kind: a.target.kind, namespace: a.target.namespace, name: a.target.name, reason: a.reason };
    case 'create': {
      const meta = a.manifest.metadata ?? {};
      return { ...base, kind: a.manifest.kind ?? 'Job', namespace: meta.namespace ?? '', name: meta.name ?? '', reason: a.reason };
    }
  }
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1 };

export function toJsonClusterReport(report: OnceReport): JsonClusterReport {
  const violations = report.reports
    .flatMap((r) =>
      r.violations.map((v) => ({
        file: 'cluster' as const,
        kind: r.ref.kind,
        name: r.ref.name,
        namespace: r.ref.namespace,
        code: v.code,
        severity: v.severity,
        path: v.path,
        message: v.message,
        fix: v.fix,
      })),
    )
    .sort((a, b) => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const json: JsonClusterReport = { objects: report.objects, violations, actions: report.actions.map(actionEntry) };
  return report.errors.length > 0 ? { ...json, errors: [...report.errors] } : json;
}

export function formatJsonClusterReport(report: OnceReport): string {
  return `${JSON.stringify(toJsonClusterReport(report), null, 2)}\n`;
}

/** Counts of error and warning violations. */
export function severityCounts(report: OnceReport): { errors: number; warnings: number } {
  const all = report.reports.flatMap((r) => r.violations);
  return { errors: all.filter((v) => v.severity === 'error').length, warnings: all.filter((v) => v.severity === 'warning').length };
}

function objectBlock(json: JsonClusterReport, key: string): string {
  const rows = json.violations.filter((v) => `${v.kind} ${v.namespace}/${v.name}` === key);
  const width = Math.max(...rows.map((v) => v.code.length));
  const lines = rows.map((v) => {
    const problem = v.message.startsWith(`${v.path} `) ? v.message.slice(v.path.length + 1) : v.message;
    return `  ${v.severity.padEnd(7)}  ${v.code.padEnd(width)}  ${printable(v.path)}\n             ${printable(problem)}\n             fix: ${printable(v.fix)}`;
  });
  return [`cluster: ${printable(key)}`, ...lines].join('\n');
}

/** Blocks per object with violations, the actions taken, and a summary line. */
export function formatTextClusterReport(report: OnceReport, dryRun: boolean): string {
  const json = toJsonClusterReport(report);
  const keys = [...new Set(json.violations.map((v) => `${v.kind} ${v.namespace}/${v.name}`))];
  const blocks = keys.map((k) => objectBlock(json, k));
  if (report.actions.length > 0) {
    const suffix = dryRun ? ' (server-side dry run)' : '';
    blocks.push([`actions${suffix}:`, ...report.actions.map((a) => `  ${a.outcome.padEnd(12)}  ${printable(describeAction(a))}`)].join('\n'));
  }
  if (report.errors.length > 0) blocks.push(['could not reconcile:', ...report.errors.map((e) => `  ${printable(e)}`)].join('\n'));
  const { errors, warnings } = severityCounts(report);
  blocks.push(`${report.objects} objects checked in the cluster, ${errors} errors, ${warnings} warnings, ${report.actions.length} actions`);
  return `${blocks.join('\n\n')}\n`;
}
