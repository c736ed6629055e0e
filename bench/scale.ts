/**
 * Scale benchmark: the reconciler (esbuild bundle on plain Node, audit mode, real client-node
 * `KubeClient`) against the in-repo API emulator and against a real API server, side by side in
 * one run, with the same Jobs and pods on both:
 *
 *   node --import tsx load-cluster.ts <kubeconfig> <jobs> 3 64 0 --pod-status   # once, loads the real server
 *   node --import tsx scale.ts --kubeconfig <kubeconfig> [--jobs 100000] [--pods 3] [--rate 1000]
 *        [--seconds 10] [--window 30] [--soak 600] [--every 200] [--sides emulator,real]
 *        [--resync-seconds 600] [--relist-seconds 0]
 *
 * For each side: the reconciler starts; time until every Job stored was decided once (caches
 * synced and first evaluation), RSS, heap after a full GC, `process.memoryUsage()` during it
 * (highest, at sync, at the end, after the GC), the requests it sent (counted at its
 * `KubePort`); a steady window with nothing changing (writes must be 0); a generator on
 * 127.0.0.1 creating Jobs over HTTP at `--rate` per second (one in `--every`, default 200, missing
 * its TTL, a hygiene warning: 5 Events/s at 1,000 Jobs/s, within the reconciler's default write
 * budget of 10/s) with at most 256 creates waiting, and the latency from each such Job's create request
 * to the reconciler's Event about it, watched on events.k8s.io/v1; then a soak of `--soak`
 * seconds with a slow churn (5 Jobs/s created, one in 5 violating, each deleted 20 s later),
 * sampled every 30 s: RSS and heap after a full GC, and for the 30 s since the last sample the
 * highest RSS (sampled every 100 ms), the event-loop delay (p99, max), the requests sent, the
 * decisions made and the violation → Event latencies. The reflector resyncs every
 * `--resync-seconds` (default 600, the reconciler's default) and relists on a timer every
 * `--relist-seconds` (default 0: never, the reconciler's default); with a short period a resync
 * falls inside a short soak. On a real cluster the generator's Jobs are deleted again at the end
 * (the soak deletes its own), so that runs one after another find the same Jobs.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundle } from './lib/bundle.ts';
import { KubeHttp } from './lib/kube-http.ts';
import { managedJob } from './lib/manifests.ts';
import { fixed, machine, quantile, table } from './lib/measure.ts';
import { Child, sleep } from './reconcile.ts';

const VERSION = '1.37';
const NAMESPACE = 'default';
const WRITES = ['create', 'mergePatch', 'replace', 'delete'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const opts = {
  kubeconfig: arg('kubeconfig', ''),
  jobs: Number(arg('jobs', '100000')),
  pods: Number(arg('pods', '3')),
  rate: Number(arg('rate', '1000')),
  seconds: Number(arg('seconds', '10')),
  window: Number(arg('window', '30')),
  soak: Number(arg('soak', '600')),
  every: Number(arg('every', '200')),
  sides: arg('sides', 'emulator,real').split(','),
  resyncSeconds: Number(arg('resync-seconds', '600')),
  relistSeconds: Number(arg('relist-seconds', '0')),
};

/** The reflector timings for the reconciler: `-` (its defaults) unless a period was set. */
function timings(): string {
  const t: Record<string, number> = {};
  if (opts.resyncSeconds !== 600) t.resyncMs = opts.resyncSeconds * 1000;
  if (opts.relistSeconds !== 0) t.relistMs = opts.relistSeconds * 1000;
  return Object.keys(t).length ? JSON.stringify(t) : '-';
}

interface Evaluated {
  readonly evaluatedMs: number;
  /** Until every cache had synced (the lists); the rest of `evaluatedMs` is deciding. */
  readonly syncedMs: number;
  readonly baselineRssMb: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly peakRssMb: number;
  readonly retainedHeapMb: number;
  readonly memory: StartupMemory;
}
type Memory = Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>;
/** `process.memoryUsage()` in MB during the first evaluation (`reconciler-child.ts`). */
interface StartupMemory {
  readonly highest: Memory;
  readonly atSynced?: Memory;
  readonly atEvaluated: Memory;
  readonly afterGc: Memory;
  readonly timeline: Array<Memory & { atS: number }>;
}
type Requests = Record<string, number>;
interface GcSample {
  readonly rssMb: number;
  readonly heapAfterGcMb: number;
  readonly queue: number;
  readonly decisions: number;
}
interface Window {
  readonly maxRssMb: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}
