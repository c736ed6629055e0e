/**
 * Sends corpus entries to a real kube-apiserver and records its verdicts.
 *
 * Creates are `POST …?dryRun=All&fieldValidation=Strict` (what `kubectl apply` sends by default,
 * minus persistence). An update creates its base object for real, writes `status` through the
 * `/status` subresource when the entry has one, reads the stored object back, applies the entry's
 * ops to it and sends the result as `PUT …?dryRun=All&fieldValidation=Strict`; the base is then
 * deleted. Everything goes to one namespace, on a bounded number of concurrent requests.
 */
import type { ApiClient, ApiResponse } from './client';
import { Entry, applyOps } from './corpus';
import { Verdict, verdictOf } from './verdict';

/** The outcome of one entry. */
export interface Recorded {
  readonly id: string;
  readonly op: 'create' | 'update';
  /** The object sent (the new object of an update). */
  readonly object?: unknown;
  /** The stored object an update replaced (after its status was written). */
  readonly oldObject?: unknown;
  readonly verdict?: Verdict;
  /** Why the entry could not be judged (its update base was refused, …). */
  readonly skipped?: string;
}

export interface HarnessOptions {
  readonly namespace: string;
  readonly concurrency: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const QUERY = '?dryRun=All&fieldValidation=Strict';
const PLURAL: Record<string, string> = { Job: 'jobs', CronJob: 'cronjobs' };

/** The collection URL of `object` in `namespace`, from its apiVersion and kind (as kubectl resolves it). */
export function collectionPath(object: any, namespace: string): string {
  const apiVersion = typeof object?.apiVersion === 'string' && object.apiVersion !== '' ? object.apiVersion : 'batch/v1';
  const kind = typeof object?.kind === 'string' ? object.kind : 'Job';
  const plural = PLURAL[kind] ?? `${kind.toLowerCase()}s`;
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${plural}`;
}

/** Distinguishes the update bases of one run from leftovers of another. */
const RUN = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');

/** A name unique to `tag` that keeps the length of a long `original` (name length limits stay in play). */
function uniqueName(original: string, tag: string): string {
  return original.length > tag.length + 1 ? `${original.slice(0, original.length - tag.length - 1)}-${tag}` : tag;
}

/** Removes the Jobs and CronJobs an interrupted run left in the namespace (finalizers included). */
export async function cleanNamespace(client: ApiClient, namespace: string): Promise<void> {
  for (const plural of ['jobs', 'cronjobs']) {
    const collection = `/apis/batch/v1/namespaces/${namespace}/${plural}`;
    const list = await client.request('GET', collection);
    for (const item of list.body?.items ?? []) {
      const path = `${collection}/${item.metadata.name}`;
      if ((item.metadata.finalizers ?? []).length > 0) {
        await client.request('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json');
      }
      await client.request('DELETE', `${path}?propagationPolicy=Background`);
    }
  }
}

/** Creates the namespace when it is missing. */
export async function ensureNamespace(client: ApiClient, namespace: string): Promise<void> {
  const res = await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`creating namespace ${namespace}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * Sends a dry-run request. A server that panics while validating (it happens: a CronJob whose
 * Indexed job template has a successPolicy but no completions dereferences nil in 1.37) closes the
 * connection without an answer; the request is refused, recorded as a `ConnectionAborted` cause.
 */
async function dryRun(client: ApiClient, method: string, path: string, body: unknown): Promise<Verdict> {
  try {
    return verdictOf(await client.request(method, path, body));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { accepted: false, code: 0, causes: [{ path: '', type: 'ConnectionAborted', message }], warnings: [] };
  }
}

async function judgeCreate(client: ApiClient, entry: Extract<Entry, { op: 'create' }>, namespace: string): Promise<Recorded> {
  const verdict = await dryRun(client, 'POST', `${collectionPath(entry.object, namespace)}${QUERY}`, entry.object);
  return { id: entry.id, op: 'create', object: entry.object, verdict };
}

function stripServerFields(object: any): any {
  const o = JSON.parse(JSON.stringify(object));
  delete o.metadata?.managedFields;
  return o;
}

/**
 * PUTs `build(stored)` to `path`, reading the stored object again after a 409 Conflict (a Job
 * controller, when the cluster runs one, writes the status of the update bases too).
 */
async function putFresh(
  client: ApiClient,
  item: string,
  path: string,
  build: (stored: any) => unknown,
): Promise<{ stored: any; res: ApiResponse } | string> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const got = await client.request('GET', item);
    if (got.status !== 200) return `reading ${item}: HTTP ${got.status} ${got.body?.message ?? ''}`;
    const res = await client.request('PUT', path, build(got.body));
    if (res.status !== 409 || res.body?.reason !== 'Conflict') return { stored: got.body, res };
  }
  return `${path}: still conflicting after 5 attempts`;
}

async function judgeUpdate(client: ApiClient, entry: Extract<Entry, { op: 'update' }>, namespace: string, serial: number): Promise<Recorded> {
  const base = JSON.parse(JSON.stringify(entry.base));
  base.metadata = { ...base.metadata, name: uniqueName(String(base.metadata?.name ?? ''), `u${serial}${RUN}`) };
  const collection = collectionPath(base, namespace);
  const item = `${collection}/${base.metadata.name}`;
  const created = await client.request('POST', collection, base);
  if (created.status !== 201) return { id: entry.id, op: 'update', skipped: `base refused: HTTP ${created.status} ${created.body?.message ?? ''}` };
  let oldObject: any;
  let next: any;
  try {
    if (entry.status) {
      const written = await putFresh(client, item, `${item}/status`, (stored) => ({ ...stored, status: { ...stored.status, ...entry.status } }));
      if (typeof written === 'string') return { id: entry.id, op: 'update', skipped: `status not written: ${written}` };
      if (written.res.status !== 200) return { id: entry.id, op: 'update', skipped: `status refused: HTTP ${written.res.status} ${written.res.body?.message ?? ''}` };
    }
    const sent = await putFresh(client, item, `${item}${QUERY}`, (stored) => {
      oldObject = stripServerFields(stored);
      next = applyOps(oldObject, entry.ops);
      return next;
    });
    if (typeof sent === 'string') return { id: entry.id, op: 'update', skipped: sent };
    return { id: entry.id, op: 'update', object: next, oldObject, verdict: verdictOf(sent.res) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The dry-run update itself aborted the connection (a server panic): a refusal.
    if (next !== undefined) return { id: entry.id, op: 'update', object: next, oldObject, verdict: { accepted: false, code: 0, causes: [{ path: '', type: 'ConnectionAborted', message }], warnings: [] } };
    return { id: entry.id, op: 'update', skipped: `update not judged: ${message}` };
  } finally {
    await client.request('DELETE', `${item}?propagationPolicy=Background`);
  }
}

/** Judges every entry; results come back in entry order. */
export async function judgeAll(client: ApiClient, entries: readonly Entry[], options: HarnessOptions): Promise<Recorded[]> {
  await ensureNamespace(client, options.namespace);
  await cleanNamespace(client, options.namespace);
  const out: Recorded[] = new Array(entries.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= entries.length) return;
      const entry = entries[i];
      out[i] = entry.op === 'create' ? await judgeCreate(client, entry, options.namespace) : await judgeUpdate(client, entry, options.namespace, i);
      done++;
      if (options.onProgress && done % 1000 === 0) options.onProgress(done, entries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return out;
}
