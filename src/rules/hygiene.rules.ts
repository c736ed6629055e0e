/**
 * Hygiene and misconception warnings: objects the API server accepts that are likely not what the
 * author meant, or that age badly on a cluster. Every rule is a warning with a fix.
 */
import { CronSchedule, firesPerDay, nextFireTimes, parseSchedule } from './cron';
import { NO_FINDINGS } from './job-rule-kit';
import { arrayOf, dig, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';

/** The job controller's default backoffLimit; with OnFailure a higher limit means long in-place crash loops. */
export const ONFAILURE_BACKOFF_LIMIT_MAX = 6;

/** The CronJob controller reports "too many missed start times" above this many missed schedules. */
export const MISSED_STARTS_LIMIT = 100;

/** How long a CronJob may be suspended or unscheduled before the missed-start count matters. */
export const MISSED_STARTS_WINDOW_HOURS = 24;

/** The CronJob controller checks schedules every 10 seconds; a shorter starting deadline can miss every run. */
export const MIN_STARTING_DEADLINE_SECONDS = 10;

/** A fixed Monday 00:00 UTC from which schedule frequencies are measured (keeps the rules pure). */
const REFERENCE_TIME = Date.UTC(2024, 0, 1);

/**
 * Whether a schedule has no fire time within five years of `REFERENCE_TIME`, once per parsed
 * schedule: `parseSchedule` returns the same object for the same text, and CronJobs repeat their
 * schedules, so the simulation runs once per distinct schedule.
 */
function neverFires(schedule: CronSchedule): boolean {
  let never = neverFiresOf.get(schedule);
  if (never === undefined) {
    never = nextFireTimes(schedule, REFERENCE_TIME, 1).length === 0;
    neverFiresOf.set(schedule, never);
  }
  return never;
}

const neverFiresOf = new WeakMap<CronSchedule, boolean>();

function warn(r: Omit<Rule, 'severity' | 'source'> & Partial<Pick<Rule, 'source'>>): Rule {
  return { severity: 'warning', source: 'hygiene', ...r };
}

function one(cond: boolean, f: () => Finding): readonly Finding[] {
  return cond ? [f()] : NO_FINDINGS;
}

/**
 * completions and parallelism as the Job runs with them: a Job spec is already defaulted; a
 * CronJob's job template is not (R014), so R001 is applied here.
 */
function effectiveCounts(ctx: RuleContext): { completions?: number; parallelism: number } {
  const s = ctx.inTemplate ? ctx.originalJobSpec : ctx.jobSpec;
  const c = typeof s.completions === 'number' ? s.completions : undefined;
  const p = typeof s.parallelism === 'number' ? s.parallelism : undefined;
  if (c === undefined && p === undefined) return { completions: 1, parallelism: 1 };
  return { completions: c, parallelism: p ?? 1 };
}

/**
 * A Job a CronJob created: its controller owner reference names a batch CronJob. The CronJob's
 * history limits delete it, so it needs no TTL of its own (the CronJob is told not to set one).
 */
function controlledByCronJob(object: unknown): boolean {
  const refs = isObject(object) && isObject(object.metadata) ? arrayOf(object.metadata.ownerReferences) : [];
  return refs.some(
    (r) => isObject(r) && r.controller === true && r.kind === 'CronJob' && typeof r.apiVersion === 'string' && r.apiVersion.startsWith('batch/'),
  );
}

function podSpec(ctx: RuleContext): Record<string, any> {
  const t = ctx.jobSpec.template;
  return isObject(t) && isObject(t.spec) ? t.spec : {};
}

function parsedSchedule(ctx: RuleContext): { text: string; schedule: CronSchedule; descriptor?: string } | undefined {
  const text = dig(ctx.original, 'spec', 'schedule');
  if (typeof text !== 'string' || text === '') return undefined;
  const r = parseSchedule(text);
  return r.ok ? { text, schedule: r.schedule, descriptor: r.descriptor } : undefined;
}

const JOB_RULES: Rule[] = [
  warn({
    code: 'TtlSecondsAfterFinishedMissing',
    scope: 'JobSpec',
    path: 'spec.ttlSecondsAfterFinished',
    summary:
      'A Job without ttlSecondsAfterFinished stays on the cluster with its pods after it finishes. ' +
      'Not checked in CronJob job templates, nor on the Jobs a CronJob creates (controlled by a CronJob), where the history limits clean up.',
    fix: 'set ttlSecondsAfterFinished (e.g. 86400 to keep finished Jobs for a day)',
    check: (ctx) =>
      one(!ctx.inTemplate && ctx.originalJobSpec.ttlSecondsAfterFinished === undefined && !controlledByCronJob(ctx.original), () => ({
        path: ctx.at('ttlSecondsAfterFinished'),
        problem: 'is not set, so the finished Job and its pods are never deleted',
      })),
  }),
  warn({
    code: 'ActiveDeadlineSecondsMissing',
    scope: 'JobSpec',
    path: 'spec.activeDeadlineSeconds',
    summary: 'A Job without activeDeadlineSeconds can run (or hang) forever.',
    fix: 'set activeDeadlineSeconds to the longest the Job may run',
    check: (ctx) =>
      one(ctx.originalJobSpec.activeDeadlineSeconds === undefined, () => ({
        path: ctx.at('activeDeadlineSeconds'),
        problem: 'is not set, so a hanging Job runs forever',
      })),
  }),
  warn({
    code: 'ResourceRequestsMissing',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[].resources.requests',
    summary: 'Every container sets resources.requests, so the scheduler can place the pods and quotas can count them.',
    fix: 'set resources.requests (cpu and memory) on the container',
    check: (ctx) => {
      const out: Finding[] = [];
      arrayOf(podSpec(ctx).containers).forEach((c, i) => {
        const requests = isObject(c) ? dig(c, 'resources', 'requests') : undefined;
        if (!isObject(requests) || Object.keys(requests).length === 0) {
          out.push({
            path: ctx.at('template', 'spec', 'containers', i, 'resources', 'requests'),
            problem: `is not set on container ${JSON.stringify(isObject(c) ? c.name ?? '' : '')}`,
          });
        }
      });
      return out;
    },
  }),
  warn({
    code: 'ParallelismExceedsCompletions',
    scope: 'JobSpec',
    source: 'misconception',
    path: 'spec.parallelism',
    summary:
      'With a fixed completion count, the job controller never runs more pods than the remaining completions, so parallelism above completions is ignored. ' +
      'Only a parallelism the author set is checked (the default of 1 is not).',
    fix: 'set parallelism to at most completions',
    check: (ctx) => {
      const { completions, parallelism } = effectiveCounts(ctx);
      const parallelismSet = typeof ctx.originalJobSpec.parallelism === 'number';
      return one(parallelismSet && completions !== undefined && completions !== 1 && parallelism > completions, () => ({
        path: ctx.at('parallelism'),
        problem: `is above completions (${completions}); the controller never runs more than ${completions} pods at a time`,
        got: parallelism,
      }));
    },
  }),
  warn({
    code: 'ParallelismRaceMisconception',
    scope: 'JobSpec',
    source: 'misconception',
    path: 'spec.parallelism',
    summary:
      'completions 1 with parallelism N does not race N pods: the controller runs one pod. For "first of N wins" use an Indexed Job ' +
      'with successPolicy succeededCount 1; for N workers use a work queue (completions unset).',
    fix: 'use IndexedJob with completions N and successPolicy succeededCount 1, or WorkQueueJob with completions unset',
    check: (ctx) => {
      const { completions, parallelism } = effectiveCounts(ctx);
      return one(completions === 1 && parallelism > 1, () => ({
        path: ctx.at('parallelism'),
        problem: 'is above 1 while completions is 1, so only one pod ever runs',
        got: parallelism,
      }));
    },
  }),
  warn({
    code: 'OnFailureBackoffLimitHigh',
    scope: 'JobSpec',
    path: 'spec.backoffLimit',
    summary:
      'With restartPolicy OnFailure, container restarts count towards backoffLimit and each waits up to 5 minutes; ' +
      `a backoffLimit above ${ONFAILURE_BACKOFF_LIMIT_MAX} keeps a crash-looping pod restarting in place for a long time before the Job fails.`,
    fix: `lower backoffLimit to ${ONFAILURE_BACKOFF_LIMIT_MAX} or less, or use restartPolicy Never with a podFailurePolicy`,
    check: (ctx) => {
      const limit = ctx.originalJobSpec.backoffLimit;
      return one(podSpec(ctx).restartPolicy === 'OnFailure' && typeof limit === 'number' && limit > ONFAILURE_BACKOFF_LIMIT_MAX, () => ({
        path: ctx.at('backoffLimit'),
        problem: `is above ${ONFAILURE_BACKOFF_LIMIT_MAX} with restartPolicy OnFailure, so a crash-looping pod restarts in place up to ${limit} times, each after a back-off of up to 5 minutes`,
        got: limit,
      }));
    },
  }),
];

const CRONJOB_RULES: Rule[] = [
  warn({
    code: 'CronJobMissedStartsUnbounded',
    scope: 'CronJob',
    path: 'spec.startingDeadlineSeconds',
    summary:
      `A schedule that fires more than ${MISSED_STARTS_LIMIT} times in ${MISSED_STARTS_WINDOW_HOURS} hours, without startingDeadlineSeconds, ` +
      'collects over 100 missed starts after a day of suspension or controller downtime, which the controller reports as "too many missed start times".',
    fix: 'set startingDeadlineSeconds (e.g. 300) so that only recent missed starts count',
    check: (ctx) => {
      if (dig(ctx.original, 'spec', 'startingDeadlineSeconds') !== undefined) return [];
      const parsed = parsedSchedule(ctx);
      if (!parsed) return [];
      return one(firesPerDay(parsed.schedule, REFERENCE_TIME) > MISSED_STARTS_LIMIT, () => ({
        path: 'spec.startingDeadlineSeconds',
        problem: `is not set while the schedule "${parsed.text}" fires more than ${MISSED_STARTS_LIMIT} times in ${MISSED_STARTS_WINDOW_HOURS} hours`,
      }));
    },
  }),
  warn({
    code: 'StartingDeadlineSecondsTooShort',
    scope: 'CronJob',
    path: 'spec.startingDeadlineSeconds',
    summary: `The CronJob controller checks schedules every ${MIN_STARTING_DEADLINE_SECONDS} seconds, so a startingDeadlineSeconds below that can miss every run.`,
    fix: `set startingDeadlineSeconds to ${MIN_STARTING_DEADLINE_SECONDS} or more`,
    check: (ctx) => {
      const v = dig(ctx.original, 'spec', 'startingDeadlineSeconds');
      return one(typeof v === 'number' && v >= 0 && v < MIN_STARTING_DEADLINE_SECONDS, () => ({
        path: 'spec.startingDeadlineSeconds',
        problem: `is below ${MIN_STARTING_DEADLINE_SECONDS} seconds, so the controller may never start a Job in time`,
        got: v,
      }));
    },
  }),
  warn({
    code: 'TtlWithJobsHistoryLimits',
    scope: 'CronJob',
    path: 'spec.jobTemplate.spec.ttlSecondsAfterFinished',
    summary: 'ttlSecondsAfterFinished in a CronJob job template deletes finished Jobs that the history limits mean to keep.',
    fix: 'remove ttlSecondsAfterFinished from the job template and tune successfulJobsHistoryLimit and failedJobsHistoryLimit',
    check: (ctx) => {
      const ttl = dig(ctx.originalJobSpec, 'ttlSecondsAfterFinished');
      const success = dig(ctx.object, 'spec', 'successfulJobsHistoryLimit');
      const failed = dig(ctx.object, 'spec', 'failedJobsHistoryLimit');
      const keeps = (typeof success === 'number' && success > 0) || (typeof failed === 'number' && failed > 0);
      return one(typeof ttl === 'number' && keeps, () => ({
        path: 'spec.jobTemplate.spec.ttlSecondsAfterFinished',
        problem: `deletes finished Jobs that the history limits (successful ${success}, failed ${failed}) mean to keep`,
        got: ttl,
      }));
    },
  }),
  warn({
    code: 'ScheduleEvery',
    scope: 'CronJob',
    source: 'misconception',
    path: 'spec.schedule',
    summary: 'The API server accepts @every <duration>, but Kubernetes does not document it and it fires at intervals counted from the CronJob\'s creation or last run, not at fixed clock times.',
    fix: 'use a cron expression, e.g. "*/15 * * * *" instead of "@every 15m"',
    check: (ctx) => {
      const parsed = parsedSchedule(ctx);
      return one(parsed?.descriptor === '@every', () => ({
        path: 'spec.schedule',
        problem: 'uses @every, which Kubernetes does not document for CronJobs',
        got: parsed!.text,
      }));
    },
  }),
  warn({
    code: 'ScheduleNeverFires',
    scope: 'CronJob',
    source: 'misconception',
    path: 'spec.schedule',
    summary: 'A schedule whose day and month never meet (e.g. February 30th) is accepted but never starts a Job.',
    fix: 'pick a day of month that exists in the chosen months',
    check: (ctx) => {
      const parsed = parsedSchedule(ctx);
      if (!parsed || parsed.schedule.kind !== 'spec') return [];
      return one(neverFires(parsed.schedule), () => ({
        path: 'spec.schedule',
        problem: 'never fires: no date matches its day-of-month, month and day-of-week fields',
        got: parsed.text,
      }));
    },
  }),
];

/** Every hygiene rule, in evaluation order. */
export const HYGIENE_RULES: readonly Rule[] = [...JOB_RULES, ...CRONJOB_RULES];
