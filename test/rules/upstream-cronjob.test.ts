/**
 * Parity with the API server on Kubernetes' own CronJob validation cases:
 * `pkg/apis/batch/validation/validation_test.go` › `TestValidateCronJob` (success and error
 * tables, each also run as a no-op update) and `TestValidateCronJobSpec` (timeZone on update),
 * ported as JSON. Only errors count: the rules engine must report at least one error for every
 * upstream error case (no false accepts) and none for any success case (no false rejects), on
 * every supported version (1.28 through 1.35).
 */
import { SUPPORTED_VERSIONS, validate, validateUpdate, Violation } from '../../src/rules';

const VERSIONS = [...SUPPORTED_VERSIONS];

/** `getValidPodTemplateSpecForGenerated` with its labels cleared, as the CronJob tests use it. */
function validPodTemplateSpec(): any {
  return {
    metadata: { labels: {} },
    spec: {
      restartPolicy: 'OnFailure',
      dnsPolicy: 'ClusterFirst',
      containers: [{ name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
    },
  };
}

function cronJob(spec: Record<string, any>, jobSpec: Record<string, any> = {}, name = 'mycronjob'): any {
  // a JSON round trip drops keys set to undefined, as a manifest leaves them out
  return JSON.parse(JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', uid: '1a2b3c' },
    spec: {
      concurrencyPolicy: 'Allow',
      ...spec,
      jobTemplate: { spec: { template: validPodTemplateSpec(), ...jobSpec } },
    },
  }));
}

const SUCCESS_CASES: Record<string, any> = {
  'basic scheduled job': cronJob({ schedule: '* * * * ?' }),
  'non-standard scheduled': cronJob({ schedule: '@hourly' }),
  'correct timeZone value casing': cronJob({ schedule: '0 * * * *', timeZone: 'America/New_York' }),
};

