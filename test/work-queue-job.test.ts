import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchSettings, WorkQueueJob } from '../src';
import { PATTERN_ANNOTATION } from '../src/rules';

const image = 'registry.example.com/worker:2.0.1';

describe('WorkQueueJob', () => {
  // Hygiene warnings go to stderr at synth; they are asserted in batch-settings.test.ts.
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 4 });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new WorkQueueJob(chart, 'workers', {
      metadata: { name: 'thumbnails' },
      containers: [{ image, envVariables: {} }],
      parallelism: 4,
      completions: 20,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      backoffLimit: 10,
      activeDeadline: Duration.hours(2),
      ttlAfterFinished: Duration.days(1),
      suspend: true,
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('a queue with variable pod count leaves completions unset', () => {
    const chart = Testing.chart();
    const job = new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 4 });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.parallelism).toBe(4);
    expect(spec).not.toHaveProperty('completions');
    expect(job.parallelism).toBe(4);
    expect(job.completions).toBeUndefined();
  });

  test('a queue with a pod per work item sets completions', () => {
    const chart = Testing.chart();
    const job = new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 4, completions: 20 });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.completions).toBe(20);
    expect(spec.parallelism).toBe(4);
    expect(spec.completionMode).toBeUndefined();
    expect(job.completions).toBe(20);
  });

  test('parallelism 0 is kept (it pauses the Job), not treated as unset', () => {
    const chart = Testing.chart();
    const job = new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 0 });
    expect(Testing.synth(chart)[0].spec.parallelism).toBe(0);
    expect(job.parallelism).toBe(0);
  });

  test('annotates the Job with its pattern', () => {
    const chart = Testing.chart();
    new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 2 });
    expect(Testing.synth(chart)[0].metadata.annotations[PATTERN_ANNOTATION]).toBe('WorkQueueJob');
  });

  test('fails if parallelism is negative', () => {
    const chart = Testing.chart();
    new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: -1 });
    expect(() => Testing.synth(chart)).toThrow(/ParallelismNegative: spec\.parallelism must be greater than or equal to 0 \(got -1\)/);
  });

  test('fails if completions is negative', () => {
    const chart = Testing.chart();
    new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 2, completions: -5 });
    expect(() => Testing.synth(chart)).toThrow(/CompletionsNegative: spec\.completions/);
  });

  test('fails if parallelism is missing (untyped callers)', () => {
    const chart = Testing.chart();
    new WorkQueueJob(chart, 'workers', { containers: [{ image }] } as any);
    expect(() => Testing.synth(chart)).toThrow(/PatternMismatch: spec\.parallelism/);
  });

  test('fails if backoffLimit is negative', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.35');
    new WorkQueueJob(chart, 'workers', { containers: [{ image }], parallelism: 2, backoffLimit: -3 });
    expect(() => Testing.synth(chart)).toThrow(/BackoffLimitNegative/);
  });
});
