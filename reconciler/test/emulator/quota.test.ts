import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEmulator } from '../../src/emulator/server.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { StoreError, type NewObject } from '../../src/emulator/types.ts';
import { call, jobManifest } from './helpers.ts';

function quota(hard: Record<string, string>, extra: Record<string, unknown> = {}): NewObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'team' }, spec: { hard, ...extra } };
}

function pod(name: string, resources?: Record<string, Record<string, string>>): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team' },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', ...(resources ? { resources } : {}) }] },
  };
}

function forbidden(pattern: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof StoreError, String(err));
    assert.equal(err.code, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.match(err.message, pattern);
    return true;
  };
}

describe('ResourceQuota', () => {
  it('keeps status.hard and status.used current as pods come, finish and go', () => {
    const store = new MemoryStore();
    store.create(quota({ pods: '3', 'requests.cpu': '2', 'limits.memory': '1Gi' }));
    const used = (): Record<string, string> => store.get('ResourceQuota', 'team', 'compute')!.status.used;
    assert.deepEqual(store.get('ResourceQuota', 'team', 'compute')!.status.hard, { pods: '3', 'requests.cpu': '2', 'limits.memory': '1Gi' });
    assert.deepEqual(used(), { pods: '0', 'requests.cpu': '0', 'limits.memory': '0' });

    const p = store.create(pod('a', { requests: { cpu: '500m' }, limits: { cpu: '1', memory: '256Mi' } }));
    assert.deepEqual(used(), { pods: '1', 'requests.cpu': '500m', 'limits.memory': '256Mi' });
    store.replace({ ...p, status: { phase: 'Succeeded' } }, { subresource: 'status' });
    assert.deepEqual(used(), { pods: '0', 'requests.cpu': '0', 'limits.memory': '0' }, 'finished pods stop counting');
    store.create(pod('b', { limits: { cpu: '1', memory: '1Gi' } }));
    assert.deepEqual(used(), { pods: '1', 'requests.cpu': '1', 'limits.memory': '1Gi' }, 'a request defaults to its limit');
    store.delete('Pod', 'team', 'b');
    assert.equal(used().pods, '0');
  });

  it('fails with 403 exceeded quota when a pod does not fit', () => {
    const store = new MemoryStore();
    store.create(quota({ 'requests.cpu': '1' }));
    store.create(pod('a', { requests: { cpu: '600m' } }));
    assert.throws(
      () => store.create(pod('b', { requests: { cpu: '500m' } })),
      forbidden(/^pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1$/),
    );
    assert.equal(store.get('Pod', 'team', 'b'), undefined);
    store.create(pod('c', { requests: { cpu: '400m' } }));
  });

  it('fails with 403 failed quota when a pod lacks a tracked request', () => {
    const store = new MemoryStore();
    store.create(quota({ 'requests.memory': '1Gi' }));
    assert.throws(() => store.create(pod('a')), forbidden(/failed quota: compute: must specify requests.memory for: main/));
  });

  it('counts Jobs against count/jobs.batch', () => {
    const store = new MemoryStore();
    store.create(quota({ 'count/jobs.batch': '1' }));
    store.create(jobManifest('one', 'team'));
    assert.throws(() => store.create(jobManifest('two', 'team')), forbidden(/^jobs.batch "two" is forbidden: exceeded quota: compute, requested: count\/jobs.batch=1/));
  });

  it('leaves scoped quotas and other namespaces alone, and can be switched off', () => {
    const store = new MemoryStore();
    store.create(quota({ pods: '0' }, { scopes: ['BestEffort'] }));
    store.create(pod('a'));
    store.create({ ...pod('b'), metadata: { name: 'b', namespace: 'elsewhere' } });
    const off = new MemoryStore({ resourceQuota: false });
    off.create(quota({ pods: '0' }));
    off.create(pod('a'));
    assert.equal(off.get('ResourceQuota', 'team', 'compute')!.status, undefined);
  });

  it('answers a Forbidden Status over HTTP', async () => {
    const emu = await startEmulator();
    try {
      await call(emu.url, 'POST', '/api/v1/namespaces/team/resourcequotas', quota({ pods: '0' }));
      const { status, body } = await call(emu.url, 'POST', '/api/v1/namespaces/team/pods', pod('a'));
      assert.equal(status, 403);
      assert.equal(body.reason, 'Forbidden');
      assert.equal(body.details.name, 'a');
      assert.match(body.message, /exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0/);
      const table = await fetch(`${emu.url}/api/v1/namespaces/team/resourcequotas`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
      const rows = ((await table.json()) as { rows: Array<{ cells: string[] }> }).rows;
      assert.deepEqual(rows[0].cells.filter((_, i) => i !== 1), ['compute', 'pods: 0/0', '']);
    } finally {
      await emu.close();
    }
  });
});
