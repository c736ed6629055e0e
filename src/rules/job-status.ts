/**
 * Job status rules (section 4 of the batch rules research, R104–R130): what the API server
 * checks when a client writes `/status`, as the built-in Job controller or an external one
 * behind `spec.managedBy` does. The API emulator uses them for the status subresource; a
 * reconciler that writes status can check its own writes.
 *
 * The counters and uncounted-pod checks (R104–R106) hold on every version. The strengthened
 * checks (R107–R123, R127–R130) hold from 1.32, where `JobManagedBy` is on; the SuccessCriteriaMet
 * pairings (R124, R125) from 1.30. Like the API server, which applies most of them only when the
 * fields involved change, a problem the stored status already had is not reported again.
 */
import { parseIndexIntervals } from './job-validators';
import { arrayOf, isObject, renderValue } from './json';
import { KubeVersion, ValidateOptions, Violation } from './types';
import { DEFAULT_KUBERNETES_VERSION, compareVersions, parseVersion } from './versions';

/** The codes `validateStatusUpdate` reports, with their fix. */
export const STATUS_CODES: Readonly<Record<string, string>> = {
  StatusCountNegative: 'report counts of 0 or more',
  UncountedTerminatedPodsInvalid: 'list each terminated pod uid once and never an empty uid',
  StatusConditionsConflict: 'set the interim condition (FailureTarget or SuccessCriteriaMet) first and never both outcomes',
  CompletionTimeInvalid: 'set completionTime together with Complete=True, not before startTime',
  FinishedJobStatusInvalid: 'finish a Job only once no pod is active, terminating or uncounted, and with startTime set',
  StatusIndexesInvalid: 'write increasing indexes below completions, and failedIndexes only with backoffLimitPerIndex',
  ReadyExceedsActive: 'report at most as many ready pods as active ones',
  StatusTransitionInvalid: 'never remove a terminal condition, lower failed or succeeded, or change completionTime or startTime once set',
};

type Status = Record<string, any>;

function status(job: unknown): Status {
  return isObject(job) && isObject(job.status) ? job.status : {};
}

function spec(job: unknown): Record<string, any> {
  return isObject(job) && isObject(job.spec) ? job.spec : {};
}

function hasCondition(s: Status, type: string): boolean {
  return arrayOf(s.conditions).some((c) => isObject(c) && c.type === type && c.status === 'True');
}

function isFinished(s: Status): boolean {
  return hasCondition(s, 'Complete') || hasCondition(s, 'Failed');
}

interface Problem {
  readonly code: string;
  readonly path: string;
  readonly problem: string;
  readonly got?: unknown;
}

function counterProblems(s: Status): Problem[] {
  const out: Problem[] = [];
  for (const key of ['active', 'succeeded', 'failed', 'ready', 'terminating']) {
    const v = s[key];
    if (typeof v === 'number' && v < 0) out.push({ code: 'StatusCountNegative', path: `status.${key}`, problem: 'must be greater than or equal to 0', got: v });
  }
  const uncounted = isObject(s.uncountedTerminatedPods) ? s.uncountedTerminatedPods : {};
  const seen = new Set<unknown>();
  for (const list of ['succeeded', 'failed']) {
    arrayOf(uncounted[list]).forEach((uid, i) => {
      const path = `status.uncountedTerminatedPods.${list}[${i}]`;
      if (uid === '') out.push({ code: 'UncountedTerminatedPodsInvalid', path, problem: 'must not be empty', got: uid });
      else if (seen.has(uid)) out.push({ code: 'UncountedTerminatedPodsInvalid', path, problem: 'is a duplicate uid', got: uid });
      seen.add(uid);
    });
  }
  return out;
}

