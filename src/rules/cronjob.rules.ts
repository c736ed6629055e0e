/**
 * CronJob rules with API-server parity (section 5 of the batch rules research: `ValidateCronJobCreate`,
 * `validateCronJobSpec`, `validateScheduleFormat`, `validateTimeZone`, `validateConcurrencyPolicy`),
 * the `apiVersion` check for both kinds, and two derived rules for what every Job a CronJob
 * creates would be rejected for (R148, R149). The job template's spec is checked by the `JobSpec`
 * rules of `job.rules.ts`, which run under `spec.jobTemplate.spec`.
 */
import { parseSchedule } from './cron';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './defaults';
import { NO_FINDINGS, annotationFindings, effectiveName, labelFindings } from './job-rule-kit';
import { byteLength, dns1123LabelErrors, dns1123SubdomainErrors } from './job-validators';
import { dig, isInteger, isObject } from './json';
import { timeZoneProblem, timeZoneSuggestions } from './timezones';
import { Finding, Rule, RuleContext } from './types';
import { compareVersions } from './versions';

/** `DNS1035LabelMaxLength - 11`: the controller appends `-<minutes since epoch>` to each Job name. */
export const CRONJOB_NAME_MAX = 52;

/** The values of `spec.concurrencyPolicy`. */
export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;

/** Length of the scheduled-time suffix of CronJob-created Job names today (`-` and 8 digits; R015). */
const JOB_NAME_SUFFIX_DIGITS = 8;

/** The label keys the server generates on each Job's pods (R010). */
const GENERATED_LABEL_KEYS = [JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL, CONTROLLER_UID_LABEL, LEGACY_CONTROLLER_UID_LABEL];

function cronRule(r: Omit<Rule, 'severity' | 'source' | 'scope'> & Partial<Pick<Rule, 'severity' | 'source' | 'scope'>>): Rule {
  return { severity: 'error', source: 'API server', scope: 'CronJob', ...r };
}

function one(cond: boolean, f: () => Finding): readonly Finding[] {
  return cond ? [f()] : NO_FINDINGS;
}

/** `metadata.name` when it is a non-empty string. */
/** The CronJob's name as the server validates it: the name, or the one it generates from generateName. */
function cronJobName(ctx: RuleContext): string | undefined {
  return effectiveName(ctx);
}

/** The CronJob spec as submitted (after the type layer), `{}` when missing. */
function originalSpec(ctx: RuleContext): Record<string, any> {
  return isObject(ctx.original.spec) ? ctx.original.spec : {};
}

/** The defaulted CronJob spec, `{}` when missing. */
function spec(ctx: RuleContext): Record<string, any> {
  return isObject(ctx.object.spec) ? ctx.object.spec : {};
}

function schedule(ctx: RuleContext): string | undefined {
  const s = originalSpec(ctx).schedule;
  return typeof s === 'string' ? s : undefined;
}

/** On 1.29+, a schedule may keep `TZ` only on an update whose stored schedule already had it. */
function tzAllowedInSchedule(ctx: RuleContext): boolean {
  if (compareVersions(ctx.version, { major: 1, minor: 29 }) < 0) return true;
  if (ctx.operation !== 'update') return false;
  const old = dig(ctx.oldObject, 'spec', 'schedule');
  return typeof old === 'string' && old.includes('TZ');
}

