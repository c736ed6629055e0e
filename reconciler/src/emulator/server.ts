/**
 * An in-process Kubernetes API server emulator over HTTP, for tests, benchmarks and the
 * sandbox: real REST semantics on a `MemoryStore`, served on 127.0.0.1 to real clients
 * (`@kubernetes/client-node`, `kubectl`).
 *
 * Usage:
 * ```ts
 * import { startEmulator } from './emulator/server.ts';
 * const emu = await startEmulator({ kubernetesVersion: '1.31', bookmarkIntervalMs: 50 });
 * const kc = new KubeConfig();
 * kc.loadFromString(emu.kubeconfigYaml());            // or write it to a file for kubectl
 * const batch = kc.makeApiClient(BatchV1Api);
 * await batch.createNamespacedJob({ namespace: 'default', body: job });
 * emu.store.list('Pod');                               // the same store, without HTTP
 * emu.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 1, match: { verb: 'patch' } });
 * emu.stats().byVerbAndResource['patch jobs'];         // request accounting
 * await emu.close();                                   // ends watches and the server
 * ```
 *
 * Served (resources.ts): core `/api/v1` (namespaces, nodes, pods, events, resourcequotas,
 * configmaps, services, serviceaccounts),
 * `/apis/batch/v1` (jobs, cronjobs, with `/status`), `/apis/events.k8s.io/v1` (events, the
 * same storage as core events), `/apis/coordination.k8s.io/v1` (leases); `/version`, legacy
 * discovery, a schema-less OpenAPI v3 (kubectl then leaves field validation to the server),
 * `/healthz`; `/openapi/v2` answers 404. Responses are JSON, or a `meta.k8s.io/v1` Table when
 * the client asks for one (`kubectl get`).
 *
 * Semantics: get; list with `labelSelector` (`=`, `==`, `!=`, `in`, `notin`, exists, `!`),
 * `fieldSelector` (`metadata.name`, `metadata.namespace` and per-resource fields such as
 * pods' `status.phase`), `limit`/`continue`, `resourceVersion`; watch (`watch=true`) as
 * newline-delimited JSON with `allowWatchBookmarks`, `timeoutSeconds`, resumption from a
 * `resourceVersion` and a 410 `ERROR` event when it is older than the store's history; create
 * (`generateName`), update (409 on a stale resourceVersion), patch by Content-Type
 * (merge, strategic merge, JSON patch; others 415; a `metadata.resourceVersion` in the patch is
 * a precondition), delete with `propagationPolicy` (query or `DeleteOptions` body; batch/v1
 * Jobs default to `Orphan` as in the API server) and preconditions, deletecollection, and
 * `dryRun=All` on every write. Errors are `Status` objects (422 with `details.causes`).
 * Namespaces `default`, `kube-system`, `kube-public` and `kube-node-lease` exist; objects may
 * be created in other namespaces without creating the Namespace first. Deleting a Namespace
 * deletes its contents. Jobs and CronJobs are defaulted and validated with the shared rules
 * (`validate`, `validateUpdate`, `validateStatusUpdate`; only `error` violations reject), and
 * `events.k8s.io/v1` Events with the API server's event rules. ResourceQuotas without scopes
 * are enforced on create (403) and their `status.used` is kept current (quota.ts).
 *
 * Unknown fields of Jobs and CronJobs follow `fieldValidation` (default `Warn`: dropped with a
 * `Warning` header; `Strict`, which kubectl sends: 400; `Ignore`: dropped).
 *
 * Authorization (`authorization`, see rbac.ts): requests whose bearer token maps to a user are
 * authorized with the RBAC rules of given Roles, ClusterRoles and bindings (403 Forbidden as the
 * API server words it), creates also with the OwnerReferencesPermissionEnforcement check; every
 * decision is recorded (`emu.authorizations()`). Other tokens act as the cluster admin.
 *
 * Pods are deleted gracefully as the API server deletes them: a pod bound to a node and not
 * finished gets `deletionTimestamp` = now + its grace period and stays until its kubelet (the
 * simulation's, see src/sim) deletes it with grace period 0; `POST .../pods/{name}/eviction`
 * (policy/v1 and policy/v1beta1) marks the pod with a `DisruptionTarget` condition and deletes it
 * (eviction.ts). Cascading deletions (garbage collector, namespaces) remove pods at once.
 *
 * Not emulated: authentication, server-side apply (415), unknown-field checks
 * of other kinds and of pod templates (stored as sent), `/openapi/v2`, pod logs/exec.
 *
 * Faults (`emu.faults`, see faults.ts): `status` (e.g. 429 + Retry-After, 500), `reset`
 * (ECONNRESET; with `after` once the request took effect), `hang` (never answered), `delay`, `gone` (410 ERROR event on an ongoing or the next watch) and `stall`
 * (a silent watch), each matched by method/path/verb/resource/watch and used `times` times.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { discovery } from './discovery.ts';
import { evictPod } from './eviction.ts';
import { Faults, RequestLog, type Fault, type RequestFacts, type RequestRecord, type RequestStats } from './faults.ts';
import { RbacAuthorizer, forbiddenMessage, ownerReferenceChecks, type AuthorizationAttributes, type AuthorizationRecord, type EmulatorAuthorization } from './rbac.ts';
import { parseResourceRequest, readBody, reasonFor, sendError, sendJson, type ResourceRequest } from './http.ts';
import { createObject, deleteCollection, deleteObject, getObject, listObjects, patchObject, updateObject, type RestAnswer, type RestBody } from './rest.ts';
import { MemoryStore } from './store.ts';
import { toTable, wantsTable } from './table.ts';
import { StoreError, type Clock, type StoredObject } from './types.ts';
import { serveWatch, type WatchEnv } from './watch.ts';

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** Serve this store instead of a new one (e.g. one shared with simulated controllers). */
  readonly store?: MemoryStore;
  /** For a new store: Kubernetes minor version (default `"1.31"`), clock and history size. */
  readonly kubernetesVersion?: string;
  readonly clock?: Clock;
  readonly historyLimit?: number;
  /** Port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Interval of BOOKMARK events on watches with `allowWatchBookmarks` (default 60 000 ms). */
  readonly bookmarkIntervalMs?: number;
  /** Length of a watch without `timeoutSeconds` (default 1800 s). */
  readonly defaultWatchTimeoutSeconds?: number;
  /** How many of the most recent requests `requests()` keeps (default 1000). */
  readonly requestLogSize?: number;
  /** RBAC for the users of these bearer tokens (default: none, every request is the admin's). */
  readonly authorization?: EmulatorAuthorization;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly store: MemoryStore;
  readonly faults: Faults;
  /**
   * A kubeconfig (YAML) whose current context points at this emulator (default context name
   * `emulator`); its user's bearer token is `user` (default `emulator`), recorded with each request.
   */
  kubeconfigYaml(contextName?: string, user?: string): string;
  /** Every authorization decision for a user of `authorization.tokens`, oldest first. */
  authorizations(): AuthorizationRecord[];
  /** Request counts by verb and resource since start or `resetStats()`. */
  stats(): RequestStats;
  /** The most recent requests (method, path, query, content type, body, status), oldest first. */
  requests(): RequestRecord[];
  resetStats(): void;
  /** Ends every open watch and stops the server. */
  close(): Promise<void>;
}

