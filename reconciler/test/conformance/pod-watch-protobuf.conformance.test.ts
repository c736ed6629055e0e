/**
 * The Pod cache's streaming list and watch in protobuf against a real API server (runs only with
 * `KUBECONFIG`). Where the server serves the streaming list (the `WatchList` feature gate on:
 * 1.32 and 1.34 on), the protobuf stream's events, decoded by `adapters/pod-watch-protobuf.ts`,
 * give the same cache views as the same stream in JSON (initial ADDED events, the
 * initial-events-end bookmark, then a MODIFIED and a DELETED), and the Pod reflector fills its
 * cache from it through `KubeClient` without a list request. Where it does not (1.28–1.31,
 * 1.33), the server answers 422 and the reflector lists page by page instead, with the same
 * views. `CONFORMANCE_RECORD=1` records the protobuf stream into
 * `test/adapters/fixtures/pod-watch.json`, which the unit test decodes without a cluster.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { KubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import { PROTOBUF } from '../../src/adapters/pod-protobuf.ts';
import { FrameReader, decodeWatchEvent } from '../../src/adapters/pod-watch-protobuf.ts';
import { INITIAL_EVENTS_END, type WatchEvent } from '../../src/adapters/port.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { podCacheView } from '../../src/runtime/cache-view.ts';
import { Reflector } from '../../src/runtime/reflector.ts';
import { waitFor } from '../runtime/wait.ts';
import { clusterTarget, type Target } from './client.ts';

const FIXTURE = new URL('../adapters/fixtures/pod-watch.json', import.meta.url);
const file = process.env.KUBECONFIG;
const STREAM_QUERY = 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=60';

const view = (p: KubeObject): KubeObject => podCacheView({ ...p, apiVersion: 'v1', kind: 'Pod' });
const byName = (a: KubeObject, b: KubeObject): number => String(a.metadata?.name).localeCompare(String(b.metadata?.name));
const at = (s: number): string => new Date(Date.UTC(2026, 11, 5, 12, 0, s)).toISOString().replace('.000Z', 'Z');

/** A streaming list read raw in protobuf: its bytes as they came and its events as decoded. */
interface RawStream {
  readonly status: number;
  readonly contentType: string;
  readonly bytes: Buffer[];
  readonly events: WatchEvent[];
  close(): void;
}

