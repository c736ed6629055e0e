/**
 * Pod lists in protobuf (`adapters/pod-protobuf.ts`): the answers of a real API server
 * (`fixtures/pod-list.json`, recorded from v1.37.2 by `pod-protobuf.conformance.test.ts`) decode
 * into pods whose cache views equal those of the same list in JSON; the JSON forms of times and
 * empty strings; malformed answers; and `KubeClient` asking for protobuf only for the Pod
 * cache's lists, decoding it, reading an error Status in protobuf and keeping its connections.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { KubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import { useLocalApi } from './local-api.ts';
import { PROTOBUF, ProtobufError, decodePodList, decodeStatus } from '../../src/adapters/pod-protobuf.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { podCacheView } from '../../src/runtime/cache-view.ts';

interface Fixture {
  readonly server: string;
  readonly namespace: string;
  readonly protobuf: string;
  readonly json: { items: KubeObject[]; metadata: { resourceVersion: string } };
  readonly notFound: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pod-list.json', import.meta.url), 'utf8')) as Fixture;
const recorded = Buffer.from(fixture.protobuf, 'base64');

const views = (items: readonly KubeObject[]): KubeObject[] => items.map((p) => podCacheView({ ...p, apiVersion: 'v1', kind: 'Pod' }));

/** Protobuf encoding, for hand-made answers: a varint, a field, an envelope. */
function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Buffer.from(out);
}
function field(n: number, value: Buffer | string | number | bigint): Buffer {
  if (typeof value === 'number' || typeof value === 'bigint') return Buffer.concat([varint(n << 3), varint(value)]);
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}
const msg = (...fields: Buffer[]): Buffer => Buffer.concat(fields);
const envelope = (raw: Buffer): Buffer => Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, msg(field(1, 'v1'), field(2, 'PodList'))), field(2, raw)]);

