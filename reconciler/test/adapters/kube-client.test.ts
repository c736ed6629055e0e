import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient, KubeConfigError, collectionPath, loadKubeConfig, toPlain } from '../../src/adapters/kube-client.ts';
import { startEmulator } from '../../src/emulator/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, contexts: Record<string, string>): string {
  const names = Object.keys(contexts);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...names.flatMap((n) => [`- name: ${n}`, '  cluster:', `    server: ${contexts[n]}`]),
    'users:',
    '- name: u',
    '  user:',
    '    token: t',
    'contexts:',
    ...names.flatMap((n) => [`- name: ${n}`, '  context:', `    cluster: ${n}`, '    user: u']),
    `current-context: ${names[0]}`,
  ].join('\n');
  const path = join(dir, file);
  writeFileSync(path, yaml);
  return path;
}

describe('loadKubeConfig', () => {
  const file = kubeconfig('two.yaml', { first: 'https://one.example:6443', second: 'https://two.example:6443' });

  it('loads --kubeconfig and its current context', () => {
    const kc = loadKubeConfig({ kubeconfig: file, env: {} });
    assert.equal(kc.getCurrentCluster()?.server, 'https://one.example:6443');
  });

  it('switches to --context', () => {
    const kc = loadKubeConfig({ kubeconfig: file, context: 'second', env: {} });
    assert.equal(kc.getCurrentCluster()?.server, 'https://two.example:6443');
  });

  it('falls back to KUBECONFIG, then ~/.kube/config', () => {
    assert.equal(loadKubeConfig({ env: { KUBECONFIG: file } }).getCurrentCluster()?.server, 'https://one.example:6443');
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    kubeconfig(join('home', '.kube', 'config'), { homecluster: 'https://home.example' });
    assert.equal(loadKubeConfig({ env: { HOME: home } }).getCurrentCluster()?.server, 'https://home.example');
  });

  it('fails if no cluster is configured instead of falling back to localhost:8080', () => {
    assert.throws(() => loadKubeConfig({ env: { HOME: join(dir, 'empty-home') } }), (e: unknown) => e instanceof KubeConfigError && /no cluster configured/.test(e.message));
  });

  it('fails if the file or the context does not exist', () => {
    assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'missing.yaml'), env: {} }), /does not exist/);
    assert.throws(() => loadKubeConfig({ kubeconfig: file, context: 'third', env: {} }), /context "third" not found/);
  });

  it('fails with one line if the file is not a kubeconfig', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, ': : :\n\t- [');
    assert.throws(() => loadKubeConfig({ kubeconfig: bad, env: {} }), (e: unknown) => e instanceof KubeConfigError && !e.message.includes('\n'));
  });
});

describe('collectionPath', () => {
  it('builds namespaced, all-namespace and cluster-scoped paths', () => {
    assert.equal(collectionPath('Job', 'a'), '/apis/batch/v1/namespaces/a/jobs');
    assert.equal(collectionPath('CronJob'), '/apis/batch/v1/cronjobs');
    assert.equal(collectionPath('Pod', 'a'), '/api/v1/namespaces/a/pods');
    assert.equal(collectionPath('Node', 'ignored'), '/api/v1/nodes');
    assert.equal(collectionPath('Event', 'a'), '/apis/events.k8s.io/v1/namespaces/a/events');
    assert.equal(collectionPath('Lease', 'a'), '/apis/coordination.k8s.io/v1/namespaces/a/leases');
  });
});

describe('toPlain', () => {
  it('renders Dates as API timestamps and drops undefined fields', () => {
    const plain = toPlain({ metadata: { creationTimestamp: new Date('2026-01-01T00:00:00Z'), name: 'a', labels: undefined } });
    assert.deepEqual(plain, { metadata: { creationTimestamp: '2026-01-01T00:00:00Z', name: 'a' } });
  });
});

describe('KubeClient request timeout', () => {
  it('gives up a request the API server does not answer', async () => {
    // GIVEN an API server that holds GETs of jobs
    const emu = await startEmulator();
    try {
      emu.faults.inject({ type: 'delay', ms: 5_000, match: { verb: 'get', resource: 'jobs' } });
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const client = new KubeClient(kc, { requestTimeoutMs: 100 });
      // WHEN / THEN
      await assert.rejects(client.get('Job', 'ns', 'slow'), (e: unknown) => e instanceof KubeApiError && e.kind === 'Network' && /did not answer within 100 ms/.test(e.message));
    } finally {
      await emu.close();
    }
  });
});

