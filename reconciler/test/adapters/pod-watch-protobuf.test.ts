/**
 * The Pod watch in protobuf (`adapters/pod-watch-protobuf.ts`): a real API server's streaming
 * list (`fixtures/pod-watch.json`, recorded from v1.37.2 by `pod-watch-protobuf.conformance.test.ts`:
 * three pods, the initial-events-end bookmark, a MODIFIED and a DELETED) decodes into the same
 * cache views as the same stream in JSON, however the bytes are cut; ERROR events carry their
 * Status; malformed streams are errors; and `KubeClient.streamList`/`watch` send the streaming
 * list's query, read protobuf or JSON by the answer's type, and turn a refusal into its error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, errorFromWatchStatus } from '../../src/adapters/errors.ts';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import { useLocalApi } from './local-api.ts';
import { startEmulator } from '../../src/emulator/server.ts';
import { Reflector } from '../../src/runtime/reflector.ts';
import { PROTOBUF, ProtobufError } from '../../src/adapters/pod-protobuf.ts';
import { FrameReader, JsonLineReader, MAX_FRAME_BYTES, decodeWatchEvent } from '../../src/adapters/pod-watch-protobuf.ts';
import { INITIAL_EVENTS_END, type WatchEvent } from '../../src/adapters/port.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { podCacheView } from '../../src/runtime/cache-view.ts';
import { waitFor } from '../runtime/wait.ts';

interface Fixture {
  readonly server: string;
  readonly namespace: string;
  readonly protobuf: string;
  readonly json: WatchEvent[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pod-watch.json', import.meta.url), 'utf8')) as Fixture;
const recorded = Buffer.from(fixture.protobuf, 'base64');

const view = (p: KubeObject): KubeObject => podCacheView({ ...p, apiVersion: 'v1', kind: 'Pod' });
/** Without the bookmarks the server sends now and then. */
const significant = (events: readonly WatchEvent[]): WatchEvent[] =>
  events.filter((e) => e.type !== 'BOOKMARK' || e.object.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true');

/** Every event of `bytes`, fed to a `FrameReader` in chunks of `size`. */
function decodeInChunks(bytes: Buffer, size: number): WatchEvent[] {
  const frames = new FrameReader();
  const events: WatchEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...frames.push(bytes.subarray(i, i + size)).map(decodeWatchEvent));
  assert.equal(frames.buffered, 0);
  return events;
}

