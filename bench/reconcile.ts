/**
 * Reconcile benchmark: the reconciler `Controller` with the real `KubeClient` against the in-repo
 * API emulator on 127.0.0.1, each in its own child process (the reconciler bundled with esbuild and
 * run on plain Node, as it ships). For each size N:
 *   1. the emulator stores N clean Jobs; the reconciler starts; time until every Job was decided
 *      once, and the reconciler's resident memory then;
 *   2. steady state: API requests over a window with nothing changing (default reflector
 *      timings), extrapolated to a minute, and the reconciler's CPU time in that window;
 *   3. latency from a violating Job's creation to its Event while Jobs are created at a fixed
 *      rate (one in `every` violating), p50 / p99.
 * A second reconciler runs with the reflector timings shortened (watch timeout 10 s, resync 20 s)
 * so that watch restarts and a full resync fall inside its steady-state window, and a resync
 * falls inside its load.
 *
 *   npm run --prefix bench reconcile [-- --sizes 1000,10000 --window 30]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundle } from './lib/bundle.ts';
import { fixed, machine, options, profileArgv, quantile, table } from './lib/measure.ts';

interface Stats {
  readonly total: number;
  readonly byVerb: Record<string, number>;
  readonly byVerbAndResource: Record<string, number>;
}
interface Sample {
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly cpuMs: number;
  readonly decisions: number;
}
interface Evaluated {
  readonly evaluatedMs: number;
  readonly baselineRssMb: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly peakRssMb: number;
  readonly retainedHeapMb: number;
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const FAST_TIMINGS = { watchTimeoutSeconds: 10, resyncMs: 20_000 };

/** A child process spoken to by messages: `ask` sends one and resolves to the next message back. */
export class Child {
  private readonly proc: ChildProcess;
  private waiting: Array<(m: unknown) => void> = [];
  private readonly exited: Promise<void>;

