/**
 * Where the time of one full list goes, on a real API server (or the emulator): `node --import tsx
 * list-breakdown.ts <kubeconfig> [--resource pods|jobs] [--modes paged:500,paged:5000,all,rv0:500,
 * stream,meta:500] [--keepalive] [--namespace default]`.
 *
 * Modes: `paged:<n>` the consistent list in pages of n (`limit`/`continue`, no resourceVersion: what
 * the reflector sends), `all` one unpaginated request, `rv0:<n>` pages of n at `resourceVersion=0`
 * (any version the watch cache holds), `stream` the streaming list (a watch with
 * `sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, ended at the
 * `k8s.io/initial-events-end` bookmark), `meta:<n>` pages of metadata only
 * (`as=PartialObjectMetadataList`), `proto:<n>` pages in protobuf (Pods decoded as the reconciler
 * does, `adapters/pod-protobuf.ts`; other kinds transfer only), `pbstream` the streaming list in
 * protobuf (transfer only, until the first BOOKMARK). Every request runs after the previous one was parsed and viewed,
 * so that the parts do not overlap: per page the server's time to the first byte, the transfer (first
 * to last byte), the bytes, the client's `JSON.parse` and the cache view (`podCacheView` /
 * `batchCacheView` of the reconciler, after `managedFields` is dropped). Besides, the CPU time the
 * kube-apiserver and etcd processes spent (from /proc, when the kubeconfig's cluster was started
 * by `cluster/cluster.ts`) and this process's own. Each request opens its own connection, as the
 * reconciler's `KubeClient` does (client-node hands out a new agent per call), unless `--keepalive`.
 */
import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import jsyaml from 'js-yaml';
import { decodePodList, decodeStatus } from '../reconciler/src/adapters/pod-protobuf.ts';
import { batchCacheView, podCacheView } from '../reconciler/src/runtime/cache-view.ts';
import { fixed, table } from './lib/measure.ts';

type Obj = Record<string, any>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const kubeconfigFile = process.argv[2];
if (!kubeconfigFile || kubeconfigFile.startsWith('--')) throw new Error('usage: list-breakdown.ts <kubeconfig> [--resource pods|jobs] [--modes ...]');
const resource = arg('resource', 'pods');
const namespace = arg('namespace', 'default');
const modes = arg('modes', 'paged:500,paged:5000,all,rv0:500,stream,meta:500').split(',');
const keepAlive = process.argv.includes('--keepalive');

const config = jsyaml.load(readFileSync(kubeconfigFile, 'utf8')) as Obj;
const cluster = config.clusters[0].cluster;
const user = config.users[0].user;
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const server = new URL(cluster.server);
const tls = server.protocol === 'https:';
const agentOptions: https.AgentOptions = tls
  ? { keepAlive, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) }
  : { keepAlive };
const auth: Record<string, string> = user?.token ? { authorization: `Bearer ${user.token}` } : {};
const sharedAgent = tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
const agent = (): http.Agent => (keepAlive ? sharedAgent : tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions));
const base = resource === 'jobs' ? `/apis/batch/v1/namespaces/${namespace}/jobs` : `/api/v1/namespaces/${namespace}/pods`;
const kind = resource === 'jobs' ? 'Job' : 'Pod';
const viewOf = resource === 'jobs' ? batchCacheView : podCacheView;

/** CPU seconds (user + system) of the cluster's kube-apiserver and etcd, read from /proc. */
function clusterPids(): Record<string, number> {
  const state = join(dirname(kubeconfigFile), 'cluster.json');
  if (!existsSync(state)) return {};
  const components = (JSON.parse(readFileSync(state, 'utf8')) as Obj).components ?? {};
  const out: Record<string, number> = {};
  for (const name of ['kube-apiserver', 'etcd']) if (components[name]?.pid) out[name] = components[name].pid;
  return out;
}
const pids = clusterPids();
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
const clusterCpu = (): Record<string, number> => Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));

interface Timing {
  ttfbMs: number;
  transferMs: number;
  bytes: number;
  parseMs: number;
  viewMs: number;
  items: number;
}

