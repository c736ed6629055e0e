import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/types.ts';
import type { KubeApiError } from '../../src/adapters/errors.ts';
import { errorFromStatus } from '../../src/adapters/errors.ts';
import { Informer, Reflector, type ReflectorOptions, type RestartReason } from '../../src/runtime/reflector.ts';
import { FakeKube } from './fake-kube.ts';
import { waitFor } from './wait.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 60_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 };

function job(name: string, namespace = 'ns', extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, managedFields: [{ manager: 'x' }] }, spec: {}, ...extra };
}

interface Recorder {
  events: string[];
  restarts: RestartReason[];
  errors: KubeApiError[];
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function start(kube: FakeKube, extra: Partial<ReflectorOptions> = {}): { r: Reflector; rec: Recorder } {
  const rec: Recorder = { events: [], restarts: [], errors: [] };
  const r = new Reflector(kube, {
    kind: 'Job',
    timings: FAST,
    handler: {
      onAdd: (o) => rec.events.push(`add ${o.metadata?.name}`),
      onUpdate: (_a, b) => rec.events.push(`update ${b.metadata?.name}`),
      onDelete: (o) => rec.events.push(`delete ${o.metadata?.name}`),
    },
    onRestart: (reason) => rec.restarts.push(reason),
    onError: (e) => rec.errors.push(e),
    ...extra,
  });
  r.start();
  cleanup.push(() => kube.close(), () => r.stop());
  return { r, rec };
}

describe('Reflector', () => {
  it('lists, caches by namespace/name without managedFields, then watches with bookmarks and a jittered timeout', async () => {
    // GIVEN
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    // WHEN
    const { r, rec } = start(kube, { timings: { ...FAST, watchTimeoutSeconds: 300, timeoutJitter: 0.1 } });
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    // THEN
    assert.deepEqual(rec.events, ['add a']);
    assert.equal(r.get('ns/a')?.metadata?.name, 'a');
    assert.equal(r.get('ns/a')?.metadata?.managedFields, undefined);
    const watch = kube.calls.find((c) => c.op === 'watch')!.options as { allowWatchBookmarks: boolean; timeoutSeconds: number; resourceVersion: string };
    assert.equal(watch.allowWatchBookmarks, true);
    assert.ok(watch.timeoutSeconds >= 270 && watch.timeoutSeconds <= 330, `timeout ${watch.timeoutSeconds}`);
    assert.equal(watch.resourceVersion, kube.currentRv);
  });

  it('applies watch events to the cache and advances the resourceVersion on bookmarks', async () => {
    const kube = new FakeKube();
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    kube.put('Job', job('a'));
    kube.put('Job', job('a', 'ns', { spec: { parallelism: 2 } }));
    kube.put('Job', job('b'));
    kube.remove('Job', 'ns', 'b');
    await waitFor(() => rec.events.length === 4);
    assert.deepEqual(rec.events, ['add a', 'update a', 'add b', 'delete b']);
    assert.equal(r.get('ns/a')?.spec.parallelism, 2);
    assert.equal(r.get('ns/b'), undefined);
    kube.put('Pod', { metadata: { name: 'p', namespace: 'ns' } }); // other kind: moves the global RV only
    kube.bookmark();
    await waitFor(() => r.lastResourceVersion === kube.currentRv);
    assert.equal(rec.events.length, 4, 'a bookmark is not an object event');
  });

  it('re-watches from the last resourceVersion without relisting when the server closes the stream', async () => {
    const kube = new FakeKube();
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    kube.put('Job', job('a'));
    await waitFor(() => rec.events.length === 1);
    kube.closeWatches();
    await waitFor(() => kube.watchCount === 2 && kube.openWatches === 1);
    kube.put('Job', job('b'));
    await waitFor(() => rec.events.length === 2);
    assert.equal(kube.listCount, 1);
    assert.deepEqual(rec.restarts, ['timeout']);
    const second = kube.calls.filter((c) => c.op === 'watch')[1].options as { resourceVersion: string };
    assert.notEqual(second.resourceVersion, '');
  });

  it('relists on an in-stream 410 and reports objects deleted meanwhile', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    kube.put('Job', job('b'));
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    // WHEN the watch expires and "b" disappears without an event reaching us
    kube.stopDelivering = true;
    kube.remove('Job', 'ns', 'b');
    kube.stopDelivering = false;
    kube.compact();
    kube.expireWatches();
    // THEN
    await waitFor(() => kube.listCount === 2 && r.get('ns/b') === undefined);
    assert.ok(rec.events.includes('delete b'));
    assert.ok(rec.restarts.includes('gone'));
    assert.equal(rec.errors[0].kind, 'Gone');
  });

  it('relists when the watch resourceVersion is too old', async () => {
    const kube = new FakeKube();
    kube.watchFaults.push('gone');
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.listCount === 2 && kube.openWatches === 1);
    assert.deepEqual(rec.restarts, ['gone']);
  });