describe('decodePodList', () => {
  it(`decodes a real API server's Pod list (${fixture.server}) into the same cache views as its JSON`, () => {
    // WHEN
    const page = decodePodList(recorded);
    // THEN
    assert.deepEqual(page.items.map((p) => p.metadata?.name), ['bare', 'deleting', 'owned']);
    assert.deepEqual(views(page.items), views(fixture.json.items));
    assert.equal(page.resourceVersion, fixture.json.metadata.resourceVersion);
    assert.equal(page.continue, undefined);
  });

  it('keeps only the fields the view reads: no annotations, managed fields, containers or container statuses', () => {
    const [, , owned] = decodePodList(recorded).items;
    assert.deepEqual(Object.keys(owned).sort(), ['metadata', 'spec', 'status']);
    assert.deepEqual(Object.keys(owned.metadata!).filter((k) => owned.metadata![k as never] !== undefined).sort(), ['creationTimestamp', 'labels', 'name', 'namespace', 'ownerReferences', 'resourceVersion', 'uid']);
    assert.deepEqual(owned.spec, { nodeName: 'node-a' });
    assert.equal(owned.status?.conditions?.length, 4);
    assert.equal(owned.status?.containerStatuses, undefined);
  });

  it('writes times and empty strings as the JSON form does: RFC 3339 to the second, zero time null, empty omitempty strings left out', () => {
    // GIVEN a pod with an empty name, an empty node name, a condition with a zero probe time, a time before 1970
    const condition = msg(field(1, 'Ready'), field(2, 'True'), field(3, Buffer.alloc(0)), field(4, msg(field(1, 1_764_936_000), field(2, 999))));
    const pod = msg(field(1, msg(field(1, ''), field(3, 'ns'), field(8, msg(field(1, -86_400))))), field(2, msg(field(10, ''))), field(3, msg(field(1, ''), field(2, condition))));
    // WHEN
    const [decoded] = decodePodList(envelope(msg(field(1, msg(field(2, '7'), field(3, 'token'))), field(2, pod)))).items;
    // THEN
    assert.equal(decoded.metadata?.name, undefined);
    assert.equal(decoded.metadata?.creationTimestamp, '1969-12-31T00:00:00Z');
    assert.deepEqual(decoded.spec, {});
    assert.equal(decoded.status?.phase, undefined);
    assert.deepEqual(decoded.status?.conditions, [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-12-05T12:00:00Z' }]);
  });

  it('hands every pod to `each` as it is decoded, in order, and its results are the items', () => {
    // GIVEN
    const seen: string[] = [];
    // WHEN
    const page = decodePodList(recorded, (pod) => {
      seen.push(pod.metadata?.name ?? '');
      return { kept: pod.metadata?.name } as unknown as KubeObject;
    });
    // THEN
    assert.deepEqual(seen, ['bare', 'deleting', 'owned']);
    assert.deepEqual(page.items, [{ kept: 'bare' }, { kept: 'deleting' }, { kept: 'owned' }]);
  });

  it("lets an error of `each` through as it is, not as a malformed answer", () => {
    const own = new TypeError('the view failed');
    assert.throws(
      () =>
        decodePodList(recorded, () => {
          throw own;
        }),
      (err: unknown) => err === own,
    );
  });

  it('returns the continue token of a page', () => {
    const page = decodePodList(envelope(msg(field(1, msg(field(1, 'self'), field(2, '42'), field(3, 'next-page'), field(4, 7))))));
    assert.deepEqual(page, { items: [], resourceVersion: '42', continue: 'next-page' });
  });

  it('rejects a truncated answer, a missing k8s\\0 prefix and an unknown wire type with a ProtobufError', () => {
    assert.throws(() => decodePodList(recorded.subarray(0, recorded.length - 7)), ProtobufError);
    assert.throws(() => decodePodList(Buffer.from('{"kind":"PodList"}')), /does not start with the k8s\\0 prefix/);
    assert.throws(() => decodePodList(envelope(Buffer.from([(2 << 3) | 3]))), /unsupported wire type 3/);
    assert.throws(() => decodePodList(Buffer.from('k8s\0', 'latin1')), /carries no object/);
  });
});

describe('decodeStatus', () => {
  it("reads a real API server's 404 Status in protobuf", () => {
    assert.deepEqual(decodeStatus(Buffer.from(fixture.notFound, 'base64')), { kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "missing" not found' });
  });
});

describe('KubeClient Pod lists in protobuf', () => {
  const local = useLocalApi();

  /** Answers protobuf when it is accepted, JSON otherwise (as the API server negotiates). */
  function negotiating(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (String(req.headers.accept).includes(PROTOBUF)) {
      res.writeHead(200, { 'content-type': PROTOBUF });
      res.end(recorded);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', ...fixture.json }));
  }

  it('asks for protobuf for the Pod cache (viewFields) only, and decodes it into the same views as JSON', async () => {
    // GIVEN
    local.answer = negotiating;
    local.seen.length = 0;
    // WHEN
    const pb = await local.client.list('Pod', { namespace: 'ns', viewFields: true });
    const json = await local.client.list('Pod', { namespace: 'ns' });
    await local.client.list('Job', { namespace: 'ns', viewFields: true });
    // THEN
    assert.deepEqual(local.seen.map((s) => s.accept), [`${PROTOBUF}, application/json`, 'application/json', 'application/json']);
    assert.ok(pb.items.every((p) => p.kind === 'Pod' && p.apiVersion === 'v1'));
    assert.deepEqual(views(pb.items), views(json.items));
    assert.equal(pb.items[2].metadata?.annotations, undefined);
    assert.ok(json.items[2].metadata?.annotations);
    assert.equal(pb.resourceVersion, fixture.json.metadata.resourceVersion);
  });

  it('hands back `view(item)` for every listed pod, decoded in protobuf or parsed from JSON', async () => {
    // GIVEN
    local.answer = negotiating;
    const view = (pod: KubeObject): KubeObject => ({ viewOf: `${pod.kind}/${pod.metadata?.name}` }) as unknown as KubeObject;
    // WHEN
    const pb = await local.client.list('Pod', { namespace: 'ns', viewFields: true, view });
    const json = await local.client.list('Pod', { namespace: 'ns', view });
    // THEN
    const expected = [{ viewOf: 'Pod/bare' }, { viewOf: 'Pod/deleting' }, { viewOf: 'Pod/owned' }];
    assert.deepEqual(pb.items, expected);
    assert.deepEqual(json.items, expected);
  });

  it('fails with the view\'s own error, not as a malformed answer from the server', async () => {
    local.answer = negotiating;
    const view = (): KubeObject => {
      throw new RangeError('no view of this pod');
    };
    await assert.rejects(local.client.list('Pod', { namespace: 'ns', viewFields: true, view }), /RangeError: no view of this pod/);
  });

  it('reads each answer whole when pages follow one another on reused receive buffers', async () => {
    // GIVEN answers of different lengths, the longer first, so a reused buffer holds older bytes past the newer answer's end
    const pages = [envelope(msg(field(1, msg(field(2, '7'), field(3, 'next'))), field(2, msg(field(1, msg(field(1, 'a'.repeat(300_000)), field(3, 'ns'))))))), recorded];
    let served = 0;
    local.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': PROTOBUF });
      res.end(pages[served++ % pages.length]);
    };
    // WHEN
    const long = await local.client.list('Pod', { namespace: 'ns', viewFields: true, limit: 1 });
    const short = await local.client.list('Pod', { namespace: 'ns', viewFields: true, limit: 1, continue: 'next' });
    // THEN
    assert.equal(long.items[0].metadata?.name, 'a'.repeat(300_000));
    assert.equal(long.continue, 'next');
    assert.deepEqual(views(short.items), views(decodePodList(recorded).items.map((p) => ({ ...p, apiVersion: 'v1', kind: 'Pod' }))));
    assert.equal(short.continue, undefined);
  });

  it('takes a JSON answer to the same request from a server without protobuf', async () => {
    local.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', ...fixture.json }));
    };
    const got = await local.client.list('Pod', { namespace: 'ns', viewFields: true });
    assert.deepEqual(views(got.items), views(fixture.json.items));
  });

  it('reads an error Status in protobuf: an expired continue token is Gone (410)', async () => {
    // GIVEN
    const status = envelope(msg(field(2, 'Failure'), field(3, 'The provided continue parameter is too old'), field(4, 'Expired'), field(6, 410)));
    local.answer = (_req, res) => {
      res.writeHead(410, { 'content-type': PROTOBUF });
      res.end(status);
    };
    // WHEN / THEN
    await assert.rejects(local.client.list('Pod', { namespace: 'ns', viewFields: true, limit: 1, continue: 'old' }), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.kind, 'Gone');
      assert.equal(err.status, 410);
      assert.match(err.message, /410 Expired: The provided continue parameter is too old/);
      return true;
    });
  });

  it('fails with the path when the protobuf answer is malformed', async () => {
    local.answer = (_req, res) => {
      res.writeHead(200, { 'content-type': PROTOBUF });
      res.end(recorded.subarray(0, 100));
    };
    await assert.rejects(local.client.list('Pod', { namespace: 'ns', viewFields: true }), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.match(err.message, /\/api\/v1\/namespaces\/ns\/pods with malformed protobuf/);
      return true;
    });
  });

  it('sends the pages of a list over one kept-alive connection', async () => {
    // GIVEN a new client
    local.answer = negotiating;
    const fresh = new KubeClient(local.api.kc, { qps: 1000, burst: 1000 });
    const [before, requests] = [local.api.connections(), local.seen.length];
    // WHEN
    for (let i = 0; i < 5; i++) await fresh.list('Pod', { namespace: 'ns', viewFields: true, limit: 1, ...(i ? { continue: `t${i}` } : {}) });
    fresh.close();
    // THEN
    assert.equal(local.seen.length - requests, 5);
    assert.equal(local.api.connections() - before, 1);
  });
});
