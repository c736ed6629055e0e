import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DEFAULT_KUBERNETES_VERSION } from 'cdk8s-batch/rules';
import { UsageError } from '../../src/cli/usage-error.ts';
import type { CommandIo } from '../../src/commands.ts';
import { parseSandboxArgs, sandboxCommand } from '../../src/sandbox/command.ts';
import { cronJobSettled, firstCronJobStart, renderCronJobSummary, runHorizon, sandboxVersion } from '../../src/sandbox/run.ts';
import type { StoredObject } from '../../src/emulator/types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const weeklyApp = fileURLToPath(new URL('./fixtures/weekly-app/', import.meta.url));

function captureIo(cwd: string): { io: CommandIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: process.env, cwd }, out: () => out, err: () => err };
}

describe('cdk8s-batch sandbox', () => {
  it('plays manifests out to completion, including a Job the pod failure policy fails', async () => {
    const { io, out } = captureIo(here);
    const code = await sandboxCommand.run(['fixtures/small-app.yaml', '--speed', '200', '--timeout', '60'], io);
    const text = out();
    assert.equal(code, 0, text);
    assert.match(text, /check: 4 objects checked \(2 Jobs, 1 CronJobs, 1 skipped\), 0 errors/);
    assert.match(text, /applied\s+ConfigMap settings/);
    // Kubernetes 1.28 (the fixture's version): the job controller's Complete condition has no reason.
    assert.match(text, /^migrate\s+OneShotJob\s+Complete\s+-\s+1\/1/m);
    assert.match(text, /^broken-import\s+Job\s+Failed\s+PodFailurePolicy\s+0\/1\s+1\s/m);
    assert.match(text, /^hourly-report-\d+\s+Job\s+hourly-report\s+Complete/m, 'the CronJob ran once');
    assert.match(text, /sandbox: every Job finished/);
  });

  it('shows the reconciler acting on what it finds', async () => {
    const { io, out } = captureIo(here);
    const code = await sandboxCommand.run(['fixtures/small-app.yaml', '--speed', '200'], io);
    assert.equal(code, 0);
    // broken-import has no pattern annotation and the CronJob-created Job no TTL of its own:
    // whatever the reconciler reports, it reports through Events named by rule code.
    assert.match(out(), /reconciler Events \(\d+\):/);
  });

  it('synthesizes the cdk8s app in the working directory when given no manifests', async () => {
    const { io, out } = captureIo(examples);
    const code = await sandboxCommand.run(['--speed', '100', '--timeout', '80'], io);
    const text = out();
    assert.equal(code, 0, text);
    assert.match(text, /objects from cdk8s synth \(npx tsx main\.ts\)/);
    assert.match(text, /OneShotJob\s+Complete/);
    assert.match(text, /OneShotJob\s+Failed\s+PodFailurePolicy/);
    assert.match(text, /IndexedJob\s+Complete\s+CompletionsReached\s+8\/8/);
    assert.match(text, /sandbox: every Job finished/);
  });

  it('runs an app with a BatchReconciler, a Deployment, a weekly CronJob and a custom resource to exit 0', async () => {
    const { io, out } = captureIo(weeklyApp);
    const code = await sandboxCommand.run(['--speed', '100', '--timeout', '80'], io);
    const text = out();
    assert.equal(code, 0, text);
    // every kind the emulator serves is applied, the reconciler's RBAC included
    for (const kind of ['ConfigMap', 'Secret', 'Deployment', 'Service', 'CronJob', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']) {
      assert.match(text, new RegExp(`^applied\\s+${kind} `, 'm'), `${kind} is applied`);
    }
    assert.match(text, /^applied\s+Deployment default\/cdk8s-batch-reconciler$/m);
    // the custom resource is skipped with a one-line note
    assert.match(text, /^skipped\s+Dashboard shop-dashboard \(shop\.k8s\.yaml\): monitoring\.example\.com\/v1 Dashboard is not served by the sandbox/m);
    assert.doesNotMatch(text, /^rejected/m);
    // the app records the version it targets; with no flag, check and the emulator use it
    assert.match(text, /0 errors, 0 warnings, for Kubernetes 1\.31/);
    assert.match(text, /^sandbox: Kubernetes 1\.31 emulator at /m);
    assert.match(text, /^CRONJOB\s+SCHEDULE\s+TIME ZONE\s+LAST START\s+NEXT START \(UTC\)/m);
    assert.match(text, /^shop-weekly-report-\w+\s+0 3 \* \* SUN\s+UTC\s+\S+\s+\d{4}-\d\d-\d\dT03:00:00Z/m);
    assert.match(text, /sandbox: every Job finished/);
  });

  it('does not wait for a CronJob whose next start lies beyond the run, and shows that start', async () => {
    const { io, out } = captureIo(here);
    const code = await sandboxCommand.run(['fixtures/rare-cronjob.yaml', '--speed', '200', '--timeout', '60'], io);
    const text = out();
    assert.equal(code, 0, text);
    assert.match(text, /^every-five-minutes-\d+\s+OneShotJob\s+every-five-minutes\s+Complete/m, 'the frequent CronJob ran');
    assert.match(text, /^leap-day\s+0 0 29 2 \*\s+UTC\s+-\s+\d{4}-02-29T00:00:00Z \(after this run\)$/m);
    assert.doesNotMatch(text, /not every Job finished/);
    assert.match(text, /sandbox: every Job finished/);
  });

  it('exits 1 when the API server rejects a manifest', async () => {
    const { io, out } = captureIo(here);
    const code = await sandboxCommand.run(['fixtures/invalid-job.yaml', '--speed', '200'], io);
    assert.equal(code, 1);
    assert.match(out(), /rejected\s+Job always-restarts .*restartPolicy/);
  });

  it('explains a directory without a cdk8s app or manifests', async () => {
    const { io } = captureIo(here);
    await assert.rejects(sandboxCommand.run([], io), (e: unknown) => e instanceof UsageError && /no cdk8s\.yaml/.test(e.message));
  });

  it('rejects bad flags with the value received', () => {
    assert.throws(() => parseSandboxArgs(['--speed', 'fast'], here), /--speed must be a positive number \(got "fast"\)/);
    assert.throws(() => parseSandboxArgs(['--mode', 'fix'], here), /--mode must be audit or enforce/);
    assert.throws(() => parseSandboxArgs(['--kubernetes-version', '1.12'], here), /--kubernetes-version must be one of/);
    assert.throws(() => parseSandboxArgs(['--bogus'], here), /Unknown option '--bogus'/);
  });

  it('starts simulated time shortly before the first CronJob start', () => {
    const now = Date.UTC(2026, 0, 1, 10, 20);
    const cron = { file: 'x', object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '0 11 * * *' } } };
    assert.equal(firstCronJobStart([cron], now), Date.UTC(2026, 0, 1, 11, 0) - 15_000);
    assert.equal(firstCronJobStart([], now), now);
  });
});