  it('backs off and retries after a 500 on list, then converges', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    kube.listFaults.push(errorFromStatus(500, { reason: 'InternalError', message: 'etcd' }), errorFromStatus(500, {}));
    const { r, rec } = start(kube);
    await r.waitForSync();
    assert.equal(kube.listCount, 3);
    assert.deepEqual(rec.errors.map((e) => e.kind), ['ServerError', 'ServerError']);
    assert.equal(r.get('ns/a')?.metadata?.name, 'a');
  });

  it('honours Retry-After on a 429 and keeps going', async () => {
    const kube = new FakeKube();
    kube.watchFaults.push({ status: 429, retryAfterSeconds: 0.05 });
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.watchCount === 2 && kube.openWatches === 1);
    assert.equal(rec.errors[0].kind, 'TooManyRequests');
    assert.equal(rec.errors[0].retryAfterMs, 50);
    kube.put('Job', job('late'));
    await waitFor(() => r.get('ns/late') !== undefined);
  });

  it('restarts after a connection reset and converges', async () => {
    const kube = new FakeKube();
    kube.watchFaults.push('reset', 'reset');
    const { r, rec } = start(kube);
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    kube.put('Job', job('a'));
    await waitFor(() => r.get('ns/a') !== undefined);
    assert.deepEqual(rec.errors.map((e) => e.kind), ['Network', 'Network']);
    assert.deepEqual(rec.restarts, ['error', 'error']);
  });

  it('restarts a stalled stream through the inactivity watchdog', async () => {
    const kube = new FakeKube();
    kube.watchFaults.push('stall');
    const { r, rec } = start(kube, { timings: { ...FAST, watchdogMs: 40 } });
    await r.waitForSync();
    await waitFor(() => rec.restarts.includes('watchdog') && kube.openWatches === 1);
    kube.put('Job', job('a'));
    await waitFor(() => r.get('ns/a') !== undefined);
  });

  it('resyncs from the cache: replays every cached object as an update with old === new, with no request to the server', async () => {
    // GIVEN five cached Jobs and an open watch
    const kube = new FakeKube();
    for (const n of ['a', 'b', 'c', 'd', 'e']) kube.put('Job', job(n));
    const replayed: Array<{ name: string; same: boolean; cached: boolean }> = [];
    const { r } = start(kube, {
      timings: { ...FAST, resyncMs: 30 },
      replaySlice: 2,
      handler: { onUpdate: (old, obj) => replayed.push({ name: obj.metadata!.name!, same: old === obj, cached: r.get(`ns/${obj.metadata!.name}`) === obj }) },
    });
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    const requests = kube.calls.length;
    // WHEN two resyncs have run
    await waitFor(() => r.resyncCount >= 2);
    // THEN every object was handed over twice, the very object the cache holds, as old and new
    const first = replayed.slice(0, 10);
    assert.deepEqual(first.map((x) => x.name).sort(), ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e']);
    assert.ok(first.every((x) => x.same && x.cached));
    // and nothing was asked of the server: no list, no new watch
    assert.deepEqual(kube.calls.slice(requests), []);
    assert.equal(kube.listCount, 1);
    assert.equal(kube.watchCount, 1);
  });

  it('resync hands the watch-delivered version of an object changed during the replay, and skips one deleted', async () => {
    // GIVEN 40 cached Jobs, replayed one per turn of the event loop
    const kube = new FakeKube();
    for (let i = 0; i < 40; i++) kube.put('Job', job(`j${String(i).padStart(2, '0')}`));
    const delivered: Array<{ name: string; rv: number; replay: boolean }> = [];
    const record = (obj: KubeObject, replay: boolean): void =>
      void delivered.push({ name: obj.metadata!.name!, rv: Number(obj.metadata!.resourceVersion), replay });
    let changedAt = -1;
    const { r } = start(kube, {
      timings: { ...FAST, resyncMs: 30 },
      replaySlice: 1,
      handler: {
        onAdd: (obj) => record(obj, false),
        onDelete: (obj) => delivered.push({ name: `deleted ${obj.metadata!.name}`, rv: 0, replay: false }),
        onUpdate: (old, obj) => {
          record(obj, old === obj);
          // WHEN, in the middle of the first replay, the watch reports a change to an object
          // already replayed, to one not replayed yet, and the deletion of another
          if (old === obj && changedAt < 0 && obj.metadata!.name === 'j10') {
            changedAt = delivered.length;
            kube.put('Job', job('j05', 'ns', { spec: { parallelism: 5 } }));
            kube.put('Job', job('j30', 'ns', { spec: { parallelism: 30 } }));
            kube.remove('Job', 'ns', 'j35');
          }
        },
      },
    });
    await r.waitForSync();
    await waitFor(() => r.resyncCount >= 1);
    // THEN the watch events arrived between two slices of the replay (it did not hold the event loop)
    const replay = delivered.slice(40);
    const watchEvents = replay.filter((d) => !d.replay).map((d) => d.name);
    assert.deepEqual(watchEvents, ['j05', 'j30', 'deleted j35']);
    const firstWatchEvent = replay.findIndex((d) => !d.replay);
    assert.ok(firstWatchEvent < replay.findIndex((d) => d.replay && d.name === 'j39'), 'the watch events came before the replay ended');
    // and no object was ever handed over at an older version than one delivered before it
    const newest = new Map<string, number>();
    for (const d of delivered) {
      assert.ok(d.rv >= (newest.get(d.name) ?? 0), `${d.name} went back from ${newest.get(d.name)} to ${d.rv}`);
      newest.set(d.name, d.rv);
    }
    // the object not replayed yet was replayed at the watch's version; the deleted one not at all
    const j30 = replay.filter((d) => d.name === 'j30').map((d) => d.replay);
    assert.deepEqual(j30, [false, true]);
    assert.equal(replay.filter((d) => d.name === 'j35').length, 0);
    assert.equal(r.get('ns/j30')?.spec?.parallelism, 30);
    assert.equal(r.get('ns/j05')?.spec?.parallelism, 5);
    assert.equal(kube.listCount, 1);
  });

  it('a resync replay is cut short by a relist after 410, which replays everything itself; the resyncs after it list nothing', async () => {
    // GIVEN a resyncing reflector
    const kube = new FakeKube();
    for (let i = 0; i < 20; i++) kube.put('Job', job(`j${i}`));
    let replays = 0;
    const { r, rec } = start(kube, { timings: { ...FAST, resyncMs: 30 }, replaySlice: 1, handler: { onUpdate: (old, obj) => void (old === obj && replays++) } });
    await r.waitForSync();
    await waitFor(() => r.resyncCount >= 1 && kube.openWatches === 1);
    assert.equal(kube.listCount, 1);
    // WHEN the watch's history is compacted and the watch answers 410 Gone
    kube.compact();
    kube.expireWatches();
    // THEN the reflector lists again (once), and resyncs carry on from the cache afterwards
    await waitFor(() => kube.listCount === 2 && kube.openWatches === 1);
    assert.ok(rec.restarts.includes('gone'));
    const resyncs = r.resyncCount;
    await waitFor(() => r.resyncCount >= resyncs + 2);
    assert.equal(kube.listCount, 2);
    assert.ok(replays >= 3 * 20);
  });

  it('a resync does not ask the server, so a change the watch never delivered stays unseen until a relist', async () => {
    // GIVEN a cached Job a and a server that stops delivering watch events
    const kube = new FakeKube();
    kube.put('Job', job('a'));
    const { r } = start(kube, { timings: { ...FAST, resyncMs: 20 } });
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    kube.stopDelivering = true;
    kube.put('Job', job('a', 'ns', { spec: { parallelism: 2 } }));
    // WHEN resyncs run
    const resyncs = r.resyncCount;
    await waitFor(() => r.resyncCount >= resyncs + 2);
    // THEN the cache still holds what the watch last said (the opt-in `relistMs` repairs this, below)
    assert.equal(r.get('ns/a')?.spec?.parallelism, undefined);
    assert.equal(kube.listCount, 1);
  });

  it('keeps the cached object when a periodic relist brings it again at the same resourceVersion, takes a changed one', async () => {
    // GIVEN cached a and b, and the opt-in periodic relist
    const kube = new FakeKube();
    for (const n of ['a', 'b']) kube.put('Job', job(n));
    const { r } = start(kube, { timings: { ...FAST, relistMs: 30 } });
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    const [a, b] = [r.get('ns/a'), r.get('ns/b')];
    // WHEN b changes without the watch telling, and relists list both again
    kube.stopDelivering = true;
    kube.put('Job', job('b', 'ns', { spec: { parallelism: 2 } }));
    await waitFor(() => r.get('ns/b')?.spec?.parallelism === 2);
    const listed = kube.listCount;
    await waitFor(() => kube.listCount >= listed + 2);
    // THEN the unchanged a is still the very object first cached; b is the changed one
    assert.equal(r.get('ns/a'), a);
    assert.notEqual(r.get('ns/b'), b);
    assert.equal(r.get('ns/b')?.metadata?.resourceVersion, kube.objects.get('Job')!.get('ns/b')!.metadata!.resourceVersion);
  });

  it('the opt-in periodic relist repairs what the watch missed: an add, an update and a delete, without interrupting the watch', async () => {
    // GIVEN a cached a, b and c, and a relist every 40 ms
    const kube = new FakeKube();
    for (const n of ['a', 'b', 'c']) kube.put('Job', job(n));
    const { r, rec } = start(kube, { timings: { ...FAST, relistMs: 40 } });
    await r.waitForSync();
    await waitFor(() => kube.openWatches === 1);
    // WHEN changes happen that no watch event reports
    kube.stopDelivering = true;
    kube.put('Job', job('d'));
    kube.put('Job', job('b', 'ns', { spec: { parallelism: 3 } }));
    kube.remove('Job', 'ns', 'c');
    // THEN the next relist brings the cache in line with the server
    await waitFor(() => r.get('ns/d') !== undefined && r.get('ns/c') === undefined);
    assert.equal(r.get('ns/b')?.spec?.parallelism, 3);
    assert.ok(rec.events.includes('add d') && rec.events.includes('delete c'));
    assert.deepEqual(r.list().map((o) => o.metadata?.name).sort(), ['a', 'b', 'd']);
    // through the same watch
    assert.equal(kube.watchCount, 1, 'the watch stays open across relists');
    assert.deepEqual(rec.restarts, []);
  });

  it('a periodic relist keeps the version a watch event delivered while the list was in flight', async () => {
    // GIVEN a port whose periodic relist answers with a snapshot taken before a change the watch then reports
    const kube = new FakeKube();
    kube.put('Job', job('a', 'ns', { spec: { parallelism: 1 } }));
    let lists = 0;
    const port = new Proxy(kube, {
      get(target, prop, receiver) {
        if (prop !== 'list') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<FakeKube['list']>) => {
          const result = await target.list(...args);
          if (++lists === 2) {
            target.put('Job', job('a', 'ns', { spec: { parallelism: 2 } }));
            // let the watch event reach the reflector before the (older) list result does
            await new Promise((res) => setTimeout(res, 10));
          }
          return result;
        };
      },
    });
    const seen: number[] = [];
    const record = (o: KubeObject): void => void seen.push(o.spec?.parallelism as number);
    const r = new Reflector(port, { kind: 'Job', timings: { ...FAST, relistMs: 40 }, handler: { onAdd: record, onUpdate: (_old, o) => record(o) } });
    r.start();
    cleanup.push(() => kube.close(), () => r.stop());
    await waitFor(() => lists >= 3);
    // THEN the cache never went back to the older listed version
    assert.equal(r.get('ns/a')?.spec?.parallelism, 2);
    assert.deepEqual(seen.slice(0, 2), [1, 2]);
    assert.ok(!seen.slice(2).includes(1), `went back to the listed version: ${seen.join(', ')}`);
  });

  it('stops cleanly during a backoff and never restarts afterwards', async () => {
    const kube = new FakeKube();
    kube.listFaults.push(errorFromStatus(503, {}));
    const { r } = start(kube, { timings: { ...FAST, backoffBaseMs: 60_000, backoffMaxMs: 60_000 } });
    await waitFor(() => kube.listCount === 1);
    await r.stop();
    const lists = kube.listCount;
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(kube.listCount, lists);
    assert.equal(kube.openWatches, 0);
  });

  it('scopes by namespace and label selector', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a', 'one', { metadata: { name: 'a', namespace: 'one', labels: { team: 'x' } } }));
    kube.put('Job', job('b', 'one'));
    kube.put('Job', job('c', 'two', { metadata: { name: 'c', namespace: 'two', labels: { team: 'x' } } }));
    const { r } = start(kube, { namespace: 'one', labelSelector: 'team=x' });
    await r.waitForSync();
    assert.deepEqual(r.list().map((o) => o.metadata?.name), ['a']);
  });
});

describe('Informer', () => {
  it('reads several namespaces as one cache', async () => {
    const kube = new FakeKube();
    kube.put('Job', job('a', 'one'));
    kube.put('Job', job('b', 'two'));
    kube.put('Job', job('c', 'three'));
    const informer = new Informer(['one', 'two'].map((namespace) => new Reflector(kube, { kind: 'Job', namespace, timings: FAST })));
    informer.start();
    cleanup.push(() => kube.close(), () => informer.stop());
    await informer.waitForSync();
    assert.equal(informer.hasSynced, true);
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['a', 'b']);
    assert.equal(informer.get('two', 'b')?.metadata?.name, 'b');
    assert.equal(informer.get('three', 'c'), undefined);
    assert.deepEqual(informer.list('one').map((o) => o.metadata?.name), ['a']);
  });
});