const NAME_RULES: Rule[] = [
  cronRule({
    code: 'CronJobNameRequired',
    path: 'metadata.name',
    summary: 'A CronJob needs metadata.name (or metadata.generateName).',
    fix: 'set metadata.name',
    check: (ctx) => {
      const generate = dig(ctx.object, 'metadata', 'generateName');
      return one(!cronJobName(ctx) && !(typeof generate === 'string' && generate !== ''), () => ({
        path: 'metadata.name',
        problem: 'is required (name or generateName)',
      }));
    },
  }),
  cronRule({
    code: 'CronJobNameInvalid',
    path: 'metadata.name',
    summary: 'The CronJob name is a DNS-1123 subdomain: lowercase alphanumerics, "-" and ".", at most 253 characters.',
    fix: "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    check: (ctx) => {
      const name = cronJobName(ctx);
      return name === undefined ? [] : dns1123SubdomainErrors(name).map((e) => ({ path: 'metadata.name', problem: e, got: name }));
    },
  }),
  cronRule({
    code: 'CronJobNameTooLong',
    path: 'metadata.name',
    createOnly: true,
    summary: 'On create the CronJob name is at most 52 characters: the controller appends an 11-character suffix to name each Job.',
    fix: 'shorten the name to 52 characters or fewer',
    check: (ctx) => {
      const name = cronJobName(ctx);
      return one(name !== undefined && byteLength(name) > CRONJOB_NAME_MAX, () => ({
        path: 'metadata.name',
        problem: `must be no more than ${CRONJOB_NAME_MAX} characters (${byteLength(name!)} characters)`,
        got: name,
      }));
    },
  }),
  cronRule({
    code: 'CronJobNameNotDnsLabel',
    severity: 'warning',
    path: 'metadata.name',
    summary: 'The API server warns when a CronJob name is not a DNS-1123 label: it is part of every Job and pod name it creates.',
    fix: 'use a name without dots',
    check: (ctx) => {
      const name = cronJobName(ctx);
      if (name === undefined || dns1123SubdomainErrors(name).length > 0 || byteLength(name) > CRONJOB_NAME_MAX) return [];
      return one(dns1123LabelErrors(name).length > 0, () => ({
        path: 'metadata.name',
        problem: 'is used in Job and pod names and hostnames, where a DNS label (no dots) is recommended',
        got: name,
      }));
    },
  }),
  cronRule({
    code: 'CronJobIndexedNameTooLong',
    severity: 'warning',
    source: 'misconception',
    departure: 'cronjob-template',
    path: 'metadata.name',
    summary:
      'With an Indexed job template, "<name>-<8-digit schedule suffix>-<completions-1>" (the longest pod hostname of each Job) ' +
      'must be a DNS label; the API server accepts the CronJob but rejects every Job it creates.',
    fix: 'shorten the CronJob name and drop any dots so that each Job\'s pod hostnames fit in 63 characters',
    check: (ctx) => {
      const name = cronJobName(ctx);
      const jobSpec = ctx.originalJobSpec;
      const completions = jobSpec.completions;
      if (name === undefined || jobSpec.completionMode !== 'Indexed' || !isInteger(completions) || completions <= 0) return [];
      if (dns1123SubdomainErrors(name).length > 0) return [];
      const hostname = `${name}-${'0'.repeat(JOB_NAME_SUFFIX_DIGITS)}-${completions - 1}`;
      return one(dns1123LabelErrors(hostname).length > 0, () => ({
        path: 'metadata.name',
        problem:
          `makes each Job's longest pod hostname "${hostname.replace(/-0{8}-/, '-NNNNNNNN-')}" ` +
          `(${hostname.length} characters), which is not a valid DNS label, so the API server rejects every Job this CronJob creates`,
        got: name,
      }));
    },
  }),
];

const SCHEDULE_RULES: Rule[] = [
  cronRule({
    code: 'ScheduleRequired',
    path: 'spec.schedule',
    summary: 'spec.schedule is required.',
    fix: 'set spec.schedule to a cron expression such as "0 3 * * *"',
    check: (ctx) => one(!schedule(ctx), () => ({ path: 'spec.schedule', problem: 'is required' })),
  }),
  cronRule({
    code: 'ScheduleInvalid',
    path: 'spec.schedule',
    summary:
      'spec.schedule parses with the cron parser the API server uses: five fields (minute hour day-of-month month day-of-week, ' +
      'day-of-week 0–6), or a descriptor such as @daily.',
    fix: 'use five fields "minute hour day-of-month month day-of-week" (day-of-week 0-6 or sun-sat) or @yearly, @monthly, @weekly, @daily or @hourly',
    check: (ctx) => {
      const s = schedule(ctx);
      if (!s) return [];
      const r = parseSchedule(s);
      if (r.ok) return [];
      const fix = r.crash ? 'put a space between the TZ= prefix and the schedule, or better, move the zone to spec.timeZone' : undefined;
      return [{ path: 'spec.schedule', problem: `is not a valid cron schedule: ${r.error}`, got: s, ...(fix ? { fix } : {}) }];
    },
  }),
  cronRule({
    code: 'ScheduleTimeZonePrefix',
    path: 'spec.schedule',
    since: '1.29',
    summary:
      'From 1.29 a new schedule must not contain TZ or CRON_TZ (any "TZ" substring); an update may keep it only when the stored ' +
      'schedule already had it.',
    fix: 'remove the TZ=/CRON_TZ= prefix and set spec.timeZone instead',
    check: (ctx) => {
      const s = schedule(ctx);
      return one(s !== undefined && s.includes('TZ') && !tzAllowedInSchedule(ctx), () => ({
        path: 'spec.schedule',
        problem: 'cannot use TZ or CRON_TZ in schedule, use the timeZone field instead',
        got: s,
      }));
    },
  }),
  cronRule({
    code: 'ScheduleTimeZoneConflict',
    path: 'spec.schedule',
    summary: 'A schedule containing TZ or CRON_TZ cannot be combined with spec.timeZone.',
    fix: 'remove the TZ=/CRON_TZ= prefix from the schedule and keep spec.timeZone',
    check: (ctx) => {
      const s = schedule(ctx);
      const tz = originalSpec(ctx).timeZone;
      return one(s !== undefined && s.includes('TZ') && typeof tz === 'string' && tzAllowedInSchedule(ctx), () => ({
        path: 'spec.schedule',
        problem: 'cannot use both the timeZone field and TZ or CRON_TZ in schedule',
        got: s,
      }));
    },
  }),
  cronRule({
    code: 'TimeZoneInvalid',
    path: 'spec.timeZone',
    summary:
      'spec.timeZone, when set, is a non-empty IANA time zone name the API server can load (case-sensitive; legacy links such as ' +
      'US/Eastern work), never Local; checked on create and whenever it changes.',
    fix: 'use an IANA time zone name such as "Europe/Berlin" or "America/New_York", or remove timeZone to use the controller\'s zone',
    check: (ctx) => {
      const tz = originalSpec(ctx).timeZone;
      if (typeof tz !== 'string') return [];
      if (ctx.operation === 'update' && dig(ctx.oldObject, 'spec', 'timeZone') === tz) return [];
      const p = timeZoneProblem(tz);
      if (!p) return [];
      const suggestions = p.reason === 'unknown' ? timeZoneSuggestions(tz) : [];
      const fix =
        p.reason === 'empty' ? 'remove timeZone or set it to an IANA time zone name such as "Europe/Berlin"'
          : p.reason === 'local' ? 'name the zone explicitly, e.g. "Europe/Berlin", or remove timeZone'
            : suggestions.length > 0 ? `use ${suggestions.map((n) => `"${n}"`).join(' or ')} (names are case-sensitive)`
              : undefined;
      const problem =
        p.reason === 'empty' ? 'must be unset or a non-empty time zone name'
          : p.reason === 'local' ? 'must name an explicit IANA time zone, not Local'
            : `is not a time zone the API server can load (${p.message})`;
      return [{ path: 'spec.timeZone', problem, got: tz, ...(fix ? { fix } : {}) }];
    },
  }),
];

