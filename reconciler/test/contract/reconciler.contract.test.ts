/**
 * The reconciler, as its CLI runs it, against a real control plane (`KUBECONFIG`, e.g. from
 * `npx projen cluster:up`): `reconcile --once` parity with `check`, the admission gate, enforce
 * patches, orphan cleanup, leader election with two replicas, and a watch that survives a restart
 * of the API server (`CLUSTER_NAME` names the cluster:up cluster to restart; without it that test
 * is skipped). Every object lives in namespaces of its own, deleted afterwards. Skipped without
 * `KUBECONFIG`: the emulator tier covers the same paths there.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { CoreV1Api } from '@kubernetes/client-node';
import { CLUSTER_FINDINGS, GATE_ANNOTATION, GATE_PENDING } from 'cdk8s-batch/rules';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import type { KubeObject } from '../../src/core/types.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../reconcile/fixtures/parity.yaml', import.meta.url));
const real = Boolean(process.env.KUBECONFIG);
const suffix = randomBytes(3).toString('hex');

interface Row {
  kind: string;
  namespace: string | null;
  name: string | null;
  code: string;
  severity: string;
  path: string;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A long-running `reconcile` process; stopped (SIGTERM, or SIGKILL with `kill`) by the test. */
function controller(args: string[]): ChildProcess {
  return spawn('node', ['--import', 'tsx', 'src/main.ts', 'reconcile', '--log-level', 'warn', ...args], { cwd: ROOT, env: process.env, stdio: 'ignore' });
}

