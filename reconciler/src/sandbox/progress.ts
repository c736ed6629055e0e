/**
 * What the sandbox shows about each Job: a row derived from the Job object alone (its
 * status as the simulated job controller writes it), rendered as a progress line on a
 * terminal, a plain line elsewhere, and a summary table at the end. Pure functions.
 */
import { PATTERN_ANNOTATION } from 'cdk8s-batch/rules';
import type { KubeObject } from '../core/types.ts';

export type JobPhase = 'Pending' | 'Running' | 'Suspended' | 'Complete' | 'Failed';

/** The progress of one Job. */
export interface JobRow {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** `batch.cdk8s.io/pattern` of the Job (or of the CronJob template it came from), else `Job`. */
  readonly pattern: string;
  /** The CronJob that created it, if any. */
  readonly cronJob?: string;
  /** Completions the Job needs; undefined for a work queue with a variable pod count. */
  readonly completions?: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly active: number;
  readonly phase: JobPhase;
  /** Reason of the finishing condition, e.g. `BackoffLimitExceeded`, `PodFailurePolicy`. */
  readonly reason?: string;
  /** Simulated milliseconds from start to finish, when finished. */
  readonly elapsedMs?: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Derives a Job's row from the object. */
export function jobRow(job: KubeObject): JobRow {
  const meta = job.metadata ?? {};
  const status = job.status ?? {};
  const finished = finishCondition(status.conditions);
  return {
    ...identityOf(meta),
    completions: typeof job.spec?.completions === 'number' ? job.spec.completions : undefined,
    succeeded: num(status.succeeded),
    failed: num(status.failed),
    active: num(status.active),
    phase: phaseOf(job, finished?.type),
    reason: finished?.reason,
    elapsedMs: elapsed(status.startTime, finished?.lastTransitionTime ?? status.completionTime),
  };
}

function identityOf(meta: NonNullable<KubeObject['metadata']>): Pick<JobRow, 'key' | 'namespace' | 'name' | 'pattern' | 'cronJob'> {
  const namespace = meta.namespace ?? 'default';
  const name = meta.name ?? '';
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    pattern: meta.annotations?.[PATTERN_ANNOTATION] ?? 'Job',
    cronJob: meta.ownerReferences?.find((o) => o.kind === 'CronJob')?.name,
  };
}

function finishCondition(conditions: unknown): { type: string; reason?: string; lastTransitionTime?: string } | undefined {
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c) => (c?.type === 'Complete' || c?.type === 'Failed') && c?.status === 'True');
}

function phaseOf(job: KubeObject, finishedType: string | undefined): JobPhase {
  if (finishedType === 'Complete') return 'Complete';
  if (finishedType === 'Failed') return 'Failed';
  if (job.spec?.suspend === true) return 'Suspended';
  return job.status?.startTime ? 'Running' : 'Pending';
}

function elapsed(start: unknown, end: unknown): number | undefined {
  if (typeof start !== 'string' || typeof end !== 'string') return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** True once the Job can make no more progress. */
export function isFinished(row: JobRow): boolean {
  return row.phase === 'Complete' || row.phase === 'Failed';
}

/** `[██████░░░░]`: succeeded share of the completions (of the pods seen, for a work queue). */
export function bar(row: JobRow, width = 20): string {
  const total = row.completions ?? Math.max(1, row.succeeded + row.active);
  const share = row.phase === 'Complete' ? 1 : Math.min(1, row.succeeded / Math.max(1, total));
  const filled = Math.round(share * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** `3/8` or `3/?` (work queue). */
export function counts(row: JobRow): string {
  return `${row.succeeded}/${row.completions ?? '?'}`;
}

/** One line about a Job, with a bar on a terminal and without elsewhere. */
export function renderJobLine(row: JobRow, opts: { tty: boolean; nameWidth: number }): string {
  const name = row.name.padEnd(opts.nameWidth);
  const pattern = row.pattern.padEnd(12);
  const state = row.reason && isFinished(row) ? `${row.phase} (${row.reason})` : row.phase;
  const pods = `succeeded ${counts(row)}  active ${row.active}  failed ${row.failed}`;
  return opts.tty ? `${name}  ${pattern} ${bar(row)} ${pods}  ${state}` : `${name}  ${pattern} ${pods}  ${state}`;
}

/** Formats simulated milliseconds as `45s`, `3m10s`, `2h05m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A fixed-width text table. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The final summary: one row per Job. */
export function renderSummary(rows: readonly JobRow[]): string {
  const body = rows.map((r) => [
    r.name,
    r.pattern,
    r.cronJob ?? '',
    r.phase,
    r.reason || (isFinished(r) ? '-' : ''), // a Complete condition has no reason before Kubernetes 1.31
    counts(r),
    String(r.failed),
    formatDuration(r.elapsedMs),
  ]);
  return table(['JOB', 'PATTERN', 'CRONJOB', 'RESULT', 'REASON', 'SUCCEEDED', 'FAILED PODS', 'SIM TIME'], body);
}