  /** `script`: a .ts file run with this process's flags (tsx), or an absolute path to a bundle run on plain Node. */
  constructor(script: string, args: string[]) {
    const bundled = script.endsWith('.mjs');
    this.proc = fork(bundled ? script : fileURLToPath(new URL(script, import.meta.url)), args, {
      execArgv: [...(bundled ? ['--expose-gc'] : process.execArgv), ...profileArgv()],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (m) => this.waiting.shift()?.(m));
    this.exited = new Promise((resolve) => this.proc.on('exit', () => resolve()));
  }

  next<T>(): Promise<T> {
    return new Promise((resolve) => this.waiting.push(resolve as (m: unknown) => void));
  }

  ask<T>(message: object): Promise<T> {
    const answer = this.next<T>();
    this.proc.send(message);
    return answer;
  }

  async end(message: object): Promise<void> {
    this.proc.send(message);
    await this.exited;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(stats: Stats): string {
  return Object.entries(stats.byVerbAndResource).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

function writes(stats: Stats): number {
  return WRITE_VERBS.reduce((sum, verb) => sum + (stats.byVerb[verb] ?? 0), 0);
}

/** Requests and reconciler CPU over `seconds` with nothing changing. */
async function steadyWindow(emu: Child, rec: Child, seconds: number): Promise<{ stats: Stats; cpuMs: number; decisions: number }> {
  await emu.ask({ cmd: 'resetStats' });
  const before = await rec.ask<Sample>({ cmd: 'sample' });
  await sleep(seconds * 1000);
  const { stats } = await emu.ask<{ stats: Stats }>({ cmd: 'stats' });
  const after = await rec.ask<Sample>({ cmd: 'sample' });
  return { stats, cpuMs: after.cpuMs - before.cpuMs, decisions: after.decisions - before.decisions };
}

interface SizeResult {
  readonly n: number;
  readonly evaluated: Evaluated;
  readonly startupRequests: Stats;
  readonly eventsAfterFirstPass: number;
  readonly steady: { stats: Stats; cpuMs: number; decisions: number };
  readonly fast: { stats: Stats; cpuMs: number; decisions: number };
  readonly load: { latenciesMs: number[]; violating: number; created: number };
  readonly loadDuringResync: { latenciesMs: number[]; violating: number; created: number };
  readonly afterLoad: Sample;
}

async function startPair(reconciler: string, n: number, kubeconfigFile: string, timings?: object): Promise<{ emu: Child; rec: Child; evaluated: Evaluated; startupRequests: Stats; events: number }> {
  const emu = new Child('emulator-child.ts', [String(n)]);
  const { kubeconfig } = await emu.next<{ kubeconfig: string }>();
  writeFileSync(kubeconfigFile, kubeconfig);
  await emu.ask({ cmd: 'resetStats' });
  const rec = new Child(reconciler, [kubeconfigFile, String(n), ...(timings ? [JSON.stringify(timings)] : [])]);
  const evaluated = await rec.next<Evaluated>();
  await sleep(1000); // let the last actions (if any) land
  const { stats, events } = await emu.ask<{ stats: Stats; events: number }>({ cmd: 'stats' });
  return { emu, rec, evaluated, startupRequests: stats, events };
}

async function measureSize(reconciler: string, n: number, window: number, load: { rate: number; seconds: number; every: number }): Promise<SizeResult> {
  const dir = fileURLToPath(new URL('./results', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const kubeconfigFile = `${dir}/kubeconfig-${n}.yaml`;

  const main = await startPair(reconciler, n, kubeconfigFile);
  const steady = await steadyWindow(main.emu, main.rec, window);
  const loadResult = await main.emu.ask<SizeResult['load']>({ cmd: 'load', ...load });
  const afterLoad = await main.rec.ask<Sample>({ cmd: 'sample' });
  await main.rec.end({ cmd: 'stop' });
  await main.emu.end({ cmd: 'close' });

  const fastPair = await startPair(reconciler, n, kubeconfigFile, FAST_TIMINGS);
  const fast = await steadyWindow(fastPair.emu, fastPair.rec, window);
  // The same load for longer than a resync period, so that resyncs fall inside it.
  const loadDuringResync = await fastPair.emu.ask<SizeResult['load']>({ cmd: 'load', ...load, seconds: FAST_TIMINGS.resyncMs / 1000 + 5 });
  await fastPair.rec.end({ cmd: 'stop' });
  await fastPair.emu.end({ cmd: 'close' });

  return { n, evaluated: main.evaluated, startupRequests: main.startupRequests, eventsAfterFirstPass: main.events, steady, fast, load: loadResult, loadDuringResync, afterLoad };
}

function report(results: SizeResult[], window: number, load: { rate: number; seconds: number; every: number }): string {
  const perMinute = (stats: Stats): string => fixed((stats.total * 60) / window, 1);
  const first = table(
    ['Jobs', 'first full evaluation s', 'ms per 1,000 Jobs', 'reconciler RSS before start MB', 'RSS then MB', 'MB per 1,000 Jobs', 'heap then MB', 'heap after GC MB', 'peak RSS MB', 'requests to get there', 'Events written'],
    results.map((r) => [
      r.n.toLocaleString('en-US'),
      fixed(r.evaluated.evaluatedMs / 1000),
      fixed((r.evaluated.evaluatedMs * 1000) / r.n, 0),
      fixed(r.evaluated.baselineRssMb, 0),
      fixed(r.evaluated.rssMb, 0),
      fixed(((r.evaluated.rssMb - r.evaluated.baselineRssMb) * 1000) / r.n, 1),
      fixed(r.evaluated.heapMb, 0),
      fixed(r.evaluated.retainedHeapMb, 0),
      fixed(r.evaluated.peakRssMb, 0),
      summarise(r.startupRequests),
      r.eventsAfterFirstPass,
    ]),
  );
  const steady = table(
    ['Jobs', 'reflector timings', `requests in ${window} s`, 'requests / min', 'writes', 'reconciler CPU s in window', 'Jobs re-decided'],
    results.flatMap((r) => [
      [r.n.toLocaleString('en-US'), 'default (watch 5 min ±10 %, resync 10 min)', summarise(r.steady.stats), perMinute(r.steady.stats), writes(r.steady.stats), fixed(r.steady.cpuMs / 1000), r.steady.decisions],
      [r.n.toLocaleString('en-US'), 'shortened (watch 10 s, resync 20 s)', summarise(r.fast.stats), perMinute(r.fast.stats), writes(r.fast.stats), fixed(r.fast.cpuMs / 1000), r.fast.decisions],
    ]),
  );
  const latencyRow = (r: SizeResult, timings: string, l: SizeResult['load'], rss: string): Array<string | number> => [
    r.n.toLocaleString('en-US'),
    timings,
    l.created,
    l.violating,
    l.latenciesMs.length,
    l.latenciesMs.length ? fixed(quantile(l.latenciesMs, 0.5), 0) : '-',
    l.latenciesMs.length ? fixed(quantile(l.latenciesMs, 0.99), 0) : '-',
    l.latenciesMs.length ? fixed(Math.max(...l.latenciesMs), 0) : '-',
    rss,
  ];
  const latency = table(
    ['Jobs already stored', 'reflector timings', 'Jobs created', 'violating', 'Events seen', 'p50 ms', 'p99 ms', 'max ms', 'reconciler RSS after / peak over the run MB'],
    results.flatMap((r) => [
      latencyRow(r, 'default', r.load, `${fixed(r.afterLoad.rssMb, 0)} / ${fixed(r.afterLoad.peakRssMb, 0)}`),
      latencyRow(r, 'shortened: resyncs during the load', r.loadDuringResync, '-'),
    ]),
  );
  return [
    'First full evaluation (from `controller.start()` until every Job was decided once):',
    first,
    'Steady state, nothing changing:',
    steady,
    `Latency from a violating Job's creation to its Event, while ${load.rate} Jobs/s are created (one in ${load.every} violating) for ${load.seconds} s, and with the shortened timings for ${FAST_TIMINGS.resyncMs / 1000 + 5} s, so that resyncs of every cached object fall inside the load:`,
    latency,
  ].join('\n\n');
}

export async function reconcileBenchmark(sizes: number[], window: number): Promise<string> {
  const load = { rate: 100, seconds: 10, every: 10 };
  // The reconciler runs from an esbuild bundle on plain Node, as in production (no tsx loader in its memory).
  const reconciler = await bundle('reconciler-child.ts');
  const results: SizeResult[] = [];
  for (const n of sizes) {
    const r = await measureSize(reconciler, n, window, load);
    const brief = (l: SizeResult['load']): object => ({ ...l, latenciesMs: l.latenciesMs.length });
    process.stderr.write(`reconcile ${n}: ${JSON.stringify({ ...r, load: brief(r.load), loadDuringResync: brief(r.loadDuringResync) })}\n`);
    results.push(r);
  }
  return report(results, window, load);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { sizes } = options({ runs: 1, sizes: [1000, 10_000] });
  const i = process.argv.indexOf('--window');
  const window = i > 0 ? Number(process.argv[i + 1]) : 30;
  console.log(`reconcile: one run per size; ${machine()}\n`);
  console.log(await reconcileBenchmark(sizes, window));
}