describe('sandbox Kubernetes version', () => {
  const recording = (version?: string): { file: string; object: Record<string, unknown> } => ({
    file: 'x',
    object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', annotations: version ? { 'batch.cdk8s.io/kubernetes-version': version } : {} } },
  });

  it('serves the version the manifests record, the newest when they differ, and the flag over both', () => {
    assert.deepEqual(sandboxVersion([recording('1.30'), recording()]), { version: '1.30' });
    const mixed = sandboxVersion([recording('1.29'), recording('1.32'), recording('1.30')]);
    assert.equal(mixed.version, '1.32');
    assert.match(mixed.note ?? '', /the manifests record Kubernetes 1\.29, 1\.30, 1\.32; the emulator serves the newest, 1\.32/);
    assert.deepEqual(sandboxVersion([recording('1.29')], '1.33'), { version: '1.33' });
  });

  it('serves the one default version, as check and the constructs use it, when nothing records one', () => {
    assert.deepEqual(sandboxVersion([recording(), recording('not-a-version')]), { version: DEFAULT_KUBERNETES_VERSION });
    assert.equal(parseSandboxArgs([], here).options.kubernetesVersion, undefined);
  });
});

describe('sandbox CronJobs', () => {
  const cronJob = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): StoredObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'weekly', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { schedule: '0 3 * * 0', ...spec },
    status,
  });
  // Thursday 1 January 2026, 10:00 UTC; the next Sunday 03:00 is 4 January.
  const now = Date.UTC(2026, 0, 1, 10, 0);
  const nextSunday = Date.UTC(2026, 0, 4, 3, 0);

  it('is settled when its next start lies beyond the run, and not before', () => {
    assert.equal(cronJobSettled(cronJob({}), now, nextSunday - 1), true);
    assert.equal(cronJobSettled(cronJob({}), now, nextSunday + 1), false, 'a start within the run is waited for');
  });

  it('is settled once it started a Job and has none active, or when suspended', () => {
    assert.equal(cronJobSettled(cronJob({}, { lastScheduleTime: '2026-01-01T09:00:00Z' }), now, Infinity), true);
    assert.equal(cronJobSettled(cronJob({}, { lastScheduleTime: '2026-01-01T09:00:00Z', active: [{ name: 'j' }] }), now, Infinity), false);
    assert.equal(cronJobSettled(cronJob({ suspend: true }), now, Infinity), true);
  });

  it('computes the horizon from the wall-clock time left and the speed', () => {
    assert.equal(runHorizon({ now: () => now, speed: 20 }, 1_000 + 90_000, 1_000), now + 90_000 * 20);
    assert.equal(runHorizon({ now: () => now, speed: 20 }, 1_000, 5_000), now, 'past the deadline');
  });

  it('lists every CronJob with its last and next start', () => {
    const text = renderCronJobSummary([cronJob({}), cronJob({ suspend: true }, { lastScheduleTime: '2025-12-28T03:00:00Z' })], now);
    const lines = text.split('\n');
    assert.match(lines[2], /^weekly\s+0 3 \* \* 0\s+UTC\s+-\s+2026-01-04T03:00:00Z \(after this run\)$/);
    assert.match(lines[3], /^weekly\s+0 3 \* \* 0\s+UTC\s+2025-12-28T03:00:00Z\s+\(suspended\)$/);
  });
});

