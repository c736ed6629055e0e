import * as fc from 'fast-check';
import { cronJob, cronJobWithTemplate } from './cronjob.cases';
import { formatViolation, validate, Violation } from '../../src/rules';

function find(obj: any, code: string, version = '1.28'): Violation[] {
  return validate(obj, { kubernetesVersion: version }).filter((v) => v.code === code);
}

describe('CronJob rules', () => {
  test('a clean CronJob has no violations on any version', () => {
    for (const version of ['1.28', '1.29', '1.31', '1.35']) {
      expect(validate(cronJob(), { kubernetesVersion: version }).map(formatViolation)).toEqual([]);
    }
  });

  test('fails if the schedule does not parse, quoting the parser and the value', () => {
    const [v] = find(cronJob({ schedule: '0 0 * * 7' }), 'ScheduleInvalid');
    expect(formatViolation(v)).toBe(
      'ScheduleInvalid: spec.schedule is not a valid cron schedule: end of range (7) above maximum (6): 7 (got 0 0 * * 7); ' +
        'use five fields "minute hour day-of-month month day-of-week" (day-of-week 0-6 or sun-sat) or @yearly, @monthly, @weekly, @daily or @hourly',
    );
  });

  test('fails if a TZ= prefix has no space, with a fix for the prefix', () => {
    const [v] = find(cronJob({ schedule: 'TZ=UTC' }), 'ScheduleInvalid');
    expect(v.fix).toMatch(/space between the TZ= prefix/);
  });

  test('fails if the schedule is missing, without a value', () => {
    const [v] = find(cronJob({ schedule: undefined }), 'ScheduleRequired');
    expect(v.message).toBe('spec.schedule is required');
  });

  test('TZ in the schedule: accepted on 1.28, rejected from 1.29 with a pointer to timeZone', () => {
    const obj = cronJob({ schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' });
    expect(validate(obj, { kubernetesVersion: '1.28', minSeverity: 'error' })).toEqual([]);
    const [v] = find(obj, 'ScheduleTimeZonePrefix', '1.29');
    expect(v.severity).toBe('error');
    expect(v.fix).toBe('remove the TZ=/CRON_TZ= prefix and set spec.timeZone instead');
  });

  test('the TZ check is a substring test, as on the API server', () => {
    // "TZ" anywhere, even where the parser fails too
    const codes = validate(cronJob({ schedule: '0 0 * * TZ' }), { kubernetesVersion: '1.35' }).map((v) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['ScheduleInvalid', 'ScheduleTimeZonePrefix']));
  });

  test('fails on a wrongly cased time zone and suggests the right one', () => {
    const [v] = find(cronJob({ timeZone: 'europe/berlin' }), 'TimeZoneInvalid');
    expect(v.message).toBe('spec.timeZone is not a time zone the API server can load (unknown time zone europe/berlin) (got europe/berlin)');
    expect(v.fix).toBe('use "Europe/Berlin" (names are case-sensitive)');
  });

  test('fails on Local with its own message', () => {
    const [v] = find(cronJob({ timeZone: 'Local' }), 'TimeZoneInvalid');
    expect(v.message).toBe('spec.timeZone must name an explicit IANA time zone, not Local (got Local)');
  });

  test('fails on an empty time zone, showing the empty value', () => {
    const [v] = find(cronJob({ timeZone: '' }), 'TimeZoneInvalid');
    expect(v.message).toBe('spec.timeZone must be unset or a non-empty time zone name (got "")');
  });

  test('reports both negative history limits', () => {
    const vs = find(cronJob({ successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -2 }), 'JobsHistoryLimitNegative');
    expect(vs.map((v) => v.path)).toEqual(['spec.successfulJobsHistoryLimit', 'spec.failedJobsHistoryLimit']);
  });

  test('fails on an unknown concurrencyPolicy, listing the supported values', () => {
    const [v] = find(cronJob({ concurrencyPolicy: 'forbid' }), 'ConcurrencyPolicyInvalid');
    expect(v.message).toBe('spec.concurrencyPolicy is not supported: supported values are "Allow", "Forbid", "Replace" (got forbid)');
  });

  test('fails if the name is over 52 characters, giving the length', () => {
    const [v] = find(cronJob({}, { name: 'a'.repeat(53) }), 'CronJobNameTooLong');
    expect(v.message).toMatch(/^metadata\.name must be no more than 52 characters \(53 characters\)/);
  });

  test('warns if an Indexed template makes pod hostnames longer than a DNS label', () => {
    const name = 'a'.repeat(50);
    // 50 + "-NNNNNNNN-" + "999" = 63 fits; "9999" does not
    expect(find(cronJobWithTemplate({ completionMode: 'Indexed', completions: 1000 }, { name }), 'CronJobIndexedNameTooLong')).toEqual([]);
    const [v] = find(cronJobWithTemplate({ completionMode: 'Indexed', completions: 10000 }, { name }), 'CronJobIndexedNameTooLong');
    // The API server accepts the CronJob and rejects each Job it creates: a warning on the CronJob.
    expect(v.severity).toBe('warning');
    expect(v.message).toContain(`"${name}-NNNNNNNN-9999" (64 characters)`);
  });

  test('fails on batch/v1beta1 CronJob, naming the removal', () => {
    const [v] = find({ ...cronJob(), apiVersion: 'batch/v1beta1' }, 'ApiVersionUnsupported');
    expect(formatViolation(v)).toBe(
      'ApiVersionUnsupported: apiVersion was removed in Kubernetes 1.25; CronJob is served as batch/v1 only (got batch/v1beta1); set apiVersion to batch/v1',
    );
  });

  test('never throws on arbitrary JSON in a CronJob (property)', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.record(
          {
            schedule: fc.oneof(fc.string(), anyJson),
            timeZone: fc.oneof(fc.string(), anyJson),
            jobTemplate: anyJson,
            startingDeadlineSeconds: anyJson,
          },
          { requiredKeys: [] },
        ),
        fc.oneof(fc.constant({ name: 'x' }), anyJson),
        (spec, metadata) => {
          const obj = { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec };
          for (const version of ['1.28', '1.35']) expect(Array.isArray(validate(obj, { kubernetesVersion: version }))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
