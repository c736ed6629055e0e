/**
 * Runs the reconciler's fault matrix against the emulator and prints it as a Markdown table:
 *   cd reconciler && node --import tsx scripts/fault-matrix.ts [text]
 * With `text`, only the scenarios whose fault contains it run.
 */
import { scenarios, table, type Row } from '../test/safety/matrix.ts';

const rows: Row[] = [];
const only = process.argv[2];
for (const scenario of scenarios().filter((s) => only === undefined || s.fault.includes(only))) {
  process.stderr.write(`running: ${scenario.fault}\n`);
  rows.push(await scenario.run());
}
process.stdout.write(`${table(rows)}\n`);
// a frozen leader may resume with one write per worker (2) already on its way (see the test)
const inPreparation = (r: Row): number => (r.fault.startsWith('paused leader') ? 2 : 0);
const failed = rows.filter((r) => r.failures.length || r.duplicates || r.writesBeforeSync || r.writesWithoutLease > inPreparation(r) || r.eventsWrong.length);
for (const r of failed) process.stderr.write(`FAILED ${r.fault}: ${JSON.stringify(r)}\n`);
process.exitCode = failed.length ? 1 : 0;
