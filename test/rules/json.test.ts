import fc from 'fast-check';
import { byteLength } from '../../src/rules/job-validators';
import { cloneJson } from '../../src/rules/json';

/** What `JSON.parse(JSON.stringify(v))` gives (`undefined` where nothing is serialised): the semantics `cloneJson` promises. */
function viaJson(v: unknown): unknown {
  const text = JSON.stringify(v) as string | undefined;
  return text === undefined ? undefined : JSON.parse(text);
}

describe('cloneJson', () => {
  test('equals a JSON round trip for any JSON value, including non-JSON leaves', () => {
    const leaf = fc.oneof(
      fc.constant(undefined), fc.constant(NaN), fc.constant(Infinity), fc.constant(-0), fc.constant(() => 1), fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(fc.property(value, (v) => {
      expect(cloneJson(v)).toEqual(viaJson(v));
    }), { numRuns: 2000 });
  });

  test('returns a copy: changing it never changes the input', () => {
    const input = { spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    const copy = cloneJson(input);
    copy.spec.template.spec.containers[0].name = 'b';
    expect(input.spec.template.spec.containers[0].name).toBe('a');
  });

  test('keeps a "__proto__" member as data, as JSON.parse does', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = cloneJson(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as any).polluted).toBeUndefined();
    expect(copy).toEqual(input);
  });
});

describe('byteLength', () => {
  test('is the UTF-8 length TextEncoder gives, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a\ud800', '\udc00b', '\ud83d\ude00\ud83d', 'ü€😀x']) {
      expect(byteLength(s)).toBe(new TextEncoder().encode(s).length);
    }
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit }));
    fc.assert(fc.property(text, (s) => byteLength(s) === new TextEncoder().encode(s).length), { numRuns: 2000 });
  });
});