interface SoakSample extends GcSample, Window {
  readonly atS: number;
  readonly loadavg: string;
  /** In the 30 s before this sample. */
  readonly requests: Requests;
  readonly decided: number;
  readonly latenciesMs: number[];
}
interface Load {
  readonly attemptedRate: number;
  /** Create requests sent (the Jobs named `<prefix>-0` … `<prefix>-<issued - 1>`). */
  readonly issued: number;
  readonly created: number;
  readonly achievedRate: number;
  readonly createP50: number;
  readonly createP99: number;
  readonly violating: number;
  readonly latenciesMs: number[];
  readonly loadavg: string;
}
interface SideResult {
  readonly side: string;
  readonly jobs: number;
  readonly pods: number;
  readonly evaluated: Evaluated;
  readonly startup: Requests;
  readonly steady: Requests;
  readonly load: Load;
  readonly soak: SoakSample[];
  readonly loadavg: string;
}

const loadavg = async (): Promise<string> => (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');

function diff(after: Requests, before: Requests): Requests {
  const out: Requests = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
const summarise = (r: Requests): string => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
const writes = (r: Requests): number => Object.entries(r).filter(([k]) => WRITES.includes(k.split(' ')[0])).reduce((s, [, v]) => s + v, 0);

/** How many objects of a list path the server holds (one item asked, `remainingItemCount` read). */
async function count(http: KubeHttp, path: string): Promise<number> {
  const r = await http.request('GET', `${path}?limit=1`);
  return (r.body.items?.length ?? 0) + (r.body.metadata?.remainingItemCount ?? 0);
}

/** Jobs at `rate`/s for `seconds` over HTTP, one in `every` violating; latency create request → Event. */
async function generate(http: KubeHttp, prefix: string, rate: number, seconds: number, every: number): Promise<Load> {
  const rv = (await http.request('GET', `/apis/events.k8s.io/v1/namespaces/${NAMESPACE}/events?limit=1`)).body.metadata?.resourceVersion;
  const sentAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  const watch = http.watch(`/apis/events.k8s.io/v1/namespaces/${NAMESPACE}/events?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, (e) => {
    if (e.type !== 'ADDED') return;
    const name = e.object.regarding?.name ?? '';
    const at = sentAt.get(name);
    if (at === undefined) return;
    latenciesMs.push(performance.now() - at);
    sentAt.delete(name);
  });
  await sleep(500);
  const total = rate * seconds;
  const createMs: number[] = [];
  let issued = 0;
  let done = 0;
  let violating = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      // Bounded: at most 256 creates waiting for an answer.
      for (; issued < due && issued - done < 256; issued++) {
        const name = `${prefix}-${issued}`;
        const bad = issued % every === 0;
        const t0 = performance.now();
        if (bad) {
          violating++;
          sentAt.set(name, t0);
        }
        void http.request('POST', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, managedJob(name, NAMESPACE, issued, bad)).then((r) => {
          done++;
          if (r.status >= 300) process.stderr.write(`create ${name}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}\n`);
          createMs.push(performance.now() - t0);
        });
      }
      if (issued >= total && done >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  const elapsedS = (performance.now() - start) / 1000;
  const avg = await loadavg();
  const deadline = performance.now() + 15_000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(50);
  watch.stop();
  return {
    attemptedRate: rate,
    issued,
    created: done,
    achievedRate: done / elapsedS,
    createP50: quantile(createMs, 0.5),
    createP99: quantile(createMs, 0.99),
    violating,
    latenciesMs,
    loadavg: avg,
  };
}

/**
 * Soak: slow churn (5 Jobs/s, one in 5 violating, each deleted 20 s later), samples every 30 s,
 * each with what happened in the 30 s before it.
 */
async function soak(http: KubeHttp, rec: Child, prefix: string, seconds: number): Promise<SideResult['soak']> {
  const samples: SideResult['soak'] = [];
  const rv = (await http.request('GET', `/apis/events.k8s.io/v1/namespaces/${NAMESPACE}/events?limit=1`)).body.metadata?.resourceVersion;
  const sentAt = new Map<string, number>();
  let latenciesMs: number[] = [];
  const watch = http.watch(`/apis/events.k8s.io/v1/namespaces/${NAMESPACE}/events?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, (e) => {
    const at = e.type === 'ADDED' ? sentAt.get(e.object.regarding?.name ?? '') : undefined;
    if (at === undefined) return;
    latenciesMs.push(performance.now() - at);
    sentAt.delete(e.object.regarding?.name ?? '');
  });
  const start = performance.now();
  let i = 0;
  const churn = setInterval(() => {
    for (let k = 0; k < 5; k++, i++) {
      const n = i;
      const bad = n % 5 === 0;
      if (bad) sentAt.set(`${prefix}-${n}`, performance.now());
      void http.request('POST', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, managedJob(`${prefix}-${n}`, NAMESPACE, n, bad));
      if (n >= 100) void http.request('DELETE', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${prefix}-${n - 100}?propagationPolicy=Background`);
    }
  }, 1000);
  let before = (await rec.ask<{ requests: Requests }>({ cmd: 'requests' })).requests;
  let decisions: number | undefined;
  await rec.ask<Window>({ cmd: 'window' });
  const sample = async (): Promise<void> => {
    const window = await rec.ask<Window>({ cmd: 'window' });
    const s = await rec.ask<GcSample>({ cmd: 'gcSample' });
    const now = (await rec.ask<{ requests: Requests }>({ cmd: 'requests' })).requests;
    samples.push({ ...s, ...window, atS: Math.round((performance.now() - start) / 1000), loadavg: await loadavg(), requests: diff(now, before), decided: s.decisions - (decisions ?? s.decisions), latenciesMs });
    [before, decisions, latenciesMs] = [now, s.decisions, []];
    process.stderr.write(`soak ${prefix}: ${JSON.stringify({ ...samples.at(-1), latenciesMs: undefined, maxLatencyMs: Math.max(0, ...samples.at(-1)!.latenciesMs) })}\n`);
  };
  while (performance.now() - start < seconds * 1000) {
    await sample();
    await sleep(30_000);
  }
  clearInterval(churn);
  await sample();
  watch.stop();
  for (let n = Math.max(0, i - 100); n < i; n++) await http.request('DELETE', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${prefix}-${n}?propagationPolicy=Background`);
  return samples;
}

/** Deletes the named Jobs of the namespace, 64 at a time; one already gone is no failure. */
async function deleteJobs(http: KubeHttp, names: string[]): Promise<void> {
  let failed = 0;
  for (let i = 0; i < names.length; i += 64) {
    const answers = await Promise.all(names.slice(i, i + 64).map((name) => http.request('DELETE', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${name}?propagationPolicy=Background`)));
    failed += answers.filter((r) => r.status >= 300 && r.status !== 404).length;
  }
  process.stderr.write(`deleted the generator's ${names.length - failed} Jobs${failed ? `; ${failed} deletes failed` : ''}\n`);
}

async function runSide(side: string, reconciler: string, dir: string): Promise<SideResult> {
  let emu: Child | undefined;
  let kubeconfig = opts.kubeconfig;
  if (side === 'emulator') {
    emu = new Child('emulator-child.ts', [String(opts.jobs), String(opts.pods), VERSION]);
    const { kubeconfig: yaml } = await emu.next<{ kubeconfig: string }>();
    kubeconfig = `${dir}/kubeconfig-scale-emulator.yaml`;
    writeFileSync(kubeconfig, yaml);
  }
  const http = new KubeHttp(kubeconfig, 64);
  const jobs = await count(http, `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`);
  const pods = await count(http, `/api/v1/namespaces/${NAMESPACE}/pods`);
  process.stderr.write(`${side}: ${jobs} Jobs, ${pods} pods stored; load average ${await loadavg()}\n`);
  const avg = await loadavg();
  const rec = new Child(reconciler, [kubeconfig, String(jobs), timings(), VERSION]);
  const evaluated = await rec.next<Evaluated>();
  process.stderr.write(`${side}: evaluated ${JSON.stringify({ ...evaluated, memory: { ...evaluated.memory, timeline: undefined } })}\n`);
  await sleep(2000);
  const startup = (await rec.ask<{ requests: Requests }>({ cmd: 'requests' })).requests;
  const steady = diff((await sleep(opts.window * 1000), (await rec.ask<{ requests: Requests }>({ cmd: 'requests' })).requests), startup);
  const prefix = `load-${side}-${Date.now().toString(36)}`;
  const load = await generate(http, prefix, opts.rate, opts.seconds, opts.every);
  process.stderr.write(`${side}: load ${JSON.stringify({ ...load, latenciesMs: load.latenciesMs.length, p99: quantile(load.latenciesMs, 0.99) })}\n`);
  const soakSamples = await soak(http, rec, `soak-${side}-${Date.now().toString(36)}`, opts.soak);
  await rec.end({ cmd: 'stop' });
  // The generator's Jobs go again (the soak deletes its own), so that the next run on the same
  // cluster finds the Jobs it was loaded with; the emulator is discarded whole.
  if (!emu) await deleteJobs(http, Array.from({ length: load.issued }, (_, n) => `${prefix}-${n}`));
  if (emu) await emu.end({ cmd: 'close' });
  http.close();
  return { side, jobs, pods, evaluated, startup, steady, load, soak: soakSamples, loadavg: avg };
}

function report(results: SideResult[]): string {
  const first = table(
    ['side', 'Jobs', 'pods', 'first full evaluation s', 'of which lists s', 'RSS then MB', 'heap then MB', 'heap after GC MB', 'peak RSS MB', 'requests to get there', 'load average at start'],
    results.map((r) => [r.side, r.jobs, r.pods, fixed(r.evaluated.evaluatedMs / 1000), fixed(r.evaluated.syncedMs / 1000), fixed(r.evaluated.rssMb, 0), fixed(r.evaluated.heapMb, 0), fixed(r.evaluated.retainedHeapMb, 0), fixed(r.evaluated.peakRssMb, 0), summarise(r.startup), r.loadavg]),
  );
  const memoryRow = (side: string, moment: string, m: Memory | undefined): Array<string | number> =>
    [side, moment, ...(['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'] as const).map((k) => (m ? fixed(m[k], 0) : '-'))];
  const memory = table(
    ['side', 'moment', 'RSS MB', 'heap total MB', 'heap used MB', 'external MB', 'of which arrayBuffers MB'],
    results.flatMap((r) => {
      const m = r.evaluated.memory;
      return [memoryRow(r.side, 'highest, sampled every 100 ms', m.highest), memoryRow(r.side, 'caches synced', m.atSynced), memoryRow(r.side, 'first evaluation done', m.atEvaluated), memoryRow(r.side, 'after a full GC', m.afterGc)];
    }),
  );
  const steady = table(['side', `requests in ${opts.window} s`, 'writes'], results.map((r) => [r.side, summarise(r.steady), writes(r.steady)]));
  const latency = table(
    ['side', 'attempted Jobs/s', 'created', 'achieved Jobs/s', 'create p50 / p99 ms', 'violating', 'Events seen', 'p50 ms', 'p99 ms', 'max ms', 'load average'],
    results.map((r) => {
      const l = r.load;
      const q = (x: number): string => (l.latenciesMs.length ? fixed(quantile(l.latenciesMs, x), 0) : '-');
      return [r.side, l.attemptedRate, l.created, fixed(l.achievedRate, 0), `${fixed(l.createP50, 0)} / ${fixed(l.createP99, 0)}`, l.violating, l.latenciesMs.length, q(0.5), q(0.99), l.latenciesMs.length ? fixed(Math.max(...l.latenciesMs), 0) : '-', l.loadavg];
    }),
  );
  const soakTable = table(
    ['side', 'soak s', 'samples', 'RSS first / max / last MB', 'heap after GC first / max / last MB', 'load average at the end'],
    results.map((r) => {
      const s = r.soak;
      const span = (f: (x: GcSample) => number): string => `${fixed(f(s[0]), 0)} / ${fixed(Math.max(...s.map(f)), 0)} / ${fixed(f(s.at(-1)!), 0)}`;
      return [r.side, s.at(-1)!.atS, s.length, span((x) => x.rssMb), span((x) => x.heapAfterGcMb), s.at(-1)!.loadavg];
    }),
  );
  const windows = table(
    ['side', 'at s', 'highest RSS MB', 'RSS / heap after GC MB', 'event-loop delay p99 / max ms', 'decisions', 'requests', 'violation → Event p50 / max ms (Events)', 'load average'],
    results.flatMap((r) =>
      r.soak.map((s) => {
        const l = s.latenciesMs;
        const lat = l.length ? `${fixed(quantile(l, 0.5), 0)} / ${fixed(Math.max(...l), 0)} (${l.length})` : '-';
        return [r.side, s.atS, fixed(s.maxRssMb, 0), `${fixed(s.rssMb, 0)} / ${fixed(s.heapAfterGcMb, 0)}`, `${fixed(s.loopDelayP99Ms, 0)} / ${fixed(s.loopDelayMaxMs, 0)}`, s.decided, summarise(s.requests), lat, s.loadavg];
      }),
    ),
  );
  return ['First full evaluation:', first, 'Memory during the first evaluation (the highest figures need not be simultaneous; one sample a second in results/scale-<side>.json):', memory, 'Steady state:', steady, 'Violation → Event latency:', latency, 'Soak:', soakTable, 'Soak, the 30 s before each sample:', windows].join('\n\n');
}

const dir = fileURLToPath(new URL('./results', import.meta.url));
mkdirSync(dir, { recursive: true });
const reconciler = await bundle('reconciler-child.ts');
console.log(`scale: ${machine()}; ${JSON.stringify(opts)}\n`);
const results: SideResult[] = [];
for (const side of opts.sides) {
  const r = await runSide(side, reconciler, dir);
  writeFileSync(`${dir}/scale-${side}.json`, JSON.stringify(r, null, 1));
  results.push(r);
}
console.log(report(results));
