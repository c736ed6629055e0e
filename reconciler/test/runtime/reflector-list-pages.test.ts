/**
 * The reflector's chunked lists through the real client-node adapter against the API emulator:
 * the default page size, the cache replaced only after the last page with one replay per
 * object, the watch continuing from the list's snapshot, a restart from page 1 after an
 * expired token, the error path after a second expiry, the opt-in periodic relist paging too,
 * and a periodic resync that sends no request at all.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import type { KubeApiError } from '../../src/adapters/errors.ts';
import type { KubePort, ListPageOptions, ListResult, ResourceKind } from '../../src/adapters/port.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { DEFAULT_PAGE_SIZE, Reflector, type ReflectorHandler, type RestartReason } from '../../src/runtime/reflector.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { waitFor } from './wait.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 5_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 50 };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function job(name: string): never {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  } as never;
}

function jobName(i: number): string {
  return `job-${String(i).padStart(4, '0')}`;
}

async function emulatorWith(jobs: number, historyLimit?: number): Promise<{ emu: Emulator; client: KubeClient }> {
  const emu = await startEmulator({ historyLimit, bookmarkIntervalMs: 50 });
  cleanups.push(() => emu.close());
  for (let i = 0; i < jobs; i++) emu.store.create(job(jobName(i)));
  // Jobs elsewhere stay out of a reflector of namespace `ns`.
  emu.store.create({ ...(job('elsewhere') as KubeObject), metadata: { name: 'elsewhere', namespace: 'other' } } as never);
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml());
  return { emu, client: new KubeClient(kc) };
}

/** A port that runs `before` ahead of every list request (with its options) and otherwise is `inner`. */
function beforeLists(inner: KubePort, before: (options: ListPageOptions) => void): KubePort {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'list') return Reflect.get(target, prop, receiver);
      return (kind: ResourceKind, options: ListPageOptions = {}): Promise<ListResult> => {
        before(options);
        return target.list(kind, options);
      };
    },
  });
}

/** Counts the handler's calls per kind and object name. */
function recorder(): { handler: ReflectorHandler; calls: Record<'add' | 'update' | 'delete', string[]> } {
  const calls = { add: [] as string[], update: [] as string[], delete: [] as string[] };
  const handler: ReflectorHandler = {
    onAdd: (o) => calls.add.push(o.metadata!.name!),
    onUpdate: (_old, o) => calls.update.push(o.metadata!.name!),
    onDelete: (o) => calls.delete.push(o.metadata!.name!),
  };
  return { handler, calls };
}

/** The Job list requests (not watches) the emulator answered: `first` or `next` page and status. */
function listRequests(emu: Emulator): Array<{ page: string; limit?: string; status?: number }> {
  return emu
    .requests()
    .filter((q) => q.method === 'GET' && q.path.endsWith('/jobs') && q.query.watch !== 'true')
    .map((q) => ({ page: q.query.continue ? 'next' : 'first', limit: q.query.limit, status: q.status }));
}

/** The reflector's cache as `name@resourceVersion/uid`, sorted. */
function cached(r: Reflector): string[] {
  return r.list().map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}/${o.metadata!.uid}`).sort();
}

/** The emulator's Jobs of namespace `ns` in the same form. */
function stored(emu: Emulator): string[] {
  return emu.store.list('Job', 'ns').map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}/${o.metadata.uid}`).sort();
}