/** One GET; resolves with the status, the timings up to the last byte and the body's buffers. */
function get(path: string, accept: string, onData?: (chunk: Buffer) => void): Promise<{ status: number; ttfbMs: number; transferMs: number; bytes: number; chunks: Buffer[] }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).get(
      { host: server.hostname, port: server.port, path, agent: agent(), headers: { accept, ...auth } },
      (res) => {
        const ttfbMs = performance.now() - t0;
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (onData) onData(c);
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ttfbMs, transferMs: performance.now() - t0 - ttfbMs, bytes, chunks }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

function strip(raw: Obj): Obj {
  const { managedFields: _m, ...metadata } = raw.metadata ?? {};
  return { ...raw, kind: raw.kind ?? kind, metadata };
}

function viewAll(items: Obj[]): number {
  const t = performance.now();
  for (const raw of items) viewOf(strip(raw) as never);
  return performance.now() - t;
}

/** A list in pages (`limit` 0: one request). */
async function paged(limit: number, extra: string, accept = 'application/json'): Promise<Timing[]> {
  const pages: Timing[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams(extra);
    if (limit) q.set('limit', String(limit));
    if (token) q.set('continue', token);
    const r = await get(`${base}${q.size ? `?${q}` : ''}`, accept);
    const text = Buffer.concat(r.chunks).toString('utf8');
    if (r.status !== 200) throw new Error(`${base}?${q}: ${r.status} ${text.slice(0, 300)}`);
    const t = performance.now();
    const list = JSON.parse(text) as Obj;
    const parseMs = performance.now() - t;
    const viewMs = accept.includes('PartialObjectMetadataList') ? 0 : viewAll(list.items ?? []);
    pages.push({ ttfbMs: r.ttfbMs, transferMs: r.transferMs, bytes: r.bytes, parseMs, viewMs, items: list.items?.length ?? 0 });
    token = list.metadata?.continue || undefined;
  } while (token);
  return pages;
}

/** Pages in protobuf (`application/vnd.kubernetes.protobuf`): transfer only. */
async function pagedProto(limit: number): Promise<Timing[]> {
  const pages: Timing[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams();
    if (limit) q.set('limit', String(limit));
    if (token) q.set('continue', token);
    const r = await get(`${base}?${q}`, 'application/vnd.kubernetes.protobuf');
    const body = Buffer.concat(r.chunks);
    if (r.status !== 200) throw new Error(`${base}?${q}: ${r.status} ${JSON.stringify(decodeStatus(body))}`);
    if (kind !== 'Pod') {
      // Transfer only: the continue token is all that is read.
      token = continueOf(body);
      pages.push({ ttfbMs: r.ttfbMs, transferMs: r.transferMs, bytes: r.bytes, parseMs: 0, viewMs: 0, items: 0 });
      continue;
    }
    const t = performance.now();
    const page = decodePodList(body);
    const parseMs = performance.now() - t;
    const viewMs = viewAll(page.items.map((p) => ({ ...p, apiVersion: 'v1', kind: 'Pod' })));
    token = page.continue;
    pages.push({ ttfbMs: r.ttfbMs, transferMs: r.transferMs, bytes: r.bytes, parseMs, viewMs, items: page.items.length });
  } while (token);
  return pages;
}

function varint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [v, pos];
    shift += 7;
  }
}

/** The continue token of a protobuf list page: envelope (k8s\0, Unknown.raw = field 2) → list.metadata (1) → continue (3). */
function continueOf(buf: Buffer): string | undefined {
  const field = (b: Buffer, want: number): Buffer | undefined => {
    let pos = 0;
    while (pos < b.length) {
      const [key, p1] = varint(b, pos);
      const [len, p2] = varint(b, p1);
      if ((key & 7) === 0) {
        pos = p2;
        continue;
      }
      if ((key & 7) !== 2) throw new Error(`unexpected wire type ${key & 7}`);
      if (key >>> 3 === want) return b.subarray(p2, p2 + len);
      pos = p2 + len;
    }
    return undefined;
  };
  const unknown = buf.subarray(4);
  const raw = field(unknown, 2);
  const meta = raw && field(raw, 1);
  const token = meta && field(meta, 3);
  return token && token.length ? token.toString('utf8') : undefined;
}

