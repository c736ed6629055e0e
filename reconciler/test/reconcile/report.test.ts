import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTextClusterReport } from '../../src/reconcile/report.ts';
import type { OnceReport } from '../../src/runtime/controller.ts';

describe('reconcile --once text report', () => {
  it('shows values from the cluster with their control characters escaped', () => {
    // GIVEN a violation quoting an annotation value with an ANSI sequence and a forged line
    const evil = 'v\u001b[2J\nerror  Forged\u202e';
    const report: OnceReport = {
      objects: 1,
      reports: [
        {
          ref: { kind: 'Job', namespace: 'ns', name: 'j' },
          violations: [{ code: 'SomeCode', severity: 'warning', path: 'metadata.annotations', message: `metadata.annotations is odd (got ${evil})`, fix: 'fix it' }],
        },
      ],
      actions: [],
      errors: [`Job/ns/j: ${evil}`],
    };
    // WHEN
    const text = formatTextClusterReport(report, false);
    // THEN
    assert.doesNotMatch(text, /[\u001b\u202e]/);
    assert.doesNotMatch(text, /^error {2}Forged/m);
    assert.match(text, /is odd \(got v\\x1b\[2J\\x0aerror {2}Forged\\u202e\)$/m);
    assert.match(text, /^ {2}Job\/ns\/j: v\\x1b\[2J\\x0aerror {2}Forged\\u202e$/m);
  });
});
