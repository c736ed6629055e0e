/**
 * One synth measurement: `node --import tsx synth-child.ts <product|plain> <jobs> [charts]` builds
 * that many Indexed Jobs (parallelism 4, completions 8, deadline, TTL, backoff limit), spread
 * over `charts` charts (default 1), and synthesizes the app to YAML, validation included. Sends
 * `{ ms, cpuMs, bytes, peakRssMb }` (`cpuMs`: user + system CPU time of the work).
 *
 * product: cdk8s-batch `IndexedJob` (rules engine at synth).
 * plain:   cdk8s-plus-28 `kplus.Job` plus JSON patches for the fields it lacks.
 */
import { performance } from 'node:perf_hooks';
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IndexedJob } from '../src/indexed-job.ts';
import { peakRssMb, reply } from './lib/measure.ts';

const [side, count, chartCount] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 1)];

const common = {
  containers: [{ image: 'registry.example.com/batch/worker:1.0.0', args: ['--shard', '$(JOB_COMPLETION_INDEX)'] }],
  activeDeadline: Duration.hours(1),
  ttlAfterFinished: Duration.hours(1),
  backoffLimit: 3,
};

function product(chart: Chart, id: string): void {
  new IndexedJob(chart, id, { ...common, parallelism: 4, completions: 8 });
}

function plain(chart: Chart, id: string): void {
  const job = new kplus.Job(chart, id, common);
  ApiObject.of(job).addJsonPatch(
    JsonPatch.add('/spec/parallelism', 4),
    JsonPatch.add('/spec/completions', 8),
    JsonPatch.add('/spec/completionMode', 'Indexed'),
  );
}

const build = side === 'product' ? product : plain;
const start = performance.now();
const cpuStart = process.cpuUsage();
const app = new App();
const charts = Array.from({ length: chartCount }, (_, i) => new Chart(app, `bench-${i}`));
for (let i = 0; i < count; i++) build(charts[i % chartCount], `job-${i}`);
const yaml = app.synthYaml();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
reply({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes: yaml.length, peakRssMb: peakRssMb() });
