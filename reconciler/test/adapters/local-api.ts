/**
 * A local HTTP server standing in for the API server in adapter tests, with a `KubeClient` pointed
 * at it: every request is recorded (path and Accept header) and answered by the test's handler.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/adapters/kube-client.ts';

export type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface LocalApi {
  readonly kc: KubeConfig;
  readonly client: KubeClient;
  /** The requests received so far, in order. */
  readonly seen: Array<{ path: string; accept: string }>;
  /** How many connections the server accepted so far. */
  connections(): number;
  /** Closes the client and the server (open connections too). */
  stop(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1; `answer` answers every request. */
export async function startLocalApi(answer: Answer): Promise<LocalApi> {
  const seen: LocalApi['seen'] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', accept: String(req.headers.accept) });
    answer(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = new KubeClient(kc, { qps: 1000, burst: 1000 });
  return {
    kc,
    client,
    seen,
    connections: () => connections,
    async stop(): Promise<void> {
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The local server of one `describe` block: its `answer` answers every request. */
export interface LocalApiSuite {
  /** The handler of the requests from now on; answers nothing until a test sets it. */
  answer: Answer;
  readonly api: LocalApi;
  readonly client: KubeClient;
  readonly seen: LocalApi['seen'];
}

/** A local server started before the tests of the calling `describe` block and stopped after them. */
export function useLocalApi(): LocalApiSuite {
  let api: LocalApi | undefined;
  const started = (): LocalApi => {
    if (!api) throw new Error('the local API server is only there while the tests of its describe block run');
    return api;
  };
  const suite: LocalApiSuite = {
    answer: () => undefined,
    get api() {
      return started();
    },
    get client() {
      return started().client;
    },
    get seen() {
      return started().seen;
    },
  };
  before(async () => {
    api = await startLocalApi((req, res) => suite.answer(req, res));
  });
  after(() => api?.stop());
  return suite;
}
