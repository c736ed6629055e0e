/**
 * Table rows for the CronJob rules: for each code, objects that must not produce it (`valid`) and
 * objects that must (`invalid`), on `version` (default 1.28). `codes.test.ts` runs every row.
 */

/** The object as JSON carries it: keys set to `undefined` (to leave a field out) disappear. */
export function plainJson<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj));
}

/** A CronJob the API server accepts, with every field the rules read set to a clean value. */
export function cronJob(spec: Record<string, any> = {}, metadata: Record<string, any> = { name: 'nightly-report' }): any {
  return plainJson({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata,
    spec: {
      schedule: '0 3 * * *',
      startingDeadlineSeconds: 300,
      jobTemplate: {
        spec: {
          activeDeadlineSeconds: 3600,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'report', image: 'report:1.0', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
            },
          },
        },
      },
      ...spec,
    },
  });
}

/** `cronJob()` with the job template's spec fields merged in. */
export function cronJobWithTemplate(jobSpec: Record<string, any>, metadata?: Record<string, any>, templateMetadata?: Record<string, any>): any {
  const cj = cronJob({}, metadata);
  cj.spec.jobTemplate.spec = { ...cj.spec.jobTemplate.spec, ...jobSpec };
  if (templateMetadata) cj.spec.jobTemplate.metadata = templateMetadata;
  return plainJson(cj);
}

/** A Job the API server accepts. */
export function job(spec: Record<string, any> = {}, metadata: Record<string, any> = { name: 'migrate' }): any {
  return plainJson({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 3600,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'migrate', image: 'migrate:1.0', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
        },
      },
      ...spec,
    },
  });
}

const name52 = 'a'.repeat(52);

