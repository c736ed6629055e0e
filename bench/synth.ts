/**
 * Synth benchmark: N Indexed Jobs with cdk8s-batch `IndexedJob` versus the same Jobs with plain
 * cdk8s-plus-28 `kplus.Job` + JSON patches, each `app.synthYaml()` with validation, every run in
 * its own child process, sides interleaved. Prints wall time, CPU time (user + system of the
 * child during the work: steadier than wall time when other work shares the cores), time per Job
 * and peak RSS (medians), each with the ratio product / plain. The Jobs go in one chart, plus
 * one case of 1,000 Jobs spread over 10 charts (cdk8s validates the whole app once more for
 * every chart it synthesizes).
 *
 *   npm run --prefix bench synth [-- --runs 5 --sizes 100,1000,10000]
 */
import { fixed, machine, median, options, profileArgv, runChild, table } from './lib/measure.ts';

interface SynthResult {
  readonly ms: number;
  readonly cpuMs: number;
  readonly bytes: number;
  readonly peakRssMb: number;
}

const SIDES = ['product', 'plain'] as const;

export async function synthBenchmark(runs: number, sizes: number[]): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  const cases = [...sizes.map((n) => ({ n, charts: 1 })), { n: 1000, charts: 10 }];
  for (const { n, charts } of cases) {
    const results: Record<string, SynthResult[]> = { product: [], plain: [] };
    for (let run = 0; run < runs; run++) {
      for (const side of SIDES) results[side].push(await runChild<SynthResult>('synth-child.ts', [side, String(n), String(charts)], { execArgv: profileArgv() }));
    }
    const ms = (side: string): number => median(results[side].map((r) => r.ms));
    const cpu = (side: string): number => median(results[side].map((r) => r.cpuMs));
    const rss = (side: string): number => median(results[side].map((r) => r.peakRssMb));
    rows.push([
      n.toLocaleString('en-US'),
      charts,
      fixed(ms('product') / 1000),
      fixed(ms('plain') / 1000),
      `**${fixed(ms('product') / ms('plain'))}**`,
      fixed(cpu('product') / 1000),
      fixed(cpu('plain') / 1000),
      `**${fixed(cpu('product') / cpu('plain'))}**`,
      fixed((ms('product') * 1000) / n, 0),
      fixed((ms('plain') * 1000) / n, 0),
      fixed(rss('product'), 0),
      fixed(rss('plain'), 0),
      `**${fixed(rss('product') / rss('plain'))}**`,
      fixed(results.product[0].bytes / 1024 / 1024, 1),
    ]);
    process.stderr.write(`synth ${n} in ${charts}: ${JSON.stringify(results)}\n`);
  }
  return table(
    ['Jobs', 'charts', 'product s', 'plain s', 'time ratio', 'product CPU s', 'plain CPU s', 'CPU ratio', 'product µs/Job', 'plain µs/Job', 'product peak RSS MB', 'plain peak RSS MB', 'memory ratio', 'YAML MB'],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { runs, sizes } = options({ runs: 5, sizes: [100, 1000, 10_000] });
  console.log(`synth: median of ${runs} runs per side, each in its own process; ${machine()}\n`);
  console.log(await synthBenchmark(runs, sizes));
}
