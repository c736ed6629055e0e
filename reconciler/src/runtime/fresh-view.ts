/**
 * The fresh view: before a destructive or duplicating action (a rerun, a catch-up run, a delete)
 * or a finding that rests on something being absent (a stuck Job's pods, an orphan's Job), the
 * controller re-reads from the API server what the decision rests on, decides again on that,
 * and keeps a create or delete only when both decisions agree. A cache that is behind (a slow
 * list, a stalled watch, a relist in progress) can then never rerun a healthy Job or delete a
 * pod whose Job exists.
 *
 * Reads (all visible in the API server's request log): `get` of the object; for a Job, `list`
 * of its pods by controller-uid and `get` of each node they run on (unless Nodes are
 * unavailable); for a Pod, `get` of the Job named by its job-name label; `get` of every Job
 * the decision would create (its deterministic name).
 */
import { JOB_STUCK, ORPHANED_POD } from '../core/findings.ts';
import { CONTROLLER_UID_LABELS, JOB_NAME_LABELS } from '../core/annotations.ts';
import type { Action, Decision, KubeObject, Observed } from '../core/types.ts';
import { toKubeApiError } from '../adapters/errors.ts';
import type { KubePort, ResourceKind } from '../adapters/port.ts';

/** Findings that rest on something being absent from the cache. */
const ABSENCE_FINDINGS = new Set([JOB_STUCK, ORPHANED_POD]);

/** True when `decision` must be confirmed on a fresh view before it is carried out. */
export function needsFreshView(decision: Decision): boolean {
  if (decision.actions.some((a) => a.type === 'create' || a.type === 'delete')) return true;
  return decision.findings.some((f) => ABSENCE_FINDINGS.has(f.code));
}

/** The object, or undefined when the API server says it does not exist. */
async function getOrNone(port: KubePort, kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await port.get(kind, namespace, name);
  } catch (err) {
    if (toKubeApiError(err).kind === 'NotFound') return undefined;
    throw err;
  }
}

function label(obj: KubeObject, keys: readonly string[]): string | undefined {
  const labels = obj.metadata?.labels ?? {};
  return keys.map((k) => labels[k]).find((v) => v !== undefined);
}

/** The Jobs the decision would create, as the API server has them now (usually none). */
async function createdJobs(port: KubePort, namespace: string, decision: Decision): Promise<KubeObject[]> {
  const names = decision.actions.flatMap((a) => (a.type === 'create' && a.manifest.metadata?.name ? [a.manifest.metadata.name] : []));
  const found = await Promise.all(names.map((name) => getOrNone(port, 'Job', namespace, name)));
  return found.filter((j): j is KubeObject => j !== undefined);
}

async function nodesOf(port: KubePort, pods: readonly KubeObject[]): Promise<Map<string, KubeObject>> {
  const names = [...new Set(pods.flatMap((p) => (typeof p.spec?.nodeName === 'string' ? [p.spec.nodeName as string] : [])))];
  const nodes = new Map<string, KubeObject>();
  for (const name of names) {
    const node = await getOrNone(port, 'Node', undefined, name);
    if (node) nodes.set(name, node);
  }
  return nodes;
}

async function freshJob(port: KubePort, cached: Observed, job: KubeObject): Promise<Partial<Observed>> {
  const uid = job.metadata?.uid ?? '';
  const pods = (await port.list('Pod', { namespace: cached.ref.namespace, labelSelector: `${CONTROLLER_UID_LABELS[0]}=${uid}` })).items;
  if (cached.unavailable?.includes('nodes')) return { pods };
  try {
    return { pods, nodes: await nodesOf(port, pods) };
  } catch (err) {
    // Nodes that may be listed but not read one by one: the lost-node check is off for this decision.
    if (toKubeApiError(err).kind !== 'Forbidden') throw err;
    return { pods, unavailable: [...(cached.unavailable ?? []), 'nodes'] };
  }
}

async function freshPodOwner(port: KubePort, cached: Observed, pod: KubeObject): Promise<KubeObject[]> {
  const jobName = label(pod, JOB_NAME_LABELS);
  const jobUid = label(pod, CONTROLLER_UID_LABELS);
  if (jobName === undefined) return [...cached.ownedJobs];
  const job = await getOrNone(port, 'Job', cached.ref.namespace, jobName);
  return job && job.metadata?.uid === jobUid ? [job] : [];
}

/**
 * What `decide` sees for `cached.ref`, read from the API server now (the cache fills in what
 * the decision does not rest on). Rejects with a `KubeApiError` when a read fails.
 */
export async function freshObserved(port: KubePort, cached: Observed, decision: Decision): Promise<Observed> {
  const { kind, namespace, name } = cached.ref;
  const object = await getOrNone(port, kind, namespace, name);
  if (!object) return { ...cached, object: undefined, pods: [], ownedJobs: [] };
  const created = await createdJobs(port, namespace, decision);
  if (kind === 'Job') return { ...cached, object, ...(await freshJob(port, cached, object)), ownedJobs: [...cached.ownedJobs, ...created] };
  if (kind === 'Pod') return { ...cached, object, ownedJobs: await freshPodOwner(port, cached, object) };
  return { ...cached, object, ownedJobs: [...cached.ownedJobs, ...created] };
}

/** The identity of a destructive action: what it creates or deletes. */
function targetOf(action: Action): string | undefined {
  if (action.type === 'create') return `create ${action.manifest.metadata?.namespace}/${action.manifest.metadata?.name}`;
  if (action.type === 'delete') return `delete ${action.target.kind} ${action.target.uid}`;
  return undefined;
}

/**
 * The fresh decision, with its creates and deletes kept only when the cached decision had the
 * same one too (both views must call for it); every other action is the fresh decision's.
 */
export function confirmed(cached: Decision, fresh: Decision): Decision {
  const wanted = new Set(cached.actions.map(targetOf).filter((t) => t !== undefined));
  const actions = fresh.actions.filter((a) => {
    const target = targetOf(a);
    return target === undefined || wanted.has(target);
  });
  return { ...fresh, actions };
}
