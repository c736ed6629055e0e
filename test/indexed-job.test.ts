import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchSettings,
  IndexedJob,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  SuccessPolicy,
} from '../src';
import { PATTERN_ANNOTATION } from '../src/rules';

const image = 'registry.example.com/render:5.2';

describe('IndexedJob', () => {
  // Hygiene warnings go to stderr at synth; they are asserted in batch-settings.test.ts.
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 8 });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.33');
    // WHEN
    new IndexedJob(chart, 'render', {
      metadata: { name: 'frames' },
      containers: [{ image }],
      completions: 8,
      parallelism: 4,
      backoffLimitPerIndex: 2,
      maxFailedIndexes: 3,
      successPolicy: SuccessPolicy.succeededIndexes('0-7', 6),
      podFailurePolicy: PodFailurePolicy.of(
        PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_INDEX, values: [3] }),
      ),
      headlessService: true,
      ttlAfterFinished: Duration.hours(6),
      activeDeadline: Duration.hours(1),
      suspend: false,
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('sets completionMode Indexed with the completions', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'render', { containers: [{ image }], completions: 8, parallelism: 2 });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.completions).toBe(8);
    expect(spec.parallelism).toBe(2);
    expect(job.completions).toBe(8);
    expect(job.parallelism).toBe(2);
  });

  test('leaves parallelism to the API server by default', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'render', { containers: [{ image }], completions: 8 });
    expect(Testing.synth(chart)[0].spec).not.toHaveProperty('parallelism');
    expect(job.parallelism).toBeUndefined();
  });

  test('renders per-index retries and the success policy', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    const job = new IndexedJob(chart, 'render', {
      containers: [{ image }],
      completions: 10,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 2,
      successPolicy: SuccessPolicy.succeededCount(1),
    });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.backoffLimitPerIndex).toBe(1);
    expect(spec.maxFailedIndexes).toBe(2);
    expect(spec.successPolicy).toEqual({ rules: [{ succeededCount: 1 }] });
    expect(job.backoffLimitPerIndex).toBe(1);
    expect(job.maxFailedIndexes).toBe(2);
    expect(job.successPolicy!.rules).toEqual([{ succeededCount: 1 }]);
  });

  test('the headless Service selects the Job pods and is their subdomain', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, headlessService: true });
    const [jobManifest, service] = Testing.synth(chart);
    expect(service.kind).toBe('Service');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual({ 'batch.kubernetes.io/job-name': jobManifest.metadata.name });
    expect(jobManifest.spec.template.spec.subdomain).toBe(service.metadata.name);
    expect(job.serviceName).toBe(service.metadata.name);
    // pod-to-pod communication runs every index at once
    expect(jobManifest.spec.parallelism).toBe(3);
    expect(job.parallelism).toBe(3);
  });

  test('the headless Service takes the subdomain given in dns', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, headlessService: true, dns: { subdomain: 'workers' } });
    const [jobManifest, service] = Testing.synth(chart);
    expect(service.metadata.name).toBe('workers');
    expect(jobManifest.spec.template.spec.subdomain).toBe('workers');
  });

  test('no Service is created by default', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3 });
    expect(Testing.synth(chart).map((m) => m.kind)).toEqual(['Job']);
    expect(job.service).toBeUndefined();
  });

  test('annotates the Job with its pattern', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3 });
    expect(Testing.synth(chart)[0].metadata.annotations[PATTERN_ANNOTATION]).toBe('IndexedJob');
  });

  test('fails if backoffLimitPerIndex targets Kubernetes 1.28, where it is alpha and dropped', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, backoffLimitPerIndex: 1 });
    expect(() => Testing.synth(chart)).toThrow(/FieldRequiresNewerKubernetes: spec\.backoffLimitPerIndex/);
  });

  test('fails if successPolicy targets a Kubernetes version without it', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.29');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, successPolicy: SuccessPolicy.succeededCount(1) });
    expect(() => Testing.synth(chart)).toThrow(/FieldUnknown: spec\.successPolicy is not a field of batch\/v1 JobSpec in Kubernetes 1\.29/);
  });

  test('fails if successPolicy targets a Kubernetes version that would drop it', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.30');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, successPolicy: SuccessPolicy.succeededCount(1) });
    expect(() => Testing.synth(chart)).toThrow(/FieldRequiresNewerKubernetes: spec\.successPolicy/);
  });

  test('fails if maxFailedIndexes is set without backoffLimitPerIndex', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, maxFailedIndexes: 1 });
    expect(() => Testing.synth(chart)).toThrow(/MaxFailedIndexesRequiresBackoffLimitPerIndex/);
  });

  test('fails if maxFailedIndexes exceeds completions', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 4 });
    expect(() => Testing.synth(chart)).toThrow(/MaxFailedIndexesExceedsCompletions/);
  });

  test('fails if parallelism exceeds 100000', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 200000, parallelism: 100001 });
    expect(() => Testing.synth(chart)).toThrow(/IndexedParallelismTooHigh/);
  });

  test('fails if completions is missing while parallelism is set (untyped callers)', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], parallelism: 2 } as any);
    expect(() => Testing.synth(chart)).toThrow(/IndexedJobRequiresCompletions/);
  });

  test('fails if the success policy asks for more indexes than exist', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, successPolicy: SuccessPolicy.succeededCount(5) });
    expect(() => Testing.synth(chart)).toThrow(/SucceededCountTooHigh/);
  });

  test('fails if the succeeded indexes are malformed', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 3, successPolicy: SuccessPolicy.succeededIndexes('2-1') });
    expect(() => Testing.synth(chart)).toThrow(/SucceededIndexesInvalid/);
  });

  test('fails if the pod hostname <name>-<completions-1> is not a DNS label', () => {
    const chart = Testing.chart();
    new IndexedJob(chart, 'render', { containers: [{ image }], completions: 100, metadata: { name: 'r'.repeat(62) } });
    expect(() => Testing.synth(chart)).toThrow(/IndexedJobHostnameInvalid/);
  });

  test('fails if backoffLimitPerIndex is combined with OnFailure under the strict setting', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    BatchSettings.setStrict(chart, true);
    new IndexedJob(chart, 'render', {
      containers: [{ image }],
      completions: 3,
      backoffLimitPerIndex: 1,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      ttlAfterFinished: Duration.hours(1),
      activeDeadline: Duration.hours(1),
    });
    expect(() => Testing.synth(chart)).toThrow(/BackoffLimitPerIndexWithoutNever/);
  });
});
