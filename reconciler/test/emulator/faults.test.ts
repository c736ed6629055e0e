import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { call, jobManifest, openWatch } from './helpers.ts';

const JOBS = '/apis/batch/v1/namespaces/default/jobs';

/** A raw GET that reports a socket error instead of throwing, to observe a reset connection. */
function rawGet(url: string): Promise<{ status?: number; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    req.end();
  });
}

describe('emulator faults', { timeout: 20_000 }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ bookmarkIntervalMs: 20 });
    await call(emu.url, 'POST', JOBS, jobManifest('j'));
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.faults.clear();
    emu.resetStats();
  });

  it('answers an injected 429 with Retry-After, then recovers once the uses are spent', async () => {
    const handle = emu.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 3, match: { verb: 'get', resource: 'jobs' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const { status, headers, body } = await call(emu.url, 'GET', `${JOBS}/j`);
      assert.equal(status, 429);
      assert.equal(headers.get('retry-after'), '3');
      assert.equal(body.reason, 'TooManyRequests');
      assert.equal(body.details.retryAfterSeconds, 3);
    }
    assert.equal(handle.remaining(), 0);
    assert.equal((await call(emu.url, 'GET', `${JOBS}/j`)).status, 200);
    assert.equal(emu.stats().faulted, 2);
  });

  it('only applies a fault to matching requests', async () => {
    emu.faults.inject({ type: 'status', status: 500, match: { method: 'PATCH', pathPrefix: '/apis/batch/v1' }, times: Infinity });
    assert.equal((await call(emu.url, 'GET', `${JOBS}/j`)).status, 200);
    const patched = await call(emu.url, 'PATCH', `${JOBS}/j`, {}, 'application/merge-patch+json');
    assert.equal(patched.status, 500);
    assert.equal(patched.body.reason, 'InternalError');
    assert.equal((await call(emu.url, 'PATCH', `${JOBS}/j`, {}, 'application/merge-patch+json')).status, 500, 'Infinity keeps the fault');
    emu.faults.clear();
    assert.equal((await call(emu.url, 'PATCH', `${JOBS}/j`, {}, 'application/merge-patch+json')).status, 200);
  });

  it('resets the connection without an answer', async () => {
    emu.faults.inject({ type: 'reset', match: { verb: 'list' } });
    const { status, error } = await rawGet(`${emu.url}${JOBS}`);
    assert.equal(status, undefined);
    assert.equal(error?.code, 'ECONNRESET');
    assert.equal((await rawGet(`${emu.url}${JOBS}`)).status, 200);
  });

  it('delays a request and then answers it normally', async () => {
    emu.faults.inject({ type: 'delay', ms: 50, match: { verb: 'get' } });
    const { status, body } = await call(emu.url, 'GET', `${JOBS}/j`);
    assert.equal(status, 200);
    assert.equal(body.metadata.name, 'j');
    assert.deepEqual(emu.faults.active(), []);
  });

  it('ends an ongoing watch with a 410 ERROR event on a gone fault', async () => {
    const watch = await openWatch(emu.url, `${JOBS}?watch=true`);
    assert.equal((await watch.next())?.type, 'ADDED');
    emu.faults.inject({ type: 'gone' });
    const e = await watch.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.code, 410);
    assert.equal(await watch.next(), undefined);
  });

  it('gives the next watch a 410 ERROR event when no watch is open', async () => {
    emu.faults.inject({ type: 'gone', match: { resource: 'jobs' } });
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&resourceVersion=${emu.store.resourceVersion}`);
    const e = await watch.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.reason, 'Expired');
    const healthy = await openWatch(emu.url, `${JOBS}?watch=true`);
    assert.equal((await healthy.next())?.type, 'ADDED');
    healthy.close();
  });

  it('keeps a stalled watch open and silent, without events or bookmarks', async () => {
    const other = await startEmulator({ bookmarkIntervalMs: 10 });
    other.store.create(jobManifest('x'));
    other.faults.inject({ type: 'stall' });
    const stalled = await openWatch(other.url, `${JOBS}?watch=true&allowWatchBookmarks=true`);
    assert.equal(stalled.status, 200);
    const healthy = await openWatch(other.url, `${JOBS}?watch=true&allowWatchBookmarks=true`);
    assert.equal((await healthy.next())?.type, 'ADDED', 'a watch without the fault gets the existing Job');
    assert.ok(await healthy.until((e) => e.type === 'BOOKMARK'));
    healthy.close();
    other.store.create(jobManifest('y'));
    await other.close();
    assert.equal(await stalled.next(), undefined, 'the stalled stream ended at close without sending anything');
  });

  it('rejects a fault with no uses', () => {
    assert.throws(() => emu.faults.inject({ type: 'reset', times: 0 }), RangeError);
  });
});
