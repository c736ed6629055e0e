// The simulated side of a scenario: the emulator's store and the simulated controllers on a ManualClock.
import { MemoryStore } from '../../src/emulator/store.ts';
import type { NewObject, StoredObject } from '../../src/emulator/types.ts';
import { CONTROLLER_UID_LABEL, DEFAULT_START, ManualClock, startSimulation, type Simulation } from '../../src/sim/index.ts';
import { DELETE_WAIT_MS, deletingWithPods, eventsOf, jobsOf, observeCronJob, observeDeleted, observeJob, observeSettled, podsOf, podsSettled, runIsOver, type Outcome } from './observe.ts';
import { DIFF_NAMESPACE, deletionObserved, lastScheduleTimeFor, podToEvict, type Scenario, type TimedAction } from './scenarios.ts';

/** Simulated time a scenario may take before the run is abandoned. */
export const SIM_LIMIT_MS = 900_000;
const STEP_MS = 100;
/** How long a finished Job's pods may take to stop terminating before they are observed as they are. */
export const SETTLE_LIMIT_MS = 60_000;
/** How long after a CronJob's run is over it is observed (the real side's event lag). */
const CRONJOB_SETTLE_MS = 2_000;

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object' && out[key] !== null) {
      out[key] = mergePatch(out[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/** Carries out a timed action: a merge patch of the target, its lastScheduleTime, or the eviction of its first running pod. */
function act(action: TimedAction, { store, sim, target, now }: { store: MemoryStore; sim: Simulation; target: StoredObject; now: number }): void {
  if ('patch' in action) {
    store.replace(mergePatch(target, action.patch) as StoredObject);
    return;
  }
  if ('delete' in action) {
    store.delete(target.kind, DIFF_NAMESPACE, target.metadata.name, { propagationPolicy: action.delete });
    return;
  }
  if ('lastScheduleTimeAgoMs' in action) {
    store.replace(mergePatch(target, { status: { lastScheduleTime: lastScheduleTimeFor(action, now) } }) as StoredObject, { subresource: 'status' });
    return;
  }
  const pod = podToEvict(store.list('Pod', DIFF_NAMESPACE, { [CONTROLLER_UID_LABEL]: target.metadata.uid }));
  if (!pod) throw new Error(`${target.metadata.name}: no running pod to evict`);
  sim.evictPod(DIFF_NAMESPACE, pod.metadata.name);
}

/** Runs a scenario on the simulation and returns its outcome (throws when it never settles). */
export function runSimulated(scenario: Scenario, kubernetesVersion: string, seed = 1): Outcome {
  const clock = new ManualClock(scenario.startAtSecond === undefined ? DEFAULT_START : DEFAULT_START + scenario.startAtSecond * 1000);
  const store = new MemoryStore({ clock, kubernetesVersion });
  const sim = startSimulation({ store, clock, seed });
  try {
    const start = clock.now();
    const { kind, name } = { kind: String(scenario.manifest.kind), name: String(scenario.manifest.metadata?.name) };
    const current = (): StoredObject => store.get(kind, DIFF_NAMESPACE, name)!;
    const jobs = (): StoredObject[] => (kind === 'CronJob' ? jobsOf(current(), store.list('Job', DIFF_NAMESPACE)) : []);
    const created = store.create(scenario.manifest as NewObject);
    clock.flush();
    const pending = [...(scenario.actions ?? [])].sort((a, b) => a.atMs - b.atMs);
    let waitedForPods = false;
    let deletedAt: number | undefined;
    const done = (): boolean => (scenario.observeAtMs === undefined ? pending.length === 0 && runIsOver(current(), jobs(), scenario.finishedJobs) : clock.now() - start >= scenario.observeAtMs);
    while (!done()) {
      if (clock.now() - start > SIM_LIMIT_MS) throw new Error(`${scenario.name}: not settled within ${SIM_LIMIT_MS} ms of simulated time`);
      clock.advance(STEP_MS);
      while (pending.length > 0 && clock.now() - start >= pending[0].atMs) {
        const action = pending.shift()!;
        if ('delete' in action) deletedAt = clock.now();
        act(action, { store, sim, target: current(), now: clock.now() });
        clock.flush();
      }
      const live = store.get(kind, DIFF_NAMESPACE, name);
      const waiting = deletedAt !== undefined && clock.now() - deletedAt >= DELETE_WAIT_MS;
      if (live && waiting && deletingWithPods(live, store.list('Pod', DIFF_NAMESPACE))) waitedForPods = true;
    }
    if (sim.errors.length > 0) throw new Error(`${scenario.name}: controller errors: ${sim.errors.map((e) => String(e.error)).join('; ')}`);
    if (!store.get(kind, DIFF_NAMESPACE, name)) return observeDeleted(created, store.list('Pod', DIFF_NAMESPACE), deletionObserved(scenario, waitedForPods));
    const target = current();
    if (kind === 'CronJob') {
      // As the real side, which reads the CronJob again 2 s after its run is over.
      clock.advance(CRONJOB_SETTLE_MS);
      return { ...observeCronJob(current(), jobs()), events: eventsOf(target.metadata.uid, store.list('Event', DIFF_NAMESPACE)) };
    }
    const outcome = observeJob(target);
    if (scenario.observeAtMs !== undefined) return outcome;
    // What the finished Job leaves behind, once its pods stopped terminating.
    const pods = (): StoredObject[] => podsOf(target, store.list('Pod', DIFF_NAMESPACE));
    for (let waited = 0; !podsSettled(pods()) && waited < SETTLE_LIMIT_MS; waited += STEP_MS) clock.advance(STEP_MS);
    return { ...outcome, settled: observeSettled(current(), pods(), store.list('Event', DIFF_NAMESPACE)) };
  } finally {
    sim.stop();
  }
}
