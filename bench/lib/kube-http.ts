/**
 * A small HTTPS client for loading a real API server from the benchmarks: keep-alive
 * connections with the kubeconfig's client certificate, a bounded number of requests in flight,
 * JSON in and out. Only the benchmark's generator uses it; the reconciler talks through its own
 * client-node `KubeClient`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import jsyaml from 'js-yaml';

type Obj = Record<string, any>;

export interface Response {
  readonly status: number;
  readonly body: Obj;
}

export class KubeHttp {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly agentOptions: https.AgentOptions;
  private readonly transport: typeof http | typeof https;
  private readonly auth: Record<string, string>;

  constructor(kubeconfigFile: string, maxSockets = 32) {
    const config = jsyaml.load(readFileSync(kubeconfigFile, 'utf8')) as Obj;
    const cluster = config.clusters[0].cluster;
    const user = config.users[0].user;
    const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
    this.server = new URL(cluster.server);
    const tls = this.server.protocol === 'https:';
    this.transport = tls ? https : http;
    this.auth = user?.token ? { authorization: `Bearer ${user.token}` } : {};
    this.agentOptions = tls
      ? { keepAlive: true, maxSockets, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) }
      : { keepAlive: true, maxSockets };
    this.agent = tls ? new https.Agent(this.agentOptions) : new http.Agent(this.agentOptions);
  }

  request(method: string, path: string, body?: Obj, contentType = 'application/json'): Promise<Response> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        { host: this.server.hostname, port: this.server.port, path, method, agent: this.agent, headers: { accept: 'application/json', ...this.auth, ...(data ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Obj = {};
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = { text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  /** A streaming watch: calls `onEvent` for every event line until `stop()`. */
  watch(path: string, onEvent: (e: { type: string; object: Obj }) => void): { stop: () => void } {
    const agent = this.transport === https ? new https.Agent(this.agentOptions) : new http.Agent(this.agentOptions);
    const req = this.transport.request({ host: this.server.hostname, port: this.server.port, path, method: 'GET', agent, headers: { accept: 'application/json', ...this.auth } }, (res) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) onEvent(JSON.parse(line));
          nl = buffered.indexOf('\n');
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    req.end();
    return { stop: () => req.destroy() };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in [from, to) with at most `concurrency` in flight. */
export async function pool(from: number, to: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
