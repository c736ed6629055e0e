/**
 * Where a synth's CPU time goes, side by side: the same Jobs as `synth-child.ts`, with the CPU time
 * (user + system, `process.cpuUsage()`) of each phase of `app.synthYaml()` measured apart, every
 * run in its own child process, sides interleaved, medians printed.
 *
 *   node --import tsx synth-phases.ts [--runs 5] [--sizes 10000] [--charts 1]
 *
 * Phases:
 * - build: constructing the Jobs.
 * - first pass: cdk8s's dependency resolution and its first validation of the whole app. For
 *   cdk8s-batch this is where each object is rendered and checked by the rules engine.
 * - output: `App._synthChart` for every chart (cdk8s validates the app again, then asks every
 *   object for its JSON). Plain cdk8s-plus renders here; cdk8s-batch hands out its render.
 * - YAML: `Yaml.stringify` of every object.
 * - GC pauses: main-thread garbage-collection pauses over the whole work (wall time, from
 *   `PerformanceObserver`), part of the phases above.
 */
import { fork } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ApiObject, App, Chart, Duration, JsonPatch, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IndexedJob } from '../src/indexed-job.ts';
import { fixed, machine, median, options, table } from './lib/measure.ts';

const PHASES = ['total', 'build', 'firstPass', 'output', 'yaml', 'gcPauses'] as const;
type Phases = Record<(typeof PHASES)[number], number>;

const common = {
  containers: [{ image: 'registry.example.com/batch/worker:1.0.0', args: ['--shard', '$(JOB_COMPLETION_INDEX)'] }],
  activeDeadline: Duration.hours(1),
  ttlAfterFinished: Duration.hours(1),
  backoffLimit: 3,
};

function buildJob(side: string, chart: Chart, id: string): void {
  if (side === 'product') {
    new IndexedJob(chart, id, { ...common, parallelism: 4, completions: 8 });
    return;
  }
  const job = new kplus.Job(chart, id, common);
  ApiObject.of(job).addJsonPatch(
    JsonPatch.add('/spec/parallelism', 4),
    JsonPatch.add('/spec/completions', 8),
    JsonPatch.add('/spec/completionMode', 'Indexed'),
  );
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Replaces `owner[name]` by a wrapper that adds the CPU time of every call to `spent[key]`. */
function timed(owner: any, name: string, spent: Record<string, number>, key: string): void {
  const original = owner[name];
  owner[name] = function (this: unknown, ...args: unknown[]): unknown {
    const start = cpuMs();
    try {
      return original.apply(this, args);
    } finally {
      spent[key] = (spent[key] ?? 0) + cpuMs() - start;
    }
  };
}

async function child(side: string, count: number, chartCount: number): Promise<Phases> {
  const spent: Record<string, number> = { output: 0, yaml: 0 };
  timed(App, '_synthChart', spent, 'output');
  timed(Yaml, 'stringify', spent, 'yaml');
  let gcPauses = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses += entry.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const start = cpuMs();
  const app = new App();
  const charts = Array.from({ length: chartCount }, (_, i) => new Chart(app, `bench-${i}`));
  for (let i = 0; i < count; i++) buildJob(side, charts[i % chartCount], `job-${i}`);
  const built = cpuMs();
  app.synthYaml();
  const end = cpuMs();
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc.disconnect();
  return {
    total: end - start,
    build: built - start,
    firstPass: end - built - spent.output - spent.yaml,
    output: spent.output,
    yaml: spent.yaml,
    gcPauses,
  };
}

function runChild(side: string, count: number, charts: number): Promise<Phases> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), [side, String(count), String(charts)], { execArgv: process.execArgv });
    let result: Phases | undefined;
    proc.on('message', (m) => (result = m as Phases));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`synth-phases ${side} exited with ${code}`))));
  });
}

const [side, count, charts] = process.argv.slice(2);
if (side === 'product' || side === 'plain') {
  const phases = await child(side, Number(count), Number(charts ?? 1));
  process.send?.(phases, () => process.disconnect?.());
} else {
  const { runs, sizes } = options({ runs: 5, sizes: [10_000] });
  const chartsArg = process.argv.indexOf('--charts');
  const chartCount = chartsArg > 0 ? Number(process.argv[chartsArg + 1]) : 1;
  console.log(`synth phases: CPU ms, median of ${runs} runs per side, each in its own process; ${machine()}\n`);
  const rows: Array<Array<string | number>> = [];
  for (const n of sizes) {
    const results: Record<string, Phases[]> = { product: [], plain: [] };
    for (let run = 0; run < runs; run++) {
      for (const s of ['product', 'plain']) results[s].push(await runChild(s, n, chartCount));
    }
    for (const s of ['product', 'plain']) {
      rows.push([n.toLocaleString('en-US'), chartCount, s, ...PHASES.map((p) => fixed(median(results[s].map((r) => r[p])), 0))]);
    }
    process.stderr.write(`synth phases ${n} in ${chartCount}: ${JSON.stringify(results)}\n`);
  }
  console.log(table(['Jobs', 'charts', 'side', 'total', 'build', 'first pass', 'output', 'YAML', 'GC pauses (wall)'], rows));
}