const SPEC_RULES: Rule[] = [
  cronRule({
    code: 'ConcurrencyPolicyInvalid',
    path: 'spec.concurrencyPolicy',
    summary: 'spec.concurrencyPolicy is Allow (the default), Forbid or Replace.',
    fix: 'use Allow, Forbid or Replace',
    check: (ctx) => {
      const v = spec(ctx).concurrencyPolicy;
      return one(v !== undefined && !(CONCURRENCY_POLICIES as readonly unknown[]).includes(v), () => ({
        path: 'spec.concurrencyPolicy',
        problem: 'is not supported: supported values are "Allow", "Forbid", "Replace"',
        got: v,
      }));
    },
  }),
  cronRule({
    code: 'StartingDeadlineSecondsNegative',
    path: 'spec.startingDeadlineSeconds',
    summary: 'spec.startingDeadlineSeconds is at least 0 when set.',
    fix: 'set startingDeadlineSeconds to 10 or more, or remove it',
    check: (ctx) => {
      const v = spec(ctx).startingDeadlineSeconds;
      return one(typeof v === 'number' && v < 0, () => ({
        path: 'spec.startingDeadlineSeconds',
        problem: 'must be greater than or equal to 0',
        got: v,
      }));
    },
  }),
  cronRule({
    code: 'JobsHistoryLimitNegative',
    path: 'spec.successfulJobsHistoryLimit',
    summary: 'spec.successfulJobsHistoryLimit and spec.failedJobsHistoryLimit are at least 0 (0 keeps no finished Jobs).',
    fix: 'set the history limit to 0 or more',
    check: (ctx) => {
      const out: Finding[] = [];
      for (const key of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
        const v = spec(ctx)[key];
        if (typeof v === 'number' && v < 0) out.push({ path: `spec.${key}`, problem: 'must be greater than or equal to 0', got: v });
      }
      return out;
    },
  }),
  cronRule({
    code: 'JobTemplateGeneratedLabel',
    severity: 'warning',
    source: 'misconception',
    departure: 'cronjob-template',
    path: 'spec.jobTemplate.spec.template.metadata.labels',
    summary:
      'The job template\'s pod labels must not set job-name, controller-uid or their batch.kubernetes.io/ forms: the server ' +
      'generates them for each Job and rejects every Job whose template already holds other values.',
    fix: 'remove the generated label keys from the pod template; select pods by a label of your own',
    check: (ctx) => {
      const labels = dig(ctx.originalJobSpec, 'template', 'metadata', 'labels');
      if (!isObject(labels)) return [];
      return GENERATED_LABEL_KEYS.filter((k) => labels[k] !== undefined).map((k) => ({
        path: `spec.jobTemplate.spec.template.metadata.labels[${k}]`,
        problem: 'is generated by the API server for each Job (name and uid), so a fixed value makes every Job fail validation',
        got: labels[k],
      }));
    },
  }),
];

