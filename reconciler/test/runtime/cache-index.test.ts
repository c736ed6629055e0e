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
});
