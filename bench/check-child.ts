/**
 * One check measurement: `node --import tsx check-child.ts <product|models> <dir>` reads every
 * YAML file in `dir`, parses, validates and formats a JSON report. Sends
 * `{ ms, cpuMs, objects, flagged, reportBytes, peakRssMb }` (`cpuMs`: user + system CPU time of the work).
 *
 * product: the `cdk8s-batch check --format json <dir>` command in process (the CLI path:
 *          read, js-yaml parse, rules engine, JSON report).
 * stages:  the same modules `check` runs, called one after the other to time each stage
 *          (`{ read, parse, rules, report }` in ms).
 * models:  kubernetes-models 4.5.1 schema validation (`new Job(obj).validate()`, `CronJob`) of
 *          the same files, parsed with the same parser (js-yaml `loadAll`, core schema).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import jsyaml from 'js-yaml';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { checkSources } from '../reconciler/src/check/check.ts';
import { checkCommand } from '../reconciler/src/check/command.ts';
import { formatJson } from '../reconciler/src/check/format-json.ts';
import { parseManifests } from '../reconciler/src/check/parse.ts';
import { isInputText, readInputs } from '../reconciler/src/check/sources.ts';
import { peakRssMb, reply } from './lib/measure.ts';

const [side, dir] = process.argv.slice(2);

function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk, _encoding, done) {
      out.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

async function product(): Promise<{ objects: number; flagged: number; report: string }> {
  const stdout = sink();
  await checkCommand.run(['--format', 'json', dir], { stdout, stderr: sink(), stdin: process.stdin, env: {}, cwd: process.cwd() });
  const report = JSON.parse(stdout.text) as { objects: number; violations: Array<{ file: string; name: string }> };
  const flagged = new Set(report.violations.map((v) => `${v.file}/${v.name}`)).size;
  return { objects: report.objects, flagged, report: stdout.text };
}

async function stages(): Promise<{ objects: number; flagged: number; report: string; stages: Record<string, number> }> {
  const times: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await work();
    times[name] = performance.now() - t;
    return out;
  };
  const read = await timed('read', () => readInputs([dir], { cwd: process.cwd(), stdin: process.stdin }));
  const objects = await timed('parse', () => read.items.filter(isInputText).flatMap((item) => parseManifests(item.text, item.file).objects));
  const checked = await timed('rules', () => checkSources(objects, {}));
  const report = await timed('report', () => formatJson(checked));
  return { objects: checked.objects, flagged: checked.results.filter((r) => r.violations.length > 0).length, report, stages: times };
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = { Job, CronJob };

async function models(): Promise<{ objects: number; flagged: number; report: string; stages: Record<string, number> }> {
  const times = { read: 0, parse: 0, validate: 0, report: 0 };
  let t = performance.now();
  const lap = (name: keyof typeof times): void => {
    const now = performance.now();
    times[name] += now - t;
    t = now;
  };
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  let objects = 0;
  const violations: Array<{ file: string; kind: string; name: string; message: string }> = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    lap('read');
    const docs = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA }) as any[];
    lap('parse');
    for (const doc of docs) {
      if (!doc) continue;
      objects++;
      const Model = doc.apiVersion === 'batch/v1' ? MODELS[doc.kind] : undefined;
      if (!Model) continue;
      try {
        new Model(doc).validate();
      } catch (err) {
        violations.push({ file, kind: doc.kind, name: doc.metadata?.name, message: (err as Error).message });
      }
    }
    lap('validate');
  }
  const report = `${JSON.stringify({ objects, violations }, null, 2)}\n`;
  lap('report');
  return { objects, flagged: violations.length, report, stages: times };
}

const start = performance.now();
const cpuStart = process.cpuUsage();
const SIDES: Record<string, () => Promise<{ objects: number; flagged: number; report: string; stages?: Record<string, number> }>> = { product, stages, models };
const { objects, flagged, report, stages: times } = await SIDES[side]();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
reply({ ms, cpuMs: (cpu.user + cpu.system) / 1000, objects, flagged, reportBytes: report.length, peakRssMb: peakRssMb(), stages: times });
