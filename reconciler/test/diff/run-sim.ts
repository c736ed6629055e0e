// The simulated side of a scenario: the emulator's store and the simulated controllers on a ManualClock.
import { MemoryStore } from '../../src/emulator/store.ts';
import type { NewObject, StoredObject } from '../../src/emulator/types.ts';
import { CONTROLLER_UID_LABEL, ManualClock, startSimulation, type Simulation } from '../../src/sim/index.ts';
import { jobsOf, observeCronJob, observeJob, runIsOver, type Outcome } from './observe.ts';
import { DIFF_NAMESPACE, podToEvict, type Scenario, type TimedAction } from './scenarios.ts';

/** Simulated time a scenario may take before the run is abandoned. */
export const SIM_LIMIT_MS = 900_000;
const STEP_MS = 100;

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

/** Carries out a timed action: a merge patch of the target, or the eviction of its first running pod. */
function act(action: TimedAction, { store, sim, target }: { store: MemoryStore; sim: Simulation; target: StoredObject }): void {
  if ('patch' in action) {
    store.replace(mergePatch(target, action.patch) as StoredObject);
    return;
  }
  const pod = podToEvict(store.list('Pod', DIFF_NAMESPACE, { [CONTROLLER_UID_LABEL]: target.metadata.uid }));
  if (!pod) throw new Error(`${target.metadata.name}: no running pod to evict`);
  sim.evictPod(DIFF_NAMESPACE, pod.metadata.name);
}

/** Runs a scenario on the simulation and returns its outcome (throws when it never settles). */
export function runSimulated(scenario: Scenario, kubernetesVersion: string, seed = 1): Outcome {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock, kubernetesVersion });
  const sim = startSimulation({ store, clock, seed });
  try {
    const start = clock.now();
    const { kind, name } = { kind: String(scenario.manifest.kind), name: String(scenario.manifest.metadata?.name) };
    const current = (): StoredObject => store.get(kind, DIFF_NAMESPACE, name)!;
    const jobs = (): StoredObject[] => (kind === 'CronJob' ? jobsOf(current(), store.list('Job', DIFF_NAMESPACE)) : []);
    store.create(scenario.manifest as NewObject);
    clock.flush();
    const pending = [...(scenario.actions ?? [])].sort((a, b) => a.atMs - b.atMs);
    const done = (): boolean => (scenario.observeAtMs === undefined ? pending.length === 0 && runIsOver(current(), jobs(), scenario.finishedJobs) : clock.now() - start >= scenario.observeAtMs);
    while (!done()) {
      if (clock.now() - start > SIM_LIMIT_MS) throw new Error(`${scenario.name}: not settled within ${SIM_LIMIT_MS} ms of simulated time`);
      clock.advance(STEP_MS);
      while (pending.length > 0 && clock.now() - start >= pending[0].atMs) {
        act(pending.shift()!, { store, sim, target: current() });
        clock.flush();
      }
    }
    if (sim.errors.length > 0) throw new Error(`${scenario.name}: controller errors: ${sim.errors.map((e) => String(e.error)).join('; ')}`);
    return kind === 'CronJob' ? observeCronJob(current(), jobs()) : observeJob(current());
  } finally {
    sim.stop();
  }
}