async function rawStream(path: string): Promise<RawStream> {
  const kc = loadKubeConfig({ kubeconfig: file, env: process.env });
  const server = new URL(kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = { host: server.hostname, port: Number(server.port || 443), path, headers: { accept: `${PROTOBUF}, application/json` } };
  await kc.applyToHTTPSOptions(options as never);
  return new Promise((resolve, reject) => {
    const req = https.get(options, (res) => {
      const frames = new FrameReader();
      const stream: RawStream = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), bytes: [], events: [], close: () => req.destroy() };
      res.on('data', (c: Buffer) => {
        stream.bytes.push(c);
        if (stream.status === 200) for (const frame of frames.push(c)) stream.events.push(decodeWatchEvent(frame));
      });
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
  });
}

/** Events without the bookmarks the server sends now and then (those without the initial-events-end annotation). */
const significant = (events: readonly WatchEvent[]): WatchEvent[] =>
  events.filter((e) => e.type !== 'BOOKMARK' || e.object.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true');

/** The bytes of the stream up to the end of its `count`-th frame. */
function firstFrames(bytes: Buffer, count: number): Buffer {
  let pos = 0;
  for (let i = 0; i < count; i++) pos += 4 + bytes.readUInt32BE(pos);
  return bytes.subarray(0, pos);
}

describe('the Pod streaming list and watch in protobuf against kube-apiserver', { skip: file ? false : 'KUBECONFIG is not set' }, () => {
  let target: Target;
  let client: KubeClient;
  let serves = false;
  let gitVersion = '';
  const ns = `conformance-${randomBytes(3).toString('hex')}`;
  const podsPath = `/api/v1/namespaces/${ns}/pods`;
  const container = { name: 'c', image: 'registry.example/app:1', command: ['sh', '-c', 'echo ü'] };

  before(async () => {
    target = await clusterTarget(file!);
    client = new KubeClient(loadKubeConfig({ kubeconfig: file, env: process.env }), { qps: 1000, burst: 1000 });
    const version = await client.serverVersion();
    gitVersion = version.gitVersion;
    const minor = Number.parseInt(version.minor, 10);
    // The WatchList feature gate: beta and on in 1.32, off again in 1.33, on from 1.34.
    serves = minor === 32 || minor >= 34;
    assert.equal((await target.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    await target.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    const owner = await target.call('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    const uid = owner.body.metadata.uid as string;
    const owned = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'owned',
        labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'owner', tier: 'batch' },
        annotations: { note: 'grüße' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid, controller: true }],
      },
      spec: { restartPolicy: 'Never', nodeName: 'node-a', containers: [container] },
    };
    assert.equal((await target.call('POST', podsPath, owned)).status, 201);
    const running = { phase: 'Running', startTime: at(1), conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) }, { type: 'Ready', status: 'True', lastTransitionTime: at(3), lastProbeTime: at(4) }] };
    assert.equal((await target.call('PATCH', `${podsPath}/owned/status`, { status: running }, 'application/merge-patch+json')).status, 200);
    assert.equal((await target.call('POST', podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [container] } })).status, 201);
    const deleting = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'deleting', finalizers: ['example.com/hold'] }, spec: { nodeName: 'node-b', containers: [container] } };
    assert.equal((await target.call('POST', podsPath, deleting)).status, 201);
    assert.equal((await target.call('DELETE', `${podsPath}/deleting`)).status, 200);
  });

  after(async () => {
    if (!target) return;
    await target.call('PATCH', `${podsPath}/deleting`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await target.call('DELETE', `/api/v1/namespaces/${ns}`);
    client.close();
  });

  it('streams the pods in protobuf, then their changes, with the same views as the stream in JSON', async (t) => {
    if (!serves) return t.skip(`${gitVersion} does not serve the streaming list`);
    const pb = await rawStream(`${podsPath}?${STREAM_QUERY}`);
    const json = await target.watch(`${podsPath}?${STREAM_QUERY}`);
    try {
      assert.equal(pb.status, 200);
      assert.equal(pb.contentType, `${PROTOBUF};stream=watch`);
      await waitFor(() => significant(pb.events).length === 4, 20_000, 'the initial events and their end bookmark');
      const finished = { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(8), reason: 'PodCompleted' }] };
      assert.equal((await target.call('PATCH', `${podsPath}/owned/status`, { status: finished }, 'application/merge-patch+json')).status, 200);
      assert.equal((await target.call('DELETE', `${podsPath}/bare?gracePeriodSeconds=0`)).status, 200);
      // The DELETE sets the deletion time (MODIFIED), then removes the unbound pod (DELETED).
      const deleted = (events: readonly WatchEvent[]): boolean => events.some((e) => e.type === 'DELETED');
      await waitFor(() => deleted(pb.events), 20_000, 'the DELETED event');
      const jsonEvents: WatchEvent[] = [];
      while (!deleted(jsonEvents)) {
        const e = await json.next(20_000);
        assert.ok(e, 'the JSON stream ended early');
        jsonEvents.push(e as WatchEvent);
      }
      const got = significant(pb.events);
      const want = significant(jsonEvents);
      assert.deepEqual(got.map((e) => e.type).slice(0, 5), ['ADDED', 'ADDED', 'ADDED', 'BOOKMARK', 'MODIFIED']);
      assert.equal(got[got.length - 1].type, 'DELETED');
      assert.deepEqual(want.map((e) => e.type), got.map((e) => e.type));
      // The initial pods (in the server's order), then the changes: the same views from both encodings.
      got.forEach((e, i) => i === 3 || assert.deepEqual(view(e.object), view(want[i].object), `event ${i}`));
      assert.deepEqual(got.slice(0, 3).map((e) => e.object).sort(byName).map((p) => p.metadata?.name), ['bare', 'deleting', 'owned']);
      // 1.32 also annotates it with the list's blueprint (`kubernetes.io/initial-events-list-blueprint`).
      assert.equal(got[3].object.metadata?.annotations?.[INITIAL_EVENTS_END], 'true');
      assert.match(String(got[3].object.metadata?.resourceVersion), /^\d+$/);
      assert.equal(view(got[4].object).status?.phase, 'Succeeded');
      assert.equal(got[got.length - 1].object.metadata?.name, 'bare');
      if (process.env.CONFORMANCE_RECORD === '1') {
        const all = Buffer.concat(pb.bytes);
        const frames = pb.events.indexOf(got[got.length - 1]) + 1;
        const fixture = { server: gitVersion, namespace: ns, protobuf: firstFrames(all, frames).toString('base64'), json: jsonEvents };
        writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
      }
    } finally {
      pb.close();
      json.close();
    }
  });

  it('fills the Pod reflector from the streaming list through KubeClient, synced at the end bookmark, then watches in protobuf', async (t) => {
    if (!serves) return t.skip(`${gitVersion} does not serve the streaming list`);
    const calls: string[] = [];
    const counting = Object.create(client) as KubeClient;
    counting.list = (...a) => (calls.push('list'), client.list(...a));
    counting.streamList = (...a) => (calls.push('streamList'), client.streamList(...a));
    counting.watch = (...a) => (calls.push(`watch ${a[1].viewFields === true}`), client.watch(...a));
    const r = new Reflector(counting, { kind: 'Pod', namespace: ns, transform: podCacheView, viewFields: true, timings: { resyncMs: 0 } });
    r.start();
    try {
      await r.waitForSync();
      const listed = (await target.call('GET', podsPath)).body.items as KubeObject[];
      assert.deepEqual(r.list().sort(byName), listed.map(view).sort(byName));
      assert.deepEqual(calls, ['streamList']);
      const synced = Number(r.lastResourceVersion);
      assert.equal((await target.call('PATCH', `${podsPath}/owned`, { metadata: { labels: { tier: 'changed' } } }, 'application/merge-patch+json')).status, 200);
      const changed = (await target.call('GET', `${podsPath}/owned`)).body as KubeObject;
      await waitFor(() => r.get(`${ns}/owned`)?.metadata?.resourceVersion === changed.metadata?.resourceVersion, 20_000, 'the change in the cache');
      assert.deepEqual(r.get(`${ns}/owned`), view(changed));
      assert.ok(Number(r.lastResourceVersion) > synced);
      assert.deepEqual(calls, ['streamList']);
    } finally {
      await r.stop();
    }
  });

  it('is refused with 422 where the WatchList gate is off, and the Pod reflector lists pages and watches in JSON instead', async (t) => {
    if (serves) return t.skip(`${gitVersion} serves the streaming list`);
    const stream = client.streamList('Pod', { namespace: ns, timeoutSeconds: 30, viewFields: true }, () => assert.fail('an event from a refused stream'));
    await assert.rejects(stream.done, (err: unknown) => err instanceof KubeApiError && err.kind === 'Invalid' && err.status === 422 && /sendInitialEvents is forbidden/.test(err.message));
    const calls: string[] = [];
    const refusals: KubeApiError[] = [];
    const counting = Object.create(client) as KubeClient;
    counting.list = (...a) => (calls.push('list'), client.list(...a));
    counting.streamList = (...a) => (calls.push('streamList'), client.streamList(...a));
    counting.watch = (...a) => (calls.push(`watch ${a[1].viewFields === true}`), client.watch(...a));
    const r = new Reflector(counting, { kind: 'Pod', namespace: ns, transform: podCacheView, viewFields: true, timings: { resyncMs: 0 }, onStreamListRefused: (e) => refusals.push(e) });
    r.start();
    try {
      await r.waitForSync();
      const listed = (await target.call('GET', podsPath)).body.items as KubeObject[];
      assert.deepEqual(r.list().sort(byName), listed.map(view).sort(byName));
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0].status, 422);
      await waitFor(() => calls.includes('watch false'), 10_000, 'the watch');
      assert.deepEqual(calls, ['streamList', 'list', 'watch false']);
      assert.equal((await target.call('PATCH', `${podsPath}/owned`, { metadata: { labels: { tier: 'changed' } } }, 'application/merge-patch+json')).status, 200);
      const changed = (await target.call('GET', `${podsPath}/owned`)).body as KubeObject;
      await waitFor(() => r.get(`${ns}/owned`)?.metadata?.resourceVersion === changed.metadata?.resourceVersion, 20_000, 'the change in the cache');
      assert.deepEqual(r.get(`${ns}/owned`), view(changed));
    } finally {
      await r.stop();
    }
  });
});
