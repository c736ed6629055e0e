/**
 * The human-readable report: one block per object with violations (`file: Kind namespace/name`,
 * then a row per violation: severity, code, path, the message and the fix), then one summary
 * line. Colour only when asked for (the command enables it on a TTY). Everything taken from the
 * inputs is shown with its control characters escaped (`printable`).
 */
import { styleText } from 'node:util';
import type { Violation } from 'cdk8s-batch/rules';
import { printable } from './printable.ts';
import type { CheckReport, CheckedObject } from './types.ts';

export interface TextOptions {
  readonly colour: boolean;
}

type Style = Parameters<typeof styleText>[0];

export function formatText(report: CheckReport, options: TextOptions): string {
  // The command decides about colour (TTY, NO_COLOR); styleText must not second-guess it.
  const paint = (style: Style, text: string): string => (options.colour ? styleText(style, text, { validateStream: false }) : text);
  const blocks = report.results.filter((r) => r.violations.length > 0).map((r) => objectBlock(r, paint));
  return [...blocks, summaryLine(report)].join('\n\n') + '\n';
}

/** `N objects checked (J Jobs, C CronJobs, S skipped), E errors, W warnings, for Kubernetes 1.31`. */
export function summaryLine(report: CheckReport): string {
  const unusable = report.problems.length > 0 ? `; ${report.problems.length} unusable inputs (reported on stderr)` : '';
  return (
    `${report.objects} objects checked (${report.jobs} Jobs, ${report.cronJobs} CronJobs, ${report.skipped} skipped), ` +
    `${report.errors} errors, ${report.warnings} warnings${versionsText(report)}${unusable}`
  );
}

/** `, for Kubernetes 1.31`, or `, for Kubernetes 1.28 (2 objects) and 1.31 (1 object)` when objects record different versions. */
function versionsText(report: CheckReport): string {
  const versions = report.kubernetesVersions ?? [];
  if (versions.length === 0) return '';
  if (versions.length === 1) return `, for Kubernetes ${versions[0].version}`;
  const parts = versions.map((v) => `${v.version} (${v.count} ${v.count === 1 ? 'object' : 'objects'})`);
  return `, for Kubernetes ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** `Kind namespace/name`, or `Kind name` without a namespace. */
export function objectTitle(r: Pick<CheckedObject, 'kind' | 'name' | 'namespace'>): string {
  const name = r.name ?? '(unnamed)';
  return printable(`${r.kind} ${r.namespace ? `${r.namespace}/${name}` : name}`);
}

function objectBlock(r: CheckedObject, paint: (style: Style, text: string) => string): string {
  const codeWidth = Math.max(...r.violations.map((v) => printable(v.code).length));
  const rows = r.violations.map((v) => violationRows(v, codeWidth, paint));
  return [paint('bold', `${printable(r.source.file)}: ${objectTitle(r)}`), ...rows].join('\n');
}

function violationRows(v: Violation, codeWidth: number, paint: (style: Style, text: string) => string): string {
  const severity = paint(v.severity === 'error' ? 'red' : 'yellow', v.severity.padEnd(7));
  const indent = ' '.repeat(2 + 7 + 2);
  const problem = v.message.startsWith(`${v.path} `) ? v.message.slice(v.path.length + 1) : v.message;
  return [
    `  ${severity}  ${paint('bold', printable(v.code).padEnd(codeWidth))}  ${printable(v.path)}`,
    `${indent}${printable(problem)}`,
    `${indent}${paint('dim', `fix: ${printable(v.fix)}`)}`,
  ].join('\n');
}
