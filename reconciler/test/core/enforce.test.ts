import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULE_CODES, isMutableJobSpecPath, validateUpdate } from 'cdk8s-batch/rules';
import { defaultConfig } from '../../src/core/config.ts';
import { ENFORCED_FIXES, enforceFixes, enforcedCodes } from '../../src/core/enforce.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { MINUTE, NOW, applyMergePatch, at, finishedJob, job, refTo } from './fixtures.ts';

const config = defaultConfig({ mode: 'enforce', defaultTtlSecondsAfterFinished: 86400, defaultActiveDeadlineSeconds: 7200 });
const bare = job({ spec: { ttlSecondsAfterFinished: undefined, activeDeadlineSeconds: undefined }, status: { active: 1, startTime: at(-30 * MINUTE) } });

function fix(obj: KubeObject, c = config): ReturnType<typeof enforceFixes> {
  return enforceFixes(obj, refTo(obj), NOW, c);
}

describe('enforceFixes', () => {
  it('sets a missing TTL and deadline to the defaults and records the codes', () => {
    const part = fix(bare)!;
    assert.deepEqual(part.spec, { ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 7200 });
    assert.deepEqual(part.reasons, ['TtlSecondsAfterFinishedMissing', 'ActiveDeadlineSecondsMissing']);
    assert.deepEqual(JSON.parse(part.annotations['batch.cdk8s.io/enforced']), ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing']);
    assert.deepEqual(
      part.events.map((e) => [e.eventType, e.action, e.reason]),
      [
        ['Normal', 'Enforce', 'TtlSecondsAfterFinishedMissing'],
        ['Normal', 'Enforce', 'ActiveDeadlineSecondsMissing'],
      ],
    );
  });

  it('clamps parallelism down to completions', () => {
    assert.deepEqual(fix(job({ spec: { parallelism: 8, completions: 3 } }))?.spec, { parallelism: 3 });
  });

  const nothing: Array<[string, KubeObject]> = [
    ['a Job with TTL, deadline and parallelism within completions', job()],
    ['parallelism without completions (a work queue)', job({ spec: { parallelism: 8, completions: undefined } })],
    ['parallelism equal to completions', job({ spec: { parallelism: 3, completions: 3 } })],
    ['counts that are not whole numbers (the rules report them)', job({ spec: { parallelism: 3, completions: 0.5 } })],
  ];
  for (const [name, obj] of nothing) {
    it(`changes nothing on ${name}`, () => assert.equal(fix(obj), undefined));
  }

  it('keeps TTL off CronJob-owned Jobs (their history limits clean up)', () => {
    const owned = { ...bare, metadata: { ...bare.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'c', uid: 'c', controller: true }] } };
    assert.deepEqual(fix(owned)?.spec, { activeDeadlineSeconds: 7200 });
  });

  it('adds no deadline to a Job that has already run longer than the default (it would fail at once)', () => {
    const old = job({ spec: { activeDeadlineSeconds: undefined }, status: { active: 1, startTime: at(-3 * 60 * MINUTE) } });
    assert.equal(fix(old), undefined);
  });

  it('adds no deadline to a finished Job, but still a TTL', () => {
    const done = finishedJob(10 * MINUTE, { spec: { ttlSecondsAfterFinished: undefined, activeDeadlineSeconds: undefined } });
    assert.deepEqual(fix(done)?.spec, { ttlSecondsAfterFinished: 86400 });
  });

  it('treats a negative TTL default and a deadline default ≤ 0 as disabled', () => {
    assert.equal(fix(bare, defaultConfig({ mode: 'enforce', defaultTtlSecondsAfterFinished: -1, defaultActiveDeadlineSeconds: 0 })), undefined);
  });

  it('keeps codes recorded earlier', () => {
    const earlier = { ...bare, metadata: { ...bare.metadata, annotations: { 'batch.cdk8s.io/enforced': '["ParallelismExceedsCompletions"]' } } };
    assert.deepEqual(JSON.parse(fix(earlier)!.annotations['batch.cdk8s.io/enforced']), [
      'ActiveDeadlineSecondsMissing',
      'ParallelismExceedsCompletions',
      'TtlSecondsAfterFinishedMissing',
    ]);
  });

  it('reads a damaged annotation as empty', () => {
    const damaged = { ...bare, metadata: { ...bare.metadata, annotations: { 'batch.cdk8s.io/enforced': '{not json' } } };
    assert.deepEqual(enforcedCodes(damaged), []);
  });

  it('fixes only what the hygiene rules name, with their codes', () => {
    for (const { code } of ENFORCED_FIXES) assert.ok(RULE_CODES.includes(code), `${code} is a rule code`);
  });

  it('patches only fields the mutability table marks mutable, on a running and on a suspended Job', () => {
    for (const state of [{ suspended: false, started: true }, { suspended: true, started: false }]) {
      for (const { field } of ENFORCED_FIXES) assert.ok(isMutableJobSpecPath(`spec.${field}`, state), `spec.${field} is mutable`);
    }
  });

  it('produces updates the API server accepts (validateUpdate finds no errors)', () => {
    const objects = [bare, job({ spec: { parallelism: 8, completions: 3 } }), job({ spec: { completionMode: 'Indexed', completions: 4, parallelism: 10 } })];
    for (const before of objects) {
      const part = fix(before)!;
      const after = applyMergePatch(before, { metadata: { annotations: part.annotations }, spec: part.spec });
      const errors = validateUpdate(before, after, { kubernetesVersion: '1.31' }).filter((v) => v.severity === 'error');
      assert.deepEqual(errors, []);
    }
  });

  it('the update check does catch an immutable change (so the assertion above can fail)', () => {
    const after = applyMergePatch(bare, { spec: { completions: 5 } });
    assert.ok(validateUpdate(bare, after, { kubernetesVersion: '1.31' }).some((v) => v.code === 'FieldImmutable'));
  });
});
