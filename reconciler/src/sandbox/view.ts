/**
 * The sandbox's live display. On a terminal it redraws one progress line per Job in place;
 * elsewhere it prints a plain line whenever a Job changes state. Events (the reconciler's,
 * and the simulated controllers' main transitions) are printed as they happen, stamped with
 * simulated time.
 */
import type { Writable } from 'node:stream';
import type { KubeObject } from '../core/types.ts';
import { REPORTING_CONTROLLER } from '../runtime/actuator.ts';
import { formatDuration, isFinished, jobRow, renderJobLine, type JobRow } from './progress.ts';

/** Simulated-controller Event reasons worth showing (the rest is noise for a newcomer). */
const SIM_REASONS = new Set([
  'Completed',
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'PodFailurePolicy',
  'FailedIndexes',
  'MaxFailedIndexesExceeded',
  'SuccessCriteriaMet',
  'SuccessfulCreate',
  'TooManyMissedTimes',
  'SawCompletedJob',
  'Suspended',
  'Resumed',
]);

export interface ViewOptions {
  readonly out: Writable;
  readonly tty: boolean;
  /** Simulated time the run started at, for `+1m30s` stamps. */
  readonly start: number;
}

/** What an Event line needs. */
export interface EventLine {
  readonly at: number;
  readonly type: string;
  readonly reason: string;
  readonly regarding: string;
  readonly note: string;
  readonly fromReconciler: boolean;
}

/** Reads an events.k8s.io/v1 (or core/v1) Event into a line, or undefined when it is not worth showing. */
export function eventLine(event: KubeObject, fallbackAt: number): EventLine | undefined {
  const reason = String(event.reason ?? '');
  const fromReconciler = reportingController(event) === REPORTING_CONTROLLER;
  if (!fromReconciler && !SIM_REASONS.has(reason)) return undefined;
  return {
    at: eventTime(event) ?? fallbackAt,
    type: String(event.type ?? 'Normal'),
    reason,
    regarding: regardingOf(event),
    note: String(event.note ?? event.message ?? ''),
    fromReconciler,
  };
}

function reportingController(event: KubeObject): string {
  const source = event.source as { component?: string } | undefined;
  // events.k8s.io/v1 names it reportingController, core/v1 reportingComponent; legacy events only have a source.
  return String(event.reportingController || event.reportingComponent || source?.component || '');
}

function eventTime(event: KubeObject): number | undefined {
  const time = Date.parse(String(event.eventTime ?? event.lastTimestamp ?? ''));
  return Number.isFinite(time) ? time : undefined;
}

function regardingOf(event: KubeObject): string {
  const regarding = (event.regarding ?? event.involvedObject ?? {}) as { kind?: string; name?: string };
  return `${(regarding.kind ?? '').toLowerCase()}/${regarding.name ?? ''}`;
}

export class SandboxView {
  private readonly rows = new Map<string, JobRow>();
  private drawnLines = 0;
  private redrawPending = false;

  constructor(private readonly options: ViewOptions) {}

  /** Every Job row seen, in creation order. */
  jobRows(): JobRow[] {
    return [...this.rows.values()];
  }

  /** Prints a line above the live block. */
  print(text: string): void {
    this.clearBlock();
    this.options.out.write(`${text}\n`);
    this.scheduleRedraw();
  }

  /** A Job was added or changed. */
  updateJob(job: KubeObject, now: number): void {
    const row = jobRow(job);
    const previous = this.rows.get(row.key);
    this.rows.set(row.key, row);
    if (this.options.tty) this.scheduleRedraw();
    else if (!previous || previous.phase !== row.phase) this.print(this.stampAt(now, `job/${row.name} ${describePhase(row)}`));
  }

  /** An Event was recorded. */
  event(event: KubeObject, now: number): void {
    const line = eventLine(event, now);
    if (!line) return;
    const who = line.fromReconciler ? 'reconciler' : 'cluster   ';
    this.print(this.stampAt(line.at, `${who} ${line.type.padEnd(7)} ${line.reason} ${line.regarding}: ${line.note}`));
  }

  /** Draws the final state of the live block and leaves it on screen. */
  finish(): void {
    if (this.options.tty) this.redraw();
    this.drawnLines = 0;
  }

  private stampAt(at: number, text: string): string {
    return `[+${formatDuration(Math.max(0, at - this.options.start)).padStart(6)}] ${text}`;
  }

  private scheduleRedraw(): void {
    if (!this.options.tty || this.redrawPending) return;
    this.redrawPending = true;
    setImmediate(() => {
      this.redrawPending = false;
      this.redraw();
    });
  }

  private redraw(): void {
    this.clearBlock();
    const rows = this.jobRows();
    const nameWidth = Math.max(8, ...rows.map((r) => r.name.length));
    const lines = rows.map((r) => renderJobLine(r, { tty: true, nameWidth }));
    if (lines.length > 0) this.options.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private clearBlock(): void {
    if (!this.options.tty || this.drawnLines === 0) return;
    this.options.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }
}

function describePhase(row: JobRow): string {
  if (!isFinished(row)) return row.phase.toLowerCase();
  const reason = row.reason ? ` (${row.reason})` : '';
  return `${row.phase.toLowerCase()}${reason}: ${row.succeeded} succeeded, ${row.failed} failed pods`;
}
