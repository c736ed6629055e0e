/**
 * The API side of the reconcile benchmark: `node --import tsx emulator-child.ts <jobs>` starts
 * the in-repo API emulator on 127.0.0.1, stores that many clean Jobs, and answers the parent's
 * messages:
 *   { cmd: 'stats' }                       → request counts since the last reset, Events stored
 *   { cmd: 'resetStats' }
 *   { cmd: 'load', rate, seconds, every }   → creates `rate` Jobs per second for `seconds`, one in
 *                                            `every` missing its TTL (a hygiene warning), and
 *                                            answers the latency from each such Job's creation
 *                                            to the first Event about it (ms)
 *   { cmd: 'close' }
 * Jobs are created through the store (no HTTP), so the emulator's clock times both ends.
 */
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../reconciler/src/emulator/server.ts';
import type { StoreEvent } from '../reconciler/src/emulator/types.ts';
import { jobPod, managedJob, succeededPodStatus } from './lib/manifests.ts';

const count = Number(process.argv[2]);
const podsPerJob = Number(process.argv[3] ?? 0);
const kubernetesVersion = process.argv[4] ?? '1.31';
const NAMESPACE = 'default';
const emu = await startEmulator({ kubernetesVersion });
const finishedAt = new Date(Date.now() - 60_000).toISOString();
// The same objects the generator loads into a real API server (load-cluster.ts).
for (let i = 0; i < count; i++) {
  const job = emu.store.create(managedJob(`job-${i}`, NAMESPACE, i) as never) as unknown as { metadata: { name: string; uid: string } };
  for (let k = 0; k < podsPerJob; k++) {
    const pod = jobPod({ name: job.metadata.name, uid: job.metadata.uid, namespace: NAMESPACE }, i, k);
    pod.status = succeededPodStatus(new Date(Date.now() - 600_000 + k * 1000).toISOString(), finishedAt, i);
    emu.store.create(pod as never);
  }
}

function eventsStored(): number {
  return emu.store.list('Event').length;
}

function load(rate: number, seconds: number, every: number): Promise<{ latenciesMs: number[]; violating: number; created: number }> {
  const createdAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  const stopWatching = emu.store.watch((e: StoreEvent) => {
    if (e.type !== 'ADDED' || e.object.kind !== 'Event') return;
    const o = e.object as { regarding?: { name?: string }; involvedObject?: { name?: string } };
    const name = o.regarding?.name ?? o.involvedObject?.name ?? '';
    const at = createdAt.get(name);
    if (at === undefined) return;
    latenciesMs.push(performance.now() - at);
    createdAt.delete(name);
  });
  const total = rate * seconds;
  let created = 0;
  let violating = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const finish = (): void => {
      stopWatching();
      resolve({ latenciesMs, violating, created });
    };
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; created < due; created++) {
        const name = `load-${created}`;
        const bad = created % every === 0;
        if (bad) {
          violating++;
          createdAt.set(name, performance.now());
        }
        emu.store.create(managedJob(name, NAMESPACE, created, bad) as never);
      }
      if (created < total) return;
      clearInterval(tick);
      // Give the last Events up to 10 s to arrive; what never arrives is reported as missing.
      const deadline = performance.now() + 10_000;
      const wait = setInterval(() => {
        if (createdAt.size > 0 && performance.now() < deadline) return;
        clearInterval(wait);
        finish();
      }, 20);
    }, 5);
  });
}

process.on('message', async (m: { cmd: string; rate?: number; seconds?: number; every?: number }) => {
  if (m.cmd === 'stats') process.send!({ stats: emu.stats(), events: eventsStored(), jobs: emu.store.list('Job').length });
  if (m.cmd === 'resetStats') {
    emu.resetStats();
    process.send!({ ok: true });
  }
  if (m.cmd === 'load') process.send!(await load(m.rate!, m.seconds!, m.every!));
  if (m.cmd === 'close') {
    await emu.close();
    process.disconnect?.();
  }
});
process.send!({ kubeconfig: emu.kubeconfigYaml(), url: emu.url });
