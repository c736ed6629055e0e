/**
 * Every rule code has table rows: at least one object that must not produce it and one that
 * must. Rows live in `test/rules/<group>.cases.ts` files, each exporting
 * `CASES: Array<{ code, valid, invalid, version?, update? }>` and optionally
 * `DEFAULT_CASE_VERSION`; this test loads every one that exports `CASES` and runs every row:
 * - a valid row produces no error at all and no violation with the entry's code;
 * - an invalid row produces a violation with the entry's code;
 * - with `update: true` each row is `{ old, new }`, checked with `validateUpdate(old, new)`.
 */
import { readdirSync } from 'fs';
import { join } from 'path';
import { RULE_CODES, validate, validateUpdate, Violation } from '../../src/rules';

interface CaseGroup {
  readonly code: string;
  readonly valid: any[];
  readonly invalid: any[];
  readonly version?: string;
  readonly update?: boolean;
}

const files = readdirSync(__dirname).filter((f) => f.endsWith('.cases.ts')).sort();
const groups: Array<CaseGroup & { file: string }> = [];
for (const file of files) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(__dirname, file));
  // other data files (e.g. ported upstream tables) may share the suffix without a CASES table
  if (!Array.isArray(mod.CASES)) continue;
  const defaultVersion: string = mod.DEFAULT_CASE_VERSION ?? '1.35';
  for (const g of mod.CASES as CaseGroup[]) groups.push({ ...g, version: g.version ?? defaultVersion, file });
}

const rows: Array<[string, string, 'valid' | 'invalid', number, any, boolean]> = [];
for (const g of groups) {
  g.valid.forEach((obj, i) => rows.push([g.code, g.version!, 'valid', i, obj, g.update === true]));
  g.invalid.forEach((obj, i) => rows.push([g.code, g.version!, 'invalid', i, obj, g.update === true]));
}

function violationsOf(row: any, version: string, update: boolean): Violation[] {
  return update ? validateUpdate(row.old, row.new, { kubernetesVersion: version }) : validate(row, { kubernetesVersion: version });
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

  test.each(rows)('%s on %s: %s row %i', (code, version, expectation, _i, obj, update) => {
    const found = violationsOf(obj, version, update);
    if (expectation === 'invalid') {
      expect(found.map((v) => v.code)).toContain(code);
    } else {
      expect(found.filter((v) => v.code === code || v.severity === 'error').map((v) => v.message)).toEqual([]);
    }
  });
});
