import { Chart, Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  BatchSettings,
  IndexedJob,
  JobTemplateExpansion,
  OneShotJob,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  Schedule,
  ScheduledJob,
  ScheduledJobTemplate,
  SuccessPolicy,
  WorkQueueJob,
} from '../src';
import { SUPPORTED_VERSIONS, validate } from '../src/rules';

/**
 * Properties of the constructs as a whole:
 * 1. whatever synthesizes passes the rules with zero errors for the target version;
 * 2. whatever is rejected is rejected with rule codes (`[path] Code: …` lines, or a coded
 *    argument error from a value-class factory), never with a crash;
 * 3. props that respect every rule are accepted.
 */

const image = 'registry.example.com/app:1';
const CODED_SYNTH_ERROR = /^Validation failed with the following errors:\n(  \[[^\]]+\] [A-Z][A-Za-z0-9]+: \S.*(\n|$))+$/;
const CODED_ARGUMENT_ERROR = /^[A-Z][A-Za-z0-9]+: \S/;

type Build = (chart: Chart) => void;

const version = fc.constantFrom(...SUPPORTED_VERSIONS);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const count = fc.integer({ min: -2, max: 40 });
const restartPolicy = fc.constantFrom(kplus.RestartPolicy.NEVER, kplus.RestartPolicy.ON_FAILURE);
const action = fc.constantFrom(...Object.values(PodFailurePolicyAction));
const exitCodes = fc.array(fc.integer({ min: -1, max: 256 }), { minLength: 0, maxLength: 4 });
const duration = fc.constantFrom(Duration.seconds(0), Duration.seconds(30), Duration.minutes(5), Duration.millis(1500));
const name = maybe(fc.integer({ min: 1, max: 70 }).map((n) => 'j'.repeat(n)));
const schedule = fc.constantFrom<Cron>(
  Cron.daily(),
  Cron.hourly(),
  Schedule.expression('@weekly'),
  Schedule.expression('*/5 * * * *'),
  Schedule.expression('0 0 * *'),
  Schedule.expression('61 * * * *'),
  Schedule.expression('@every 5m'),
  Schedule.expression('TZ=UTC 0 1 * * *'),
);
const timeZone = maybe(fc.constantFrom('Europe/Berlin', 'UTC', 'Mars/Olympus', 'Etc/GMT+5'));

const failurePolicy = maybe(
  fc.array(fc.record({ action, values: exitCodes }), { minLength: 1, maxLength: 3 }).map((rules) => () =>
    PodFailurePolicy.of(...rules.map((r) => PodFailurePolicyRule.onExitCodes(r))),
  ),
);

const shared = fc.record({
  restartPolicy: maybe(restartPolicy),
  backoffLimit: maybe(count),
  activeDeadline: maybe(duration),
  ttlAfterFinished: maybe(duration),
  admissionGate: maybe(fc.boolean()),
  failurePolicy,
  name,
});

function sharedProps(s: any) {
  return {
    containers: [{ image }],
    restartPolicy: s.restartPolicy,
    backoffLimit: s.backoffLimit,
    activeDeadline: s.activeDeadline,
    ttlAfterFinished: s.ttlAfterFinished,
    admissionGate: s.admissionGate,
    podFailurePolicy: s.failurePolicy?.(),
    metadata: s.name ? { name: s.name } : undefined,
  };
}

const indexedOptions = fc.record({
  completions: count,
  parallelism: maybe(count),
  backoffLimitPerIndex: maybe(count),
  maxFailedIndexes: maybe(count),
  successCount: maybe(fc.integer({ min: 0, max: 45 })),
});

function indexedProps(o: any) {
  return {
    completions: o.completions,
    parallelism: o.parallelism,
    backoffLimitPerIndex: o.backoffLimitPerIndex,
    maxFailedIndexes: o.maxFailedIndexes,
    successPolicy: o.successCount === undefined ? undefined : SuccessPolicy.succeededCount(o.successCount),
  };
}

