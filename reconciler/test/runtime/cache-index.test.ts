import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheIndex } from '../../src/runtime/cache-index.ts';

describe('CacheIndex', () => {
  it('indexes, moves and removes object keys', () => {
    const index = new CacheIndex();
    index.set('ns/a', 'job-1');
    index.set('ns/b', 'job-1');
    index.set('ns/c', 'job-2');
    assert.deepEqual(index.keys('job-1').sort(), ['ns/a', 'ns/b']);
    index.set('ns/a', 'job-2');
    assert.deepEqual(index.keys('job-1'), ['ns/b']);
    assert.deepEqual(index.keys('job-2').sort(), ['ns/a', 'ns/c']);
    index.remove('ns/b');
    index.set('ns/c', undefined);
    assert.deepEqual(index.keys('job-1'), []);
    assert.deepEqual(index.keys('job-2'), ['ns/a']);
  });

  it('keeps one, several and again one key per value, and never hands out its own list', () => {
    const index = new CacheIndex();
    for (const name of ['p0', 'p1', 'p2']) index.set(`ns/${name}`, 'job-1');
    index.set('ns/p1', 'job-1'); // set again under the same value: still once
    const keys = index.keys('job-1');
    assert.deepEqual(keys, ['ns/p0', 'ns/p1', 'ns/p2']);
    keys.pop(); // a caller changing its copy changes nothing in the index
    assert.deepEqual(index.keys('job-1'), ['ns/p0', 'ns/p1', 'ns/p2']);
    index.remove('ns/p1');
    assert.deepEqual(index.keys('job-1'), ['ns/p0', 'ns/p2']);
    index.remove('ns/p0');
    assert.deepEqual(index.keys('job-1'), ['ns/p2']);
    index.set('ns/p3', 'job-1');
    assert.deepEqual(index.keys('job-1'), ['ns/p2', 'ns/p3']);
    index.remove('ns/p2');
    index.remove('ns/p3');
    index.remove('ns/p3'); // removing what is not indexed is a no-op
    assert.deepEqual(index.keys('job-1'), []);
  });
});