function churn(emu: Emulator, tag: string, writes: number): void {
  for (let i = 0; i < writes; i++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${tag}-${i}`, namespace: 'other' } } as never);
}

describe('Reflector list pages', () => {
  it('lists 1,234 Jobs in pages of 500 by default: 3 requests, exactly the server\'s objects, one replay each', async () => {
    // GIVEN
    const { emu, client } = await emulatorWith(1234);
    const { handler, calls } = recorder();
    const r = new Reflector(client, { kind: 'Job', namespace: 'ns', timings: FAST, handler });
    // WHEN
    await r.listOnce();
    // THEN
    assert.equal(DEFAULT_PAGE_SIZE, 500);
    assert.deepEqual(listRequests(emu), [
      { page: 'first', limit: '500', status: 200 },
      { page: 'next', limit: '500', status: 200 },
      { page: 'next', limit: '500', status: 200 },
    ]);
    assert.deepEqual(cached(r), stored(emu));
    assert.equal(r.size, 1234);
    assert.deepEqual(calls.add.sort(), Array.from({ length: 1234 }, (_, i) => jobName(i)));
    assert.deepEqual([calls.update, calls.delete], [[], []]);
    assert.equal(r.hasSynced, true);
    assert.equal(r.lastResourceVersion, emu.store.resourceVersion);
  });

  it('replaces a filled cache only after the last page, replaying the difference once per object', async () => {
    // GIVEN a reflector holding 1,234 Jobs, and then 4 Jobs deleted, 2 changed and 3 created
    const { emu, client } = await emulatorWith(1234);
    const { handler, calls } = recorder();
    const cacheDuringPages: string[][] = [];
    const port = beforeLists(client, (options) => {
      if (options.continue) cacheDuringPages.push(cached(r));
    });
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, pageSize: 500, handler });
    await r.listOnce();
    const before = cached(r);
    for (const i of [0, 600, 700, 1233]) emu.store.delete('Job', 'ns', jobName(i));
    for (const i of [1, 1000]) {
      const current = emu.store.get('Job', 'ns', jobName(i))!;
      emu.store.replace({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    }
    for (const i of [5000, 5001, 5002]) emu.store.create(job(jobName(i)));
    calls.add.length = 0;
    cacheDuringPages.length = 0;
    // WHEN
    await r.listOnce();
    // THEN no half list was ever visible
    assert.equal(cacheDuringPages.length, 2, 'seen before each later page of the second list');
    assert.ok(cacheDuringPages.every((c) => JSON.stringify(c) === JSON.stringify(before)));
    assert.deepEqual(cached(r), stored(emu));
    assert.equal(r.size, 1234 - 4 + 3);
    assert.deepEqual(calls.delete.sort(), [jobName(0), jobName(600), jobName(700), jobName(1233)]);
    assert.deepEqual(calls.add.sort(), [jobName(5000), jobName(5001), jobName(5002)]);
    assert.equal(calls.update.length, 1234 - 4);
    assert.equal(new Set(calls.update).size, 1234 - 4);
  });

  it('watches from the first page\'s snapshot: what changes between pages arrives once, through the watch', async () => {
    // GIVEN a Job created and one changed while the list is between its pages
    const { emu, client } = await emulatorWith(1234);
    const { handler, calls } = recorder();
    let changed = false;
    const port = beforeLists(client, (options) => {
      if (!options.continue || changed) return;
      changed = true;
      emu.store.create(job(jobName(9999)));
      const current = emu.store.get('Job', 'ns', jobName(1100))!;
      emu.store.replace({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    });
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, handler });
    cleanups.push(() => r.stop());
    // WHEN
    r.start();
    await waitFor(() => JSON.stringify(cached(r)) === JSON.stringify(stored(emu)), 10_000, 'the cache to match the store');
    // THEN the list held neither change; the watch brought each one once
    assert.equal(calls.add.length, 1235);
    assert.equal(calls.add.filter((n) => n === jobName(9999)).length, 1);
    assert.deepEqual(calls.update, [jobName(1100)]);
    assert.deepEqual(calls.delete, []);
    assert.equal(r.get(`ns/${jobName(1100)}`)?.metadata?.labels?.touched, 'yes');
  });

  it('starts over from page 1 once when the continue token expired, replaying each object once', async () => {
    // GIVEN a history of 20 events, overrun before the first later page
    const { emu, client } = await emulatorWith(1234, 20);
    const { handler, calls } = recorder();
    let expired = false;
    const port = beforeLists(client, (options) => {
      if (!options.continue || expired) return;
      expired = true;
      churn(emu, 'x', 21);
    });
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, handler });
    // WHEN
    await r.listOnce();
    // THEN
    assert.deepEqual(listRequests(emu).map((q) => `${q.page}:${q.status}`), ['first:200', 'next:410', 'first:200', 'next:200', 'next:200']);
    assert.deepEqual(cached(r), stored(emu));
    assert.equal(calls.add.length, 1234);
    assert.equal(new Set(calls.add).size, 1234);
    assert.equal(r.lastResourceVersion, emu.store.resourceVersion);
  });

  it('takes the error path with backoff after a second expiry, then lists and watches', async () => {
    // GIVEN a history of 5 events, overrun before the later pages of the first two lists
    const { emu, client } = await emulatorWith(25, 5);
    let rounds = 0;
    const port = beforeLists(client, (options) => {
      if (!options.continue || rounds >= 2) return;
      churn(emu, String(rounds++), 6);
    });
    const restarts: RestartReason[] = [];
    const errors: KubeApiError[] = [];
    const r = new Reflector(port, {
      kind: 'Job',
      namespace: 'ns',
      timings: FAST,
      pageSize: 10,
      onRestart: (reason) => restarts.push(reason),
      onError: (err) => errors.push(err),
    });
    cleanups.push(() => r.stop());
    // WHEN
    r.start();
    await r.waitForSync();
    // THEN the second 410 went to the caller once, as a list error (not as a gone watch)
    assert.deepEqual(listRequests(emu).map((q) => `${q.page}:${q.status}`), [
      'first:200', 'next:410', 'first:200', 'next:410',
      'first:200', 'next:200', 'next:200',
    ]);
    assert.deepEqual(errors.map((e) => e.kind), ['Gone']);
    assert.deepEqual(restarts, ['error']);
    assert.deepEqual(cached(r), stored(emu));
    await waitFor(() => emu.requests().some((q) => q.query.watch === 'true'), 10_000, 'a watch');
  });

  it('pages the opt-in periodic relist too', async () => {
    // GIVEN a running reflector with a short relist period
    const { emu, client } = await emulatorWith(1234);
    const r = new Reflector(client, { kind: 'Job', namespace: 'ns', timings: { ...FAST, relistMs: 100 } });
    cleanups.push(() => r.stop());
    r.start();
    await r.waitForSync();
    // WHEN the first periodic relist has listed
    await waitFor(() => listRequests(emu).length >= 6, 10_000, 'a periodic relist');
    await r.stop();
    // THEN it listed in pages of 500 too
    assert.deepEqual(listRequests(emu).slice(0, 6).map((q) => `${q.page}:${q.limit}:${q.status}`), [
      'first:500:200', 'next:500:200', 'next:500:200',
      'first:500:200', 'next:500:200', 'next:500:200',
    ]);
    assert.deepEqual(cached(r), stored(emu));
  });

  it('resyncs from the cache: every object replayed, and not one request sent to the server', async () => {
    // GIVEN a running reflector with a short resync period, its first list done and its watch open
    const { emu, client } = await emulatorWith(1234);
    const { handler, calls } = recorder();
    const r = new Reflector(client, { kind: 'Job', namespace: 'ns', handler, timings: { ...FAST, resyncMs: 100 } });
    cleanups.push(() => r.stop());
    r.start();
    await r.waitForSync();
    await waitFor(() => emu.requests().some((q) => q.query.watch === 'true'), 10_000, 'a watch');
    const before = emu.requests().length;
    // WHEN two resyncs have run
    await waitFor(() => r.resyncCount >= 2, 10_000, 'two resyncs');
    // THEN each replayed every cached object, and the emulator was asked nothing new
    assert.equal(calls.add.length, 1234);
    assert.ok(calls.update.length >= 2 * 1234, `${calls.update.length} replays`);
    assert.deepEqual([...new Set(calls.update)].sort(), r.list().map((o) => o.metadata!.name!).sort());
    assert.deepEqual(emu.requests().slice(before).map((q) => `${q.method} ${q.path}`), []);
    assert.deepEqual(cached(r), stored(emu));
  });

  it('asks for the view\'s fields only (viewFields) on every page when its transform is a cache view, and not otherwise', async () => {
    // GIVEN
    const { client } = await emulatorWith(1234);
    const asked: Array<boolean | undefined> = [];
    const port = beforeLists(client, (options) => asked.push(options.viewFields));
    // WHEN
    await new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, viewFields: true }).listOnce();
    await new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST }).listOnce();
    // THEN
    assert.deepEqual(asked, [true, true, true, undefined, undefined, undefined]);
  });

  it('has the port make each listed object its cache view as it reads it, and caches those views as they come', async () => {
    // GIVEN a transform that marks what it made
    const { client } = await emulatorWith(1234);
    let viewed = 0;
    const transform = (obj: KubeObject): KubeObject => {
      viewed++;
      return { ...obj, metadata: { ...obj.metadata, annotations: { viewed: String(viewed) } } };
    };
    const views = new Set<unknown>();
    const port = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'list') return Reflect.get(target, prop, receiver);
        return async (kind: ResourceKind, options: ListPageOptions = {}): Promise<ListResult> => {
          assert.equal(typeof options.view, 'function', 'every page is asked with the view');
          const page = await target.list(kind, options);
          page.items.forEach((item) => views.add(item));
          return page;
        };
      },
    });
    // WHEN
    const r = new Reflector(port, { kind: 'Job', namespace: 'ns', timings: FAST, transform });
    await r.listOnce();
    // THEN every object was viewed once, by the port, and the cache holds the very objects the port returned
    assert.equal(viewed, 1234);
    assert.equal(r.list().length, 1234);
    assert.ok(r.list().every((o) => views.has(o)));
  });
});
