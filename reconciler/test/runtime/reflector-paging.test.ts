/**
 * Chunked lists: the reflector lists in pages (`limit`/`continue`) through the real client-node
 * adapter against the API emulator, replaces its cache only once the last page arrived, and
 * starts over once when the snapshot a `continue` token points at has expired.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import { KubeApiError } from '../../src/adapters/errors.ts';
import type { KubePort, ListPageOptions, ListResult, ResourceKind } from '../../src/adapters/port.ts';
import { Reflector } from '../../src/runtime/reflector.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 2_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 50 };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function jobManifest(name: string): never {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  } as never;
}

async function emulatorWith(jobs: number, historyLimit?: number): Promise<{ emu: Emulator; client: KubeClient }> {
  const emu = await startEmulator({ historyLimit });
  cleanups.push(() => emu.close());
  for (let i = 0; i < jobs; i++) emu.store.create(jobManifest(`job-${String(i).padStart(4, '0')}`));
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml());
  return { emu, client: new KubeClient(kc) };
}

/** A port that runs `between` before every list request that continues a chunked list. */
function withHook(inner: KubePort, between: () => void): KubePort {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'list') return Reflect.get(target, prop, receiver);
      return (kind: ResourceKind, options?: ListPageOptions): Promise<ListResult> => {
        if (options?.continue) between();
        return target.list(kind, options);
      };
    },
  });
}

function listRequests(emu: Emulator): Array<Record<string, string>> {
  return emu.requests().filter((q) => q.method === 'GET' && q.path.endsWith('/jobs') && q.query.watch !== 'true').map((q) => q.query);
}

describe('Reflector chunked lists', () => {
  it('lists 1,234 Jobs in pages of 500 (3 requests) and replays each object once', async () => {
    const { emu, client } = await emulatorWith(1234);
    const replayed: string[] = [];
    const r = new Reflector(client, { kind: 'Job', namespace: 'ns', timings: FAST, pageSize: 500, handler: { onAdd: (o) => replayed.push(o.metadata!.name!) } });
    await r.listOnce();
    const lists = listRequests(emu);
    assert.deepEqual(lists.map((q) => q.limit), ['500', '500', '500']);
    assert.equal(lists[0].continue, undefined);
    assert.ok(lists[1].continue && lists[2].continue && lists[1].continue !== lists[2].continue);
    assert.equal(r.size, 1234);
    assert.equal(replayed.length, 1234);
    assert.equal(new Set(replayed).size, 1234);
    assert.equal(r.lastResourceVersion, emu.store.resourceVersion, 'watches from the snapshot the first page was served at');
  });

  it('lists in one request with pageSize 0', async () => {
    const { emu, client } = await emulatorWith(30);
    const r = new Reflector(client, { kind: 'Job', namespace: 'ns', timings: FAST, pageSize: 0 });
    await r.listOnce();
    assert.deepEqual(listRequests(emu).map((q) => q.limit), [undefined]);
    assert.equal(r.size, 30);
  });

  it('starts the list over once when the continue token expired between pages', async () => {
    // GIVEN a short watch history, so a few writes make the first page's snapshot unresumable
    const { emu, client } = await emulatorWith(25, 5);
    let writes = 0;
    const port = withHook(client, () => {
      if (writes > 0) return;
      for (; writes < 10; writes++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${writes}`, namespace: 'other' } } as never);
    });
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, pageSize: 10 });
    // WHEN
    await r.listOnce();
    // THEN the second page was answered 410, and the list started again from the first page
    const statuses = emu.requests().filter((q) => q.path.endsWith('/jobs')).map((q) => `${q.query.continue ? 'next' : 'first'}:${q.status}`);
    assert.deepEqual(statuses, ['first:200', 'next:410', 'first:200', 'next:200', 'next:200']);
    assert.equal(r.size, 25);
    assert.equal(r.lastResourceVersion, emu.store.resourceVersion);
  });

  it('gives up after a second expiry, leaving the cache as it was', async () => {
    const { emu, client } = await emulatorWith(25, 5);
    let round = 0;
    const port = withHook(client, () => {
      round++;
      for (let i = 0; i < 10; i++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${round}-${i}`, namespace: 'other' } } as never);
    });
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, pageSize: 10 });
    await assert.rejects(r.listOnce(), (err: unknown) => err instanceof KubeApiError && err.kind === 'Gone');
    assert.equal(r.size, 0, 'no half list in the cache');
    assert.equal(r.hasSynced, false);
  });
});