/** The version used when an entry has none: the one cdk8s-plus-28 targets. */
export const DEFAULT_CASE_VERSION = '1.28';

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string; update?: boolean }> = [
  {
    code: 'ApiVersionUnsupported',
    valid: [cronJob(), job()],
    invalid: [
      { ...cronJob(), apiVersion: 'batch/v1beta1' },
      { ...cronJob(), apiVersion: 'batch/v2alpha1' },
      { ...job(), apiVersion: 'batch/v2' },
    ],
  },
  {
    code: 'CronJobNameRequired',
    valid: [cronJob(), cronJob({}, { generateName: 'report-' })],
    invalid: [cronJob({}, {}), cronJob({}, { name: '' })],
  },
  {
    code: 'CronJobNameInvalid',
    valid: [cronJob(), cronJob({}, { name: 'reports.example.com' })],
    invalid: [cronJob({}, { name: 'Nightly' }), cronJob({}, { name: 'nightly_report' }), cronJob({}, { name: '-nightly' })],
  },
  {
    code: 'CronJobNameTooLong',
    valid: [cronJob({}, { name: name52 })],
    invalid: [cronJob({}, { name: `${name52}a` }), cronJob({}, { name: '10000000002000000000300000000040000000005000000000123' })],
  },
  {
    code: 'CronJobNameNotDnsLabel',
    valid: [cronJob(), cronJob({}, { name: 'nightly-report-v2' })],
    invalid: [cronJob({}, { name: 'reports.example.com' })],
  },
  {
    code: 'CronJobIndexedNameTooLong',
    valid: [
      // 52 + "-" + 8 digits + "-" + "0" = 63: fits
      cronJobWithTemplate({ completionMode: 'Indexed', completions: 1 }, { name: name52 }),
      cronJobWithTemplate({ completionMode: 'Indexed', completions: 100 }, { name: 'a'.repeat(42) }),
      // NonIndexed Jobs have no per-index hostnames
      cronJobWithTemplate({ completions: 100, parallelism: 100 }, { name: name52 }),
    ],
    invalid: [
      // 52 + 9 + 1 + 2 = 64
      cronJobWithTemplate({ completionMode: 'Indexed', completions: 11 }, { name: name52 }),
      // a dotted name is a valid CronJob name but not a valid pod hostname
      cronJobWithTemplate({ completionMode: 'Indexed', completions: 3 }, { name: 'reports.v2' }),
    ],
  },
  {
    code: 'ScheduleRequired',
    valid: [cronJob()],
    invalid: [cronJob({ schedule: '' }), cronJob({ schedule: undefined })],
  },
  {
    code: 'ScheduleInvalid',
    valid: [
      cronJob({ schedule: '* * * * ?' }),
      cronJob({ schedule: '@hourly' }),
      cronJob({ schedule: '0 9 * JAN-mar mon-FRI' }),
      cronJob({ schedule: '*/120 * * * *' }),
      cronJob({ schedule: '@every 90m' }),
    ],
    invalid: [
      cronJob({ schedule: 'error' }),
      cronJob({ schedule: '0 0 * * 7' }),
      cronJob({ schedule: '0 3 * * * *' }),
      cronJob({ schedule: '@Daily' }),
      cronJob({ schedule: '@reboot' }),
      cronJob({ schedule: '*/0 * * * *' }),
      cronJob({ schedule: '0 0 L * *' }),
      cronJob({ schedule: ' @daily' }),
    ],
  },
  {
    code: 'ScheduleInvalid',
    version: '1.28',
    valid: [cronJob({ schedule: 'TZ=Europe/Berlin 0 3 * * *' })],
    invalid: [cronJob({ schedule: 'TZ=Europe/Berlin' }), cronJob({ schedule: 'CRON_TZ=Mars/Olympus 0 3 * * *' })],
  },
  {
    code: 'ScheduleTimeZonePrefix',
    version: '1.29',
    valid: [cronJob(), cronJob({ timeZone: 'Europe/Berlin' })],
    invalid: [cronJob({ schedule: 'TZ=Europe/Berlin 0 3 * * *' }), cronJob({ schedule: 'CRON_TZ=UTC 0 3 * * *' })],
  },
  {
    code: 'ScheduleTimeZonePrefix',
    version: '1.28',
    valid: [cronJob({ schedule: 'TZ=Europe/Berlin 0 3 * * *' })],
    invalid: [],
  },
  {
    code: 'ScheduleTimeZonePrefix',
    version: '1.35',
    update: true,
    valid: [
      // a stored schedule that already had TZ may keep it
      { old: cronJob({ schedule: 'TZ=UTC 0 3 * * *' }), new: cronJob({ schedule: 'TZ=UTC 0 4 * * *' }) },
    ],
    invalid: [{ old: cronJob(), new: cronJob({ schedule: 'TZ=UTC 0 3 * * *' }) }],
  },
  {
    code: 'ScheduleTimeZoneConflict',
    version: '1.28',
    valid: [cronJob({ schedule: 'TZ=UTC 0 3 * * *' }), cronJob({ timeZone: 'UTC' })],
    invalid: [cronJob({ schedule: 'TZ=UTC 0 3 * * *', timeZone: 'UTC' }), cronJob({ schedule: 'CRON_TZ=UTC 0 3 * * *', timeZone: 'Europe/Berlin' })],
  },
  {
    code: 'TimeZoneInvalid',
    valid: [
      cronJob({ timeZone: 'America/New_York' }),
      cronJob({ timeZone: 'US/Eastern' }),
      cronJob({ timeZone: 'Asia/Calcutta' }),
      cronJob({ timeZone: 'Etc/GMT+5' }),
      cronJob({ timeZone: 'UTC' }),
    ],
    invalid: [
      cronJob({ timeZone: '' }),
      cronJob({ timeZone: ' ' }),
      cronJob({ timeZone: 'Local' }),
      cronJob({ timeZone: 'local' }),
      cronJob({ timeZone: 'AMERICA/new_york' }),
      cronJob({ timeZone: 'Continent/Zone' }),
      cronJob({ timeZone: '../etc/passwd' }),
      cronJob({ timeZone: '/etc/localtime' }),
    ],
  },
  {
    code: 'TimeZoneInvalid',
    update: true,
    valid: [
      // validated only when it changes
      { old: cronJob({ timeZone: 'broken' }), new: cronJob({ timeZone: 'broken', schedule: '0 4 * * *' }) },
    ],
    invalid: [{ old: cronJob({ timeZone: 'broken' }), new: cronJob({ timeZone: 'still broken' }) }],
  },
  {
    code: 'CronJobNameTooLong',
    update: true,
    // create-only: an existing long name can still be updated
    valid: [{ old: cronJob({}, { name: `${name52}abc` }), new: cronJob({ schedule: '0 4 * * *' }, { name: `${name52}abc` }) }],
    invalid: [],
  },
  {
    code: 'ConcurrencyPolicyInvalid',
    valid: [cronJob({ concurrencyPolicy: 'Forbid' }), cronJob({ concurrencyPolicy: 'Replace' }), cronJob({ concurrencyPolicy: '' }), cronJob()],
    invalid: [cronJob({ concurrencyPolicy: 'forbid' }), cronJob({ concurrencyPolicy: 'Never' })],
  },
  {
    code: 'StartingDeadlineSecondsNegative',
    valid: [cronJob({ startingDeadlineSeconds: 0 }), cronJob({ startingDeadlineSeconds: 60 })],
    invalid: [cronJob({ startingDeadlineSeconds: -1 })],
  },
  {
    code: 'JobsHistoryLimitNegative',
    valid: [cronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 }), cronJob({ successfulJobsHistoryLimit: 10 })],
    invalid: [cronJob({ successfulJobsHistoryLimit: -1 }), cronJob({ failedJobsHistoryLimit: -3 })],
  },
  {
    code: 'JobTemplateMetadataInvalid',
    valid: [
      cronJobWithTemplate({}, undefined, { labels: { 'app.kubernetes.io/name': 'report' }, annotations: { 'example.com/owner': 'team a' } }),
    ],
    invalid: [
      cronJobWithTemplate({}, undefined, { labels: { 'bad key!': 'x' } }),
      cronJobWithTemplate({}, undefined, { labels: { app: 'not a label value' } }),
      cronJobWithTemplate({}, undefined, { annotations: { '/owner': 'x' } }),
    ],
  },
  {
    code: 'JobTemplateGeneratedLabel',
    valid: [
      cronJobWithTemplate({
        template: {
          metadata: { labels: { app: 'report' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'r', resources: { requests: { cpu: '1' } } }] },
        },
      }),
    ],
    invalid: [
      cronJobWithTemplate({
        template: {
          metadata: { labels: { 'job-name': 'report' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'r', resources: { requests: { cpu: '1' } } }] },
        },
      }),
      cronJobWithTemplate({
        template: {
          metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'r', resources: { requests: { cpu: '1' } } }] },
        },
      }),
    ],
  },
];
