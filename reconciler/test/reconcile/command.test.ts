import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { ManualClock } from '../../src/sim/clock.ts';
import { parseReconcileArgs, clusterMinorVersion } from '../../src/reconcile/command.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reconcile-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', 'src/main.ts', 'reconcile', ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, KUBECONFIG: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function container(): Record<string, unknown> {
  return { name: 'main', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } };
}

function cleanJob(name: string): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'team-a' },
    spec: { ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 600, template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
  };
}

function sloppyJob(name: string, namespace = 'team-a'): Record<string, unknown> {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } } };
}

function staleCronJob(name: string): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'team-b' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 60, template: { spec: { restartPolicy: 'Never', containers: [container()] } } } },
    },
  };
}

async function withEmulator(seed: Array<Record<string, unknown>>, body: (emu: Emulator, kubeconfig: string) => Promise<void>): Promise<void> {
  // The emulated cluster's clock stands at 2026-01-01, so objects look as old as that.
  const emu = await startEmulator({ clock: new ManualClock() });
  try {
    for (const obj of seed) emu.store.create(obj as never);
    const kubeconfig = join(dir, `kc-${emu.port}.yaml`);
    writeFileSync(kubeconfig, emu.kubeconfigYaml());
    await body(emu, kubeconfig);
  } finally {
    await emu.close();
  }
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('reconcile --once', () => {
  it('prints the check-shaped JSON report with the actions taken and exits 0 without error violations', async () => {
    await withEmulator([cleanJob('tidy'), sloppyJob('sloppy')], async (emu, kubeconfig) => {
      // WHEN
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--log-level', 'silent');
      // THEN
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.equal(report.objects, 2);
      assert.deepEqual(
        report.violations.map((v: { code: string }) => v.code).sort(),
        ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing'],
      );
      const v = report.violations[0];
      assert.deepEqual(Object.keys(v).sort(), ['code', 'file', 'fix', 'kind', 'message', 'name', 'namespace', 'path', 'severity']);
      assert.equal(v.file, 'cluster');
      assert.equal(v.kind, 'Job');
      assert.equal(v.name, 'sloppy');
      assert.equal(v.namespace, 'team-a');
      assert.equal(report.actions.length, 2);
      assert.ok(report.actions.every((a: { type: string; outcome: string }) => a.type === 'event' && a.outcome === 'created'));
      // one pass lists and never watches
      assert.equal(emu.stats().byVerb.watch ?? 0, 0);
      // every write was accepted and stored by the emulator
      const events = emu.store.list('Event', 'team-a');
      assert.equal(events.length, 2);
      assert.ok(emu.requests().every((r) => (r.status ?? 0) < 400), JSON.stringify(emu.requests().filter((r) => (r.status ?? 0) >= 400)));
    });
  });

  it('exits 1 when a cluster finding is an error, and prints a readable grouped report', async () => {
    await withEmulator([staleCronJob('nightly')], async (_emu, kubeconfig) => {
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--log-level', 'silent');
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^cluster: CronJob team-b\/nightly$/m);
      assert.match(run.stdout, /^ {2}error {4}CronJobNotScheduling {2,}status.lastScheduleTime$/m);
      assert.match(run.stdout, /^actions:$/m);
      assert.match(run.stdout, /1 objects checked in the cluster, 1 errors, \d+ warnings/);
    });
  });

  it('scopes by --namespace and --selector', async () => {
    const labelled = sloppyJob('labelled');
    (labelled.metadata as { labels: Record<string, string> }).labels = { team: 'data' };
    await withEmulator([labelled, sloppyJob('unlabelled'), sloppyJob('elsewhere', 'team-c')], async (_emu, kubeconfig) => {
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--namespace', 'team-a', '--selector', 'team=data', '--log-level', 'silent');
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.equal(report.objects, 1);
      assert.deepEqual([...new Set(report.violations.map((v: { name: string }) => v.name))], ['labelled']);
    });
  });

  it('enforce mode patches mutable fields, and the emulator accepts the patch', async () => {
    await withEmulator([sloppyJob('sloppy')], async (emu, kubeconfig) => {
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--mode', 'enforce', '--log-level', 'silent');
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.ok(report.actions.some((a: { type: string; outcome: string }) => a.type === 'patch' && a.outcome === 'patched'), run.stdout);
      const job = emu.store.get('Job', 'team-a', 'sloppy')!;
      assert.equal(typeof job.spec.ttlSecondsAfterFinished, 'number');
      assert.equal(typeof job.spec.activeDeadlineSeconds, 'number');
      const patch = emu.requests().find((r) => r.method === 'PATCH' && r.resource === 'jobs');
      assert.equal(patch?.contentType, 'application/merge-patch+json');
    });
  });

  it('--dry-run sends every write with dryRun=All and persists nothing', async () => {
    await withEmulator([sloppyJob('sloppy')], async (emu, kubeconfig) => {
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--mode', 'enforce', '--dry-run', '--log-level', 'silent');
      assert.equal(run.code, 0, run.stderr);
      const writes = emu.requests().filter((r) => r.method !== 'GET');
      assert.ok(writes.length > 0);
      assert.ok(writes.every((r) => r.query.dryRun === 'All'), JSON.stringify(writes));
      assert.equal(emu.store.list('Event').length, 0);
      assert.equal(emu.store.get('Job', 'team-a', 'sloppy')!.spec.ttlSecondsAfterFinished, undefined);
    });
  });

  it('talks to an http:// server without insecure-skip-tls-verify, as kubectl does (kubectl proxy)', async () => {
    await withEmulator([sloppyJob('sloppy')], async (emu) => {
      // GIVEN a kubeconfig such as one for `kubectl proxy`: plain HTTP, no TLS settings, no credentials
      const kubeconfig = join(dir, `proxy-${emu.port}.yaml`);
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: proxy`,
          `  cluster: { server: "${emu.url}" }`,
          'users:',
          '- name: proxy',
          '  user: {}',
          'contexts:',
          '- name: proxy',
          '  context: { cluster: proxy, user: proxy }',
          'current-context: proxy',
          '',
        ].join('\n'),
      );
      assert.doesNotMatch(emu.url, /^https/);
      // WHEN
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--log-level', 'silent');
      // THEN it reads the cluster and writes its Events over plain HTTP
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).objects, 1);
      assert.equal(emu.store.list('Event', 'team-a').length, 2);
    });
  });

  it('fails with one line and exit 2 when the API server cannot be reached', async () => {
    const emu = await startEmulator();
    const kubeconfig = join(dir, 'dead.yaml');
    writeFileSync(kubeconfig, emu.kubeconfigYaml());
    await emu.close();
    const run = await cli('--kubeconfig', kubeconfig, '--once', '--log-level', 'silent');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^cdk8s-batch reconcile: cannot reach the API server at http:\/\/127\.0\.0\.1:\d+: .+\n$/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('fails with one line and exit 2 when a list is refused', async () => {
    await withEmulator([], async (emu, kubeconfig) => {
      emu.faults.inject({ type: 'status', status: 403, match: { verb: 'list', resource: 'pods' }, times: Infinity, message: 'pods is forbidden' });
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--log-level', 'silent');
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^cdk8s-batch reconcile: 403 .*forbidden.*\n$/i);
    });
  });

  it('runs without a forbidden Node list: one warning, and the report of everything else', async () => {
    await withEmulator([sloppyJob('sloppy')], async (emu, kubeconfig) => {
      emu.faults.inject({ type: 'status', status: 403, match: { verb: 'list', resource: 'nodes' }, times: Infinity, message: 'nodes is forbidden' });
      const run = await cli('--kubeconfig', kubeconfig, '--once', '--output', 'json', '--log-level', 'warn');
      assert.equal(run.code, 0, run.stderr);
      const warnings = run.stderr.split('\n').filter((l) => l.includes('cannot list nodes'));
      assert.equal(warnings.length, 1, run.stderr);
      assert.equal(JSON.parse(warnings[0]).level, 40);
      assert.match(run.stdout, /ActiveDeadlineSecondsMissing/);
    });
  });

  it('fails with one line and exit 2 on a bad flag or a missing kubeconfig', async () => {
    const bad = await cli('--mode', 'fix');
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'cdk8s-batch reconcile: --mode must be one of audit, enforce (got "fix")\n');
    const missing = await cli('--kubeconfig', join(dir, 'nope.yaml'), '--once');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^cdk8s-batch reconcile: kubeconfig .*nope\.yaml does not exist\n$/);
  });
});

describe('reconcile flags', () => {
  it('parses repeatable and defaulted flags', () => {
    const o = parseReconcileArgs(['--namespace', 'a', '--namespace', 'b', '--enforce-namespace', 'a', '--mode', 'enforce', '--metrics-port', '9090', '--leader-elect']);
    assert.deepEqual(o.namespaces, ['a', 'b']);
    assert.deepEqual(o.enforceNamespaces, ['a']);
    assert.equal(o.mode, 'enforce');
    assert.equal(o.metricsPort, 9090);
    assert.equal(o.leaderElect, true);
    assert.equal(o.leaseNamespace, 'default');
    assert.equal(o.output, 'text');
    assert.equal(o.logLevel, 'info');
    assert.equal(o.leaseName, 'cdk8s-batch-reconciler');
    assert.deepEqual(o.leaseTimings, { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    assert.equal(o.watchStallTimeoutMs, 90_000);
    assert.equal(o.shutdownGraceMs, 5_000);
    assert.deepEqual([o.kubeApiQps, o.kubeApiBurst], [20, 40]);
  });

  it('takes a per-deployment Lease name and lease, watch, shutdown and request-rate settings', () => {
    const o = parseReconcileArgs(['--leader-elect', '--lease-name', 'batch-reconciler-a1b2c3', '--lease-duration', '30s', '--renew-deadline', '20s', '--retry-period', '4s', '--watch-stall-timeout', '2m', '--shutdown-grace', '10s', '--kube-api-qps', '5', '--kube-api-burst', '10']);
    assert.equal(o.leaseName, 'batch-reconciler-a1b2c3');
    assert.deepEqual(o.leaseTimings, { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 4_000 });
    assert.equal(o.watchStallTimeoutMs, 120_000);
    assert.equal(o.shutdownGraceMs, 10_000);
    assert.deepEqual([o.kubeApiQps, o.kubeApiBurst], [5, 10]);
  });

  it('fails if the Lease name or timings cannot work', () => {
    assert.throws(() => parseReconcileArgs(['--lease-name', 'Not_A_Name']), /--lease-name must be a DNS subdomain.*\(got "Not_A_Name"\)/);
    assert.throws(() => parseReconcileArgs(['--lease-duration', '10s', '--renew-deadline', '10s']), /--lease-duration must be longer than --renew-deadline/);
    assert.throws(() => parseReconcileArgs(['--watch-stall-timeout', '0']), /--watch-stall-timeout must be longer than 0/);
    assert.throws(() => parseReconcileArgs(['--kube-api-qps', '0']), /--kube-api-qps must be a number above 0 \(got "0"\)/);
  });

  it('fails if a flag value is invalid', () => {
    assert.throws(() => parseReconcileArgs(['--output', 'yaml']), (e: unknown) => e instanceof UsageError && /--output must be one of text, json/.test(e.message));
    assert.throws(() => parseReconcileArgs(['--metrics-port', 'http']), /--metrics-port must be a port number/);
    assert.throws(() => parseReconcileArgs(['--log-level', 'loud']), /--log-level must be one of/);
    assert.throws(() => parseReconcileArgs(['--namespace']), UsageError);
    assert.throws(() => parseReconcileArgs(['stray']), UsageError);
    assert.throws(() => parseReconcileArgs(['--enforce-namespace', 'a']), /--enforce-namespace needs --mode enforce/);
  });

  it('reads the minor version the API server reports', () => {
    assert.equal(clusterMinorVersion('1', '31+'), '1.31');
    assert.throws(() => clusterMinorVersion('', 'x'), /unusable version/);
  });
});