type Handler = (store: MemoryStore, r: ResourceRequest, body: RestBody) => RestAnswer;

const HANDLERS: Readonly<Record<Exclude<ResourceRequest['verb'], 'watch'>, Handler>> = {
  get: (store, r) => getObject(store, r),
  list: (store, r) => listObjects(store, r),
  create: (store, r, body) => (r.subresource === 'eviction' ? evictPod(store, r, body) : createObject(store, r, body)),
  update: updateObject,
  patch: patchObject,
  delete: deleteObject,
  deletecollection: deleteCollection,
};

interface Auth {
  readonly authorizer: RbacAuthorizer;
  readonly tokens: Readonly<Record<string, string>>;
  readonly records: AuthorizationRecord[];
}

interface Context {
  readonly store: MemoryStore;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly watchEnv: WatchEnv;
  readonly auth?: Auth;
  address: string;
}

/** The user a request is authorized as, or undefined for the admin (not checked). */
function userOf(auth: Auth | undefined, req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  return auth && token !== undefined ? auth.tokens[token] : undefined;
}

/** Records the decision and throws 403 Forbidden when it is a denial. */
function authorize(auth: Auth, attributes: AuthorizationAttributes, source: AuthorizationRecord['source']): void {
  const allowed = auth.authorizer.authorize(attributes);
  auth.records.push({ ...attributes, allowed, source });
  if (allowed) return;
  const message =
    source === 'admission'
      ? `cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: ${forbiddenMessage(attributes)}`
      : forbiddenMessage(attributes);
  throw new StoreError(403, 'Forbidden', message);
}

