/**
 * The Pod reflector's initial sync through the streaming list: ADDED events fill the cache and
 * only the initial-events-end bookmark marks it synced; the same stream goes on as the watch; a
 * stream that fails before its end is followed by one paged list; a server that refuses it (422)
 * or ignores `sendInitialEvents` is listed page by page from then on; a 410 after the sync
 * streams again.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/types.ts';
import { KubeApiError, errorFromStatus } from '../../src/adapters/errors.ts';
import { INITIAL_EVENTS_END, type ResourceKind, type StreamListOptions, type WatchEvent, type WatchStream } from '../../src/adapters/port.ts';
import { Reflector, type ReflectorOptions } from '../../src/runtime/reflector.ts';
import { FakeKube } from './fake-kube.ts';
import { waitFor } from './wait.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 60_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 };

/** One streaming list the test drives by hand. */
interface Scripted {
  readonly kind: ResourceKind;
  readonly options: StreamListOptions;
  send(event: WatchEvent): void;
  end(err?: unknown): void;
}

/** A `FakeKube` (pages and watches as an API server) with a streaming list driven by the test. */
class StreamingKube extends FakeKube {
  readonly streams: Scripted[] = [];
  /** Each streaming list is refused with this, when set. */
  refusal?: KubeApiError;

  streamList(kind: ResourceKind, options: StreamListOptions, onEvent: (event: WatchEvent) => void): WatchStream {
    let settle: (err?: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    let open = true;
    const stream: Scripted = {
      kind,
      options,
      send: (e) => open && onEvent(e),
      end: (err) => {
        if (!open) return;
        open = false;
        settle(err);
      },
    };
    this.streams.push(stream);
    if (this.refusal) setImmediate(() => stream.end(this.refusal));
    return { done, stop: () => stream.end() };
  }
}

const pod = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: rv } });
const added = (name: string, rv: string): WatchEvent => ({ type: 'ADDED', object: pod(name, rv) });
const endOfInitialEvents = (rv: string): WatchEvent => ({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: rv, annotations: { [INITIAL_EVENTS_END]: 'true' } } } });
const bookmark = (rv: string): WatchEvent => ({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: rv } } });
const refused = (): KubeApiError =>
  errorFromStatus(422, { reason: 'Invalid', code: 422, message: 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled' });

const notAcceptable = (): KubeApiError => errorFromStatus(406, { reason: 'NotAcceptable', code: 406, message: '406: Not Acceptable' });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function start(kube: FakeKube, extra: Partial<ReflectorOptions> = {}): { r: Reflector; events: string[]; refusals: KubeApiError[] } {
  const events: string[] = [];
  const refusals: KubeApiError[] = [];
  const r = new Reflector(kube, {
    kind: 'Pod',
    viewFields: true,
    timings: FAST,
    handler: {
      onAdd: (o) => events.push(`add ${o.metadata?.name}`),
      onUpdate: (_a, b) => events.push(`update ${b.metadata?.name}`),
      onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
    },
    onStreamListRefused: (e) => refusals.push(e),
    ...extra,
  });
  r.start();
  cleanup.push(() => kube.close(), () => r.stop());
  return { r, events, refusals };
}

describe('Reflector with the streaming list', () => {
  it('fills the cache from the initial events, synced only at the initial-events-end bookmark, and goes on watching on the same stream', async () => {
    // GIVEN
    const kube = new StreamingKube();
    const { r, events } = start(kube, { namespace: 'ns', labelSelector: 'a=b' });
    await waitFor(() => kube.streams.length === 1);
    const [stream] = kube.streams;
    assert.equal(stream.options.viewFields, true);
    assert.equal(stream.options.namespace, 'ns');
    assert.equal(stream.options.labelSelector, 'a=b');
    // WHEN the initial events arrive
    stream.send(added('a', '10'));
    stream.send(added('b', '11'));
    // THEN nothing is synced nor in the cache yet
    assert.equal(r.hasSynced, false);
    assert.equal(r.size, 0);
    assert.deepEqual(events, []);
    // WHEN their end arrives
    stream.send(endOfInitialEvents('50'));
    // THEN
    assert.equal(r.hasSynced, true);
    assert.deepEqual(r.list().map((p) => p.metadata?.name), ['a', 'b']);
    assert.equal(r.lastResourceVersion, '50');
    assert.deepEqual(events, ['add a', 'add b']);
    // WHEN the stream goes on: a change, a deletion, a bookmark
    stream.send({ type: 'MODIFIED', object: pod('a', '51') });
    stream.send({ type: 'DELETED', object: pod('b', '52') });
    stream.send(bookmark('60'));
    // THEN
    assert.deepEqual(events, ['add a', 'add b', 'update a', 'delete b']);
    assert.equal(r.get('ns/a')?.metadata?.resourceVersion, '51');
    assert.equal(r.lastResourceVersion, '60');
    assert.equal(kube.listCount, 0);
    assert.equal(kube.watchCount, 0);
    assert.equal(kube.streams.length, 1);
  });

  it('follows a streaming list that fails before its end with one paged list (never syncing on part of the stream), then streams again after a 410', async () => {
    // GIVEN
    const kube = new StreamingKube();
    kube.put('Pod', pod('a', ''));
    const { r, events } = start(kube);
    await waitFor(() => kube.streams.length === 1);
    kube.streams[0].send(added('stale', '10'));
    assert.equal(r.hasSynced, false);
    // WHEN the stream breaks before its end bookmark
    kube.streams[0].end(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await r.waitForSync();
    // THEN the cache comes from one paged list, and the watch from its resourceVersion keeps the view
    assert.deepEqual(r.list().map((p) => p.metadata?.name), ['a']);
    assert.deepEqual(events, ['add a']);
    assert.equal(kube.listCount, 1);
    await waitFor(() => kube.openWatches === 1);
    const watch = kube.calls.find((c) => c.op === 'watch')!.options as { viewFields?: boolean; resourceVersion?: string };
    assert.equal(watch.viewFields, true);
    assert.equal(watch.resourceVersion, r.lastResourceVersion);
    // WHEN that watch expires (410): the list streams again
    kube.compact();
    kube.expireWatches();
    await waitFor(() => kube.streams.length === 2);
    assert.equal(kube.listCount, 1);
  });

  for (const [why, refusal] of [['422: the WatchList gate off', refused()], ['406: no protobuf', notAcceptable()]] as const) {
    it(`lists page by page and watches without the view when the server refuses the streaming list (${why}), and remembers it`, async () => {
      // GIVEN
      const kube = new StreamingKube();
      kube.refusal = refusal;
      kube.put('Pod', pod('a', ''));
      // WHEN
      const { r, events, refusals } = start(kube);
      await r.waitForSync();
      await waitFor(() => kube.openWatches === 1);
      // THEN
      assert.deepEqual(r.list().map((p) => p.metadata?.name), ['a']);
      assert.deepEqual(events, ['add a']);
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0].status, refusal.status);
      assert.equal(kube.listCount, 1);
      assert.equal((kube.calls.find((c) => c.op === 'list')!.options as { viewFields?: boolean }).viewFields, true);
      assert.equal((kube.calls.find((c) => c.op === 'watch')!.options as { viewFields?: boolean }).viewFields, undefined);
      // WHEN the watch expires (410): the relist is by pages again, not another streaming list
      kube.compact();
      kube.expireWatches();
      await waitFor(() => kube.listCount === 2);
      assert.equal(kube.streams.length, 1);
      assert.equal(refusals.length, 1);
    });
  }

  it('lists page by page when the server ignores sendInitialEvents (a bookmark without the annotation comes first)', async () => {
    const kube = new StreamingKube();
    kube.put('Pod', pod('a', ''));
    const { r, refusals } = start(kube);
    await waitFor(() => kube.streams.length === 1);
    kube.streams[0].send(bookmark('40'));
    await r.waitForSync();
    assert.equal(refusals.length, 1);
    assert.match(refusals[0].message, /initial-events-end/);
    assert.deepEqual(r.list().map((p) => p.metadata?.name), ['a']);
    assert.equal(kube.listCount, 1);
  });

  it('streams the list again after a 410 on the synced stream: objects gone meanwhile are deleted, the cache stays synced', async () => {
    // GIVEN a synced cache
    const kube = new StreamingKube();
    const { r, events } = start(kube);
    await waitFor(() => kube.streams.length === 1);
    kube.streams[0].send(added('a', '10'));
    kube.streams[0].send(added('b', '11'));
    kube.streams[0].send(endOfInitialEvents('20'));
    // WHEN the stream ends with 410 Expired
    kube.streams[0].send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as never });
    await waitFor(() => kube.streams.length === 2);
    // THEN a new streaming list: the cache stays as it was until its end
    assert.equal(r.hasSynced, true);
    assert.equal(r.size, 2);
    kube.streams[1].send(added('a', '10'));
    kube.streams[1].send(added('c', '30'));
    kube.streams[1].send(endOfInitialEvents('40'));
    assert.deepEqual(r.list().map((p) => p.metadata?.name).sort(), ['a', 'c']);
    assert.equal(r.lastResourceVersion, '40');
    assert.deepEqual(events, ['add a', 'add b', 'delete b', 'update a', 'add c']);
    assert.equal(kube.listCount, 0);
  });

  it('lists page by page for a cache that keeps whole objects, and through a port without a streaming list', async () => {
    const streaming = new StreamingKube();
    streaming.put('Pod', pod('a', ''));
    const whole = start(streaming, { viewFields: false });
    await whole.r.waitForSync();
    assert.equal(streaming.streams.length, 0);
    assert.equal(streaming.listCount, 1);
    const plain = new FakeKube();
    plain.put('Pod', pod('a', ''));
    const { r } = start(plain);
    await r.waitForSync();
    assert.equal(plain.listCount, 1);
    assert.deepEqual(r.list().map((p) => p.metadata?.name), ['a']);
  });
});
