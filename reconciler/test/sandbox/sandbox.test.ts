import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/cli/usage-error.ts';
import type { CommandIo } from '../../src/commands.ts';
import { parseSandboxArgs, sandboxCommand } from '../../src/sandbox/command.ts';
import { firstCronJobStart } from '../../src/sandbox/run.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

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
    assert.match(text, /^migrate\s+OneShotJob\s+Complete\s+CompletionsReached\s+1\/1/m);
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
