import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULE_CODES, formatViolation } from 'cdk8s-batch/rules';
import { DEFAULT_CONFIG, defaultConfig } from '../../src/core/config.ts';
import { CLUSTER_FINDINGS, clusterFinding } from '../../src/core/findings.ts';

describe('CLUSTER_FINDINGS', () => {
  it('has unique UpperCamelCase codes that no rule uses', () => {
    const codes = CLUSTER_FINDINGS.map((f) => f.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) {
      assert.match(code, /^[A-Z][a-zA-Z0-9]+$/);
      assert.ok(!RULE_CODES.includes(code), `${code} is not also a rule code`);
    }
  });

  it('documents every finding with a summary and a one-clause fix', () => {
    for (const f of CLUSTER_FINDINGS) {
      assert.ok(f.summary.length > 20, f.code);
      assert.ok(f.fix.length > 5 && !f.fix.endsWith('.'), f.code);
      assert.ok(['error', 'warning'].includes(f.severity));
    }
  });
});

describe('clusterFinding', () => {
  it('builds a violation in the rules format', () => {
    const v = clusterFinding('JobStuck', { path: 'status.active', problem: 'counts active pods but none of its pods exists', got: '2' });
    assert.deepEqual(v, {
      code: 'JobStuck',
      severity: 'error',
      path: 'status.active',
      message: 'status.active counts active pods but none of its pods exists (got 2)',
      fix: CLUSTER_FINDINGS.find((f) => f.code === 'JobStuck')!.fix,
    });
    assert.equal(formatViolation(v), `JobStuck: status.active counts active pods but none of its pods exists (got 2); ${v.fix}`);
  });

  it('takes a more specific fix and leaves out an absent value', () => {
    const v = clusterFinding('OrphanedPod', { path: 'metadata.ownerReferences', problem: 'is empty', fix: 'delete it' });
    assert.equal(v.message, 'metadata.ownerReferences is empty');
    assert.equal(v.fix, 'delete it');
  });

  it('refuses a code that is not in the table', () => {
    assert.throws(() => clusterFinding('NoSuchFinding', { path: 'x', problem: 'y' }), /unknown cluster finding code/);
  });
});

describe('defaultConfig', () => {
  it('is audit only with every write switched off', () => {
    const c = defaultConfig();
    assert.equal(c.mode, 'audit');
    assert.equal(c.cleanupOrphanPods, false);
    assert.equal(c.rerunStuckJobs, false);
    assert.equal(c.catchUpMissedCronJobs, false);
    assert.equal(c.finishedJobRetentionMs, 0);
  });

  it('applies overrides and keeps defaults for undefined ones', () => {
    const c = defaultConfig({ mode: 'enforce', stuckAfterMs: 1000, nodeLostAfterMs: undefined });
    assert.equal(c.mode, 'enforce');
    assert.equal(c.stuckAfterMs, 1000);
    assert.equal(c.nodeLostAfterMs, DEFAULT_CONFIG.nodeLostAfterMs);
  });
});
