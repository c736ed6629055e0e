/**
 * The rules engine against the verdicts real kube-apiservers gave on the golden corpus
 * (`test/golden/data`, recorded with `npx projen golden:record -- --kubernetes-version X`).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Category, Comparison, compare, engineErrors, signature } from './compare';
import { KNOWN_DISAGREEMENTS, VERSIONS_THE_ENGINE_LACKS } from './known-disagreements';
import { Row, readManifest, readObjects, readRows, recordedVersions, rowVerdict } from './store';
import { SUPPORTED_VERSIONS } from '../../src/rules';

const VERSIONS = recordedVersions();
const OBJECTS = readObjects();
const RULES_DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');

interface Summary {
  readonly objects: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly counts: Record<Category, number>;
  readonly departures: Record<string, number>;
  readonly bySignature: Record<string, Map<string, { count: number; example: string }>>;
}

function summarise(version: string): Summary {
  const counts: Record<Category, number> = { agree: 0, falseAccept: 0, falseReject: 0, wrongPath: 0, departure: 0 };
  const departures: Record<string, number> = {};
  const bySignature: Record<string, Map<string, { count: number; example: string }>> = {};
  let accepted = 0;
  let objects = 0;
  for (const row of readRows(version)) {
    if (row.skip !== undefined) continue;
    objects++;
    const verdict = rowVerdict(row);
    if (verdict.accepted) accepted++;
    const c: Comparison = compare(verdict, engineErrors(version, objectOf(row.h), row.o === undefined ? undefined : objectOf(row.o)));
    counts[c.category]++;
    for (const d of c.departures) departures[d] = (departures[d] ?? 0) + 1;
    if (c.category !== 'agree') {
      const map = (bySignature[c.category] ??= new Map());
      const sig = signature(c);
      const seen = map.get(sig);
      if (seen) seen.count++;
      else map.set(sig, { count: 1, example: row.id });
    }
  }
  return { objects, accepted, rejected: objects - accepted, counts, departures, bySignature };
}

function objectOf(hash: Row['h']): unknown {
  if (hash === undefined || !OBJECTS.has(hash)) throw new Error(`golden data: object ${hash} missing from objects.jsonl.gz; re-record with npx projen golden:record`);
  return OBJECTS.get(hash);
}

function report(version: string, s: Summary): string {
  const lines = [
    `Kubernetes ${version}: ${s.objects} objects, ${s.accepted} accepted, ${s.rejected} rejected | ` +
      `false accepts ${s.counts.falseAccept}, false rejects ${s.counts.falseReject}, wrong paths ${s.counts.wrongPath}, ` +
      `departures ${s.counts.departure} ${JSON.stringify(s.departures)}`,
  ];
  for (const [category, map] of Object.entries(s.bySignature)) {
    if (category === 'departure') continue;
    const top = [...map.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 12);
    for (const [sig, { count, example }] of top) lines.push(`  ${category} ×${count}: ${sig.slice(0, 160)} (e.g. ${example})`);
  }
  return lines.join('\n');
}

describe('golden verdicts of real API servers', () => {
  test('every recorded version covers at least 20,000 judged objects', () => {
    // GIVEN the committed data
    const manifest = readManifest();
    // THEN at least 1.37 is there, and every version is big enough and described by the manifest
    expect(VERSIONS).toContain('1.37');
    for (const version of VERSIONS) {
      const judged = readRows(version).filter((r) => r.skip === undefined).length;
      expect({ version, enough: judged >= 20000 }).toEqual({ version, enough: true });
      expect(manifest[version]?.entries).toBe(readRows(version).length);
    }
  });

  test('the recorded versions the engine does not support are exactly the listed ones', () => {
    expect(VERSIONS.filter((v) => !SUPPORTED_VERSIONS.includes(v))).toEqual([...VERSIONS_THE_ENGINE_LACKS]);
  });

  describe.each(VERSIONS.filter((v) => SUPPORTED_VERSIONS.includes(v)))('Kubernetes %s', (version) => {
    const summary = summarise(version);
    // The table is the point of the test: printed on every run.
    // eslint-disable-next-line no-console
    console.log(report(version, summary));

    test('disagreements with the server are exactly the known, listed ones', () => {
      const known = KNOWN_DISAGREEMENTS[version] ?? { falseAccept: 0, falseReject: 0, wrongPath: 0 };
      const { falseAccept, falseReject, wrongPath } = summary.counts;
      expect({ falseAccept, falseReject, wrongPath }).toEqual(known);
    });

    test('every departure is a kind docs/rules.md documents', () => {
      for (const kind of Object.keys(summary.departures)) expect({ kind, documented: RULES_DOC.includes(kind) }).toEqual({ kind, documented: true });
    });
  });
});