function conditionProblems(s: Status, sp: Record<string, any>, v: KubeVersion): Problem[] {
  const out: Problem[] = [];
  const conflict = (problem: string) => out.push({ code: 'StatusConditionsConflict', path: 'status.conditions', problem });
  const since = (minor: number) => compareVersions(v, { major: 1, minor }) >= 0;
  if (since(30)) {
    if (hasCondition(s, 'SuccessCriteriaMet') && hasCondition(s, 'Failed')) conflict('cannot hold SuccessCriteriaMet=True and Failed=True together');
    if (hasCondition(s, 'SuccessCriteriaMet') && hasCondition(s, 'FailureTarget')) conflict('cannot hold SuccessCriteriaMet=True and FailureTarget=True together');
    if (sp.successPolicy !== undefined && hasCondition(s, 'Complete') && !hasCondition(s, 'SuccessCriteriaMet')) {
      conflict('cannot hold Complete=True for a Job with a successPolicy before SuccessCriteriaMet=True');
    }
  }
  if (!since(32)) return out;
  if (hasCondition(s, 'Complete') && hasCondition(s, 'Failed')) conflict('cannot hold Complete=True and Failed=True together');
  if (hasCondition(s, 'Complete') && hasCondition(s, 'FailureTarget')) conflict('cannot hold Complete=True and FailureTarget=True together');
  if (hasCondition(s, 'Failed') && !hasCondition(s, 'FailureTarget')) conflict('cannot hold Failed=True without FailureTarget=True');
  if (hasCondition(s, 'Complete') && !hasCondition(s, 'SuccessCriteriaMet')) conflict('cannot hold Complete=True without SuccessCriteriaMet=True');

  const complete = hasCondition(s, 'Complete');
  if (s.completionTime !== undefined && !complete) {
    out.push({ code: 'CompletionTimeInvalid', path: 'status.completionTime', problem: 'cannot be set without a Complete=True condition', got: s.completionTime });
  }
  if (complete && s.completionTime === undefined) out.push({ code: 'CompletionTimeInvalid', path: 'status.completionTime', problem: 'is required for a Complete Job' });
  if (typeof s.completionTime === 'string' && typeof s.startTime === 'string' && Date.parse(s.completionTime) < Date.parse(s.startTime)) {
    out.push({ code: 'CompletionTimeInvalid', path: 'status.completionTime', problem: `must be equal to or after startTime (${s.startTime})`, got: s.completionTime });
  }
  if (isFinished(s)) {
    const finished = (path: string, problem: string, got?: unknown) => out.push({ code: 'FinishedJobStatusInvalid', path, problem, got });
    if (typeof s.active === 'number' && s.active > 0) finished('status.active', 'must be 0 for a finished Job', s.active);
    if (typeof s.terminating === 'number' && s.terminating > 0) finished('status.terminating', 'must be 0 for a finished Job', s.terminating);
    const u = isObject(s.uncountedTerminatedPods) ? s.uncountedTerminatedPods : {};
    if (arrayOf(u.succeeded).length + arrayOf(u.failed).length > 0) finished('status.uncountedTerminatedPods', 'must be empty for a finished Job', u);
    const suspendedEmpty = sp.suspend === true && sp.completions === 0;
    if (s.startTime === undefined && !suspendedEmpty) finished('status.startTime', 'is required for a finished Job');
  }
  if (typeof s.ready === 'number' && typeof s.active === 'number' && s.ready > s.active) {
    out.push({ code: 'ReadyExceedsActive', path: 'status.ready', problem: `cannot exceed active (${s.active})`, got: s.ready });
  }
  out.push(...indexProblems(s, sp));
  return out;
}

function indexProblems(s: Status, sp: Record<string, any>): Problem[] {
  const out: Problem[] = [];
  const indexed = sp.completionMode === 'Indexed';
  const completions = typeof sp.completions === 'number' ? sp.completions : undefined;
  const bad = (path: string, problem: string, got?: unknown) => out.push({ code: 'StatusIndexesInvalid', path, problem, got });
  let completed: ReadonlyArray<readonly [number, number]> = [];
  if (typeof s.completedIndexes === 'string' && s.completedIndexes !== '') {
    if (!indexed) {bad('status.completedIndexes', 'cannot be set for a NonIndexed Job', s.completedIndexes);} else if (completions !== undefined) {
      const parsed = parseIndexIntervals(s.completedIndexes, completions);
      if ('error' in parsed) bad('status.completedIndexes', `cannot be parsed: ${parsed.error}`, s.completedIndexes);
      else completed = parsed.intervals;
    }
  }
  if (typeof s.failedIndexes === 'string') {
    if (sp.backoffLimitPerIndex === undefined) {bad('status.failedIndexes', 'cannot be set when backoffLimitPerIndex is unset', s.failedIndexes);} else if (completions !== undefined) {
      const parsed = parseIndexIntervals(s.failedIndexes, completions);
      if ('error' in parsed) {bad('status.failedIndexes', `cannot be parsed: ${parsed.error}`, s.failedIndexes);} else {
        const overlap = firstOverlap(parsed.intervals, completed);
        if (overlap !== undefined) bad('status.failedIndexes', `overlaps completedIndexes at index ${overlap}`, s.failedIndexes);
      }
    }
  }
  return out;
}

