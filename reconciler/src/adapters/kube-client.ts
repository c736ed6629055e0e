/**
 * The client-node adapter: the only code that talks to the API server. One `KubeConfig`,
 * the typed 1.4.0 APIs (BatchV1Api, CoreV1Api, EventsV1Api, CoordinationV1Api, VersionApi)
 * for reads and writes, client-node `Watch` for streams. Lists are read as raw JSON with the
 * same KubeConfig's credentials over kept-alive connections (one parse per page, no model round
 * trip: at hundreds of thousands of objects the models cost most of the time of a relist), and
 * Pod lists for the Pod cache in protobuf (`pod-protobuf.ts`). Every patch sets its Content-Type
 * explicitly (client-node 1.x would otherwise send `application/json-patch+json`), every
 * write carries `dryRun: 'All'` in dry-run mode, and every failure becomes a `KubeApiError`.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import {
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  PatchStrategy,
  VersionApi,
  Watch,
  setHeaderOptions,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { of, type Observable } from '@kubernetes/client-node/dist/gen/rxjsStub.js';
import type { KubeObject } from '../core/types.ts';
import { TokenBucket } from '../runtime/rate-limiter.ts';
import { KubeApiError, errorFromStatus, toKubeApiError } from './errors.ts';
import { AnswerBuffers, type Receiver } from './answer-buffers.ts';
import { PROTOBUF, ProtobufError, decodePodList, decodeStatus } from './pod-protobuf.ts';
import { startRawWatch } from './pod-watch-protobuf.ts';
import type {
  DeleteOptions,
  KubePort,
  ListPageOptions,
  ListResult,
  ResourceKind,
  ServerVersion,
  StreamListOptions,
  WatchEvent,
  WatchOptions,
  WatchStream,
} from './port.ts';

/** The field manager recorded on every write. */
export const FIELD_MANAGER = 'cdk8s-batch-reconciler';

/** The kubeconfig could not be loaded or names no usable cluster. */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

export interface KubeConfigSource {
  /** `--kubeconfig`: a kubeconfig file. */
  readonly kubeconfig?: string;
  /** `--context`: a context of that kubeconfig. */
  readonly context?: string;
  /** The process environment (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`). */
  readonly env: NodeJS.ProcessEnv;
}

function loadFile(kc: KubeConfig, file: string): void {
  if (!existsSync(file)) throw new KubeConfigError(`kubeconfig ${file} does not exist`);
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new KubeConfigError(`cannot read kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function defaultFile(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').find(Boolean);
  const home = env.HOME ?? env.USERPROFILE;
  const file = home ? join(home, '.kube', 'config') : undefined;
  return file && existsSync(file) ? file : undefined;
}

function loadSource(kc: KubeConfig, source: KubeConfigSource): void {
  const file = source.kubeconfig ?? defaultFile(source.env);
  if (file) return loadFile(kc, file);
  if (source.env.KUBERNETES_SERVICE_HOST) return kc.loadFromCluster();
  throw new KubeConfigError('no cluster configured: pass --kubeconfig, set KUBECONFIG or run inside a cluster');
}

/**
 * Lets client-node talk to `http://` servers as kubectl does (`kubectl proxy` gives one): client-node
 * 1.4 refuses plain HTTP unless `insecure-skip-tls-verify` is set, a TLS setting that means
 * nothing without TLS. Marking such clusters so in memory only changes which agent it picks.
 */
function allowPlainHttp(kc: KubeConfig): void {
  const plain = (server: string): boolean => /^http:\/\//i.test(server);
  if (!kc.clusters.some((c) => plain(c.server) && !c.skipTLSVerify)) return;
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (plain(c.server) ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
}

/**
 * Loads one `KubeConfig`: `--kubeconfig` (and `--context`) when given, else `KUBECONFIG` or
 * `~/.kube/config`, else the in-cluster service account. Never falls back to localhost:8080.
 * An `http://` server is used without TLS, as kubectl does.
 */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  loadSource(kc, source);
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      throw new KubeConfigError(`context ${JSON.stringify(source.context)} not found in the kubeconfig`);
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()?.server) throw new KubeConfigError('the kubeconfig has no current cluster with a server');
  allowPlainHttp(kc);
  return kc;
}

/** Re-renders a client-node model instance as plain API JSON (timestamps as RFC 3339 strings). */
export function toPlain<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(v) ? v.replace('.000Z', 'Z') : v,
    ),
  ) as T;
}

