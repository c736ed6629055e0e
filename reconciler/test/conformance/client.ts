/**
 * A raw REST client for the conformance suite: the same HTTP requests go to the API emulator
 * (plain HTTP) and to a real API server (HTTPS with the kubeconfig's credentials).
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** An HTTP answer with its decoded JSON body. */
export interface Answer {
  readonly status: number;
  readonly warnings: string[];
  // The suite reads arbitrary JSON fields of answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** One watch event. */
export interface WatchEvent {
  readonly type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly object: any;
}

/** An open watch stream. */
export interface WatchStream {
  readonly status: number;
  /** The next event, or `undefined` once the stream ended or `ms` passed without one. */
  next(ms?: number): Promise<WatchEvent | undefined>;
  close(): void;
}

/** Where requests go. */
export interface Target {
  readonly name: string;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<Answer>;
  watch(path: string): Promise<WatchStream>;
}

type Send = (options: RequestOptions, callback: (res: IncomingMessage) => void) => ReturnType<typeof httpRequest>;

function warningsOf(res: IncomingMessage): string[] {
  const raw = res.headers.warning;
  if (!raw) return [];
  return (Array.isArray(raw) ? raw : raw.split(/,(?=\s*\d{3} )/)).map((w) => w.trim().replace(/^\d{3} \S+ /, '').replace(/^"|"$/g, ''));
}

function open(send: Send, base: RequestOptions, method: string, path: string, payload?: { text: string; type: string }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = payload.type;
      headers['Content-Length'] = String(Buffer.byteLength(payload.text));
    }
    const req = send({ ...base, method, path, headers }, resolve);
    req.on('error', reject);
    if (payload) req.write(payload.text);
    req.end();
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function streamOf(res: IncomingMessage): WatchStream {
  const events: WatchEvent[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let ended = false;
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  res.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) events.push(JSON.parse(line) as WatchEvent);
    }
    wake();
  });
  const finish = (): void => {
    ended = true;
    wake();
  };
  res.on('end', finish);
  res.on('close', finish);
  res.on('error', finish);
  const next = async (ms = 5000): Promise<WatchEvent | undefined> => {
    const deadline = Date.now() + ms;
    while (events.length === 0 && !ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return events.shift();
  };
  return { status: res.statusCode ?? 0, next, close: () => res.destroy() };
}

function makeTarget(name: string, send: Send, base: RequestOptions, prefix: string): Target {
  return {
    name,
    async call(method, path, body, contentType = 'application/json') {
      const payload = body === undefined ? undefined : { text: typeof body === 'string' ? body : JSON.stringify(body), type: contentType };
      const res = await open(send, base, method, prefix + path, payload);
      const text = await readAll(res);
      return { status: res.statusCode ?? 0, warnings: warningsOf(res), body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async watch(path) {
      return streamOf(await open(send, base, 'GET', prefix + path));
    },
  };
}

/** The emulator at `url` (`http://127.0.0.1:<port>`). */
export function emulatorTarget(url: string): Target {
  const u = new URL(url);
  return makeTarget('emulator', httpRequest, { host: u.hostname, port: Number(u.port) }, '');
}

/** The real API server of the kubeconfig file `file` (its current context). */
export async function clusterTarget(file: string): Promise<Target> {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`KUBECONFIG ${file} has no current cluster; set a current-context`);
  const u = new URL(cluster.server);
  const options: RequestOptions & Record<string, unknown> = { host: u.hostname, port: Number(u.port || 443) };
  await kc.applyToHTTPSOptions(options);
  const prefix = u.pathname.replace(/\/$/, '');
  return makeTarget('kube-apiserver', u.protocol === 'https:' ? (httpsRequest as Send) : httpRequest, { ...options, agent: false } as RequestOptions, prefix);
}