/** Upstream error cases: the key is upstream's, the value the object and the code we report. */
const ERROR_CASES: Record<string, { object: any; code: string | ((version: string) => string) }> = {
  'spec.schedule: Invalid value': { object: cronJob({ schedule: 'error' }), code: 'ScheduleInvalid' },
  'spec.schedule: Required value': { object: cronJob({ schedule: '' }), code: 'ScheduleRequired' },
  'spec.schedule: cannot use both timeZone field and TZ or CRON_TZ in schedule': {
    object: cronJob({ schedule: 'TZ=UTC 0 * * * *', timeZone: 'UTC' }),
    // 1.29+ rejects any TZ in a new schedule first (the two checks are a switch)
    code: (version) => (version === '1.28' ? 'ScheduleTimeZoneConflict' : 'ScheduleTimeZonePrefix'),
  },
  'spec.timeZone: timeZone must be nil or non-empty string': { object: cronJob({ schedule: '0 * * * *', timeZone: '' }), code: 'TimeZoneInvalid' },
  'spec.timeZone: timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones': {
    object: cronJob({ schedule: '0 * * * *', timeZone: 'Local' }),
    code: 'TimeZoneInvalid',
  },
  'spec.timeZone: Invalid value: "AMERICA/new_york": unknown time zone AMERICA/new_york': {
    object: cronJob({ schedule: '0 * * * *', timeZone: 'AMERICA/new_york' }),
    code: 'TimeZoneInvalid',
  },
  'spec.timeZone: Invalid value: " America/New_York": unknown time zone  America/New_York': {
    object: cronJob({ schedule: '0 * * * *', timeZone: ' America/New_York' }),
    code: 'TimeZoneInvalid',
  },
  'spec.timeZone: Invalid value: "America/New_York ": unknown time zone America/New_York ': {
    object: cronJob({ schedule: '0 * * * *', timeZone: 'America/New_York ' }),
    code: 'TimeZoneInvalid',
  },
  'spec.timeZone: Invalid value: "America/New York": unknown time zone  America/New York': {
    object: cronJob({ schedule: '0 * * * *', timeZone: 'America/New York' }),
    code: 'TimeZoneInvalid',
  },
  'spec.timeZone: Invalid value: " ": unknown time zone  ': { object: cronJob({ schedule: '0 * * * *', timeZone: ' ' }), code: 'TimeZoneInvalid' },
  'spec.startingDeadlineSeconds:must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?', startingDeadlineSeconds: -1 }),
    code: 'StartingDeadlineSecondsNegative',
  },
  'spec.successfulJobsHistoryLimit: must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?', successfulJobsHistoryLimit: -1 }),
    code: 'JobsHistoryLimitNegative',
  },
  'spec.failedJobsHistoryLimit: must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?', failedJobsHistoryLimit: -1 }),
    code: 'JobsHistoryLimitNegative',
  },
  'spec.jobTemplate.spec.parallelism:must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?' }, { parallelism: -1 }),
    code: 'ParallelismNegative',
  },
  'spec.jobTemplate.spec.completions:must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?' }, { completions: -1 }),
    code: 'CompletionsNegative',
  },
  'spec.jobTemplate.spec.activeDeadlineSeconds:must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?' }, { activeDeadlineSeconds: -1 }),
    code: 'ActiveDeadlineSecondsNegative',
  },
  'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated': {
    object: cronJob({ schedule: '* * * * ?' }, { selector: { matchLabels: { a: 'b' } } }),
    code: 'JobTemplateSelectorNotAllowed',
  },
  'metadata.name: must be no more than 52 characters': {
    object: cronJob({ schedule: '* * * * ?' }, {}, '10000000002000000000300000000040000000005000000000123'),
    code: 'CronJobNameTooLong',
  },
  'spec.jobTemplate.spec.manualSelector: Unsupported value': {
    object: cronJob({ schedule: '* * * * ?' }, { manualSelector: true }),
    code: 'JobTemplateSelectorNotAllowed',
  },
  'spec.jobTemplate.spec.template.spec.restartPolicy: Required value': {
    object: cronJob({ schedule: '* * * * ?' }, {
      template: {
        spec: {
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          containers: [{ name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
        },
      },
    }),
    code: 'RestartPolicyNotAllowed',
  },
  'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value': {
    object: cronJob({ schedule: '* * * * ?' }, {
      template: {
        spec: {
          restartPolicy: 'Invalid',
          dnsPolicy: 'ClusterFirst',
          containers: [{ name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
        },
      },
    }),
    code: 'RestartPolicyUnsupported',
  },
  'spec.jobTemplate.spec.ttlSecondsAfterFinished:must be greater than or equal to 0': {
    object: cronJob({ schedule: '* * * * ?' }, { ttlSecondsAfterFinished: -1 }),
    code: 'TtlSecondsAfterFinishedNegative',
  },
};

/**
 * Upstream's `spec.concurrencyPolicy: Required value` case calls the validator on an object that
 * skipped defaulting. Through the API the empty policy is defaulted to Allow first (R014), so the
 * server accepts the same JSON; the engine, which defaults first, must accept it too.
 */
const ACCEPTED_THROUGH_DEFAULTING: Record<string, any> = {
  'spec.concurrencyPolicy: Required value': cronJob({ schedule: '* * * * ?', concurrencyPolicy: undefined }),
};

/** `TestValidateCronJobSpec`: timeZone is validated on update only when it changes (R137). */
const SPEC_UPDATE_CASES: Record<string, { old?: string; new?: string; expectErr: boolean }> = {
  'no validation because timeZone is nil for old and new': { expectErr: false },
  'check validation because timeZone is different for new': { new: 'America/New_York', expectErr: false },
  'check validation because timeZone is different for new and invalid': { new: 'broken', expectErr: true },
  'old timeZone and new timeZone are valid': { old: 'America/New_York', new: 'America/Chicago', expectErr: false },
  'old timeZone is valid, but new timeZone is invalid': { old: 'America/New_York', new: 'broken', expectErr: true },
  'old timeZone and new timeZone are invalid, but unchanged': { old: 'broken', new: 'broken', expectErr: false },
  'old timeZone and new timeZone are invalid, but different': { old: 'broken', new: 'still broken', expectErr: true },
  'old timeZone is invalid, but new timeZone is valid': { old: 'broken', new: 'America/New_York', expectErr: false },
};

function errors(vs: Violation[]): Violation[] {
  return vs.filter((v) => v.severity === 'error');
}

function errorCodes(vs: Violation[]): string[] {
  return errors(vs).map((v) => v.code);
}

function expectedCode(code: string | ((version: string) => string), version: string): string {
  return typeof code === 'string' ? code : code(version);
}

function withoutTimeZone(obj: any): any {
  const copy = JSON.parse(JSON.stringify(obj));
  delete copy.spec.timeZone;
  return copy;
}

describe.each(VERSIONS)('upstream TestValidateCronJob on %s', (version) => {
  test.each(Object.keys(SUCCESS_CASES))('accepts %s (create and no-op update)', (name) => {
    const obj = SUCCESS_CASES[name];
    expect(errors(validate(obj, { kubernetesVersion: version }))).toEqual([]);
    expect(errors(validateUpdate(obj, obj, { kubernetesVersion: version }))).toEqual([]);
  });

  test.each(Object.keys(ERROR_CASES))('rejects %s on create', (name) => {
    const { object, code } = ERROR_CASES[name];
    expect(errorCodes(validate(object, { kubernetesVersion: version }))).toContain(expectedCode(code, version));
  });

  test.each(Object.keys(ERROR_CASES))('rejects %s on update, except the create-only name length', (name) => {
    // upstream: the old object is the same with timeZone cleared, the new one unchanged
    const { object } = ERROR_CASES[name];
    const errs = errorCodes(validateUpdate(withoutTimeZone(object), object, { kubernetesVersion: version }));
    if (name === 'metadata.name: must be no more than 52 characters') expect(errs).toEqual([]);
    else expect(errs.length).toBeGreaterThan(0);
  });

  test.each(Object.keys(ACCEPTED_THROUGH_DEFAULTING))('accepts %s once defaulted, as the API does', (name) => {
    expect(errors(validate(ACCEPTED_THROUGH_DEFAULTING[name], { kubernetesVersion: version }))).toEqual([]);
  });

  test('zero false accepts and zero false rejects over all cases', () => {
    const falseRejects = Object.entries(SUCCESS_CASES)
      .filter(([, obj]) => errors(validate(obj, { kubernetesVersion: version })).length > 0)
      .map(([name]) => name);
    const falseAccepts = Object.entries(ERROR_CASES)
      .filter(([, c]) => errors(validate(c.object, { kubernetesVersion: version })).length === 0)
      .map(([name]) => name);
    expect({ falseAccepts, falseRejects }).toEqual({ falseAccepts: [], falseRejects: [] });
  });
});

describe.each(VERSIONS)('upstream TestValidateCronJobSpec (timeZone on update) on %s', (version) => {
  test.each(Object.keys(SPEC_UPDATE_CASES))('%s', (name) => {
    const c = SPEC_UPDATE_CASES[name];
    const old = cronJob({ schedule: '0 * * * *', ...(c.old === undefined ? {} : { timeZone: c.old }) });
    const updated = cronJob({ schedule: '0 * * * *', ...(c.new === undefined ? {} : { timeZone: c.new }) });
    const codes = errorCodes(validateUpdate(old, updated, { kubernetesVersion: version }));
    if (c.expectErr) expect(codes).toContain('TimeZoneInvalid');
    else expect(codes).toEqual([]);
  });
});

describe('TZ in schedule across versions (R136)', () => {
  const tz = cronJob({ schedule: 'TZ=UTC 0 * * * *' });
  const plain = cronJob({ schedule: '0 * * * *' });

  test('1.28 accepts a TZ prefix on create', () => {
    expect(errorCodes(validate(tz, { kubernetesVersion: '1.28' }))).toEqual([]);
  });

  test('1.29+ rejects a TZ prefix on create', () => {
    for (const v of ['1.29', '1.35']) expect(errorCodes(validate(tz, { kubernetesVersion: v }))).toEqual(['ScheduleTimeZonePrefix']);
  });

  test('1.29+ lets an update keep a TZ prefix the stored schedule already had', () => {
    expect(errorCodes(validateUpdate(tz, tz, { kubernetesVersion: '1.35' }))).toEqual([]);
    const changed = cronJob({ schedule: 'TZ=UTC 30 * * * *' });
    expect(errorCodes(validateUpdate(tz, changed, { kubernetesVersion: '1.35' }))).toEqual([]);
  });

  test('1.29+ rejects adding a TZ prefix on update', () => {
    expect(errorCodes(validateUpdate(plain, tz, { kubernetesVersion: '1.35' }))).toEqual(['ScheduleTimeZonePrefix']);
  });

  test('1.29+ still rejects a kept TZ prefix combined with timeZone on update', () => {
    const both = cronJob({ schedule: 'TZ=UTC 0 * * * *', timeZone: 'UTC' });
    expect(errorCodes(validateUpdate(tz, both, { kubernetesVersion: '1.35' }))).toEqual(['ScheduleTimeZoneConflict']);
  });

  test('the 52-character name limit is create-only', () => {
    const long = cronJob({ schedule: '0 * * * *' }, {}, 'a'.repeat(60));
    expect(errorCodes(validate(long, { kubernetesVersion: '1.35' }))).toContain('CronJobNameTooLong');
    expect(errorCodes(validateUpdate(long, long, { kubernetesVersion: '1.35' }))).not.toContain('CronJobNameTooLong');
  });
});
