import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiSafeJson, printable } from '../../src/check/printable.ts';

describe('printable', () => {
  it('escapes C0 (ANSI sequences included), DEL, C1, bidi controls, separators and the BOM', () => {
    assert.equal(printable('a\u001b[31mb\u0007\n\t\r'), 'a\\x1b[31mb\\x07\\x0a\\x09\\x0d');
    assert.equal(printable('\u007f\u0080\u009b\u0085'), '\\x7f\\x80\\x9b\\x85');
    assert.equal(printable('\u202e\u2066\u2069\u200e\u200f\u061c\u2028\u2029\ufeff'), '\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029\\ufeff');
  });

  it('leaves printable text alone, non-ASCII letters and emoji included', () => {
    assert.equal(printable('Job shop/migrate-ä-日本-🚀 (got "x y")'), 'Job shop/migrate-ä-日本-🚀 (got "x y")');
  });
});

describe('asciiSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, keeping the document and its values', () => {
    const value = { name: 'a\u009b\u202e\u2028\u007fb\u001b', list: [1, 2] };
    const json = JSON.stringify(value, null, 2);
    const safe = asciiSafeJson(json);
    assert.doesNotMatch(safe, /[\u007f-\u009f\u2028\u202e]/);
    assert.match(safe, /\\u009b\\u202e\\u2028\\u007fb\\u001b/);
    assert.deepEqual(JSON.parse(safe), value);
    assert.equal(safe.split('\n').length, json.split('\n').length);
  });
});