describe('sandbox pod defaults', () => {
  it('applies --pod-duration and --failure-rate to pod templates that do not set them', async () => {
    const { withPodDefaults } = await import('../../src/sandbox/run.ts');
    const defaults = { 'sandbox.batch.cdk8s.io/duration': '2m', 'sandbox.batch.cdk8s.io/failure-rate': '0.5' };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { metadata: { annotations: { 'sandbox.batch.cdk8s.io/duration': '5s' } }, spec: {} } } };
    const out = withPodDefaults(job, defaults) as typeof job;
    assert.deepEqual(out.spec.template.metadata.annotations, { 'sandbox.batch.cdk8s.io/duration': '5s', 'sandbox.batch.cdk8s.io/failure-rate': '0.5' });
    assert.equal(job.spec.template.metadata.annotations['sandbox.batch.cdk8s.io/duration'], '5s', 'the input is not modified');
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: {} } } } } };
    const cronOut = withPodDefaults(cron, defaults) as { spec: { jobTemplate: { spec: { template: { metadata?: { annotations?: Record<string, string> } } } } } };
    assert.equal(cronOut.spec.jobTemplate.spec.template.metadata?.annotations?.['sandbox.batch.cdk8s.io/duration'], '2m');
  });

  it('checks the pod default flags', () => {
    assert.deepEqual(parseSandboxArgs(['--pod-duration', '90s', '--failure-rate', '0.2'], here).options.podDefaults, {
      'sandbox.batch.cdk8s.io/duration': '90s',
      'sandbox.batch.cdk8s.io/failure-rate': '0.2',
    });
    assert.throws(() => parseSandboxArgs(['--pod-duration', 'soon'], here), /--pod-duration must be a duration such as 30s or 2m \(got "soon"\)/);
    assert.throws(() => parseSandboxArgs(['--failure-rate', '2'], here), /--failure-rate must be a number from 0 to 1 \(got "2"\)/);
  });
});
