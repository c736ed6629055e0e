/**
 * `POST /api/v1/namespaces/{ns}/pods/{name}/eviction`: the Eviction subresource as the API server
 * serves it (`pkg/registry/core/pod/storage/eviction.go`), measured on a real 1.37 server by the
 * conformance suite. A policy/v1 or policy/v1beta1 Eviction names the pod; the pod gets the
 * `DisruptionTarget` condition (reason `EvictionByEvictionAPI`) in one write and is then deleted
 * with the Eviction's `deleteOptions` (grace period, preconditions, dryRun) in another, so a
 * watcher sees both. The answer is 201 with a `Success` Status. A missing pod is 404; a terminal,
 * pending or already terminating pod is evicted without looking at PodDisruptionBudgets; a
 * running pod is checked against the budgets that select it (see `checkBudgets`).
 */
import { decodeBody, type ResourceRequest } from './http.ts';
import { isDryRun, mustGet, type DeleteOptionsBody, type RestAnswer, type RestBody } from './rest.ts';
import { matchesLabels, parseLabelSelector } from './selectors.ts';
import { timestamp, type MemoryStore } from './store.ts';
import { StoreError, type ObjectStore, type StoredObject } from './types.ts';

const EVICTION_VERSIONS = new Set(['policy/v1', 'policy/v1beta1']);

/** The condition the eviction writes on the pod before deleting it. */
export const EVICTION_CONDITION = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' } as const;

interface EvictionBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptionsBody;
}

function badRequest(message: string): StoreError {
  return new StoreError(400, 'BadRequest', message);
}

/** The apiVersion and kind of an Eviction body, as the API server's decoder checks them. */
function checkEvictionType({ apiVersion, kind }: EvictionBody): void {
  if (apiVersion !== undefined && !EVICTION_VERSIONS.has(apiVersion)) {
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    throw badRequest(`${kind ?? 'Eviction'} in version ${JSON.stringify(version)} cannot be handled as a Eviction: no kind "Eviction" is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/runtime/scheme.go:111"`);
  }
  if (kind !== undefined && kind !== 'Eviction') throw badRequest(`${kind} in version "v1" cannot be handled as a Eviction: converting (v1.${kind}) to (policy.Eviction): unknown conversion`);
}