function requestAttributes(user: string, r: ResourceRequest): AuthorizationAttributes {
  return { user, verb: r.verb, group: r.resource.group, resource: r.resource.plural, subresource: r.subresource, namespace: r.namespace, name: r.name };
}

/** OwnerReferencesPermissionEnforcement on a create: the new object's blocking owner references. */
function admitOwners(ctx: Context, user: string | undefined, r: ResourceRequest, body: RestBody): void {
  if (!ctx.auth || user === undefined || r.verb !== 'create') return;
  let decoded: unknown;
  try {
    decoded = JSON.parse(body.text);
  } catch {
    return; // the handler answers 400 for the body
  }
  for (const check of ownerReferenceChecks(user, r.namespace, decoded)) authorize(ctx.auth, check, 'admission');
}

function queryRecord(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

function resourceKey(r: ResourceRequest): string {
  return r.subresource ? `${r.resource.plural}/${r.subresource}` : r.resource.plural;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Applies a request-level fault before the request is handled; returns true when it answered the request. */
async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.type) {
    case 'delay':
      await wait(fault.ms);
      return false;
    case 'reset':
      if (fault.after) return false;
      req.socket.destroy();
      return true;
    case 'hang':
      return true;
    case 'status': {
      const message = fault.message ?? `injected fault: ${fault.status} ${reasonFor(fault.status)}`;
      sendError(res, new StoreError(fault.status, reasonFor(fault.status), message), undefined, { retryAfterSeconds: fault.retryAfterSeconds });
      return true;
    }
    default:
      return false;
  }
}

function parse(method: string, url: URL): { r?: ResourceRequest; error?: unknown } {
  try {
    return { r: parseResourceRequest(method, url) };
  } catch (error) {
    return { error };
  }
}

function serveNonResource(ctx: Context, url: URL, res: ServerResponse): void {
  const answer = discovery(url.pathname, ctx.store.kubernetesVersion, ctx.address);
  if (!answer.text) {
    sendJson(res, answer.code, answer.body);
    return;
  }
  res.writeHead(answer.code, { 'Content-Type': 'text/plain' });
  res.end(String(answer.body));
}

/** The longest request body kept in the request log. */
const LOGGED_BODY_LIMIT = 64 * 1024;

async function serveResource(ctx: Context, req: IncomingMessage, res: ServerResponse, parsed: Parsed & { r: ResourceRequest }): Promise<void> {
  const { r, record } = parsed;
  const user = userOf(ctx.auth, req);
  if (ctx.auth && user !== undefined) authorize(ctx.auth, requestAttributes(user, r), 'request');
  refuseProtobufOnly(r, req.headers.accept);
  if (r.verb === 'watch') {
    serveWatch(ctx.watchEnv, r, req, res);
    return;
  }
  const body: RestBody = { text: await readBody(req), contentType: req.headers['content-type'] };
  if (body.text) record.body = body.text.slice(0, LOGGED_BODY_LIMIT);
  admitOwners(ctx, user, r, body);
  const answer = HANDLERS[r.verb](ctx.store, r, body);
  if (parsed.loseAnswer) {
    // `reset` with `after`: the request took effect, its answer is lost.
    record.status = answer.code;
    req.socket.destroy();
    return;
  }
  sendAnswer(ctx, { req, res }, r, answer);
}

/**
 * The emulator answers JSON only: a request that accepts nothing but protobuf (a Kubernetes
 * client reading a streaming list in protobuf) gets 406, as the API server answers a media type
 * it cannot produce. Accept lists that also take JSON are answered in JSON.
 */
