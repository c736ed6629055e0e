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
import { cleanJob, warningJob } from './lib/manifests.ts';

const count = Number(process.argv[2]);
const NAMESPACE = 'default';
const emu = await startEmulator({ kubernetesVersion: '1.31' });
for (let i = 0; i < count; i++) emu.store.create(cleanJob(`job-${i}`, NAMESPACE, i) as never);

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
        emu.store.create((bad ? warningJob : cleanJob)(name, NAMESPACE, created) as never);
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