interface Apis {
  readonly batch: BatchV1Api;
  readonly core: CoreV1Api;
  readonly events: EventsV1Api;
  readonly coord: CoordinationV1Api;
}

/** One request object, in the shape the generated 1.x APIs take. */
interface Req {
  namespace?: string;
  name?: string;
  body?: unknown;
  labelSelector?: string;
  limit?: number;
  _continue?: string;
  dryRun?: string;
  fieldManager?: string;
  propagationPolicy?: string;
}

type Call = (apis: Apis, req: Req, options?: ConfigurationOptions) => Promise<unknown>;

interface KindOps {
  readonly apiVersion: string;
  readonly pathPrefix: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly list: Call;
  readonly read: Call;
  readonly create?: Call;
  readonly patch?: Call;
  readonly replace?: Call;
  readonly delete?: Call;
}

// The generated request types differ per method; `Req` carries the union of their fields.
/* eslint-disable @typescript-eslint/no-explicit-any */
const r = (req: Req): any => req;
const OPS: Record<ResourceKind, KindOps> = {
  Job: {
    apiVersion: 'batch/v1', pathPrefix: '/apis/batch/v1', plural: 'jobs', namespaced: true,
    list: (a, q, o) => (q.namespace ? a.batch.listNamespacedJob(r(q), o) : a.batch.listJobForAllNamespaces(r(q), o)),
    read: (a, q, o) => a.batch.readNamespacedJob(r(q), o),
    create: (a, q, o) => a.batch.createNamespacedJob(r(q), o),
    patch: (a, q, o) => a.batch.patchNamespacedJob(r(q), o),
    replace: (a, q, o) => a.batch.replaceNamespacedJob(r(q), o),
    delete: (a, q, o) => a.batch.deleteNamespacedJob(r(q), o),
  },
  CronJob: {
    apiVersion: 'batch/v1', pathPrefix: '/apis/batch/v1', plural: 'cronjobs', namespaced: true,
    list: (a, q, o) => (q.namespace ? a.batch.listNamespacedCronJob(r(q), o) : a.batch.listCronJobForAllNamespaces(r(q), o)),
    read: (a, q, o) => a.batch.readNamespacedCronJob(r(q), o),
    create: (a, q, o) => a.batch.createNamespacedCronJob(r(q), o),
    patch: (a, q, o) => a.batch.patchNamespacedCronJob(r(q), o),
    replace: (a, q, o) => a.batch.replaceNamespacedCronJob(r(q), o),
    delete: (a, q, o) => a.batch.deleteNamespacedCronJob(r(q), o),
  },
  Pod: {
    apiVersion: 'v1', pathPrefix: '/api/v1', plural: 'pods', namespaced: true,
    list: (a, q, o) => (q.namespace ? a.core.listNamespacedPod(r(q), o) : a.core.listPodForAllNamespaces(r(q), o)),
    read: (a, q, o) => a.core.readNamespacedPod(r(q), o),
    patch: (a, q, o) => a.core.patchNamespacedPod(r(q), o),
    delete: (a, q, o) => a.core.deleteNamespacedPod(r(q), o),
  },
  Node: {
    apiVersion: 'v1', pathPrefix: '/api/v1', plural: 'nodes', namespaced: false,
    list: (a, q, o) => a.core.listNode(r(q), o),
    read: (a, q, o) => a.core.readNode(r(q), o),
  },
  ResourceQuota: {
    apiVersion: 'v1', pathPrefix: '/api/v1', plural: 'resourcequotas', namespaced: true,
    list: (a, q, o) =>
      q.namespace ? a.core.listNamespacedResourceQuota(r(q), o) : a.core.listResourceQuotaForAllNamespaces(r(q), o),
    read: (a, q, o) => a.core.readNamespacedResourceQuota(r(q), o),
  },
  Event: {
    apiVersion: 'events.k8s.io/v1', pathPrefix: '/apis/events.k8s.io/v1', plural: 'events', namespaced: true,
    list: (a, q, o) => (q.namespace ? a.events.listNamespacedEvent(r(q), o) : a.events.listEventForAllNamespaces(r(q), o)),
    read: (a, q, o) => a.events.readNamespacedEvent(r(q), o),
    create: (a, q, o) => a.events.createNamespacedEvent(r(q), o),
    patch: (a, q, o) => a.events.patchNamespacedEvent(r(q), o),
    delete: (a, q, o) => a.events.deleteNamespacedEvent(r(q), o),
  },
  Lease: {
    apiVersion: 'coordination.k8s.io/v1', pathPrefix: '/apis/coordination.k8s.io/v1', plural: 'leases', namespaced: true,
    list: (a, q, o) => (q.namespace ? a.coord.listNamespacedLease(r(q), o) : a.coord.listLeaseForAllNamespaces(r(q), o)),
    read: (a, q, o) => a.coord.readNamespacedLease(r(q), o),
    create: (a, q, o) => a.coord.createNamespacedLease(r(q), o),
    replace: (a, q, o) => a.coord.replaceNamespacedLease(r(q), o),
    delete: (a, q, o) => a.coord.deleteNamespacedLease(r(q), o),
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

const KIND_NAMES: Record<ResourceKind, string> = {
  Job: 'Job', CronJob: 'CronJob', Pod: 'Pod', Node: 'Node', ResourceQuota: 'ResourceQuota', Event: 'Event', Lease: 'Lease',
};

/** The REST collection path of a kind, e.g. `/apis/batch/v1/namespaces/ns/jobs`. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const ops = OPS[kind];
  const ns = ops.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${ops.pathPrefix}${ns}/${ops.plural}`;
}

function operation(kind: ResourceKind, name: keyof KindOps): Call {
  const call = OPS[kind][name];
  if (typeof call !== 'function') throw new Error(`the reconciler does not ${name} ${kind} objects`);
  return call as Call;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** True when the request is a write the fence applies to (Lease writes are how a leader renews). */
function fenced(context: RequestContext): boolean {
  return !READ_METHODS.has(String(context.getHttpMethod()).toUpperCase()) && !context.getUrl().includes('/leases');
}

/**
 * Request options that make a generated-API call abortable through `signal`, and that check
 * the write fence at the last moment before the request goes out.
 */
function signalOptions(signal: AbortSignal, fence?: () => boolean): ConfigurationOptions {
  const middleware = {
    pre: (context: RequestContext): Observable<RequestContext> => {
      if (fence && fenced(context) && !fence()) throw new KubeApiError('Fenced', 0, 'write not sent: the write fence refused it (leader lease not valid)');
      context.setSignal(signal);
      return of(context);
    },
    post: (response: ResponseContext): Observable<ResponseContext> => of(response),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

export interface KubeClientOptions {
  /** Server-side dry run (`dryRun=All`) on every write. */
  readonly dryRun?: boolean;
  /** The field manager recorded on writes. */
  readonly fieldManager?: string;
  /** Aborts a (non-watch) request after this long (default 60 s). */
  readonly requestTimeoutMs?: number;
  /**
   * Requests per second this client starts at most, whatever the server answers (reads, writes
   * and watch starts alike; default 20, as kube-controller-manager's `--kube-api-qps`). The later
   * pages of one chunked list (`continue`) count with its first: they follow one another, one at
   * a time, so a relist of 300,000 pods in pages of 500 is not spread over 30 s by the budget.
   */
  readonly qps?: number;
  /** Requests allowed at once above the rate (default 40). */
  readonly burst?: number;
}

/** The client-node implementation of `KubePort`. */
export class KubeClient implements KubePort {
  private readonly apis: Apis;
  private readonly versionApi: VersionApi;
  private readonly writeParams: Pick<Req, 'dryRun' | 'fieldManager'>;
  private readonly timeoutMs: number;
  private readonly bucket: TokenBucket;
  /** Requests and watches in flight: `close()` aborts them. */
  private readonly inFlight = new Set<() => void>();
  private closed = false;
  private fence?: () => boolean;
  /** The kept-alive agent of list requests (`listAgent`). */
  private keptAgent?: https.Agent;
  /** What list answers are received into, reused from page to page (`answer-buffers.ts`). */
  private readonly answerBuffers = new AnswerBuffers();

  constructor(
    readonly kubeConfig: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    this.apis = {
      batch: kubeConfig.makeApiClient(BatchV1Api),
      core: kubeConfig.makeApiClient(CoreV1Api),
      events: kubeConfig.makeApiClient(EventsV1Api),
      coord: kubeConfig.makeApiClient(CoordinationV1Api),
    };
    this.versionApi = kubeConfig.makeApiClient(VersionApi);
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.bucket = new TokenBucket({ qps: options.qps ?? 20, burst: options.burst ?? 40 });
    this.writeParams = { dryRun: options.dryRun ? 'All' : undefined, fieldManager: options.fieldManager ?? FIELD_MANAGER };
  }

  /** The API server URL this client talks to. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  setWriteFence(fence: () => boolean): void {
    this.fence = fence;
  }

  /**
   * Aborts every request and watch in flight; later calls reject at once (`Aborted`). Bounds
   * shutdown whatever the server does (a request it accepted and never answers included).
   */
  close(): void {
    this.closed = true;
    this.bucket.close();
    for (const abort of [...this.inFlight]) abort();
    this.keptAgent?.destroy();
    this.answerBuffers.clear();
  }

  /**
   * Runs one API call after taking a token of the request budget; failures become
   * `KubeApiError`s. The call is aborted after `timeoutMs` (client-node 1.4 sets no request
   * timeout, so a half-open connection would otherwise hold a worker forever) or at `close()`.
   */
  private call<T>(work: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    return this.callWithSignal((signal) => work(signalOptions(signal, this.fence)));
  }

  private async callWithSignal<T>(work: (signal: AbortSignal) => Promise<T>, budget = true): Promise<T> {
    if (budget) await this.bucket.take();
    if (this.closed) throw new KubeApiError('Aborted', 0, 'request aborted: the client is closed');
    const controller = new AbortController();
    let fail: (err: KubeApiError) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => (fail = reject));
    const abort = (err: KubeApiError): void => {
      fail(err);
      controller.abort();
    };
    const timer = setTimeout(() => abort(new KubeApiError('Network', 0, `the API server did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const onClose = (): void => abort(new KubeApiError('Aborted', 0, 'request aborted: the client is closed'));
    this.inFlight.add(onClose);
    try {
      return await Promise.race([work(controller.signal), failed]);
    } catch (err) {
      throw toKubeApiError(err);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(onClose);
    }
  }

  async list(kind: ResourceKind, options: ListPageOptions = {}): Promise<ListResult> {
    const path = listPath(kind, options);
    // Pods for a cache that keeps their view only: in protobuf (the API server answers JSON
    // instead when it cannot), decoded field by field, the rest skipped unread.
    const accept = options.viewFields && kind === 'Pod' ? `${PROTOBUF}, application/json` : 'application/json';
    const receiver = this.answerBuffers.lend();
    try {
      // A later page of a chunked list counts with its first page against the request budget.
      const answer = await this.callWithSignal((signal) => this.getRaw(path, accept, signal, receiver), !options.continue);
      return this.readList(kind, path, answer, options);
    } finally {
      // Everything kept of the answer was copied out of the receiver (strings, decoded values).
      this.answerBuffers.giveBack(receiver);
    }
  }

  /** A list answer's items (made views as they are read, with `options.view`), or its error. */
  private readList(kind: ResourceKind, path: string, answer: RawAnswer, options: ListPageOptions): ListResult {
    const protobuf = answer.contentType.startsWith(PROTOBUF);
    if (answer.status >= 300) throw errorFromStatus(answer.status, protobuf ? decodeStatus(answer.body) : answer.body.toString('utf8'), answer.headers);
    const { view } = options;
    const each = view ? (item: KubeObject): KubeObject => view(this.withKind(kind, item)) : (item: KubeObject): KubeObject => this.withKind(kind, item);
    // Protobuf pods are handed to the view one by one as they are decoded: the decoded pod is
    // garbage before the next is read, and the page holds views only.
    const list = protobuf ? this.decodePods(path, answer.body, each) : parseList(path, answer.body);
    const items = protobuf ? list.items : list.items.map(each);
    return { items, resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}) };
  }

  private decodePods(path: string, body: Buffer, each: (pod: KubeObject) => KubeObject): ListPage {
    try {
      return decodePodList(body, each);
    } catch (err) {
      // The view's own errors are not the answer's.
      if (!(err instanceof ProtobufError)) throw err;
      throw new KubeApiError('Unknown', 200, `the API server answered ${path} with ${(err as Error).message}`);
    }
  }

  /**
   * The agent of list requests: client-node hands out a new agent (so a new TLS connection and
   * handshake) for every call; lists keep one with keep-alive connections, made from the same
   * options, and made again when the credentials in them change. A proxy agent is used as given.
   */
  private listAgent(fresh: unknown): http.Agent | undefined {
    const agent = fresh as http.Agent | undefined;
    if (!agent || (agent.constructor !== https.Agent && agent.constructor !== http.Agent)) return agent;
    const options = (agent as https.Agent).options;
    if (!this.keptAgent || !sameCredentials(this.keptAgent.options, options)) {
      this.keptAgent?.destroy();
      this.keptAgent = new (agent.constructor as typeof https.Agent)({ ...options, keepAlive: true });
    }
    return this.keptAgent;
  }

  /**
   * GET `path` with the KubeConfig's credentials: the status, content type, headers and body as
   * they came, the body received into `receiver` (valid until it is given back).
   */
  private async getRaw(path: string, accept: string, signal: AbortSignal, receiver: Receiver): Promise<RawAnswer> {
    const init = await this.kubeConfig.applyToFetchOptions({});
    const headers: Record<string, string> = { accept };
    // client-node hands its headers out as a fetch `Headers` object.
    (init.headers as unknown as { forEach(cb: (value: string, key: string) => void): void } | undefined)?.forEach((value, key) => (headers[key] = value));
    const url = new URL(`${this.server.replace(/\/$/, '')}${path}`);
    const transport = url.protocol === 'http:' ? http : https;
    const agent = this.listAgent(init.agent);
    return new Promise((resolve, reject) => {
      const req = transport.get(url, { agent, headers, signal }, (res) => {
        res.on('data', (chunk: Buffer) => receiver.append(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', headers: res.headers, body: receiver.bytes() }));
      });
      req.on('error', reject);
    });
  }

  async get(kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.call((o) => OPS[kind].read(this.apis, { namespace, name }, o));
    return this.withKind(kind, toPlain(obj) as KubeObject);
  }

  async create(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject> {
    const call = operation(kind, 'create');
    const obj = await this.call((o) => call(this.apis, { namespace, body, ...this.writeParams }, o));
    return this.withKind(kind, toPlain(obj) as KubeObject);
  }

  async mergePatch(
    kind: ResourceKind,
    target: { namespace: string; name: string },
    patch: Record<string, unknown>,
    resourceVersion?: string,
  ): Promise<KubeObject> {
    const call = operation(kind, 'patch');
    const body = resourceVersion ? withResourceVersion(patch, resourceVersion) : patch;
    const obj = await this.call((o) =>
      call(this.apis, { ...target, body, ...this.writeParams }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch, o)),
    );
    return this.withKind(kind, toPlain(obj) as KubeObject);
  }

  async replace(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject> {
    const call = operation(kind, 'replace');
    const obj = await this.call((o) => call(this.apis, { namespace, name: body.metadata?.name, body, ...this.writeParams }, o));
    return this.withKind(kind, toPlain(obj) as KubeObject);
  }

  async delete(kind: ResourceKind, target: { namespace: string; name: string }, options: DeleteOptions = {}): Promise<void> {
    const call = operation(kind, 'delete');
    const preconditions =
      options.uid || options.resourceVersion ? { uid: options.uid, resourceVersion: options.resourceVersion } : undefined;
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions, propagationPolicy: options.propagationPolicy, dryRun: this.writeParams.dryRun ? ['All'] : undefined };
    await this.call((o) => call(this.apis, { ...target, body, propagationPolicy: options.propagationPolicy, dryRun: this.writeParams.dryRun }, o));
  }

  async serverVersion(): Promise<ServerVersion> {
    const info = await this.call((o) => this.versionApi.getCode({}, o));
    return { major: info.major, minor: info.minor, gitVersion: info.gitVersion };
  }

  watch(kind: ResourceKind, options: WatchOptions, onEvent: (event: WatchEvent) => void): WatchStream {
    const query = {
      labelSelector: options.labelSelector,
      resourceVersion: options.resourceVersion || undefined,
      timeoutSeconds: options.timeoutSeconds,
      allowWatchBookmarks: options.allowWatchBookmarks,
    };
    const request = { path: collectionPath(kind, options.namespace), query, ready: this.bucket.take() };
    // Pods for a cache that keeps their view only: in protobuf, decoded field by field (`pod-watch-protobuf.ts`).
    if (options.viewFields && kind === 'Pod') return this.tracked(startRawWatch(this.kubeConfig, { ...request, accept: `${PROTOBUF}, application/json` }, onEvent));
    return this.tracked(startWatch(this.kubeConfig, request, onEvent));
  }

  /**
   * The streaming list, read off the answer: for the Pod cache's view in protobuf only (a server
   * that cannot answer so, like the API emulator, answers 406, and the reflector lists pages: the
   * streaming list in JSON costs the server more than pages), else JSON lines.
   */
  streamList(kind: ResourceKind, options: StreamListOptions, onEvent: (event: WatchEvent) => void): WatchStream {
    const query = {
      labelSelector: options.labelSelector,
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds,
    };
    const accept = options.viewFields === true && kind === 'Pod' ? PROTOBUF : 'application/json';
    return this.tracked(startRawWatch(this.kubeConfig, { path: collectionPath(kind, options.namespace), query, accept, ready: this.bucket.take() }, onEvent));
  }

  /** A watch `close()` stops. */
  private tracked(stream: WatchStream): WatchStream {
    if (this.closed) stream.stop();
    const stop = (): void => stream.stop();
    this.inFlight.add(stop);
    void stream.done.then(
      () => this.inFlight.delete(stop),
      () => this.inFlight.delete(stop),
    );
    return stream;
  }

  private withKind(kind: ResourceKind, obj: KubeObject): KubeObject {
    return { ...obj, apiVersion: obj.apiVersion ?? OPS[kind].apiVersion, kind: obj.kind ?? KIND_NAMES[kind] };
  }
}

/** The same TLS credentials (a rotated client certificate, e.g. from an exec plugin, makes a new agent). */
function sameCredentials(a: https.AgentOptions, b: https.AgentOptions): boolean {
  return (['cert', 'key', 'ca', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const).every((k) => sameValue(a[k], b[k]));
}

/** Equal values; buffers (client-node reads credentials into new ones for every call) by their bytes. */
function sameValue(a: unknown, b: unknown): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;
}

/** One answer as it came: status, content type, headers, body. */
interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

interface ListPage {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continue?: string;
}

/** A JSON list answer. */
function parseList(path: string, body: Buffer): ListPage {
  let list: { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
  try {
    list = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new KubeApiError('Unknown', 200, `the API server answered ${path} with invalid JSON: ${(err as Error).message}`);
  }
  return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continue: list.metadata?.continue || undefined };
}

/** The path of one list request (page) with its query. */
function listPath(kind: ResourceKind, options: ListPageOptions): string {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set('labelSelector', options.labelSelector);
  if (options.limit) query.set('limit', String(options.limit));
  if (options.continue) query.set('continue', options.continue);
  return `${collectionPath(kind, OPS[kind].namespaced ? options.namespace : undefined)}${query.size ? `?${query}` : ''}`;
}

function withResourceVersion(patch: Record<string, unknown>, resourceVersion: string): Record<string, unknown> {
  const metadata = (patch.metadata ?? {}) as Record<string, unknown>;
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}

/** What one watch request asks for; it is sent once `ready` (the request budget) resolves. */
interface WatchRequest {
  readonly path: string;
  readonly query: Record<string, string | number | boolean | undefined>;
  readonly ready: Promise<void>;
}

/**
 * A `KubeConfig` for one watch that keeps the HTTP agent it hands out: client-node's `Watch`
 * cannot be aborted before the response headers arrive (its AbortController is returned only
 * then), so `stop()` destroys the agent's sockets instead, whatever the server does.
 */
function capturingConfig(kubeConfig: KubeConfig): { config: KubeConfig; destroy: () => void } {
  const agents: Array<{ destroy?: () => void }> = [];
  const config = Object.create(kubeConfig) as KubeConfig;
  config.applyToFetchOptions = async (opts): ReturnType<KubeConfig['applyToFetchOptions']> => {
    const init = await kubeConfig.applyToFetchOptions(opts);
    if (init.agent && typeof init.agent === 'object') agents.push(init.agent as { destroy?: () => void });
    return init;
  };
  return { config, destroy: () => agents.forEach((a) => a.destroy?.()) };
}

/**
 * Runs one client-node watch. `stop()` aborts it and resolves `done` (client-node reports the
 * abort as an error; that is swallowed here), also before the response headers arrived; events
 * after `stop()` are never delivered.
 */
function startWatch(kubeConfig: KubeConfig, request: WatchRequest, onEvent: (event: WatchEvent) => void): WatchStream {
  const { config, destroy } = capturingConfig(kubeConfig);
  let controller: AbortController | undefined;
  let stopped = false;
  let settle: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      if (err && !stopped) reject(toKubeApiError(err));
      else resolve();
    };
  });
  const deliver = (type: string, object: unknown): void => {
    if (!stopped) onEvent({ type: type as WatchEvent['type'], object: object as KubeObject });
  };
  request.ready
    .then(() => (stopped ? undefined : new Watch(config).watch(request.path, request.query, deliver, (err: unknown) => settle(err))))
    .then(
      (c) => {
        controller = c;
        if (stopped) c?.abort();
      },
      (err: unknown) => settle(err),
    );
  return {
    done,
    stop: (): void => {
      stopped = true;
      controller?.abort();
      destroy();
      settle(null);
    },
  };
}
