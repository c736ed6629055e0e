import { App, Chart, Duration, Testing } from 'cdk8s';
import { BatchSettings, IndexedJob, OneShotJob } from '../src';

const image = 'registry.example.com/job:1';
const clean = { containers: [{ image }], ttlAfterFinished: Duration.hours(1), activeDeadline: Duration.hours(1) };

describe('BatchSettings', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  const written = (): string => stderr.mock.calls.map((c) => String(c[0])).join('');

  test('defaults to Kubernetes 1.28 and not strict', () => {
    const chart = Testing.chart();
    expect(BatchSettings.kubernetesVersionOf(chart)).toBe('1.28');
    expect(BatchSettings.isStrict(chart)).toBe(false);
  });

  test('a version set on the app applies to every chart', () => {
    const app = Testing.app();
    BatchSettings.setKubernetesVersion(app, 'v1.31.4');
    const chart = new Chart(app, 'jobs');
    expect(BatchSettings.kubernetesVersionOf(chart)).toBe('1.31');
  });

  test('a chart setting overrides the app setting', () => {
    const app = Testing.app();
    BatchSettings.setKubernetesVersion(app, '1.29');
    const chart = new Chart(app, 'jobs');
    BatchSettings.setKubernetesVersion(chart, '1.33');
    expect(BatchSettings.kubernetesVersionOf(chart)).toBe('1.33');
  });

  test('the target version decides whether a field is accepted', () => {
    // GIVEN a field that Kubernetes 1.28 drops (backoffLimitPerIndex is alpha there)
    const old = Testing.chart();
    new IndexedJob(old, 'render', { ...clean, completions: 3, backoffLimitPerIndex: 1 });
    const app = new App();
    BatchSettings.setKubernetesVersion(app, '1.29');
    const current = new Chart(app, 'test');
    new IndexedJob(current, 'render', { ...clean, completions: 3, backoffLimitPerIndex: 1 });
    // THEN
    expect(() => Testing.synth(old)).toThrow(/FieldRequiresNewerKubernetes/);
    expect(Testing.synth(current)[0].spec.backoffLimitPerIndex).toBe(1);
  });

  test('warnings are written to stderr once, prefixed with the construct path', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    Testing.synth(chart);
    Testing.synth(chart);
    const lines = written().trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('[test/migrate] warning '))).toBe(true);
    expect(lines.filter((l) => l.includes('TtlSecondsAfterFinishedMissing: spec.ttlSecondsAfterFinished'))).toHaveLength(1);
  });

  test('a Job with TTL and deadline synthesizes without warnings', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', clean);
    Testing.synth(chart);
    expect(written()).toBe('');
  });

  test('the strict setting turns warnings into synth errors', () => {
    const chart = Testing.chart();
    BatchSettings.setStrict(chart, true);
    new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/migrate\] TtlSecondsAfterFinishedMissing: /);
    expect(BatchSettings.isStrict(chart)).toBe(true);
  });

  test('fails if the version is not supported', () => {
    expect(() => BatchSettings.setKubernetesVersion(Testing.chart(), '1.27')).toThrow(
      /kubernetesVersion must be one of 1\.28, .*1\.37 \(got "1\.27"\)/,
    );
  });

  test('fails if the scope already has children', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', clean);
    expect(() => BatchSettings.setKubernetesVersion(chart, '1.31')).toThrow(
      /^BatchSettings\.setKubernetesVersion: "test" must have no children yet \(got 1\); call BatchSettings\.setKubernetesVersion right after creating the App or Chart$/,
    );
  });
});
