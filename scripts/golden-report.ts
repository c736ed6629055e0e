/**
 * Lists every kind of disagreement between the rules engine and the recorded verdicts of one
 * version, most frequent first, each with one example (object, server causes, engine errors):
 *
 *   npx projen golden:report -- --kubernetes-version 1.37 [--category falseAccept] [--examples 1]
 */
import { parseArgs } from 'util';
import { Comparison, compare, engineErrors, signature } from '../test/golden/compare';
import { Row, readObjects, readRows, recordedVersions, rowVerdict } from '../test/golden/store';

function main(): number {
  const { values } = parseArgs({
    options: {
      'kubernetes-version': { type: 'string' },
      'category': { type: 'string' },
      'examples': { type: 'string', default: '1' },
    },
  });
  const version = values['kubernetes-version'];
  if (!version || !recordedVersions().includes(version)) {
    console.error(`golden:report: --kubernetes-version must be a recorded version, one of ${recordedVersions().join(', ')} (got ${version ?? 'nothing'})`);
    return 2;
  }
  const objects = readObjects();
  const groups = new Map<string, Array<{ row: Row; c: Comparison }>>();
  for (const row of readRows(version)) {
    if (row.skip !== undefined) continue;
    const c = compare(rowVerdict(row), engineErrors(version, objects.get(row.h!), row.o === undefined ? undefined : objects.get(row.o)));
    if (c.category === 'agree' || (values.category && c.category !== values.category)) continue;
    const key = `${c.category} ${signature(c)}`;
    const list = groups.get(key) ?? [];
    list.push({ row, c });
    groups.set(key, list);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  for (const [key, list] of sorted) {
    console.log(`\n## ${list.length} × ${key}`);
    for (const { row, c } of list.slice(0, Number(values.examples))) {
      console.log(`  ${row.id}`);
      if (row.o !== undefined) console.log(`  old:    ${JSON.stringify(objects.get(row.o))}`);
      console.log(`  object: ${JSON.stringify(objects.get(row.h!))}`);
      console.log(`  server: ${JSON.stringify(rowVerdict(row).causes.map((x) => `${x.type} ${x.path}: ${x.message}`))}`);
      console.log(`  engine: ${JSON.stringify(c.errors.map((e) => `${e.code} ${e.path}: ${e.message}`))}`);
    }
  }
  console.log(`\n${sorted.length} kinds of disagreement, ${sorted.reduce((n, [, l]) => n + l.length, 0)} objects`);
  return 0;
}

process.exit(main());