/** Protobuf encoding, for hand-made events: a varint, a field, a frame. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    out.push(n ? b | 0x80 : b);
  } while (n);
  return Buffer.from(out);
}
function field(n: number, value: Buffer | string | number): Buffer {
  if (typeof value === 'number') return Buffer.concat([varint(n << 3), varint(value)]);
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}
const envelope = (kind: string, raw: Buffer): Buffer => Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, Buffer.concat([field(1, 'v1'), field(2, kind)])), field(2, raw)]);
const event = (type: string, object: Buffer): Buffer => Buffer.concat([field(1, type), field(2, field(1, object))]);
const frame = (body: Buffer): Buffer => Buffer.concat([Buffer.from([body.length >>> 24, (body.length >>> 16) & 255, (body.length >>> 8) & 255, body.length & 255]), body]);

describe('decodeWatchEvent and FrameReader', () => {
  it(`decode a real API server's streaming list (${fixture.server}) into the same cache views as its JSON stream`, () => {
    // WHEN
    const got = significant(decodeInChunks(recorded, recorded.length));
    const want = significant(fixture.json);
    // THEN
    assert.deepEqual(got.map((e) => e.type), want.map((e) => e.type));
    assert.deepEqual(got.map((e) => e.type).slice(0, 5), ['ADDED', 'ADDED', 'ADDED', 'BOOKMARK', 'MODIFIED']);
    assert.equal(got[got.length - 1].type, 'DELETED');
    got.forEach((e, i) => i === 3 || assert.deepEqual(view(e.object), view(want[i].object), `event ${i}`));
    assert.deepEqual(got.slice(0, 3).map((e) => e.object.metadata?.name).sort(), ['bare', 'deleting', 'owned']);
    assert.ok(got.every((e) => e.object.apiVersion === 'v1' && e.object.kind === 'Pod'));
  });

  it('give the initial-events-end bookmark its annotation and resourceVersion, and nothing else', () => {
    const bookmark = significant(decodeInChunks(recorded, recorded.length))[3];
    assert.deepEqual(bookmark.object, { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: bookmark.object.metadata?.resourceVersion, annotations: { [INITIAL_EVENTS_END]: 'true' } } });
    assert.match(String(bookmark.object.metadata?.resourceVersion), /^\d+$/);
  });

  it('keep only the fields the view reads of each pod: no annotations, managed fields or containers', () => {
    const owned = decodeInChunks(recorded, recorded.length).find((e) => e.type === 'ADDED' && e.object.metadata?.name === 'owned')!.object;
    assert.equal(owned.metadata?.annotations, undefined);
    assert.equal(owned.metadata?.managedFields, undefined);
    assert.deepEqual(owned.spec, { nodeName: 'node-a' });
    assert.equal(owned.metadata?.ownerReferences?.length, 1);
  });

  it('cut the same events out of the stream whatever the chunks', () => {
    const whole = decodeInChunks(recorded, recorded.length);
    for (const size of [1, 3, 4, 5, 97, 1000]) assert.deepEqual(decodeInChunks(recorded, size), whole, `chunks of ${size}`);
  });

  it('hold an incomplete frame until the rest arrives', () => {
    const frames = new FrameReader();
    assert.deepEqual(frames.push(recorded.subarray(0, 10)), []);
    assert.equal(frames.buffered, 10);
  });

  it('decode an ERROR event into its Status (a 410 Expired becomes Gone)', () => {
    const status = envelope('Status', Buffer.concat([field(3, 'too old resource version: 1 (2)'), field(4, 'Expired'), field(6, 410)]));
    const [decoded] = new FrameReader().push(frame(event('ERROR', status))).map(decodeWatchEvent);
    assert.equal(decoded.type, 'ERROR');
    assert.deepEqual(decoded.object, { kind: 'Status', message: 'too old resource version: 1 (2)', reason: 'Expired', code: 410 });
    assert.equal(errorFromWatchStatus(decoded.object).kind, 'Gone');
  });

  it('reject malformed frames: an unknown type, no object, no k8s\\0 prefix, a length past the end, a frame too long', () => {
    const pod = envelope('Pod', field(1, field(1, 'p')));
    assert.throws(() => decodeWatchEvent(event('SOMETHING', pod)), (e: unknown) => e instanceof ProtobufError && /type "SOMETHING"/.test(e.message));
    assert.throws(() => decodeWatchEvent(field(1, 'ADDED')), (e: unknown) => e instanceof ProtobufError && /without an object/.test(e.message));
    assert.throws(() => decodeWatchEvent(event('ADDED', field(1, field(1, 'p')))), (e: unknown) => e instanceof ProtobufError && /k8s\\0/.test(e.message));
    const whole = event('ADDED', pod);
    assert.throws(() => decodeWatchEvent(whole.subarray(0, whole.length - 3)), ProtobufError);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_FRAME_BYTES + 1);
    assert.throws(() => new FrameReader().push(huge), (e: unknown) => e instanceof ProtobufError && /at most/.test(e.message));
  });
});

describe('JsonLineReader', () => {
  it('cuts JSON lines across chunks, a UTF-8 character split between two included', () => {
    const text = Buffer.from(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'grüße' } } })}\n${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } })}\n`);
    const reader = new JsonLineReader();
    const split = text.indexOf(Buffer.from('ü')) + 1;
    const events = [...reader.push(text.subarray(0, split)), ...reader.push(text.subarray(split))];
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata?.name ?? e.object.metadata?.resourceVersion]), [['ADDED', 'grüße'], ['BOOKMARK', '9']]);
    assert.equal(reader.buffered, 0);
  });
});

describe('KubeClient streaming list and Pod watch', () => {
  const local = useLocalApi();

  /** Sends `body` in chunks of 500 bytes, then ends the answer. */
  const chunked = (type: string, body: Buffer) => (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': type });
    for (let i = 0; i < body.length; i += 500) res.write(body.subarray(i, i + 500));
    res.end();
  };

  it('asks for the streaming list in protobuf for the Pod view and delivers its decoded events', async () => {
    // GIVEN
    local.seen.length = 0;
    local.answer = chunked(`${PROTOBUF};stream=watch`, recorded);
    const events: WatchEvent[] = [];
    // WHEN
    const stream = local.client.streamList('Pod', { namespace: 'ns', labelSelector: 'a=b', timeoutSeconds: 30, viewFields: true }, (e) => events.push(e));
    await stream.done;
    // THEN
    const url = new URL(local.seen[0].path, 'http://x');
    assert.equal(url.pathname, '/api/v1/namespaces/ns/pods');
    assert.deepEqual(Object.fromEntries(url.searchParams), { watch: 'true', labelSelector: 'a=b', sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true', timeoutSeconds: '30' });
    assert.equal(local.seen[0].accept, PROTOBUF);
    assert.deepEqual(events, decodeInChunks(recorded, recorded.length));
  });

  it('reads a JSON answer as JSON lines (a server without protobuf), and asks JSON only without the view', async () => {
    local.seen.length = 0;
    const lines = fixture.json.map((e) => JSON.stringify(e)).join('\n');
    local.answer = chunked('application/json', Buffer.from(`${lines}\n`));
    const events: WatchEvent[] = [];
    await local.client.streamList('Job', { timeoutSeconds: 30 }, (e) => events.push(e)).done;
    assert.equal(local.seen[0].accept, 'application/json');
    assert.equal(new URL(local.seen[0].path, 'http://x').pathname, '/apis/batch/v1/jobs');
    assert.deepEqual(events, fixture.json);
  });

  it('watches pods for the view in protobuf from a resourceVersion', async () => {
    local.seen.length = 0;
    local.answer = chunked(`${PROTOBUF};stream=watch`, recorded);
    const events: WatchEvent[] = [];
    await local.client.watch('Pod', { resourceVersion: '42', timeoutSeconds: 30, allowWatchBookmarks: true, viewFields: true }, (e) => events.push(e)).done;
    const url = new URL(local.seen[0].path, 'http://x');
    assert.equal(url.pathname, '/api/v1/pods');
    assert.deepEqual(Object.fromEntries(url.searchParams), { watch: 'true', resourceVersion: '42', timeoutSeconds: '30', allowWatchBookmarks: 'true' });
    assert.equal(local.seen[0].accept, `${PROTOBUF}, application/json`);
    assert.equal(events.length, decodeInChunks(recorded, recorded.length).length);
  });

  it('rejects with the Status of a refusal: 422 where the WatchList gate is off', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled' };
    local.answer = (_req, res) => res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify(status));
    const stream = local.client.streamList('Pod', { timeoutSeconds: 30, viewFields: true }, () => assert.fail('an event from a refused stream'));
    await assert.rejects(stream.done, (e: unknown) => e instanceof KubeApiError && e.kind === 'Invalid' && e.status === 422 && /WatchList feature gate/.test(e.message));
  });

  it('rejects a stream cut inside a frame, and one with a malformed frame', async () => {
    local.answer = chunked(`${PROTOBUF};stream=watch`, recorded.subarray(0, recorded.length - 5));
    await assert.rejects(local.client.streamList('Pod', { timeoutSeconds: 30, viewFields: true }, () => undefined).done, (e: unknown) => e instanceof KubeApiError && e.kind === 'Network');
    local.answer = chunked(`${PROTOBUF};stream=watch`, frame(field(1, 'ADDED')));
    await assert.rejects(local.client.streamList('Pod', { timeoutSeconds: 30, viewFields: true }, () => undefined).done, (e: unknown) => e instanceof KubeApiError && /malformed protobuf: a ADDED watch event without an object/.test(e.message));
  });

  it('stops: done resolves and no event is delivered after stop()', async () => {
    let respond: (() => void) | undefined;
    local.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': `${PROTOBUF};stream=watch` });
      res.write(recorded.subarray(0, 4 + recorded.readUInt32BE(0)));
      respond = () => res.end(recorded.subarray(4 + recorded.readUInt32BE(0)));
    };
    const events: WatchEvent[] = [];
    const stream = local.client.streamList('Pod', { timeoutSeconds: 30, viewFields: true }, (e) => events.push(e));
    await waitFor(() => events.length === 1);
    stream.stop();
    respond?.();
    await stream.done;
    assert.equal(events.length, 1);
  });
});

