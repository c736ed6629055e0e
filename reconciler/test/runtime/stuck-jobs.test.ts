/**
 * The controller in-process against the emulator and the simulated control plane, on simulated
 * time: a node dies under a running Job, the Job is reported stuck and, in enforce mode, rerun
 * exactly once, also across a restart of the reconciler.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultConfig } from '../../src/core/config.ts';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import { Controller } from '../../src/runtime/controller.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { ManualClock } from '../../src/sim/clock.ts';
import { startSimulation, type Simulation } from '../../src/sim/simulation.ts';
import { waitFor } from './wait.ts';

const MINUTE = 60_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Cluster {
  clock: ManualClock;
  store: MemoryStore;
  emu: Emulator;
  sim: Simulation;
}

async function cluster(): Promise<Cluster> {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const emu = await startEmulator({ store });
  const sim = startSimulation({ store, clock, seed: 3 });
  cleanups.push(() => emu.close(), () => sim.stop());
  return { clock, store, emu, sim };
}

function controller(c: Cluster): Controller {
  const kc = new KubeConfig();
  kc.loadFromString(c.emu.kubeconfigYaml());
  const ctl = new Controller({
    port: new KubeClient(kc),
    config: defaultConfig({ mode: 'enforce', kubernetesVersion: '1.31', rerunStuckJobs: true }),
    now: () => c.clock.now(),
    reflectorTimings: { backoffBaseMs: 10, backoffMaxMs: 50 },
    queue: { baseDelayMs: 5, maxDelayMs: 50 },
  });
  cleanups.push(() => ctl.stop());
  return ctl;
}

function longJob(): never {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'backup', namespace: 'ops' },
    spec: {
      ttlSecondsAfterFinished: 3600,
      activeDeadlineSeconds: 86_400,
      template: {
        metadata: { annotations: { 'sandbox.batch.cdk8s.io/duration': '6h' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
      },
    },
  } as never;
}

function reruns(c: Cluster): string[] {
  return c.store.list('Job', 'ops').map((j) => j.metadata.name).filter((n) => n !== 'backup');
}

describe('stuck Jobs on simulated time', () => {
  it('reports a Job whose pod sits on a lost node as stuck and reruns it once', async () => {
    // GIVEN a running Job
    const c = await cluster();
    c.store.create(longJob());
    c.clock.advance(30_000);
    const pod = c.store.list('Pod', 'ops')[0];
    assert.equal(pod.status?.phase, 'Running');
    const ctl = controller(c);
    ctl.start();
    await ctl.waitForSync();
    // WHEN its node dies and simulated time passes the node-lost and stuck thresholds
    c.sim.killNode(pod.spec.nodeName);
    c.clock.advance(20 * MINUTE);
    ctl.resync();
    // THEN the Job is reported stuck and rerun with a deterministic name
    await waitFor(() => reruns(c).length === 1, 20_000, 'a rerun Job');
    await waitFor(() => ctl.objectReports().some((r) => r.ref.name === 'backup' && r.violations.some((v) => v.code === 'JobStuck')));
    assert.ok(c.store.list('Event', 'ops').some((e) => (e as { reason?: string }).reason === 'JobStuck'));
    // WHEN it is decided again (a resync, or a restarted reconciler)
    await ctl.stop();
    const again = controller(c);
    again.start();
    await again.waitForSync();
    again.resync();
    await waitFor(() => again.queue.length === 0 && again.queue.inFlight === 0);
    // THEN there is still exactly one rerun
    assert.equal(reruns(c).length, 1);
    assert.deepEqual(c.emu.requests().filter((r) => [400, 415, 422].includes(r.status ?? 0)), []);
  });
});
