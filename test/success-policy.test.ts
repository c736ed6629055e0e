import { Chart, Testing } from 'cdk8s';
import { BatchSettings, IndexedJob, SuccessPolicy } from '../src';

/** successPolicy needs Kubernetes 1.31 (SucceededCountZero is checked from 1.31). */
function chart131(): Chart {
  const app = Testing.app();
  BatchSettings.setKubernetesVersion(app, '1.31');
  return new Chart(app, 'test');
}

describe('SuccessPolicy', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
  afterEach(() => jest.restoreAllMocks());

  test('succeededCount renders one rule', () => {
    expect(SuccessPolicy.succeededCount(1)._toKube()).toEqual({ rules: [{ succeededCount: 1 }] });
  });

  test('succeededIndexes renders the indexes and the optional count', () => {
    expect(SuccessPolicy.succeededIndexes('0,2-4')._toKube()).toEqual({ rules: [{ succeededIndexes: '0,2-4' }] });
    expect(SuccessPolicy.succeededIndexes('0-9', 5)._toKube()).toEqual({ rules: [{ succeededIndexes: '0-9', succeededCount: 5 }] });
  });

  test('of combines rules', () => {
    const policy = SuccessPolicy.of({ succeededIndexes: '0' }, { succeededCount: 3 });
    expect(policy.rules).toEqual([{ succeededIndexes: '0' }, { succeededCount: 3 }]);
  });

  // The API server rejects a negative succeededCount and accepts 0 (ValidateNonnegativeField):
  // the construct reports both at synth with the severity `check` gives them.
  test('fails if a count of 0 throws in the construct while check only warns', () => {
    const chart = chart131();
    new IndexedJob(chart, 'job', { containers: [{ image: 'x' }], completions: 3, successPolicy: SuccessPolicy.succeededCount(0) });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.spec.successPolicy).toEqual({ rules: [{ succeededCount: 0 }] });
    expect(stderr.mock.calls.map(([line]) => String(line)).join('')).toMatch(/warning SucceededCountZero: spec\.successPolicy\.rules\[0\]\.succeededCount/);
  });

  test('fails if a negative count passes synth', () => {
    const chart = chart131();
    new IndexedJob(chart, 'job', { containers: [{ image: 'x' }], completions: 3, successPolicy: SuccessPolicy.succeededIndexes('0-3', -2) });
    expect(() => Testing.synth(chart)).toThrow(/SucceededCountNegative: spec\.successPolicy\.rules\[0\]\.succeededCount/);
  });
});
