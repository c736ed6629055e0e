import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp } from '../examples/app';
import { PATTERN_ANNOTATION, SANDBOX_EXIT_CODE_ANNOTATION, SANDBOX_FAILURE_RATE_ANNOTATION, validate } from '../src/rules';

// The example app imports the library by its package name, as users do; map it to the sources.
jest.mock('cdk8s-batch', () => jest.requireActual('../src'), { virtual: true });
jest.mock('cdk8s-batch/rules', () => jest.requireActual('../src/rules'), { virtual: true });

describe('examples', () => {
  let outdir: string;
  let manifests: any[];
  let stderr: jest.SpyInstance;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-examples-'));
    process.env.CDK8S_OUTDIR = outdir;
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const app = buildExampleApp();
    manifests = app.charts.flatMap((chart) => chart.toJson());
    app.synth();
  });

  afterAll(() => {
    stderr.mockRestore();
    delete process.env.CDK8S_OUTDIR;
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('uses every construct', () => {
    const patterns = manifests.map((m) => m.metadata?.annotations?.[PATTERN_ANNOTATION]).filter(Boolean);
    expect(new Set(patterns)).toEqual(new Set(['OneShotJob', 'WorkQueueJob', 'IndexedJob', 'ScheduledJob']));
    expect(manifests.filter((m) => m.kind === 'Service')).toHaveLength(1);
    expect(manifests.filter((m) => m.metadata.labels?.['batch.cdk8s.io/expansion'])).toHaveLength(3);
  });

  test('has zero error violations on the version it targets', () => {
    const errors = manifests.flatMap((m) => validate(m, { kubernetesVersion: '1.31' })).filter((v) => v.severity === 'error');
    expect(errors).toEqual([]);
  });

  test('synthesizes without hygiene warnings', () => {
    expect(manifests.flatMap((m) => validate(m, { kubernetesVersion: '1.31' }))).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
  });

  test('writes the chart to the output directory', () => {
    expect(fs.readdirSync(outdir)).toEqual(['shop-batch.k8s.yaml']);
  });

  test('the failing import exits 42 in the sandbox and its policy fails the Job on that code', () => {
    const job = manifests.find((m) => m.kind === 'Job' && m.spec.template.metadata.annotations?.[SANDBOX_EXIT_CODE_ANNOTATION] === '42');
    expect(job.spec.template.metadata.annotations[SANDBOX_FAILURE_RATE_ANNOTATION]).toBe('1');
    expect(job.spec.podFailurePolicy.rules[0]).toEqual({ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } });
  });
});
