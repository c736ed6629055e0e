/**
 * The REST verbs of the emulated API server on top of `MemoryStore`: get, list (selectors,
 * paging), create, update, patch, delete and deletecollection, each honouring `dryRun=All`.
 * Every handler returns the HTTP status and body to answer with, or throws a `StoreError`.
 */
import { asVersion } from './events.ts';
import { decodeBody, type ResourceRequest } from './http.ts';
import { applyPatch } from './patch.ts';
import { groupVersion, type ResourceType } from './resources.ts';
import { matchesFields, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { FieldValidation } from './admission.ts';
import type { MemoryStore, WriteOptions } from './store.ts';
import { StoreError, type PropagationPolicy, type StoredObject } from './types.ts';

/** An answer: HTTP status and JSON body. */
export interface RestAnswer {
  readonly code: number;
  readonly body: unknown;
  /** Warnings for `Warning` headers (unknown fields dropped under `fieldValidation=Warn`). */
  readonly warnings?: readonly string[];
}

/** The decoded request body and its content type. */
export interface RestBody {
  readonly text: string;
  readonly contentType?: string;
}

/** Kinds whose PUT creates a missing object (`AllowCreateOnUpdate` in the API server). */
const CREATE_ON_UPDATE = new Set(['Lease', 'Event']);

/** The object as served by `r` (Events convert between their two APIs). */
export function view(r: ResourceType, obj: StoredObject): StoredObject {
  return asVersion(obj, groupVersion(r));
}

/** The API server's 422 for a bad query option, on the options kind of the verb (e.g. `CreateOptions`). */
function invalidOption(optionsKind: string, field: string, message: string): StoreError {
  return new StoreError(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: ${field}: ${message}`, [{ field, message, reason: 'FieldValueNotSupported' }]).concerning('meta.k8s.io', optionsKind);
}

const OPTIONS_KIND: Readonly<Record<string, string>> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions', delete: 'DeleteOptions', deletecollection: 'DeleteOptions' };

export function isDryRun(query: URLSearchParams, optionsKind: string): boolean {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) {
    throw invalidOption(optionsKind, 'dryRun', `Unsupported value: ${JSON.stringify(values)}: supported values: "All"`);
  }
  return values.length > 0;
}

const FIELD_VALIDATIONS = new Set<FieldValidation>(['Strict', 'Warn', 'Ignore']);

/** The write options of a request: `dryRun` and `fieldValidation` (default `Warn`, as in the API server). */
function writeOptions(r: ResourceRequest): WriteOptions & { warnings: string[] } {
  const optionsKind = OPTIONS_KIND[r.verb] ?? 'CreateOptions';
  const fieldValidation = (r.query.get('fieldValidation') || 'Warn') as FieldValidation;
  if (!FIELD_VALIDATIONS.has(fieldValidation)) {
    throw invalidOption(optionsKind, 'fieldValidation', `Unsupported value: ${JSON.stringify(fieldValidation)}: supported values: "", "Ignore", "Strict", "Warn"`);
  }
  return { dryRun: isDryRun(r.query, optionsKind), fieldValidation, warnings: [] };
}

function notFound(r: ResourceRequest): StoreError {
  const group = r.resource.group ? `.${r.resource.group}` : '';
  return new StoreError(404, 'NotFound', `${r.resource.plural}${group} ${JSON.stringify(r.name ?? '')} not found`);
}

export function mustGet(store: MemoryStore, r: ResourceRequest): StoredObject {
  const obj = store.get(r.resource.kind, r.namespace, r.name!);
  if (!obj) throw notFound(r);
  return obj;
}

/** GET of one object. */
export function getObject(store: MemoryStore, r: ResourceRequest): RestAnswer {
  return { code: 200, body: view(r.resource, mustGet(store, r)) };
}

/** Where a chunked list goes on: the resourceVersion of its snapshot and the key of the last object served. */
interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

/** The version tag of a continue token, as the API server writes it. */
const TOKEN_VERSION = 'meta.k8s.io/v1';

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: token.rv, start: token.start })).toString('base64url');
}

function invalidContinue(why: string): StoreError {
  return new StoreError(400, 'BadRequest', `invalid continue token: continue key is not valid: ${why}`);
}

/** The token's fields, or why it is not one this server issued. */
function parseContinue(text: string): ContinueToken | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return 'not an encoded continue key';
  }
  const { v, rv, start } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== TOKEN_VERSION) return 'server does not recognize this encoded key';
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) return `incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`;
  if (typeof start !== 'string' || start === '') return `encoded start key empty (version ${TOKEN_VERSION})`;
  return { rv, start };
}

/**
 * The token of a request that continues a chunked list. Malformed (or naming a snapshot this
 * server never served) is 400; a snapshot already compacted out of the history is 410 `Expired`,
 * and the client has to start the list again.
 */
function decodeContinue(query: URLSearchParams, store: MemoryStore): ContinueToken | undefined {
  const text = query.get('continue');
  if (!text) return undefined;
  const rv = query.get('resourceVersion');
  if (rv && rv !== '0') throw new StoreError(400, 'BadRequest', 'specifying resource version is not allowed when using continue');
  const token = parseContinue(text);
  if (typeof token === 'string') throw invalidContinue(token);
  if (token.rv > Number(store.resourceVersion)) throw invalidContinue(`resourceVersion ${token.rv} was never served`);
  if (token.rv < Number(store.oldestResumableVersion)) {
    throw new StoreError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  }
  return token;
}

/** An object's position in a list: namespace, then name (the order of etcd keys). */
function keyOf(obj: StoredObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

const RV_MATCHES = new Set(['', 'Exact', 'NotOlderThan']);

/** `resourceVersionMatch` as the API server validates ListOptions. */
function checkVersionMatch(query: URLSearchParams): void {
  const match = query.get('resourceVersionMatch') ?? '';
  if (!RV_MATCHES.has(match)) {
    throw invalidOption('ListOptions', 'resourceVersionMatch', `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`);
  }
  if (match && !query.get('resourceVersion')) {
    const message = 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided';
    throw new StoreError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: ${message}`, [{ field: 'resourceVersionMatch', message, reason: 'FieldValueForbidden' }]).concerning('meta.k8s.io', 'ListOptions');
  }
}