describe('KubeClient shutdown', () => {
  it('close() aborts a request and a watch the server accepted and never answers', async () => {
    const emu = await startEmulator();
    try {
      emu.faults.inject({ type: 'hang', times: Infinity, match: { resource: 'jobs' } });
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const client = new KubeClient(kc, { requestTimeoutMs: 600_000 });
      const pending = client.get('Job', 'default', 'x');
      const stream = client.watch('Job', { timeoutSeconds: 600, allowWatchBookmarks: true }, () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(emu.requests().filter((r) => r.resource === 'jobs').length, 2);
      // WHEN
      client.close();
      // THEN both end now, not when the server answers
      await assert.rejects(pending, (e: unknown) => e instanceof KubeApiError && e.kind === 'Aborted');
      await stream.done;
      await assert.rejects(client.list('Job'), (e: unknown) => e instanceof KubeApiError && e.kind === 'Aborted');
    } finally {
      await emu.close();
    }
  });

  it('stop() ends a watch whose response never started', async () => {
    const emu = await startEmulator();
    try {
      emu.faults.inject({ type: 'hang', match: { watch: true } });
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const stream = new KubeClient(kc).watch('Job', { timeoutSeconds: 600, allowWatchBookmarks: true }, () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      stream.stop();
      await stream.done;
    } finally {
      await emu.close();
    }
  });

  it('starts at most burst + qps × seconds requests, whatever the server answers', async () => {
    const emu = await startEmulator();
    try {
      emu.faults.inject({ type: 'status', status: 500, times: Infinity });
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const client = new KubeClient(kc, { qps: 10, burst: 5 });
      const started = Date.now();
      const stop = started + 1000;
      const loops = Array.from({ length: 4 }, async () => {
        while (Date.now() < stop) await client.get('Job', 'default', 'x').catch(() => undefined);
      });
      await Promise.all(loops);
      client.close();
      const elapsed = (Date.now() - started) / 1000;
      assert.ok(emu.stats().total <= 5 + Math.ceil(10 * elapsed) + 1, `${emu.stats().total} requests in ${elapsed} s`);
    } finally {
      await emu.close();
    }
  });
});

describe('KubeClient list pages and the request budget', () => {
  it('takes one token for a chunked list: its later pages follow without waiting for the budget', { timeout: 60_000 }, async () => {
    const emu = await startEmulator();
    try {
      for (let i = 0; i < 30; i++) emu.store.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `j-${i}`, namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } as never);
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      // One token, then one more every 1,000 s: a list whose pages each took a token would hang.
      const client = new KubeClient(kc, { qps: 0.001, burst: 1 });
      const names: string[] = [];
      let page = await client.list('Job', { namespace: 'default', limit: 10 });
      names.push(...page.items.map((j) => j.metadata!.name!));
      while (page.continue) {
        page = await client.list('Job', { namespace: 'default', limit: 10, continue: page.continue });
        names.push(...page.items.map((j) => j.metadata!.name!));
      }
      client.close();
      assert.equal(names.length, 30);
      assert.equal(new Set(names).size, 30);
      assert.equal(emu.stats().byVerbAndResource['list jobs'], 3);
    } finally {
      await emu.close();
    }
  });
});

describe('KubeClient write fence', () => {
  it('refuses a write the fence says no to, right before it would be sent; reads and Lease writes pass', async () => {
    const emu = await startEmulator();
    try {
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml());
      const client = new KubeClient(kc);
      client.setWriteFence(() => false);
      const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } };
      await assert.rejects(client.create('Job', 'default', job), (e: unknown) => e instanceof KubeApiError && e.kind === 'Fenced');
      await client.list('Job', { namespace: 'default' });
      await client.create('Lease', 'default', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'default' }, spec: {} });
      assert.deepEqual(emu.requests().map((r) => `${r.verb} ${r.resource}`), ['list jobs', 'create leases']);
    } finally {
      await emu.close();
    }
  });
});