/** The streaming list in protobuf (frames: 4-byte length, envelope, WatchEvent type = 1): transfer only, until the first BOOKMARK. */
async function protoStream(): Promise<Timing[]> {
  const timing: Timing = { ttfbMs: 0, transferMs: 0, bytes: 0, parseMs: 0, viewMs: 0, items: 0 };
  const q = 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=600';
  const t0 = performance.now();
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  await new Promise<void>((resolve, reject) => {
    const req = (tls ? https : http).get({ host: server.hostname, port: server.port, path: `${base}?${q}`, agent: agent(), headers: { accept: 'application/vnd.kubernetes.protobuf;stream=watch', ...auth } }, (res) => {
      timing.ttfbMs = performance.now() - t0;
      if (res.statusCode !== 200) return reject(new Error(`pbstream: ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        if (ended) return;
        timing.bytes += chunk.length;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
          const frame = pending.subarray(4, 4 + pending.readUInt32BE(0));
          pending = pending.subarray(4 + frame.length);
          // envelope → raw (2) → WatchEvent.type (1); the first bytes of the event hold the type.
          const text = frame.toString('latin1', 0, Math.min(frame.length, 64));
          if (text.includes('BOOKMARK')) {
            ended = true;
            timing.transferMs = performance.now() - t0 - timing.ttfbMs;
            req.destroy();
            return resolve();
          }
          timing.items++;
        }
      });
      res.on('end', () => (ended ? undefined : reject(new Error('pbstream: ended before a BOOKMARK'))));
    });
    req.on('error', (err) => (ended ? undefined : reject(err)));
  });
  return [timing];
}

/** The streaming list: one watch, parsed line by line as it arrives, until the initial-events-end bookmark. */
async function stream(): Promise<Timing[]> {
  const timing: Timing = { ttfbMs: 0, transferMs: 0, bytes: 0, parseMs: 0, viewMs: 0, items: 0 };
  let rest = '';
  let ended = false;
  let endRv = '';
  const q = 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=600';
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = (tls ? https : http).get({ host: server.hostname, port: server.port, path: `${base}?${q}`, agent: agent(), headers: { accept: 'application/json', ...auth } }, (res) => {
      timing.ttfbMs = performance.now() - t0;
      if (res.statusCode !== 200) {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (c: string) => (body += c));
        res.on('end', () => reject(new Error(`stream: ${res.statusCode} ${body.slice(0, 300)}`)));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (ended) return;
        timing.bytes += chunk.length;
        const text = rest + chunk.toString('utf8');
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          const t = performance.now();
          const e = JSON.parse(line) as Obj;
          timing.parseMs += performance.now() - t;
          if (e.type === 'BOOKMARK' && e.object?.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true') {
            ended = true;
            endRv = e.object.metadata.resourceVersion;
            timing.transferMs = performance.now() - t0 - timing.ttfbMs;
            req.destroy();
            return resolve();
          }
          if (e.type === 'ERROR') return reject(new Error(`stream: ERROR ${JSON.stringify(e.object).slice(0, 300)}`));
          timing.items++;
          const v = performance.now();
          viewOf(strip(e.object) as never);
          timing.viewMs += performance.now() - v;
        }
      });
      res.on('end', () => (ended ? undefined : reject(new Error('stream: ended before the initial-events-end bookmark'))));
    });
    req.on('error', (err) => (ended ? undefined : reject(err)));
  });
  process.stderr.write(`stream: initial-events-end at resourceVersion ${endRv}\n`);
  return [timing];
}

async function run(mode: string): Promise<Timing[]> {
  const [name, n] = mode.split(':');
  const limit = Number(n ?? 0);
  if (name === 'paged') return paged(limit, '');
  if (name === 'all') return paged(0, '');
  if (name === 'rv0') return paged(limit, 'resourceVersion=0');
  if (name === 'stream') return stream();
  if (name === 'meta') return paged(limit, '', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
  if (name === 'proto') return pagedProto(limit);
  if (name === 'pbstream') return protoStream();
  throw new Error(`unknown mode ${mode}`);
}

const sum = (xs: Timing[], f: (t: Timing) => number): number => xs.reduce((s, t) => s + f(t), 0);
const rows: Array<Array<string | number>> = [];
for (const mode of modes) {
  const avg = loadavg().map((l) => l.toFixed(2)).join(' ');
  const cpu0 = clusterCpu();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const pages = await run(mode);
  const wallMs = performance.now() - t0;
  const own = process.cpuUsage(own0);
  const cpu1 = clusterCpu();
  const ttfb = pages.map((p) => p.ttfbMs).sort((a, b) => a - b);
  rows.push([
    mode,
    pages.length,
    sum(pages, (p) => p.items),
    fixed(sum(pages, (p) => p.bytes) / 1e6, 1),
    `${fixed(ttfb[Math.floor(ttfb.length / 2)], 0)} / ${fixed(ttfb.at(-1)!, 0)}`,
    fixed(sum(pages, (p) => p.ttfbMs) / 1000, 2),
    fixed(sum(pages, (p) => p.transferMs) / 1000, 2),
    fixed(sum(pages, (p) => p.parseMs) / 1000, 2),
    fixed(sum(pages, (p) => p.viewMs) / 1000, 2),
    fixed(wallMs / 1000, 2),
    fixed((own.user + own.system) / 1e6, 2),
    Object.keys(cpu1).map((k) => `${k} ${fixed(cpu1[k] - cpu0[k], 1)}`).join(', ') || '-',
    avg,
  ]);
  process.stderr.write(`${mode}: ${JSON.stringify(rows.at(-1))}\n`);
  if (global.gc) global.gc();
}
console.log(
  `${kind} list of ${base} at ${server.host}, ${keepAlive ? 'one kept-alive connection' : 'a new connection per request'}\n\n` +
    table(
      ['mode', 'requests', 'items', 'MB', 'first byte per request p50 / max ms', 'first byte s', 'transfer s', 'JSON.parse s', 'view s', 'wall s', 'client CPU s', 'server CPU s', 'load average at start'],
      rows,
    ),
);
sharedAgent.destroy();
