/**
 * Runs every benchmark in turn (synth, check, reconcile) and prints one Markdown report, also
 * written to `bench/results/latest.md`.
 *
 *   npm run --prefix bench all [-- --runs 5]
 */
import { writeFileSync } from 'node:fs';
import { checkBenchmark } from './check.ts';
import { machine, options } from './lib/measure.ts';
import { reconcileBenchmark } from './reconcile.ts';
import { synthBenchmark } from './synth.ts';

const { runs } = options({ runs: 5, sizes: [] });
const sections = [`Machine: ${machine()}`];
const log = (section: string): void => {
  console.log(`${section}\n`);
  sections.push(section);
};
log(`## Synth (median of ${runs} runs per side)\n\n${await synthBenchmark(runs, [100, 1000, 10_000])}`);
log(`## Check (median of ${runs} runs per side)\n\n${await checkBenchmark(runs, 10_000)}`);
log(`## Reconcile (one run per size)\n\n${await reconcileBenchmark([1000, 10_000], 30)}`);
sections.push(`Finished: ${machine()}`);
writeFileSync(new URL('./results/latest.md', import.meta.url), `${sections.join('\n\n')}\n`);