const TEMPLATE_METADATA_RULES: Rule[] = [
  cronRule({
    code: 'JobTemplateMetadataInvalid',
    source: 'misconception',
    severity: 'warning',
    path: 'spec.jobTemplate.metadata',
    summary:
      'The job template\'s labels and annotations follow the rules of any object\'s metadata. The API server does not check them on the ' +
      'CronJob (a warning, as the server accepts it), but rejects every Job the CronJob creates with them.',
    fix: 'use qualified-name keys, label values of at most 63 letters, digits, "-", "_" or ".", and annotations under 256 KiB',
    check: (ctx) => {
      const meta = dig(ctx.original, 'spec', 'jobTemplate', 'metadata');
      if (!isObject(meta)) return [];
      return [
        ...labelFindings(meta.labels, 'spec.jobTemplate.metadata.labels'),
        ...annotationFindings(meta.annotations, 'spec.jobTemplate.metadata.annotations'),
      ];
    },
  }),
];

const API_VERSION_RULES: Rule[] = [
  cronRule({
    code: 'ApiVersionUnsupported',
    scope: 'Object',
    path: 'apiVersion',
    summary: 'Job and CronJob are served as batch/v1 only: the core group (`v1`) has neither, batch/v1beta1 CronJob was removed in Kubernetes 1.25 and batch/v2alpha1 earlier, so the API server has no such resource (kubectl: "no matches for kind"). Such an object is reported, never skipped; no other rule runs on it.',
    fix: 'set apiVersion to batch/v1',
    check: (ctx) => {
      const v = ctx.original.apiVersion;
      if (v === 'batch/v1' || missing(v)) return [];
      const removed = v === 'batch/v1beta1' && ctx.kind === 'CronJob' ? 'was removed in Kubernetes 1.25; ' : '';
      return [{ path: 'apiVersion', problem: `${removed}${ctx.kind} is served as batch/v1 only`, got: v ?? 'unset' }];
    },
  }),
];

/** An apiVersion or kind a client treats as not set. */
const missing = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * The object's type as a client reads it: without `apiVersion` or `kind`, kubectl (and every
 * client that maps an object to its REST resource) refuses it before any request is made.
 */
const TYPE_META_RULES: Rule[] = [
  cronRule({
    code: 'ApiVersionMissing',
    scope: 'Object',
    path: 'apiVersion',
    departure: 'type-meta',
    summary: 'A Job or CronJob needs `apiVersion: batch/v1`. Without it kubectl refuses the object ("apiVersion not set") and no request is made; posted by hand to the batch/v1 URL, the API server takes the group version from the URL.',
    fix: 'set apiVersion to batch/v1',
    check: (ctx) => one(missing(ctx.original.apiVersion), () => ({ path: 'apiVersion', problem: `is required (${ctx.kind} is served as batch/v1)`, got: 'unset' })),
  }),
  cronRule({
    code: 'KindMissing',
    scope: 'Object',
    path: 'kind',
    departure: 'type-meta',
    summary: 'An object of apiVersion batch/v1 needs `kind: Job` or `kind: CronJob`. Without it kubectl refuses the object ("kind not set") and no request is made; posted by hand to a batch/v1 URL, the API server decodes it as that URL\'s kind.',
    fix: 'set kind to Job or CronJob',
    check: (ctx) =>
      one(ctx.original.apiVersion === 'batch/v1' && missing(ctx.original.kind), () => ({
        path: 'kind',
        problem: `is required (batch/v1 serves Job and CronJob; this object looks like a ${ctx.kind})`,
        got: 'unset',
      })),
  }),
  cronRule({
    code: 'KindUnknown',
    scope: 'Object',
    path: 'kind',
    summary: 'batch/v1 serves the kinds Job and CronJob only, spelled exactly so: any other kind under batch/v1 (`job`, `Cronjob`, `JobTemplate`) is rejected by the API server ("no kind is registered for version batch/v1"; kubectl: "no matches for kind").',
    fix: 'set kind to Job or CronJob (the case matters)',
    check: (ctx) => {
      const k = ctx.original.kind;
      if (ctx.original.apiVersion !== 'batch/v1' || missing(k) || k === 'Job' || k === 'CronJob') return [];
      const hint = typeof k === 'string' && ['job', 'cronjob'].includes(k.toLowerCase()) ? `; did you mean ${ctx.kind}?` : '';
      return [{ path: 'kind', problem: `must be Job or CronJob for apiVersion batch/v1${hint}`, got: k }];
    },
  }),
];

/** Every CronJob rule, in evaluation order. */
export const CRONJOB_RULES: readonly Rule[] = [
  ...API_VERSION_RULES,
  ...TYPE_META_RULES,
  ...NAME_RULES,
  ...SCHEDULE_RULES,
  ...SPEC_RULES,
  ...TEMPLATE_METADATA_RULES,
];
