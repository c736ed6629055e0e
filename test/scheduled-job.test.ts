import { Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchSettings,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  Schedule,
  ScheduledJob,
  ScheduledJobTemplate,
  SuccessPolicy,
} from '../src';
import { GATE_ANNOTATION, GATE_PENDING, PATTERN_ANNOTATION } from '../src/rules';

const image = 'registry.example.com/report:3.1';

describe('ScheduledJob', () => {
  // Hygiene warnings go to stderr at synth; they are asserted in batch-settings.test.ts.
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily() });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.33');
    // WHEN
    new ScheduledJob(chart, 'report', {
      metadata: { name: 'nightly-report' },
      containers: [{ image }],
      schedule: Schedule.expression('30 2 * * 1-5'),
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
      startingDeadline: Duration.minutes(5),
      successfulJobsRetained: 5,
      failedJobsRetained: 2,
      suspend: true,
      jobTemplate: ScheduledJobTemplate.indexed({
        completions: 4,
        parallelism: 2,
        backoffLimitPerIndex: 1,
        maxFailedIndexes: 1,
        successPolicy: SuccessPolicy.succeededIndexes('0'),
      }),
      jobMetadata: { labels: { team: 'finance' }, annotations: { 'finance.example.com/report': 'daily' } },
      backoffLimit: 3,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.hours(12),
      podFailurePolicy: PodFailurePolicy.of(
        PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42] }),
      ),
      admissionGate: true,
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('applies the cdk8s-plus-28 CronJob defaults', () => {
    const chart = Testing.chart();
    const cron = new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily() });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.schedule).toBe('0 0 * * *');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBe(10);
    expect(spec.successfulJobsHistoryLimit).toBe(3);
    expect(spec.failedJobsHistoryLimit).toBe(1);
    expect(spec.suspend).toBe(false);
    expect(cron.concurrencyPolicy).toBe(kplus.ConcurrencyPolicy.FORBID);
    expect(cron.startingDeadline.toSeconds()).toBe(10);
    expect(cron.successfulJobsRetained).toBe(3);
    expect(cron.failedJobsRetained).toBe(1);
    expect(cron.suspend).toBe(false);
    expect(cron.resourceType).toBe('cronjobs');
  });

  test('accepts schedule macros', () => {
    const chart = Testing.chart();
    const cron = new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Schedule.expression('@hourly') });
    expect(Testing.synth(chart)[0].spec.schedule).toBe('@hourly');
    expect(cron.schedule.expressionString).toBe('@hourly');
  });

  test('the job template defaults to a OneShotJob', () => {
    const chart = Testing.chart();
    const cron = new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily() });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.metadata.annotations[PATTERN_ANNOTATION]).toBe('ScheduledJob');
    expect(manifest.spec.jobTemplate.metadata.annotations[PATTERN_ANNOTATION]).toBe('OneShotJob');
    expect(manifest.spec.jobTemplate.spec.completions).toBe(1);
    expect(manifest.spec.jobTemplate.spec.parallelism).toBe(1);
    expect(cron.jobTemplate.pattern).toBe('OneShotJob');
  });

  test('a work-queue template carries its parallelism', () => {
    const chart = Testing.chart();
    const cron = new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      jobTemplate: ScheduledJobTemplate.workQueue({ parallelism: 3 }),
    });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.spec.jobTemplate.spec.parallelism).toBe(3);
    expect(manifest.spec.jobTemplate.spec).not.toHaveProperty('completions');
    expect(manifest.spec.jobTemplate.metadata.annotations[PATTERN_ANNOTATION]).toBe('WorkQueueJob');
    expect(cron.jobTemplate.pattern).toBe('WorkQueueJob');
  });

  test('an indexed template sets completionMode Indexed', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      jobTemplate: ScheduledJobTemplate.indexed({ completions: 5 }),
    });
    const tmpl = Testing.synth(chart)[0].spec.jobTemplate;
    expect(tmpl.spec.completionMode).toBe('Indexed');
    expect(tmpl.spec.completions).toBe(5);
    expect(tmpl.metadata.annotations[PATTERN_ANNOTATION]).toBe('IndexedJob');
  });

  test('shared Job props reach the job template', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      backoffLimit: 2,
      activeDeadline: Duration.minutes(20),
      ttlAfterFinished: Duration.hours(1),
    });
    const spec = Testing.synth(chart)[0].spec.jobTemplate.spec;
    expect(spec.backoffLimit).toBe(2);
    expect(spec.activeDeadlineSeconds).toBe(1200);
    expect(spec.ttlSecondsAfterFinished).toBe(3600);
    expect(spec.template.spec.containers[0].image).toBe(image);
  });

  test('the admission gate suspends and annotates every run, not the CronJob', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), admissionGate: true });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.spec.suspend).toBe(false);
    expect(manifest.metadata.annotations[GATE_ANNOTATION]).toBeUndefined();
    expect(manifest.spec.jobTemplate.spec.suspend).toBe(true);
    expect(manifest.spec.jobTemplate.metadata.annotations[GATE_ANNOTATION]).toBe(GATE_PENDING);
  });

  test('time zone is emitted as given', () => {
    const chart = Testing.chart();
    const cron = new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), timeZone: 'America/New_York' });
    expect(Testing.synth(chart)[0].spec.timeZone).toBe('America/New_York');
    expect(cron.timeZone).toBe('America/New_York');
  });

  test('fails if the schedule is not a valid cron expression', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.schedule({ minute: '99', hour: 'abc' }) });
    expect(() => Testing.synth(chart)).toThrow(/ScheduleInvalid: spec\.schedule /);
  });

  test('fails if the schedule text has the wrong number of fields', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Schedule.expression('0 0 * *') });
    expect(() => Testing.synth(chart)).toThrow(/ScheduleInvalid/);
  });

  test('fails if the time zone is unknown', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), timeZone: 'Mars/Olympus' });
    expect(() => Testing.synth(chart)).toThrow(/TimeZoneInvalid: spec\.timeZone/);
  });

  test('fails if the schedule carries a TZ= prefix on Kubernetes 1.29+', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.30');
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Schedule.expression('TZ=UTC 0 0 * * *') });
    expect(() => Testing.synth(chart)).toThrow(/ScheduleTimeZonePrefix/);
  });

  test('fails if the CronJob name is longer than 52 characters', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), metadata: { name: 'r'.repeat(53) } });
    expect(() => Testing.synth(chart)).toThrow(/CronJobNameTooLong: metadata\.name/);
  });

  test('fails if a history limit is negative', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), failedJobsRetained: -1 });
    expect(() => Testing.synth(chart)).toThrow(/JobsHistoryLimitNegative/);
  });

  test('fails if the starting deadline is not a whole number of seconds', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { containers: [{ image }], schedule: Cron.daily(), startingDeadline: Duration.millis(10500) });
    expect(() => Testing.synth(chart)).toThrow(/DurationNotWholeSeconds: startingDeadline/);
  });

  test('fails if an indexed template uses successPolicy on Kubernetes 1.28', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      jobTemplate: ScheduledJobTemplate.indexed({ completions: 3, successPolicy: SuccessPolicy.succeededCount(1) }),
    });
    expect(() => Testing.synth(chart)).toThrow(/FieldUnknown: spec\.jobTemplate\.spec\.successPolicy is not a field of batch\/v1 JobSpec in Kubernetes 1\.28/);
  });

  test('fails if the work-queue template has negative parallelism', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      jobTemplate: ScheduledJobTemplate.workQueue({ parallelism: -2 }),
    });
    expect(() => Testing.synth(chart)).toThrow(/ParallelismNegative: spec\.jobTemplate\.spec\.parallelism/);
  });

  test('fails under the strict setting if the indexed template name leaves no room for index hostnames', () => {
    // The API server accepts the CronJob and rejects each Job it creates: a warning, fatal when strict.
    const chart = Testing.chart();
    BatchSettings.setStrict(chart, true);
    new ScheduledJob(chart, 'report', {
      containers: [{ image }],
      schedule: Cron.daily(),
      metadata: { name: 'r'.repeat(52) },
      jobTemplate: ScheduledJobTemplate.indexed({ completions: 1000 }),
    });
    expect(() => Testing.synth(chart)).toThrow(/CronJobIndexedNameTooLong/);
  });

  test('fails if there is no container', () => {
    const chart = Testing.chart();
    new ScheduledJob(chart, 'report', { schedule: Cron.daily() });
    expect(() => Testing.synth(chart)).toThrow(/PodContainersRequired: spec\.jobTemplate\.spec\.template\.spec\.containers/);
  });
});
