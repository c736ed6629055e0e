/**
 * Stuck Jobs: a Job that is not finished and counts active pods (`status.active > 0`) while none
 * of its pods is alive — they are gone, or every one sits on a lost node (Ready not True for
 * `nodeLostAfterMs`, or the node no longer exists). It is stuck once that has lasted
 * `stuckAfterMs`, measured from the latest evidence of life the object, its pods and their nodes
 * show (Job start and condition changes, pod creation, start, condition changes and deletion,
 * the moment a node counted as lost). When the reconciler cannot read Nodes, lost nodes are not
 * detected (only vanished pods are).
 */
import { CONTROLLER_UID_LABELS } from './annotations.ts';
import { JOB_STUCK, clusterFinding } from './findings.ts';
import { arrayOf, conditionOf, dig, isFinishedJob, labelsOf, latest, numberOf, stringOf, timeOf } from './kube.ts';
import type { Outcome } from './outcome.ts';
import type { KubeObject, Observed, ReconcilerConfig } from './types.ts';

/** Where a pod stands: alive, lost at a known time, or lost with no time to tell since when. */
type PodState = { readonly alive: true; readonly until?: number } | { readonly alive: false; readonly since?: number; readonly why: string };

/** The moment a node counts as lost, `undefined` when it is Ready or its readiness has no timestamp. */
export function nodeLostAt(node: KubeObject, nodeLostAfterMs: number): number | undefined {
  const ready = conditionOf(node, 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  const since = timeOf(ready.lastTransitionTime);
  return since === undefined ? undefined : since + nodeLostAfterMs;
}

function podState(pod: KubeObject, observed: Observed, now: number, config: ReconcilerConfig): PodState {
  const nodeName = stringOf(dig(pod, 'spec', 'nodeName'));
  // Without the Node list, a node's state is unknown: its pods count as alive.
  if (nodeName === undefined || observed.unavailable?.includes('nodes')) return { alive: true };
  const node = observed.nodes.get(nodeName);
  if (!node) return { alive: false, why: `node ${nodeName} no longer exists` };
  const lostAt = nodeLostAt(node, config.nodeLostAfterMs);
  if (lostAt === undefined) return { alive: true };
  if (lostAt > now) return { alive: true, until: lostAt };
  return { alive: false, since: lostAt, why: `node ${nodeName} is not Ready` };
}

/** The Job's pods among `pods` (a pod labelled for another Job uid is ignored). */
export function podsOf(job: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const uid = dig(job, 'metadata', 'uid');
  return pods.filter((pod) => {
    const labels = labelsOf(pod);
    const podUid = CONTROLLER_UID_LABELS.map((k) => labels[k]).find((v) => v !== undefined);
    return uid === undefined || podUid === undefined || podUid === uid;
  });
}

/** True when the pod has not terminated. */
function isLive(pod: KubeObject): boolean {
  const phase = dig(pod, 'status', 'phase');
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** Every timestamp an object shows: creation, start, deletion and condition changes. */
export function evidenceTimes(obj: KubeObject): Array<number | undefined> {
  return [
    timeOf(dig(obj, 'metadata', 'creationTimestamp')),
    timeOf(dig(obj, 'metadata', 'deletionTimestamp')),
    timeOf(dig(obj, 'status', 'startTime')),
    timeOf(dig(obj, 'status', 'completionTime')),
    ...arrayOf(dig(obj, 'status', 'conditions')).flatMap((c) => [timeOf(dig(c, 'lastTransitionTime')), timeOf(dig(c, 'lastProbeTime'))]),
  ];
}

/** True when the Job is one the stuck check applies to: running, not suspended, counting active pods. */
function countsActive(job: KubeObject): boolean {
  return !isFinishedJob(job) && dig(job, 'spec', 'suspend') !== true && (numberOf(dig(job, 'status', 'active')) ?? 0) > 0;
}

/** The stuck check on a Job: a `JobStuck` finding, or when it would flip. */
export function detectStuckJob(observed: Observed, now: number, config: ReconcilerConfig): Outcome {
  const job = observed.object;
  if (!job || !countsActive(job)) return {};
  const pods = podsOf(job, observed.pods);
  const states = pods.filter(isLive).map((pod) => podState(pod, observed, now, config));
  if (states.some((s) => s.alive && s.until === undefined)) return {};
  const pending = states.flatMap((s) => (s.alive && s.until !== undefined ? [s.until] : []));
  if (pending.length > 0) return { wakeAt: Math.min(...pending) };
  const lost = states.flatMap((s) => (s.alive ? [] : [s]));
  const evidence = latest([...evidenceTimes(job), ...pods.flatMap(evidenceTimes), ...lost.map((s) => s.since)]);
  if (evidence === undefined) return {};
  const stuckAt = evidence + config.stuckAfterMs;
  if (now < stuckAt) return { wakeAt: stuckAt };
  const why = lost.length === 0 ? 'none of its pods is running or pending' : `its pods are on lost nodes (${[...new Set(lost.map((s) => s.why))].join(', ')})`;
  const finding = clusterFinding(JOB_STUCK, {
    path: 'status.active',
    problem: `counts active pods but ${why}, with no sign of progress since ${new Date(evidence).toISOString()}`,
    got: String(dig(job, 'status', 'active')),
  });
  return { findings: [finding] };
}