/** Any props, valid or not, for one of the four constructs. */
const anyBuild: fc.Arbitrary<Build> = fc.oneof(
  shared.map((s) => (c: Chart) => void new OneShotJob(c, 'job', sharedProps(s))),
  fc.tuple(shared, count, maybe(count)).map(([s, parallelism, completions]) => (c: Chart) =>
    void new WorkQueueJob(c, 'job', { ...sharedProps(s), parallelism, completions })),
  fc.tuple(shared, indexedOptions, fc.boolean()).map(([s, o, headlessService]) => (c: Chart) =>
    void new IndexedJob(c, 'job', { ...sharedProps(s), ...indexedProps(o), headlessService })),
  fc.tuple(shared, schedule, timeZone, fc.integer({ min: 0, max: 2 }), indexedOptions, maybe(count)).map(
    ([s, sched, tz, kind, o, historyLimit]) => (c: Chart) => {
      const jobTemplate = [
        () => ScheduledJobTemplate.oneShot(),
        () => ScheduledJobTemplate.workQueue({ parallelism: o.completions, completions: o.parallelism }),
        () => ScheduledJobTemplate.indexed(indexedProps(o)),
      ][kind]();
      new ScheduledJob(c, 'job', { ...sharedProps(s), schedule: sched, timeZone: tz, jobTemplate, failedJobsRetained: historyLimit });
    },
  ),
  fc.tuple(shared, fc.array(fc.constantFrom('a', 'b', 'x/y', '', 'item-1'), { maxLength: 4 })).map(([s, items]) => (c: Chart) =>
    void new JobTemplateExpansion(c, 'job', { ...sharedProps(s), items })),
);

/** Props that respect every rule on Kubernetes 1.33 (all features GA). */
const validBuild: fc.Arbitrary<Build> = fc
  .record({
    completions: fc.integer({ min: 1, max: 30 }),
    parallelism: fc.integer({ min: 0, max: 30 }),
    backoffLimit: maybe(fc.integer({ min: 0, max: 10 })),
    perIndex: maybe(fc.integer({ min: 0, max: 5 })),
    failJobCode: maybe(fc.integer({ min: 1, max: 255 })),
    which: fc.integer({ min: 0, max: 3 }),
    onFailure: fc.boolean(),
  })
  .map((v) => (c: Chart) => {
    const base = {
      containers: [{ image }],
      backoffLimit: v.backoffLimit,
      ttlAfterFinished: Duration.hours(1),
      activeDeadline: Duration.hours(1),
      // podFailurePolicy and backoffLimitPerIndex both need Never
      restartPolicy: v.onFailure && v.failJobCode === undefined && v.perIndex === undefined
        ? kplus.RestartPolicy.ON_FAILURE
        : kplus.RestartPolicy.NEVER,
      podFailurePolicy: v.failJobCode === undefined
        ? undefined
        : PodFailurePolicy.of(PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [v.failJobCode] })),
    };
    const indexed = {
      completions: v.completions,
      parallelism: Math.min(v.parallelism, v.completions),
      backoffLimitPerIndex: v.perIndex,
      maxFailedIndexes: v.perIndex === undefined ? undefined : v.completions,
      successPolicy: SuccessPolicy.succeededCount(v.completions),
    };
    switch (v.which) {
      case 0: new OneShotJob(c, 'job', base); break;
      case 1: new WorkQueueJob(c, 'job', { ...base, parallelism: v.parallelism, completions: v.completions }); break;
      case 2: new IndexedJob(c, 'job', { ...base, ...indexed, headlessService: v.parallelism % 2 === 0 }); break;
      default: new ScheduledJob(c, 'job', { ...base, schedule: Cron.daily(), jobTemplate: ScheduledJobTemplate.indexed(indexed) });
    }
  });

function chartFor(kubernetesVersion: string): Chart {
  const chart = Testing.chart();
  BatchSettings.setKubernetesVersion(chart, kubernetesVersion);
  return chart;
}

describe('constructs (property)', () => {
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('any props either synthesize rule-clean manifests or are rejected with codes, never a crash', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(anyBuild, version, (build, kubernetesVersion) => {
        const chart = chartFor(kubernetesVersion);
        try {
          build(chart);
        } catch (e) {
          rejected++;
          expect((e as Error).message).toMatch(CODED_ARGUMENT_ERROR);
          return;
        }
        let manifests: any[];
        try {
          manifests = Testing.synth(chart);
        } catch (e) {
          rejected++;
          expect((e as Error).message).toMatch(CODED_SYNTH_ERROR);
          return;
        }
        accepted++;
        for (const manifest of manifests) {
          const errors = validate(manifest, { kubernetesVersion }).filter((v) => v.severity === 'error');
          expect(errors).toEqual([]);
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
    // the generator reaches both sides of the property
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(10);
  });

  test('props that respect every rule are accepted', () => {
    fc.assert(
      fc.property(validBuild, (build) => {
        const chart = chartFor('1.33');
        build(chart);
        const manifests = Testing.synth(chart);
        expect(manifests.length).toBeGreaterThan(0);
      }),
      { numRuns: 150, seed: 2424 },
    );
  });
});
