import { readFileSync } from 'fs';
import { join } from 'path';
import { docTables, renderRulesDoc, RulesDocTable } from '../../scripts/generate-rules-doc';
import { CLUSTER_FINDINGS, RULE_CODES } from '../../src/rules';

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
    expect(doc).toContain('| [`QuotaExceeded`](#quotaexceeded) | warning | Namespace | `spec.template.spec.containers[].resources` | 1.30–1.35 | cluster |');
    expect(doc).toContain('- fix: lower the requests | raise the quota');
    expect(doc).toContain(`${RULE_CODES.length + CLUSTER_FINDINGS.length + 1} in all`);
  });
});
