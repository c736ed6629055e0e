/**
 * The reconciler side of the reconcile benchmark: `node --import tsx reconciler-child.ts
 * <kubeconfig> <jobs> [timings.json]` runs the reconciler `Controller` (audit mode, the real
 * client-node `KubeClient`) against the emulator and tells the parent:
 *   { evaluatedMs, syncedMs, baselineRssMb, rssMb, heapMb, peakRssMb }  once every one of the `<jobs>` Jobs
 *   was decided once, timed from `controller.start()` (`syncedMs`: until every cache had synced) (baseline: RSS before the start, modules
 *   loaded), plus `retainedHeapMb`: the heap after a full GC (run with --expose-gc), and `memory`:
 *   `process.memoryUsage()` (rss, heap total and used, external, arrayBuffers) at its highest
 *   during the first evaluation (sampled every 100 ms), when the caches synced, when the last Job
 *   was decided, after that full GC, and once a second from the start
 * and answers { cmd: 'sample' } with { rssMb, peakRssMb, cpuMs, decisions }, { cmd: 'requests' } with the
 * requests it sent (counted at its `KubePort`, by method and kind), { cmd: 'gcSample' } with RSS
 * and heap after a full GC, { cmd: 'window' } with the highest RSS (sampled every 100 ms) and the
 * event-loop delay (p99 and max: how long a watch event could wait for its handler) since the last
 * window, and { cmd: 'stop' }. `[timings.json]` may be `-` (defaults);
 * `[version]` is the Kubernetes minor the rules run for (default 1.31).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { KubeClient, loadKubeConfig } from '../reconciler/src/adapters/kube-client.ts';
import { defaultConfig } from '../reconciler/src/core/config.ts';
import { decide } from '../reconciler/src/core/decide.ts';
import type { Decision, Observed, ReconcilerConfig } from '../reconciler/src/core/types.ts';
import { Controller } from '../reconciler/src/runtime/controller.ts';
import { peakRssMb } from './lib/measure.ts';

const [kubeconfig, expected, timings, kubernetesVersion] = [process.argv[2], Number(process.argv[3]), process.argv[4], process.argv[5] ?? '1.31'];
const client = new KubeClient(loadKubeConfig({ kubeconfig, env: {} }));

/** Requests sent by the reconciler, by `method kind` (a watch or streaming list counts once, when it opens). */
const requests: Record<string, number> = {};
for (const method of ['list', 'streamList', 'watch', 'get', 'create', 'mergePatch', 'replace', 'delete'] as const) {
  const original = (client[method] as (...a: unknown[]) => unknown).bind(client);
  (client as unknown as Record<string, unknown>)[method] = (...a: unknown[]): unknown => {
    const key = `${method} ${String(a[0])}`;
    requests[key] = (requests[key] ?? 0) + 1;
    return original(...a);
  };
}

const decided = new Set<string>();
let decisions = 0;
let start = 0;
let syncedMs = 0;
function countingDecide(observed: Observed, now: number, config: ReconcilerConfig): Decision {
  decisions++;
  if (observed.ref.kind === 'Job' && decided.size < expected) {
    decided.add(observed.ref.name);
    if (decided.size === expected) {
      const atEvaluated = memory();
      const { rss, heapUsed } = atEvaluated;
      const evaluatedMs = performance.now() - start;
      clearInterval(startupSampler);
      setImmediate(() => {
        const peak = peakRssMb();
        globalThis.gc?.(); // with --expose-gc: what the caches really hold, garbage collected
        const afterGc = memory();
        const retainedHeapMb = afterGc.heapUsed;
        const startupMemory = { highest: startupPeaks, atSynced, atEvaluated, afterGc, timeline: startupTimeline };
        process.send!({ evaluatedMs, syncedMs, baselineRssMb, rssMb: rss, heapMb: heapUsed, peakRssMb: peak, retainedHeapMb, memory: startupMemory });
      });
    }
  }
  return decide(observed, now, config);
}

const controller = new Controller({
  port: client,
  config: defaultConfig({ mode: 'audit', kubernetesVersion }),
  decide: countingDecide,
  reflectorTimings: timings && timings !== '-' ? JSON.parse(timings) : undefined,
});

/** RSS sampled every 100 ms and the event-loop delay, per window between two `window` asks. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let windowMaxRss = 0;
setInterval(() => (windowMaxRss = Math.max(windowMaxRss, process.memoryUsage.rss())), 100).unref();
function takeWindow(): { maxRssMb: number; loopDelayP99Ms: number; loopDelayMaxMs: number } {
  const out = { maxRssMb: mb(Math.max(windowMaxRss, process.memoryUsage.rss())), loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
  windowMaxRss = 0;
  loopDelay.reset();
  return out;
}

process.on('message', async (m: { cmd: string }) => {
  if (m.cmd === 'sample') {
    const cpu = process.cpuUsage();
    process.send!({ rssMb: process.memoryUsage().rss / 1024 / 1024, peakRssMb: peakRssMb(), cpuMs: (cpu.user + cpu.system) / 1000, decisions });
  }
  if (m.cmd === 'requests') process.send!({ requests: { ...requests } });
  if (m.cmd === 'window') process.send!(takeWindow());
  if (m.cmd === 'gcSample') {
    globalThis.gc?.();
    process.send!({ rssMb: mb(process.memoryUsage().rss), heapAfterGcMb: mb(process.memoryUsage().heapUsed), queue: controller.queue.length, decisions });
  }
  if (m.cmd === 'heapSnapshot') process.send!({ file: writeHeapSnapshot((m as { file?: string }).file) });
  if (m.cmd === 'stop') {
    await controller.stop();
    process.disconnect?.();
  }
});

const mb = (bytes: number): number => bytes / 1024 / 1024;

/**
 * `process.memoryUsage()` in MB: rss, the V8 heap (total, used), `external` (memory of C++
 * objects bound to JavaScript ones, Buffers included) and of it `arrayBuffers` (the backing
 * stores of Buffers and ArrayBuffers).
 */
type Memory = Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>;
function memory(): Memory {
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
}
/** During the first evaluation: the highest of each figure (sampled every 100 ms), and one sample a second. */
const startupPeaks: Memory = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const startupTimeline: Array<Memory & { atS: number }> = [];
let atSynced: Memory | undefined;
let lastTimelineAt = -1;
const startupSampler = setInterval(() => {
  const m = memory();
  for (const k of Object.keys(startupPeaks) as Array<keyof Memory>) startupPeaks[k] = Math.max(startupPeaks[k], m[k]);
  const atS = Math.floor((performance.now() - start) / 1000);
  if (atS > lastTimelineAt) startupTimeline.push({ atS, ...m });
  lastTimelineAt = atS;
}, 100);

const baselineRssMb = mb(process.memoryUsage().rss);
start = performance.now();
controller.start();
// When every cache had synced: the list part of the first evaluation, the rest is deciding.
void controller.waitForSync().then(() => {
  syncedMs = performance.now() - start;
  atSynced = memory();
});
