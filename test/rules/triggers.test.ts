/**
 * The engine skips a rule whose trigger fields (`src/rules/triggers.ts`) are all absent from the
 * Job spec; these tests hold it to the engine that runs every rule, on the recorded golden corpus
 * and on generated Job specs.
 */
import * as fc from 'fast-check';
import { cronJob, job, pod } from './job.cases';
import { RULES, SUPPORTED_VERSIONS, parseVersion } from '../../src/rules';
import { evaluate, evaluateEveryRule } from '../../src/rules/engine';
import { RULE_TRIGGERS, TRIGGER_FIELDS, presentTriggers, triggerOf } from '../../src/rules/triggers';
import { readObjects, readRows, recordedVersions } from '../golden/store';

const FIELDS = TRIGGER_FIELDS;

function both(manifest: unknown, version: string, oldObject?: unknown): { skipped: unknown; every: unknown } {
  const v = parseVersion(version);
  const mode = oldObject === undefined ? { operation: 'create' as const } : { operation: 'update' as const, oldObject };
  return { skipped: evaluate(manifest, v, mode), every: evaluateEveryRule(manifest, v, mode) };
}

/** The Job specs of a Job or CronJob (its own, or its job template's). */
function jobSpecs(o: any): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  if (o && typeof o === 'object' && o.spec && typeof o.spec === 'object') {
    out.push(o.spec);
    const t = o.spec.jobTemplate;
    if (t && typeof t === 'object' && t.spec && typeof t.spec === 'object') out.push(t.spec);
  }
  return out;
}

describe('rule triggers', () => {
  test('every triggered rule is a Job spec rule of the table', () => {
    for (const code of Object.keys(RULE_TRIGGERS)) {
      const rule = RULES.find((r) => r.code === code);
      expect(rule?.scope).toBe('JobSpec');
      expect(TRIGGER_FIELDS[triggerOf(code)]).toBe(RULE_TRIGGERS[code]);
    }
    expect(triggerOf('ContainerNameInvalid')).toBe(-1);
    expect(triggerOf('toString')).toBe(-1);
  });

  test('presentTriggers reads each trigger field, in the order of TRIGGER_FIELDS, in either spec', () => {
    const none = FIELDS.map(() => false);
    expect(presentTriggers({}, {})).toEqual(none);
    expect(presentTriggers({ parallelism: 2, template: {}, selector: {} }, { completions: 1 })).toEqual(none);
    FIELDS.forEach((f, i) => {
      const only = FIELDS.map((_, j) => j === i);
      expect(presentTriggers({ [f]: 0 }, {})).toEqual(only);
      expect(presentTriggers({}, { [f]: null })).toEqual(only);
      expect(presentTriggers({ [f]: undefined }, {})).toEqual(none);
    });
  });

  test('skipping changes no verdict on the golden corpus, nor on it without each trigger field', () => {
    const objects = readObjects();
    // The recorded entries whose objects name a trigger field (about half of the corpus), every
    // `step`-th of them on every version: the entries where a skip could matter, in a bounded time.
    const mentions = new RegExp(FIELDS.join('|'));
    const step = 17;
    const named = new Map<string, boolean>();
    const mentioned = (h: string): boolean => {
      let m = named.get(h);
      if (m === undefined) {
        m = mentions.test(JSON.stringify(objects.get(h)));
        named.set(h, m);
      }
      return m;
    };
    let seen = 0;
    let compared = 0;
    for (const version of recordedVersions()) {
      for (const row of readRows(version)) {
        if (row.h === undefined) continue;
        const object = objects.get(row.h);
        const old = row.o === undefined ? undefined : objects.get(row.o);
        if (!(mentioned(row.h) || (row.o !== undefined && mentioned(row.o))) || seen++ % step !== 0) continue;
        const r = both(object, version, old);
        expect(r.skipped).toEqual(r.every);
        compared++;
        // The same object with one trigger field removed: the rules that need it are skipped
        // while the rest of what they read (per-index fields, policies, restart policies) stays.
        for (const f of FIELDS) {
          if (!jobSpecs(object).some((s) => s[f] !== undefined)) continue;
          const without = JSON.parse(JSON.stringify(object));
          for (const s of jobSpecs(without)) delete s[f];
          const w = both(without, version, old);
          expect(w.skipped).toEqual(w.every);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(8_000);
  });

  test('skipping changes no verdict on generated Job specs', () => {
    const value = fc.oneof(
      fc.constantFrom(null, '', 'Indexed', 'Failed', 'TerminatingOrFailed', 'FailIndex', 'OnFailure', 'example.com/ctrl', 0, -1, 1, 3, 100_001, true),
      fc.record({ rules: fc.array(fc.record({ action: fc.constantFrom('FailIndex', 'Count', 'Ignore', ''), onExitCodes: fc.record({ operator: fc.constantFrom('In', 'NotIn'), values: fc.array(fc.integer({ min: -2, max: 300 }), { maxLength: 4 }) }) }, { requiredKeys: [] }), { maxLength: 3 }) }),
      fc.record({ rules: fc.array(fc.record({ succeededIndexes: fc.constantFrom('0-2', '', 'x'), succeededCount: fc.integer({ min: -1, max: 10 }) }, { requiredKeys: [] }), { maxLength: 3 }) }),
    );
    const specs = fc.dictionary(fc.constantFrom(...FIELDS, 'completionMode', 'completions', 'parallelism'), value, { maxKeys: 6 });
    fc.assert(
      fc.property(specs, fc.constantFrom(...SUPPORTED_VERSIONS), fc.boolean(), fc.constantFrom('Never', 'OnFailure'), (extra, version, cron, restartPolicy) => {
        const spec = { template: pod({ restartPolicy }), ...extra };
        const manifest = cron ? cronJob(spec) : job(spec);
        const r = both(manifest, version);
        expect(r.skipped).toEqual(r.every);
      }),
      { numRuns: 2000 },
    );
  });
});