/** The Eviction of the request body, checked as the API server decodes it. */
function decodeEviction(r: ResourceRequest, body: RestBody): EvictionBody {
  const decoded = decodeBody(body.text, body.contentType) ?? {};
  if (typeof decoded !== 'object' || Array.isArray(decoded)) throw badRequest('the object provided is unrecognized (must be of type Eviction)');
  const eviction = decoded as EvictionBody;
  checkEvictionType(eviction);
  const ns = eviction.metadata?.namespace;
  if (ns && ns !== r.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if ((eviction.metadata?.name ?? '') !== r.name) throw badRequest('name in URL does not match name in Eviction object');
  return eviction;
}

function conflict(pod: StoredObject, detail: string): StoreError {
  return new StoreError(409, 'Conflict', `Operation cannot be fulfilled on Pod ${JSON.stringify(pod.metadata.name)}: ${detail}`).concerning('', 'Pod').forObject(pod.metadata.name);
}

/** The Eviction's preconditions, checked against the pod before its condition is written. */
function checkPreconditions(pod: StoredObject, pre: DeleteOptionsBody['preconditions']): void {
  if (pre?.uid && pre.uid !== pod.metadata.uid) {
    throw conflict(pod, `the UID in the precondition (${pre.uid}) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
    throw conflict(pod, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`);
  }
}

/** Whether PodDisruptionBudgets do not apply: a Succeeded, Failed or Pending pod, or one already terminating. */
function canIgnoreBudgets(pod: StoredObject): boolean {
  const phase = pod.status?.phase ?? 'Pending';
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

function tooManyRequests(message: string, cause: string, retryAfterSeconds: number): StoreError {
  const err = new StoreError(429, 'TooManyRequests', message, [{ field: '', message: cause, reason: 'DisruptionBudget' }]);
  err.retryAfterSeconds = retryAfterSeconds;
  return err;
}

/**
 * The PodDisruptionBudgets that select a running pod, as the eviction handler reads their status
 * (the emulator runs no disruption controller: a budget's status is what its writer put there).
 * More than one is a 500; a budget whose status is behind its generation, or that allows no
 * disruption, is 429 `TooManyRequests` (a negative allowance 403); otherwise its
 * `disruptionsAllowed` is decremented and the pod recorded in `disruptedPods`.
 */
function selects(budget: StoredObject, pod: StoredObject): boolean {
  const selector = budget.spec?.selector;
  return selector !== undefined && selector !== null && matchesLabels(parseLabelSelector(labelSelectorText(selector)), pod.metadata.labels);
}

function checkBudgets(store: ObjectStore, pod: StoredObject, { now, dryRun }: { now: number; dryRun: boolean }): void {
  const budgets = store.list('PodDisruptionBudget', pod.metadata.namespace).filter((b) => selects(b, pod));
  if (budgets.length > 1) throw new StoreError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  if (budgets.length === 1 && !spareUnhealthy(pod, budgets[0])) takeDisruption(store, pod, budgets[0], { now, dryRun });
}

function isReady(pod: StoredObject): boolean {
  return (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

/**
 * An unready pod is evicted without taking a disruption when the budget says `AlwaysAllow`
 * (`unhealthyPodEvictionPolicy`) or has as many healthy pods as it needs (and needs some).
 */
function spareUnhealthy(pod: StoredObject, budget: StoredObject): boolean {
  if (isReady(pod)) return false;
  if (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const status = budget.status ?? {};
  const desired = Number(status.desiredHealthy ?? 0);
  return Number(status.currentHealthy ?? 0) >= desired && desired > 0;
}

const BUDGET_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

/** Why the budget allows no disruption now (`checkAndDecrement`), if it does not. */
function refusal(budget: StoredObject): StoreError | undefined {
  const status = budget.status ?? {};
  const name = budget.metadata.name;
  if ((status.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) {
    return tooManyRequests(BUDGET_VIOLATION, `The disruption budget ${name} is still being processed by the server.`, 10);
  }
  const allowed = Number(status.disruptionsAllowed ?? 0);
  if (allowed < 0) {
    return new StoreError(403, 'Forbidden', `poddisruptionbudgets.policy ${JSON.stringify(name)} is forbidden: pdb disruptions allowed is negative`, [
      { field: '', message: `The disruption budget ${name} does not allow evicting pods currently: pdb disruptions allowed is negative`, reason: 'DisruptionBudget' },
    ]);
  }
  if (allowed === 0) {
    return tooManyRequests(BUDGET_VIOLATION, `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`, 0);
  }
  return undefined;
}

/** Takes one disruption from the budget, recording the pod in `disruptedPods`, or says why not. */
function takeDisruption(store: ObjectStore, pod: StoredObject, budget: StoredObject, { now, dryRun }: { now: number; dryRun: boolean }): void {
  const refused = refusal(budget);
  if (refused) throw refused;
  if (dryRun) return;
  const status = budget.status ?? {};
  const disruptionsAllowed = Number(status.disruptionsAllowed) - 1;
  const disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata.name]: timestamp(now) };
  const conditions = disruptionsAllowed === 0 ? withInsufficientPods(status.conditions ?? [], budget, now) : status.conditions;
  store.replace({ ...budget, status: { ...status, disruptionsAllowed, disruptedPods, ...(conditions ? { conditions } : {}) } }, { subresource: 'status' });
}

/** The budget's conditions once it allows no more disruption: `DisruptionAllowed` False, reason `InsufficientPods`. */
function withInsufficientPods(conditions: Array<Record<string, unknown>>, budget: StoredObject, now: number): Array<Record<string, unknown>> {
  const existing = conditions.find((c) => c.type === 'DisruptionAllowed');
  if (existing?.status === 'False' && existing.reason === 'InsufficientPods') return conditions;
  const next = { type: 'DisruptionAllowed', status: 'False', observedGeneration: budget.metadata.generation, lastTransitionTime: timestamp(now), reason: 'InsufficientPods', message: '' };
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}

/** A metav1.LabelSelector as selector text (`a=b,c in (x,y)`). */
function labelSelectorText(selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else parts.push(e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return parts.join(',');
}

/** The pod's status with the eviction's `DisruptionTarget` condition (an existing True one is kept as it is). */
function withDisruptionTarget(pod: StoredObject, now: number): Record<string, unknown> {
  const conditions: Array<Record<string, unknown>> = pod.status?.conditions ?? [];
  const existing = conditions.find((c) => c.type === EVICTION_CONDITION.type);
  const lastTransitionTime = existing?.status === 'True' ? existing.lastTransitionTime : timestamp(now);
  const next = { ...EVICTION_CONDITION, lastProbeTime: null, lastTransitionTime };
  return { ...(pod.status ?? {}), conditions: existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next] };
}

/** What an eviction carries: the Eviction's `deleteOptions` and whether it is a dry run. */
export interface EvictionOptions extends DeleteOptionsBody {
  readonly dryRunAll?: boolean;
}

/**
 * Evicts a pod of `store` as the eviction handler does: budgets (for a running pod), the
 * preconditions, the `DisruptionTarget` condition, then the graceful delete with the options.
 * Throws 404 for a missing pod, 409 for a failed precondition, 429/500 for budgets.
 */
export function evict(store: ObjectStore, now: number, target: { namespace?: string; name: string }, options: EvictionOptions = {}): void {
  const { namespace, name } = target;
  const pod = store.get('Pod', namespace, name);
  if (!pod) throw new StoreError(404, 'NotFound', `pods ${JSON.stringify(name)} not found`);
  const dryRun = options.dryRunAll === true;
  if (!canIgnoreBudgets(pod)) checkBudgets(store, pod, { now, dryRun });
  checkPreconditions(pod, options.preconditions);
  let preconditions = options.preconditions;
  if (!dryRun) {
    const marked = store.replace({ ...pod, status: withDisruptionTarget(pod, now) }, { subresource: 'status' });
    // The condition write changed the resourceVersion the caller's precondition named.
    if (preconditions?.resourceVersion) preconditions = { ...preconditions, resourceVersion: marked.metadata.resourceVersion };
  }
  store.delete('Pod', namespace, name, { preconditions, dryRun, gracePeriodSeconds: options.gracePeriodSeconds, propagationPolicy: options.propagationPolicy });
}

/** POST of a pod's eviction subresource: 201 with a `Success` Status once the pod is marked and deleted. */
export function evictPod(store: MemoryStore, r: ResourceRequest, body: RestBody): RestAnswer {
  const eviction = decodeEviction(r, body);
  const options = eviction.deleteOptions ?? {};
  const dryRunAll = isDryRun(r.query, 'CreateOptions') || (options.dryRun ?? []).includes('All');
  mustGet(store, r);
  evict(store, store.clock.now(), { namespace: r.namespace, name: r.name! }, { ...options, dryRunAll });
  return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
}
