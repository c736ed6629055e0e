import { SuccessPolicy } from '../src';

describe('SuccessPolicy', () => {
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

  test('fails if a count is below 1', () => {
    expect(() => SuccessPolicy.succeededCount(0)).toThrow(/^InvalidSucceededCount: rules\[0\]\.succeededCount must be a whole number of at least 1 \(got 0\); /);
    expect(() => SuccessPolicy.succeededIndexes('0-3', -2)).toThrow(/InvalidSucceededCount/);
  });
});