function checkListVersion(store: MemoryStore, query: URLSearchParams): void {
  checkVersionMatch(query);
  const rv = query.get('resourceVersion');
  if (!rv || rv === '0') return;
  if (!/^\d+$/.test(rv)) {
    throw new StoreError(400, 'BadRequest', `invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  }
  if (Number(rv) > Number(store.resourceVersion)) {
    throw new StoreError(504, 'Timeout', `Too large resource version: ${rv}, current: ${store.resourceVersion}`, [
      { field: '', message: 'Too large resource version', reason: 'ResourceVersionTooLarge' },
    ]);
  }
}

/** The objects a list or watch of `r` selects, in the shape `r` serves. */
export function selectObjects(store: MemoryStore, r: ResourceRequest): StoredObject[] {
  const labels = parseLabelSelector(r.query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(r.query.get('fieldSelector') ?? undefined, r.resource.fieldLabels);
  return store
    .query(r.resource.kind, { namespace: r.namespace, labelSelector: labels })
    .map((obj) => view(r.resource, obj))
    .filter((obj) => matchesFields(fields, obj));
}

function parseLimit(query: URLSearchParams): number {
  const text = query.get('limit');
  if (!text) return 0;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw new StoreError(400, 'BadRequest', `invalid limit ${JSON.stringify(text)}: must be a non-negative integer`);
  return limit;
}

/**
 * LIST with label/field selectors and `limit`/`continue` paging, in key order. The first page
 * is served at the current resourceVersion, and every later page at that same one: the
 * continue token carries it with the last key served, and the next page shows the objects
 * after that key as they were then (a consistent snapshot, as the API server reads etcd), with
 * the list's resourceVersion set to it. A page reads only the objects after the token's key
 * and copies at most `limit + 1` of them (without a field selector), so a chunked list costs
 * about as much as one unchunked list, as with etcd range reads.
 */
export function listObjects(store: MemoryStore, r: ResourceRequest): RestAnswer {
  checkListVersion(store, r.query);
  const limit = parseLimit(r.query);
  const token = decodeContinue(r.query, store);
  const rv = token?.rv ?? Number(store.resourceVersion);
  const { candidates, remaining } = listCandidates(store, r, limit, token);
  const items = limit > 0 ? candidates.slice(0, limit) : candidates;
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (items.length < candidates.length) {
    metadata.continue = encodeContinue({ rv, start: keyOf(items[items.length - 1]) });
    // The API server cannot count what a selector leaves out, so it omits the count then.
    if (!r.query.get('labelSelector') && !r.query.get('fieldSelector')) metadata.remainingItemCount = remaining() - items.length;
  }
  return { code: 200, body: { kind: `${r.resource.kind}List`, apiVersion: groupVersion(r.resource), metadata, items } };
}

/** The selected objects after the token's key (at most `limit + 1` without a field selector), and how to count them all. */
function listCandidates(store: MemoryStore, r: ResourceRequest, limit: number, token: ContinueToken | undefined): { candidates: StoredObject[]; remaining: () => number } {
  const labels = parseLabelSelector(r.query.get('labelSelector') ?? undefined);
  const fieldText = r.query.get('fieldSelector') ?? '';
  const fields = parseFieldSelector(fieldText || undefined, r.resource.fieldLabels);
  const query = {
    namespace: r.namespace,
    labelSelector: labels,
    filter: token ? (obj: StoredObject) => keyOf(obj) > token.start : undefined,
    // Where the page starts, found by binary search (the filter above then only confirms it).
    after: token ? afterKey(store, r, token.start) : undefined,
    at: token?.rv,
  };
  // Without a field selector the limit goes down to the store; with one, every candidate is viewed and matched first.
  const pushDown = limit > 0 && fieldText === '';
  const candidates = store
    // Shared, not copied: the answer is serialized at once (`view` copies what it changes).
    .query(r.resource.kind, { ...query, limit: pushDown ? limit + 1 : undefined, shared: true })
    .map((obj) => view(r.resource, obj))
    .filter((obj) => matchesFields(fields, obj));
  // `after` alone delimits what is left to count (the filter only confirms it).
  return { candidates, remaining: () => (pushDown ? store.count(r.resource.kind, { ...query, filter: undefined }) : candidates.length) };
}

/** The store key of the last object of the previous page (`keyOf` form: `namespace/name`, `/name` when cluster-scoped). */
function afterKey(store: MemoryStore, r: ResourceRequest, start: string): string {
  const slash = start.indexOf('/');
  return store.keyOf(r.resource.kind, start.slice(0, slash) || undefined, start.slice(slash + 1));
}

function decodeObject(r: ResourceRequest, body: RestBody): StoredObject {
  const obj = decodeBody(body.text, body.contentType);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new StoreError(400, 'BadRequest', `the request body must be a ${r.resource.kind} object`);
  }
  const o = obj as StoredObject;
  o.metadata ??= {} as StoredObject['metadata'];
  checkTypeMeta(r, o);
  return o;
}

function checkTypeMeta(r: ResourceRequest, obj: StoredObject): void {
  const gv = groupVersion(r.resource);
  obj.kind ??= r.resource.kind;
  obj.apiVersion ??= gv;
  if (obj.kind !== r.resource.kind || obj.apiVersion !== gv) {
    throw new StoreError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) and kind (${obj.kind}) do not match the request (${gv}, ${r.resource.kind})`);
  }
  resolveNamespace(r, obj);
}