function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function job(name: string, namespace: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, annotations },
    spec: {
      ...spec,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example.com/app:1.0.0', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

describe('the reconciler on a real control plane', { skip: !real && 'KUBECONFIG is not set' }, () => {
  let client: KubeClient;
  let core: CoreV1Api;
  let version: string;
  const namespaces: string[] = [];

  async function namespace(tag: string): Promise<string> {
    const name = `cdk8s-batch-rt-${suffix}-${tag}`;
    await core.createNamespace({ body: { metadata: { name } } });
    namespaces.push(name);
    return name;
  }

  async function reconcilerEvents(ns: string, reason: string): Promise<KubeObject[]> {
    const events = await client.list('Event', { namespace: ns });
    return events.items.filter((e) => e.reportingController === 'batch.cdk8s.io/reconciler' && e.reason === reason);
  }

  before(async () => {
    const kubeConfig = loadKubeConfig({ env: process.env });
    client = new KubeClient(kubeConfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
    const v = await client.serverVersion();
    version = `${v.major}.${v.minor.replace(/\D+$/, '')}`;
  });

  after(async () => {
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('reconcile --once reports on live objects exactly what check reports on their manifests', async () => {
    const a = await namespace('a');
    const b = await namespace('b');
    const rename: Record<string, string> = { 'team-a': a, 'team-b': b };
    const docs = jsyaml.loadAll(readFileSync(FIXTURE, 'utf8')) as KubeObject[];
    for (const doc of docs) {
      const ns = rename[doc.metadata!.namespace!];
      await client.create(doc.kind as 'Job' | 'CronJob', ns, { ...doc, metadata: { ...doc.metadata, namespace: ns } });
    }
    const checked = await cli(['check', '--kubernetes-version', version, '--format', 'json', FIXTURE]);
    const key = (r: Row): string => `${r.kind} ${rename[r.namespace ?? ''] ?? r.namespace}/${r.name} ${r.code} ${r.severity} ${r.path}`;
    const offline = (JSON.parse(checked.stdout) as { violations: Row[] }).violations.map(key).sort();
    const run = await cli(['reconcile', '--once', '--output', 'json', '--log-level', 'silent', '--namespace', a, '--namespace', b]);
    const report = JSON.parse(run.stdout) as { violations: Row[] };
    const clusterOnly = new Set(CLUSTER_FINDINGS.map((f) => f.code));
    const fixtureNames = new Set(docs.map((d) => `${d.kind}/${d.metadata!.name}`));
    const live = report.violations
      .filter((v) => !clusterOnly.has(v.code) && fixtureNames.has(`${v.kind}/${v.name}`))
      .map((v) => `${v.kind} ${v.namespace}/${v.name} ${v.code} ${v.severity} ${v.path}`)
      .sort();
    assert.ok(offline.length >= 8, `the fixture exercises several rules (got ${offline.length})`);
    assert.deepEqual(live, offline);
  });

  it('releases a Job held by the admission gate once it passes the rules on the live cluster', async () => {
    const ns = await namespace('gate');
    const name = 'gated';
    await client.create('Job', ns, job(name, ns, { suspend: true, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 600 }, { [GATE_ANNOTATION]: GATE_PENDING }));
    const reconciler = controller(['--namespace', ns, '--admission-gate']);
    try {
      await until('the gate to release the Job', async () => ((await client.get('Job', ns, name)).spec?.suspend === false ? true : undefined));
      await until('the AdmissionGateReleased Event', async () => ((await reconcilerEvents(ns, 'AdmissionGateReleased')).length === 1 ? true : undefined));
    } finally {
      await stopped(reconciler);
    }
  });

  it('enforce mode sets a missing TTL with a patch the API server accepts', async () => {
    const ns = await namespace('enforce');
    await client.create('Job', ns, job('no-ttl', ns, { suspend: true, activeDeadlineSeconds: 600 }));
    const reconciler = controller(['--namespace', ns, '--mode', 'enforce', '--default-ttl', '1h']);
    try {
      const patched = await until('the TTL patch', async () => {
        const j = await client.get('Job', ns, 'no-ttl');
        return j.spec?.ttlSecondsAfterFinished === 3600 ? j : undefined;
      });
      assert.equal(patched.spec?.suspend, true, 'nothing else changed');
    } finally {
      await stopped(reconciler);
    }
  });

  it('deletes the pods a Job left behind when it was deleted without cascade', async () => {
    const ns = await namespace('orphans');
    await client.create('Job', ns, job('left', ns, { parallelism: 2, completions: 2, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 600 }));
    const selector = 'batch.kubernetes.io/job-name=left';
    await until('the job controller’s pods', async () => ((await client.list('Pod', { namespace: ns, labelSelector: selector })).items.length === 2 ? true : undefined));
    await client.delete('Job', { namespace: ns, name: 'left' }, { propagationPolicy: 'Orphan' });
    await until('the garbage collector to orphan the pods', async () => {
      const pods = (await client.list('Pod', { namespace: ns, labelSelector: selector })).items;
      return pods.length === 2 && pods.every((p) => !(p.metadata?.ownerReferences ?? []).length) ? true : undefined;
    });
    const reconciler = controller(['--namespace', ns, '--mode', 'enforce', '--cleanup-orphan-pods']);
    try {
      await until('the orphaned pods to be deleted', async () => {
        const pods = (await client.list('Pod', { namespace: ns, labelSelector: selector })).items;
        return pods.every((p) => p.metadata?.deletionTimestamp) ? true : undefined;
      });
    } finally {
      await stopped(reconciler);
    }
  });

  it('elects one leader of two replicas, and the other takes over when the leader is killed', async () => {
    const ns = await namespace('leader');
    const lease = `cdk8s-batch-rt-${suffix}`;
    const flags = ['--namespace', ns, '--leader-elect', '--lease-namespace', ns, '--lease-name', lease, '--lease-duration', '4s', '--renew-deadline', '3s', '--retry-period', '1s'];
    const first = controller(flags);
    const second = controller(flags);
    try {
      const holder = await until('a leader', async () => (await client.get('Lease', ns, lease)).spec?.holderIdentity || undefined);
      const leader = [first, second].find((p) => holder.endsWith(`-${p.pid}`));
      assert.ok(leader, `the Lease holder ${holder} is one of the replicas`);
      await stopped(leader, 'SIGKILL');
      const next = await until('the other replica to take over', async () => {
        const h = (await client.get('Lease', ns, lease)).spec?.holderIdentity;
        return h && h !== holder ? h : undefined;
      }, 30_000);
      const survivor = leader === first ? second : first;
      assert.ok(next.endsWith(`-${survivor.pid}`), `the new holder ${next} is the surviving replica`);
      await client.create('Job', ns, job('after-failover', ns, { suspend: true }));
      await until('the new leader to audit', async () => ((await reconcilerEvents(ns, 'TtlSecondsAfterFinishedMissing')).length > 0 ? true : undefined));
    } finally {
      await Promise.all([stopped(first), stopped(second)]);
    }
  });

  it('keeps watching across a restart of the API server', { skip: !process.env.CLUSTER_NAME && 'CLUSTER_NAME is not set' }, async () => {
    const ns = await namespace('restart');
    const reconciler = controller(['--namespace', ns]);
    try {
      await client.create('Job', ns, job('before', ns, { suspend: true }));
      await until('an Event before the restart', async () => ((await reconcilerEvents(ns, 'TtlSecondsAfterFinishedMissing')).length === 1 ? true : undefined));
      const restart = spawnSync('node', ['--import', 'tsx', 'cluster/cluster.ts', 'restart', '--component', 'kube-apiserver', '--name', String(process.env.CLUSTER_NAME)], { cwd: REPO, encoding: 'utf8' });
      assert.equal(restart.status, 0, restart.stderr);
      await client.create('Job', ns, job('after', ns, { suspend: true }));
      await until('an Event after the restart', async () => ((await reconcilerEvents(ns, 'TtlSecondsAfterFinishedMissing')).length === 2 ? true : undefined), 90_000);
    } finally {
      await stopped(reconciler);
    }
  });
});
