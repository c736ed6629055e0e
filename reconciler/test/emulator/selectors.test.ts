import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldValue, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/emulator/selectors.ts';
import { StoreError } from '../../src/emulator/types.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'batch.kubernetes.io/job-name': 'j' };
  const matches = (sel: string): boolean => matchesLabels(parseLabelSelector(sel), labels);

  it('parses every operator', () => {
    assert.deepEqual(parseLabelSelector('a=b, c==d,e!=f,g in (h, i),j notin (k),l,!m'), [
      { key: 'a', op: 'eq', values: ['b'] },
      { key: 'c', op: 'eq', values: ['d'] },
      { key: 'e', op: 'neq', values: ['f'] },
      { key: 'g', op: 'in', values: ['h', 'i'] },
      { key: 'j', op: 'notin', values: ['k'] },
      { key: 'l', op: 'exists', values: [] },
      { key: 'm', op: 'notexists', values: [] },
    ]);
  });

  it('matches as the API server does', () => {
    assert.ok(matches('app=web,batch.kubernetes.io/job-name=j'));
    assert.ok(!matches('app=db'));
    assert.ok(matches('missing!=x'), 'a missing label satisfies !=');
    assert.ok(matches('missing notin (x)'), 'a missing label satisfies notin');
    assert.ok(!matches('missing in (x)'));
    assert.ok(matches('tier,!missing'));
    assert.ok(matches(''));
  });

  it('fails with 400 on bad syntax', () => {
    assert.throws(() => parseLabelSelector('a in b'), (e: unknown) => e instanceof StoreError && e.code === 400);
  });
});

describe('field selectors', () => {
  const job = { metadata: { name: 'j', namespace: 'ns' }, status: {} };

  it('allows metadata fields and the resource fields given, with = and != only', () => {
    const sel = parseFieldSelector('metadata.name=j,status.successful!=1', ['status.successful']);
    assert.ok(matchesFields(sel, job));
    assert.throws(() => parseFieldSelector('spec.x=1'), /"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"/);
    assert.throws(() => parseFieldSelector('metadata.name in (a)'), /only =, == and != are supported/);
  });

  it('renders derived fields with their API server defaults', () => {
    assert.equal(fieldValue(job, 'status.successful'), '0');
    assert.equal(fieldValue({ status: { succeeded: 2 } }, 'status.successful'), '2');
    assert.equal(fieldValue({ source: { component: 'kubelet' } }, 'source'), 'kubelet');
    assert.equal(fieldValue(job, 'metadata.namespace'), 'ns');
  });
});