function firstOverlap(a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): number | undefined {
  let best: number | undefined;
  for (const [x1, y1] of a) {
    for (const [x2, y2] of b) {
      const start = Math.max(x1, x2);
      if (start <= Math.min(y1, y2) && (best === undefined || start < best)) best = start;
    }
  }
  return best;
}

function transitionProblems(old: Status, s: Status, sp: Record<string, any>): Problem[] {
  const out: Problem[] = [];
  const bad = (path: string, problem: string, got?: unknown) => out.push({ code: 'StatusTransitionInvalid', path, problem, got });
  for (const type of ['Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet']) {
    if (hasCondition(old, type) && !hasCondition(s, type)) bad('status.conditions', `cannot remove the ${type}=True condition`);
  }
  if (hasCondition(old, 'Complete') && !hasCondition(old, 'SuccessCriteriaMet') && hasCondition(s, 'SuccessCriteriaMet')) {
    bad('status.conditions', 'cannot add SuccessCriteriaMet=True to a Job that is already Complete');
  }
  if (typeof old.failed === 'number' && typeof s.failed === 'number' && s.failed < old.failed) bad('status.failed', `cannot decrease (was ${old.failed})`, s.failed);
  const elastic = sp.completionMode === 'Indexed' && sp.completions === sp.parallelism;
  if (!elastic && typeof old.succeeded === 'number' && typeof s.succeeded === 'number' && s.succeeded < old.succeeded) {
    bad('status.succeeded', `cannot decrease (was ${old.succeeded})`, s.succeeded);
  }
  if (old.completionTime !== undefined && s.completionTime !== old.completionTime) bad('status.completionTime', `is immutable once set (was ${old.completionTime})`, s.completionTime);
  if (old.startTime !== undefined && s.startTime !== old.startTime && sp.suspend !== true) {
    bad('status.startTime', `cannot change or be removed while the Job is not suspended (was ${old.startTime})`, s.startTime);
  }
  return out;
}

function problemKey(p: Problem): string {
  return `${p.code} ${p.path} ${p.problem}`;
}

/**
 * The violations of replacing the status of the stored Job `oldJob` with the status of `newJob`
 * (a `/status` write). Only `error`s. Objects that are not Jobs get `[]`. Throws
 * `UnsupportedVersionError` for an unusable `kubernetesVersion`.
 */
export function validateStatusUpdate(oldJob: unknown, newJob: unknown, options: ValidateOptions = {}): Violation[] {
  const version = parseVersion(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  if (!isObject(newJob) || newJob.kind !== 'Job') return [];
  const s = status(newJob);
  const old = status(oldJob);
  const sp = spec(newJob);
  const oldSpec = isObject(oldJob) ? spec(oldJob) : sp;
  const already = new Set([...counterProblems(old), ...conditionProblems(old, oldSpec, version)].map(problemKey));
  const problems = [...counterProblems(s), ...conditionProblems(s, sp, version)].filter((p) => !already.has(problemKey(p)));
  if (compareVersions(version, { major: 1, minor: 32 }) >= 0) problems.push(...transitionProblems(old, s, sp));
  return problems.map((p) => ({
    code: p.code,
    severity: 'error',
    path: p.path,
    message: `${p.path} ${p.problem}${p.got === undefined ? '' : ` (got ${renderValue(p.got)})`}`,
    fix: STATUS_CODES[p.code],
  }));
}