function refuseProtobufOnly(r: ResourceRequest, accept: string | undefined): void {
  const types = (accept ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (types.length === 0 || !types.every((t) => t.startsWith('application/vnd.kubernetes.protobuf'))) return;
  const available = r.verb === 'watch' ? 'application/json, application/json;stream=watch' : 'application/json';
  throw new StoreError(406, 'NotAcceptable', `406: Not Acceptable\n\nAvailable representations: ${available}`);
}

function sendAnswer(ctx: Context, { req, res }: { req: IncomingMessage; res: ServerResponse }, r: ResourceRequest, answer: ReturnType<(typeof HANDLERS)[keyof typeof HANDLERS]>): void {
  const table = (r.verb === 'get' || r.verb === 'list') && wantsTable(req.headers.accept);
  const headers: Record<string, string[]> = answer.warnings?.length ? { Warning: answer.warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
  sendJson(res, answer.code, table ? asTable(ctx.store, r, answer.body as StoredObject & { items?: StoredObject[] }) : answer.body, headers);
}

/** A get or list answer as the Table `kubectl get` asks for. */
function asTable(store: MemoryStore, r: ResourceRequest, body: StoredObject & { items?: StoredObject[] }): unknown {
  const now = store.clock.now();
  if (r.verb === 'get') return toTable(r.resource, [body], { now });
  return toTable(r.resource, body.items ?? [], { now, listMeta: body.metadata });
}

/** The bearer token of a request: which kubeconfig user sent it. */
function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

function factsOf(method: string, url: URL, r: ResourceRequest | undefined): RequestFacts {
  if (!r) return { method, path: url.pathname, watch: false };
  return { method, path: url.pathname, watch: r.verb === 'watch', verb: r.verb, resource: resourceKey(r) };
}

interface Parsed {
  readonly url: URL;
  readonly r?: ResourceRequest;
  readonly record: RequestRecord;
  /** Apply the request, then destroy the connection instead of answering. */
  readonly loseAnswer?: boolean;
}

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse, parsed: Parsed): Promise<void> {
  if (parsed.r) await serveResource(ctx, req, res, { ...parsed, r: parsed.r });
  else if (req.method === 'GET') serveNonResource(ctx, parsed.url, res);
  else throw new StoreError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
}

/** Logs the request; its status and answer time are filled in when the answer ends. */
function logRequest(ctx: Context, req: IncomingMessage, res: ServerResponse, facts: RequestFacts & { url: URL }): RequestRecord {
  const { url, ...rest } = facts;
  const record = ctx.log.add({ ...rest, query: queryRecord(url), contentType: req.headers['content-type'], at: Date.now(), user: bearer(req) });
  res.once('close', () => {
    record.status ??= res.headersSent ? res.statusCode : undefined;
    record.answeredAt = Date.now();
  });
  return record;
}

/** A `reset` fault with `after` on a non-watch resource request: apply it, then lose the answer. */
function losesAnswer(fault: Fault | undefined, r: ResourceRequest | undefined): boolean {
  return fault?.type === 'reset' && fault.after === true && r !== undefined && r.verb !== 'watch';
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const { r, error } = parse(method, url);
  const facts = factsOf(method, url, r);
  const record = logRequest(ctx, req, res, { ...facts, url });
  const fault = ctx.faults.takeRequestFault(facts);
  if (fault && (await applyFault(fault, req, res))) {
    ctx.log.faulted();
    return;
  }
  const loseAnswer = losesAnswer(fault, r);
  if (loseAnswer) ctx.log.faulted();
  try {
    if (error) throw error;
    await route(ctx, req, res, { url, r, record, loseAnswer });
  } catch (err) {
    if (!res.headersSent) sendError(res, err, r);
    else res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

function kubeconfig(url: string, name: string, token: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is explicitly skipped.
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts an emulator on 127.0.0.1; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = options.store ?? new MemoryStore({ kubernetesVersion: options.kubernetesVersion, clock: options.clock, historyLimit: options.historyLimit });
  const faults = new Faults();
  const log = new RequestLog(options.requestLogSize);
  const streams = new Set<() => void>();
  const watchEnv: WatchEnv = {
    store,
    faults,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    defaultTimeoutSeconds: options.defaultWatchTimeoutSeconds ?? 1800,
    track: (end) => {
      streams.add(end);
      return () => streams.delete(end);
    },
  };
  const auth = options.authorization
    ? { authorizer: new RbacAuthorizer(options.authorization.objects), tokens: options.authorization.tokens, records: [] }
    : undefined;
  const ctx: Context = { store, faults, log, watchEnv, auth, address: '' };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });
  // Keep idle connections longer than clients do (client-node's agent keeps them 30 s), so a
  // client never reuses a socket the server is closing (a spurious ECONNRESET).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  const port = await listen(server, options.port ?? 0);
  ctx.address = `127.0.0.1:${port}`;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    store,
    faults,
    kubeconfigYaml: (contextName = 'emulator', user = 'emulator') => kubeconfig(url, contextName, user),
    authorizations: () => [...(auth?.records ?? [])],
    stats: () => log.stats(),
    requests: () => log.requests(),
    resetStats: () => log.reset(),
    close: () => closeServer(server, streams),
  };
}

function closeServer(server: Server, streams: Set<() => void>): Promise<void> {
  for (const end of [...streams]) end();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