describe('the streaming list against the API emulator (JSON only)', () => {
  it('is refused with 406 in protobuf, so the Pod reflector lists pages and watches in JSON', async () => {
    // GIVEN
    const emu = await startEmulator({});
    const kc = new KubeConfig();
    kc.loadFromString(emu.kubeconfigYaml());
    const client = new KubeClient(kc, { qps: 1000, burst: 1000 });
    try {
      emu.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x' }] } } as never);
      // WHEN
      const stream = client.streamList('Pod', { timeoutSeconds: 30, viewFields: true }, () => assert.fail('an event from a refused stream'));
      // THEN
      await assert.rejects(stream.done, (e: unknown) => e instanceof KubeApiError && e.status === 406 && /Not Acceptable/.test(e.message));
      const refusals: KubeApiError[] = [];
      const r = new Reflector(client, { kind: 'Pod', transform: podCacheView, viewFields: true, timings: { resyncMs: 0 }, onStreamListRefused: (e) => refusals.push(e) });
      r.start();
      await r.waitForSync();
      assert.deepEqual(r.list().map((p) => p.metadata?.name), ['p']);
      assert.equal(refusals.length, 1);
      await waitFor(() => emu.requests().some((q) => q.verb === 'watch' && q.query.sendInitialEvents === undefined));
      const verbs = emu.requests().filter((q) => q.resource === 'pods').map((q) => `${q.verb} ${q.query.sendInitialEvents ?? ''}`.trim());
      assert.deepEqual(verbs, ['watch true', 'watch true', 'list', 'watch']);
      await r.stop();
    } finally {
      client.close();
      await emu.close();
    }
  });
});
