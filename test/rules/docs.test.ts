import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import { DEPARTURE_TEXT, docTables, renderRulesDoc, RulesDocTable } from '../../scripts/generate-rules-doc';
import { CONSTRUCT_CODES } from '../../src/_construct-codes';
import { CLUSTER_FINDINGS, RECONCILER_ACTIONS, RULES, RULE_CODES } from '../../src/rules';

const ROOT = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Codes written as literals in the sources that report them: construct problems (`code: '…'`),
 * value-class argument errors (`throw new Error(\`Code: …`), and the reconciler's Event reasons
 * (`reason: '…'`, `…_REASON = '…'`). The emulator and the simulated controllers are left out:
 * the reasons they use are Kubernetes' own (BackoffLimitExceeded, …).
 */
function codesInSources(): Map<string, string> {
  const files = [
    ...tsFiles(join(ROOT, 'src')).filter((f) => !f.includes(`${join('src', 'rules')}`)),
    ...['core', 'runtime', 'check', 'reconcile', 'sandbox'].flatMap((d) => tsFiles(join(ROOT, 'reconciler', 'src', d))),
  ];
  const patterns = [/\bcode: '([A-Z][A-Za-z0-9]+)'/g, /throw new Error\(\s*`([A-Z][A-Za-z0-9]+): /g, /\breason: '([A-Z][A-Za-z0-9]+)'/g, /_REASON = '([A-Z][A-Za-z0-9]+)'/g];
  const out = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) out.set(m[1], relative(ROOT, file));
  }
  return out;
}

describe('docs/rules.md', () => {
  test('is up to date with the rules table (run `npx projen docs:rules`)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc(docTables()));
  });

  test('documents every rule code and every cluster finding with its fix', () => {
    const doc = renderRulesDoc(docTables());
    for (const code of [...RULE_CODES, ...CLUSTER_FINDINGS.map((f) => f.code)]) {
      expect({ code, listed: doc.includes(`| [\`${code}\`](#${code.toLowerCase()}) |`), section: doc.includes(`\n### ${code}\n`) }).toEqual({
        code,
        listed: true,
        section: true,
      });
    }
  });

  test('fails if a code synth, check or the reconciler can emit is missing from docs/rules.md', () => {
    // GIVEN every code any component emits: the tables, and the literals in the sources
    const committed = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    const scanned = codesInSources();
    // the scan finds the codes it is meant to find (so that it cannot pass by finding nothing)
    expect([...scanned.keys()]).toEqual(expect.arrayContaining(['DurationNotWholeSeconds', 'InvalidPodTemplate', 'ExpansionItemsRequired', 'ReconcilerReplicasInvalid']));
    const emitted = new Map<string, string>([
      ...RULE_CODES.map((c) => [c, 'src/rules (table)'] as [string, string]),
      ...[...CLUSTER_FINDINGS, ...RECONCILER_ACTIONS].map((f) => [f.code, 'src/rules/cluster-findings.ts'] as [string, string]),
      ...CONSTRUCT_CODES.map((c) => [c.code, 'src/_construct-codes.ts'] as [string, string]),
      ...scanned,
    ]);
    // THEN each has its section
    const missing = [...emitted].filter(([code]) => !committed.includes(`\n### ${code}\n`)).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
  });

  test('fails if a construct reports a code its table does not describe', () => {
    const tableCodes = new Set([
      ...CONSTRUCT_CODES.map((c) => c.code),
      ...RULE_CODES,
      ...CLUSTER_FINDINGS.map((f) => f.code),
      ...RECONCILER_ACTIONS.map((f) => f.code),
    ]);
    const undescribed = [...codesInSources()].filter(([code]) => !tableCodes.has(code)).map(([code, where]) => `${code} (${where})`);
    expect(undescribed).toEqual([]);
  });

  test('every departure from the API server is one of the documented kinds, and only on API-server or CronJob-template rules', () => {
    const departures = RULES.filter((r) => r.departure !== undefined);
    expect(departures.length).toBeGreaterThan(0);
    for (const r of departures) {
      expect({ code: r.code, documented: Object.keys(DEPARTURE_TEXT).includes(r.departure!) }).toEqual({ code: r.code, documented: true });
      // an error that may disagree with the server is a deliberate API-server rule; a CronJob-template finding is a warning
      if (r.departure === 'cronjob-template') expect({ code: r.code, severity: r.severity }).toEqual({ code: r.code, severity: 'warning' });
      else expect({ code: r.code, source: r.source }).toEqual({ code: r.code, source: 'API server' });
    }
    const doc = renderRulesDoc(docTables());
    for (const kind of Object.keys(DEPARTURE_TEXT)) expect(doc).toContain(`  - \`${kind}\`: `);
  });

  test('no code names both a rule and a cluster finding', () => {
    const findings = CLUSTER_FINDINGS.map((f) => f.code);
    expect(findings.filter((c) => RULE_CODES.includes(c))).toEqual([]);
    expect(new Set(findings).size).toBe(findings.length);
  });

  test('renders further tables as their own sections, escaping table cells', () => {
    const extra: RulesDocTable = {
      title: 'Cluster context',
      intro: 'Checked by the reconciler against the live cluster.',
      rows: [
        {
          code: 'QuotaExceeded',
          severity: 'warning',
          scope: 'Namespace',
          path: 'spec.template.spec.containers[].resources',
          since: '1.30',
          source: 'cluster',
          summary: 'Requests fit the namespace quota.',
          fix: 'lower the requests | raise the quota',
        },
      ],
    };
    const doc = renderRulesDoc([...docTables(), extra]);
    expect(doc).toContain('\n## Cluster context\n\nChecked by the reconciler against the live cluster.\n');
    expect(doc).toContain('| [`QuotaExceeded`](#quotaexceeded) | warning | Namespace | `spec.template.spec.containers[].resources` | 1.30–1.37 | cluster |  |');
    expect(doc).toContain('- fix: lower the requests | raise the quota');
    expect(doc).toContain(`${RULE_CODES.length + CONSTRUCT_CODES.length + CLUSTER_FINDINGS.length + RECONCILER_ACTIONS.length + 1} in all`);
  });
});
