/**
 * Every rule code has table rows: at least one object that must not produce it and one that
 * must. Rows live in `test/rules/<group>.cases.ts` files, each exporting
 * `CASES: Array<{ code, valid, invalid, version? }>`; this test loads all of them.
 */
import { readdirSync } from 'fs';
import { join } from 'path';
import { RULE_CODES, validate } from '../../src/rules';

interface CaseGroup {
  readonly code: string;
  readonly valid: any[];
  readonly invalid: any[];
  readonly version?: string;
}

const files = readdirSync(__dirname).filter((f) => f.endsWith('.cases.ts')).sort();
const groups: Array<CaseGroup & { file: string }> = [];
for (const file of files) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(__dirname, file));
  for (const g of mod.CASES as CaseGroup[]) groups.push({ ...g, file });
}

const rows: Array<[string, string, 'valid' | 'invalid', number, any]> = [];
for (const g of groups) {
  const version = g.version ?? '1.28';
  g.valid.forEach((obj, i) => rows.push([g.code, version, 'valid', i, obj]));
  g.invalid.forEach((obj, i) => rows.push([g.code, version, 'invalid', i, obj]));
}

function codesOf(obj: any, version: string): string[] {
  return validate(obj, { kubernetesVersion: version }).map((v) => v.code);
}

describe('rule codes', () => {
  test('case files were found', () => {
    expect(files).toEqual(expect.arrayContaining(['cronjob.cases.ts', 'pattern.cases.ts', 'hygiene.cases.ts']));
  });

  test('every case names a code of the rules table', () => {
    const unknown = groups.filter((g) => !RULE_CODES.includes(g.code)).map((g) => `${g.file}: ${g.code}`);
    expect(unknown).toEqual([]);
  });

  test.each([...new Set(RULE_CODES)])('%s has at least one valid and one invalid row', (code) => {
    const mine = groups.filter((g) => g.code === code);
    expect({ code, valid: mine.reduce((n, g) => n + g.valid.length, 0) > 0 }).toEqual({ code, valid: true });
    expect({ code, invalid: mine.reduce((n, g) => n + g.invalid.length, 0) > 0 }).toEqual({ code, invalid: true });
  });

  test.each(rows)('%s on %s: %s row %i', (code, version, expectation, _i, obj) => {
    const codes = codesOf(obj, version);
    if (expectation === 'invalid') expect(codes).toContain(code);
    else expect(codes).not.toContain(code);
  });
});
