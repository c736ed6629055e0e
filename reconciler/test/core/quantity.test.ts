import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NANO, formatQuantity, parseQuantity } from '../../src/core/quantity.ts';

describe('parseQuantity', () => {
  const rows: Array<[unknown, bigint | undefined]> = [
    ['2', 2n * NANO],
    ['100m', 100_000_000n],
    ['1.5', 1_500_000_000n],
    ['.5', 500_000_000n],
    ['0', 0n],
    ['1Ki', 1024n * NANO],
    ['500Mi', 500n * 1024n * 1024n * NANO],
    ['1Gi', 1024n ** 3n * NANO],
    ['1.5Gi', (3n * 1024n ** 3n * NANO) / 2n],
    ['1k', 1000n * NANO],
    ['1M', 1_000_000n * NANO],
    ['1G', 1_000_000_000n * NANO],
    ['1E', 10n ** 18n * NANO],
    ['1e3', 1000n * NANO],
    ['1E3', 1000n * NANO],
    ['2e-3', 2_000_000n],
    ['250u', 250_000n],
    ['7n', 7n],
    ['1.5n', 2n], // finer than a nano-unit rounds up, as the API server does
    ['-1', -1n * NANO],
    [' 3 ', 3n * NANO],
    [4, 4n * NANO],
    [0.25, 250_000_000n],
    ['', undefined],
    ['1Kb', undefined],
    ['abc', undefined],
    ['1 Gi', undefined],
    ['Gi', undefined],
    [null, undefined],
    [{}, undefined],
    [Number.NaN, undefined],
  ];
  for (const [input, expected] of rows) {
    it(`parses ${JSON.stringify(input)} as ${expected === undefined ? 'not a quantity' : `${expected}n`}`, () => {
      assert.equal(parseQuantity(input), expected);
    });
  }

  it('adds exactly where floating point would not (3 × 100m = 300m)', () => {
    const sum = parseQuantity('100m')! * 3n;
    assert.equal(sum, parseQuantity('300m'));
    assert.notEqual(0.1 * 3, 0.3);
  });
});

describe('formatQuantity', () => {
  const rows: Array<[string, string]> = [
    ['1500m', '1500m'],
    ['2', '2'],
    ['512Mi', '512Mi'],
    ['3Gi', '3Gi'],
    ['1000', '1000'],
    ['7n', '7n'],
  ];
  for (const [input, expected] of rows) {
    it(`renders ${input} as ${expected}`, () => {
      assert.equal(formatQuantity(parseQuantity(input)!), expected);
    });
  }

  it('renders negative amounts with a sign', () => {
    assert.equal(formatQuantity(-parseQuantity('250m')!), '-250m');
  });
});
