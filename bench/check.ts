/**
 * Check benchmark: 10,000 generated Job and CronJob manifests (10 YAML files, one object in
 * eight with a mistake) checked by `cdk8s-batch check --format json` versus kubernetes-models
 * 4.5.1 schema validation of the same files with the same YAML parser. Every run in its own
 * child process, sides interleaved; medians.
 *
 *   npm run --prefix bench check [-- --runs 5 --sizes 10000 --bundled]
 */
import { fileURLToPath } from 'node:url';
import { bundle } from './lib/bundle.ts';
import { writeManifests } from './lib/manifests.ts';
import { fixed, machine, median, options, profileArgv, runChild, table } from './lib/measure.ts';

interface CheckResult {
  readonly ms: number;
  readonly cpuMs: number;
  readonly processMs: number;
  readonly objects: number;
  readonly flagged: number;
  readonly reportBytes: number;
  readonly peakRssMb: number;
  readonly stages: Record<string, number>;
}

const SIDES = ['product', 'models'] as const;
const LABELS = { product: '`cdk8s-batch check --format json` (rules engine)', models: 'kubernetes-models 4.5.1 `validate()` (schema)' };

export async function checkBenchmark(runs: number, count: number, bundled = false): Promise<string> {
  const dir = fileURLToPath(new URL('./results/check-input', import.meta.url));
  const input = writeManifests(dir, count);
  // --bundled: both sides run from one esbuild bundle on plain Node, built with the settings of the
  // `cdk8s-batch` CLI bundle; by default they run through the tsx loader.
  const script = bundled ? await bundle('check-child.ts', true) : 'check-child.ts';
  const results: Record<string, CheckResult[]> = { product: [], models: [], stages: [] };
  for (let run = 0; run < runs; run++) {
    for (const side of [...SIDES, 'stages']) results[side].push(await runChild<CheckResult>(script, [side, dir], { execArgv: profileArgv() }));
  }
  process.stderr.write(`check: ${JSON.stringify(results)}\n`);
  const ms = (side: string): number => median(results[side].map((r) => r.ms));
  const cpu = (side: string): number => median(results[side].map((r) => r.cpuMs));
  const perSecond = (side: string): number => (results[side][0].objects * 1000) / ms(side);
  const rows = SIDES.map((side) => [
    LABELS[side],
    fixed(ms(side) / 1000),
    Math.round(perSecond(side)).toLocaleString('en-US'),
    side === 'product' ? `**${fixed(perSecond('product') / perSecond('models'))}**` : '1.00',
    fixed(cpu(side) / 1000),
    side === 'product' ? `**${fixed(cpu('models') / cpu('product'))}**` : '1.00',
    results[side][0].flagged.toLocaleString('en-US'),
    fixed(median(results[side].map((r) => r.processMs)) / 1000),
    fixed(median(results[side].map((r) => r.peakRssMb)), 0),
  ]);
  const header = `${count.toLocaleString('en-US')} objects in ${input.files} files, ${fixed(input.bytes / 1024 / 1024, 1)} MB of YAML`;
  const stage = (side: string, name: string): string => fixed(median(results[side].map((r) => r.stages[name] ?? 0)) / 1000);
  const stageRows = [
    ['`check` modules called one by one', stage('stages', 'read'), stage('stages', 'parse'), stage('stages', 'rules'), stage('stages', 'report')],
    ['kubernetes-models', stage('models', 'read'), stage('models', 'parse'), stage('models', 'validate'), stage('models', 'report')],
  ];
  return [
    header,
    table(['side', 'read+parse+validate+report s', 'objects/s', 'speed ratio', 'CPU s', 'CPU speed ratio', 'objects flagged', 'whole process s', 'peak RSS MB'], rows),
    'Where the time goes (medians, s):',
    table(['side', 'read', 'parse (js-yaml)', 'validate', 'JSON report'], stageRows),
  ].join('\n\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { runs, sizes } = options({ runs: 5, sizes: [10_000] });
  const bundled = process.argv.includes('--bundled');
  console.log(`check: median of ${runs} runs per side, each in its own process${bundled ? ', both sides from one esbuild bundle on plain Node' : ''}; ${machine()}\n`);
  console.log(await checkBenchmark(runs, sizes[0], bundled));
}
