/**
 * ResourceQuota as the API server and the quota controller enforce it, for quotas without
 * `scopes`/`scopeSelector`: admission rejects a create that would exceed a quota's `spec.hard`
 * (403 `exceeded quota`) or a pod that lacks a request/limit a quota tracks (403 `failed quota`),
 * and a store listener keeps each quota's `status.hard` and `status.used` current, which is what
 * clients (the reconciler's admission gate) read.
 *
 * Tracked: `pods`, `count/pods`, `requests.cpu`/`cpu`, `requests.memory`/`memory`,
 * `limits.cpu`, `limits.memory` (pods that are not Succeeded or Failed), `count/jobs.batch`,
 * `count/cronjobs.batch`, `configmaps`/`count/configmaps`. Pod amounts follow the scheduler's
 * rule (containers and sidecars summed, at least the largest init container, plus overhead).
 */
import { isDeepStrictEqual } from 'node:util';
import { NANO, formatQuantity, parseQuantity } from '../core/quantity.ts';
import { podAmount } from '../core/quota.ts';
import type { MemoryStore } from './store.ts';
import { StoreError, type StoredObject } from './types.ts';

type Usage = Record<string, bigint>;

const COUNTED_KINDS = new Set(['Pod', 'Job', 'CronJob', 'ConfigMap']);
const COMPUTE = ['cpu', 'memory'] as const;

function isTerminalPod(pod: StoredObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function podUsage(pod: StoredObject): Usage {
  if (isTerminalPod(pod)) return {};
  const usage: Usage = { pods: NANO, 'count/pods': NANO };
  for (const r of COMPUTE) {
    const requests = podAmount(pod.spec, 'requests', r);
    usage[`requests.${r}`] = requests;
    usage[r] = requests;
    usage[`limits.${r}`] = podAmount(pod.spec, 'limits', r);
  }
  return usage;
}

/** What one object adds to its namespace's quota usage, in nano-units. */
export function usageOf(obj: StoredObject): Usage {
  switch (obj.kind) {
    case 'Pod':
      return podUsage(obj);
    case 'Job':
      return { 'count/jobs.batch': NANO };
    case 'CronJob':
      return { 'count/cronjobs.batch': NANO };
    case 'ConfigMap':
      return { configmaps: NANO, 'count/configmaps': NANO };
    default:
      return {};
  }
}

function add(total: Usage, more: Usage): Usage {
  for (const [k, v] of Object.entries(more)) total[k] = (total[k] ?? 0n) + v;
  return total;
}

/** The usage of a namespace, over every counted object in it. */
export function namespaceUsage(store: MemoryStore, namespace: string): Usage {
  const total: Usage = {};
  for (const kind of COUNTED_KINDS) {
    for (const obj of store.query(kind, { namespace })) add(total, usageOf(obj));
  }
  return total;
}

function isScoped(quota: StoredObject): boolean {
  return (quota.spec?.scopes ?? []).length > 0 || quota.spec?.scopeSelector !== undefined;
}

function hardOf(quota: StoredObject): Record<string, string> {
  const hard = quota.spec?.hard;
  return hard !== null && typeof hard === 'object' ? (hard as Record<string, string>) : {};
}

/** The quotas that apply to every object of a namespace. */
function quotasOf(store: MemoryStore, namespace: string | undefined): StoredObject[] {
  if (namespace === undefined) return [];
  return store.query('ResourceQuota', { namespace }).filter((q) => !isScoped(q));
}

function render(usage: Usage, keys: readonly string[]): string {
  return keys.map((k) => `${k}=${formatQuantity(usage[k] ?? 0n)}`).join(',');
}

/** A pod must state the requests and limits a quota tracks (after defaulting a request from its limit). */
function missingAmounts(pod: StoredObject, hard: Record<string, string>): string[] {
  const out: string[] = [];
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] as Array<{ name?: string; resources?: Record<string, Record<string, unknown>> }>;
  for (const key of Object.keys(hard).filter((k) => /^(requests\.|limits\.)?(cpu|memory)$/.test(k))) {
    const [kind, resource] = key.includes('.') ? key.split('.') : ['requests', key];
    const lacking = containers.filter((c) => c.resources?.[kind]?.[resource] === undefined && c.resources?.limits?.[resource] === undefined);
    if (lacking.length > 0) out.push(`${key} for: ${lacking.map((c) => c.name ?? '').join(',')}`);
  }
  return out;
}

function exceeded(quota: StoredObject, delta: Usage, used: Usage): string[] {
  const hard = hardOf(quota);
  return Object.keys(hard).filter((k) => {
    const limit = parseQuantity(hard[k]);
    const more = delta[k] ?? 0n;
    return limit !== undefined && more > 0n && (used[k] ?? 0n) + more > limit;
  });
}

function forbidden(obj: StoredObject, why: string): StoreError {
  const plural = `${obj.kind.toLowerCase()}s${obj.apiVersion.includes('/') ? `.${obj.apiVersion.split('/')[0]}` : ''}`;
  return new StoreError(403, 'Forbidden', `${plural} ${JSON.stringify(obj.metadata.name)} is forbidden: ${why}`).forObject(obj.metadata.name);
}

/** Quota admission of a new object: throws 403 `Forbidden` when it does not fit. */
export function admitQuota(store: MemoryStore, obj: StoredObject): void {
  if (!COUNTED_KINDS.has(obj.kind)) return;
  const quotas = quotasOf(store, obj.metadata.namespace);
  if (quotas.length === 0) return;
  for (const quota of quotas) {
    const missing = obj.kind === 'Pod' ? missingAmounts(obj, hardOf(quota)) : [];
    if (missing.length > 0) throw forbidden(obj, `failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`);
  }
  const delta = usageOf(obj);
  const used = namespaceUsage(store, obj.metadata.namespace!);
  for (const quota of quotas) {
    const over = exceeded(quota, delta, used);
    if (over.length === 0) continue;
    const limited: Usage = Object.fromEntries(over.map((k) => [k, parseQuantity(hardOf(quota)[k]) ?? 0n]));
    throw forbidden(
      obj,
      `exceeded quota: ${quota.metadata.name}, requested: ${render(delta, over)}, used: ${render(used, over)}, limited: ${render(limited, over)}`,
    );
  }
}

/** Recomputes `status.hard` and `status.used` of every quota of a namespace. */
export function syncQuotaStatus(store: MemoryStore, namespace: string): void {
  const quotas = store.query('ResourceQuota', { namespace });
  if (quotas.length === 0) return;
  const usage = namespaceUsage(store, namespace);
  for (const quota of quotas) {
    const hard = hardOf(quota);
    const status = { hard: { ...hard }, used: Object.fromEntries(Object.keys(hard).map((k) => [k, formatQuantity(usage[k] ?? 0n)])) };
    if (!isDeepStrictEqual(quota.status, status)) store.replace({ ...quota, status }, { subresource: 'status' });
  }
}

/** Keeps quota statuses current as objects come and go; returns the stop function. */
export function startQuotaController(store: MemoryStore): () => void {
  return store.watch(({ object }) => {
    const namespace = object.metadata.namespace;
    if (namespace === undefined || (!COUNTED_KINDS.has(object.kind) && object.kind !== 'ResourceQuota')) return;
    syncQuotaStatus(store, namespace);
  });
}