function resolveNamespace(r: ResourceRequest, obj: StoredObject): void {
  const ns = obj.metadata.namespace;
  if (r.resource.namespaced && ns && r.namespace && ns !== r.namespace) {
    throw new StoreError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  if (r.resource.namespaced) obj.metadata.namespace = r.namespace ?? ns ?? 'default';
}

/** POST: creates an object (201). */
export function createObject(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  if (r.name) throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const obj = decodeObject(r, body);
  const opts = writeOptions(r);
  const created = store.create(obj, opts);
  return { code: 201, body: view(r.resource, created), warnings: opts.warnings };
}

/** The status subresource of a write (the only one that is written through PUT or PATCH). */
function statusOnly(r: ResourceRequest): 'status' | undefined {
  return r.subresource === 'status' ? 'status' : undefined;
}

/** PUT: replaces an object or its status (409 on a stale resourceVersion). */
export function updateObject(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  const obj = decodeObject(r, body);
  if (obj.metadata.name !== undefined && obj.metadata.name !== r.name) {
    throw new StoreError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${r.name})`);
  }
  obj.metadata.name = r.name!;
  const opts = writeOptions(r);
  if (!store.get(r.resource.kind, r.namespace, r.name!) && CREATE_ON_UPDATE.has(r.resource.kind) && !r.subresource) {
    return { code: 201, body: view(r.resource, store.create(obj, opts)), warnings: opts.warnings };
  }
  mustGet(store, r);
  return { code: 200, body: view(r.resource, store.replace(obj, { ...opts, subresource: statusOnly(r) })), warnings: opts.warnings };
}

/** PATCH by content type; a `metadata.resourceVersion` in the patch is a precondition. */
export function patchObject(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  const current = view(r.resource, mustGet(store, r));
  const patch = decodeBody(body.text, 'application/json');
  const patched = applyPatch(body.contentType ?? '', current, patch) as StoredObject;
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched) || typeof patched.metadata !== 'object') {
    throw new StoreError(422, 'Invalid', `${r.resource.kind} ${JSON.stringify(r.name)} is invalid: the patched object is not a valid object`);
  }
  checkTypeMeta(r, patched);
  patched.metadata.name = current.metadata.name;
  const opts = writeOptions(r);
  const answer = store.replace(patched, { ...opts, subresource: statusOnly(r) });
  return { code: 200, body: view(r.resource, answer), warnings: opts.warnings };
}

export interface DeleteOptionsBody {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

const POLICIES = new Set(['Foreground', 'Background', 'Orphan']);

/** The default propagation of the API server: batch/v1 Jobs orphan their pods, everything else cascades in the background. */
function defaultPolicy(r: ResourceRequest): PropagationPolicy {
  return r.resource.kind === 'Job' ? 'Orphan' : 'Background';
}

function orphanOption(r: ResourceRequest, decoded: DeleteOptionsBody): boolean | undefined {
  if (decoded.orphanDependents !== undefined) return decoded.orphanDependents;
  return r.query.has('orphanDependents') ? r.query.get('orphanDependents') === 'true' : undefined;
}

function policyFromOrphan(orphan: boolean | undefined): PropagationPolicy | undefined {
  if (orphan === undefined) return undefined;
  return orphan ? 'Orphan' : 'Background';
}

function deleteOptions(r: ResourceRequest, body: RestBody): { policy: PropagationPolicy; options: DeleteOptionsBody } {
  const decoded = (decodeBody(body.text, body.contentType) ?? {}) as DeleteOptionsBody;
  const policy = decoded.propagationPolicy ?? (r.query.get('propagationPolicy') as PropagationPolicy | null);
  const orphan = orphanOption(r, decoded);
  if (policy && !POLICIES.has(policy)) {
    throw new StoreError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}`, [
      { field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`, reason: 'FieldValueNotSupported' },
    ]);
  }
  if (policy && orphan !== undefined) {
    throw new StoreError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: orphanDependents and propagationPolicy cannot both be set');
  }
  return { policy: policy ?? policyFromOrphan(orphan) ?? defaultPolicy(r), options: { ...decoded, gracePeriodSeconds: gracePeriodOption(r, decoded) } };
}

/** `gracePeriodSeconds` of the DeleteOptions body, else of the query. */
function gracePeriodOption(r: ResourceRequest, decoded: DeleteOptionsBody): number | undefined {
  if (typeof decoded.gracePeriodSeconds === 'number') return decoded.gracePeriodSeconds;
  const text = r.query.get('gracePeriodSeconds');
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new StoreError(400, 'BadRequest', `invalid gracePeriodSeconds ${JSON.stringify(text)}: must be an integer`);
  return Number(text);
}

/** The finalizer the API server adds for a propagation policy the garbage collector carries out. */
const POLICY_FINALIZERS: Partial<Record<PropagationPolicy, string>> = { Foreground: 'foregroundDeletion', Orphan: 'orphan' };

/**
 * DELETE of one object: 200 (202 when it stays after `orphanDependents: false`) with the object as the API server answers it. An object that stays
 * (finalizers) carries its deletionTimestamp and `deletionGracePeriodSeconds: 0`. Under
 * Foreground and Orphan the API server answers with the object marked for the garbage
 * collector (its `foregroundDeletion` or `orphan` finalizer added) even though the emulator
 * carries the cascade out at once.
 */
export function deleteObject(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  const { policy, options } = deleteOptions(r, body);
  const dryRun = isDryRun(r.query, 'DeleteOptions') || (options.dryRun ?? []).includes('All');
  const before = mustGet(store, r);
  const deleted = store.mustDelete(r.resource.kind, r.namespace, r.name!, { propagationPolicy: policy, preconditions: options.preconditions, dryRun, gracePeriodSeconds: options.gracePeriodSeconds });
  const answer = markedForDeletion(store, before, view(r.resource, deleted), POLICY_FINALIZERS[policy]);
  // The API server answers 202 only for an object that stays after an explicit `orphanDependents: false`.
  const remains = !dryRun && store.get(r.resource.kind, r.namespace, r.name!) !== undefined;
  return { code: remains && orphanOption(r, options) === false ? 202 : 200, body: answer };
}

/** `answer` as the API server shows an object it marked for deletion (finalizers pending, or the garbage collector's `finalizer`). */
function markedForDeletion(store: MemoryStore, before: StoredObject, answer: StoredObject, finalizer: string | undefined): StoredObject {
  const pending = before.metadata.finalizers ?? [];
  if (before.metadata.deletionTimestamp || (finalizer === undefined && pending.length === 0)) return answer;
  answer.metadata.deletionTimestamp ??= new Date(store.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  answer.metadata.deletionGracePeriodSeconds ??= 0;
  if (finalizer) answer.metadata.finalizers = [...new Set([...pending, finalizer])];
  return answer;
}

/** DELETE of a collection: deletes every selected object and answers with them. */
export function deleteCollection(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  const { policy, options } = deleteOptions(r, body);
  const dryRun = isDryRun(r.query, 'DeleteOptions') || (options.dryRun ?? []).includes('All');
  const items = selectObjects(store, r).map((obj) =>
    store.mustDelete(obj.kind, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: policy, dryRun, gracePeriodSeconds: options.gracePeriodSeconds }),
  );
  return {
    code: 200,
    body: { kind: `${r.resource.kind}List`, apiVersion: groupVersion(r.resource), metadata: { resourceVersion: store.resourceVersion }, items: items.map((o) => view(r.resource, o)) },
  };
}
