import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { call, jobManifest, openWatch, podManifest } from './helpers.ts';

const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const PODS = '/api/v1/namespaces/default/pods';

describe('emulator watch', { timeout: 20_000 }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ historyLimit: 5, bookmarkIntervalMs: 20 });
  });
  after(() => emu.close());

  it('starts with ADDED events for existing objects, then streams changes in order', async () => {
    await call(emu.url, 'POST', JOBS, jobManifest('w1'));
    const watch = await openWatch(emu.url, `${JOBS}?watch=true`);
    assert.equal(watch.status, 200);
    const first = await watch.next();
    assert.equal(first?.type, 'ADDED');
    assert.equal(first?.object.metadata.name, 'w1');
    await call(emu.url, 'PATCH', `${JOBS}/w1`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    await call(emu.url, 'DELETE', `${JOBS}/w1`);
    const modified = await watch.next();
    assert.equal(modified?.type, 'MODIFIED');
    assert.equal(modified?.object.metadata.labels.a, 'b');
    const deleted = await watch.next();
    assert.equal(deleted?.type, 'DELETED');
    assert.ok(Number(deleted?.object.metadata.resourceVersion) > Number(modified?.object.metadata.resourceVersion));
    watch.close();
  });

  it('resumes from a resourceVersion with only the later events', async () => {
    const a = (await call(emu.url, 'POST', PODS, podManifest('r1'))).body;
    await call(emu.url, 'POST', PODS, podManifest('r2'));
    const watch = await openWatch(emu.url, `${PODS}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    const e = await watch.next();
    assert.equal(e?.type, 'ADDED');
    assert.equal(e?.object.metadata.name, 'r2');
    watch.close();
  });

  it('sends a 410 Expired ERROR event for a resourceVersion older than the history', async () => {
    const old = emu.store.resourceVersion;
    for (let i = 0; i < 6; i++) await call(emu.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } });
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&resourceVersion=${old}`);
    assert.equal(watch.status, 200);
    const e = await watch.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.kind, 'Status');
    assert.equal(e?.object.code, 410);
    assert.equal(e?.object.reason, 'Expired');
    assert.equal(await watch.next(), undefined, 'the stream ends after the ERROR event');
  });

  it('sends BOOKMARK events carrying the current resourceVersion when allowed', async () => {
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&allowWatchBookmarks=true&resourceVersion=${emu.store.resourceVersion}`);
    const bookmark = await watch.next();
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.equal(bookmark?.object.kind, 'Job');
    assert.equal(bookmark?.object.metadata.resourceVersion, emu.store.resourceVersion);
    watch.close();
  });

  it('marks the end of initial events with a bookmark when sendInitialEvents is set', async () => {
    await call(emu.url, 'POST', JOBS, jobManifest('init'));
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true`);
    const end = await watch.until((e) => e.type === 'BOOKMARK');
    assert.equal(end?.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    watch.close();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&timeoutSeconds=1&resourceVersion=${emu.store.resourceVersion}`);
    assert.equal(await watch.next(), undefined);
  });

  it('filters by namespace, label and field selector, turning selection changes into ADDED and DELETED', async () => {
    const watch = await openWatch(emu.url, `${PODS}?watch=true&labelSelector=app%3Dsel&resourceVersion=${emu.store.resourceVersion}`);
    await call(emu.url, 'POST', '/api/v1/namespaces/other/pods', podManifest('elsewhere', { namespace: 'other', labels: { app: 'sel' } }));
    await call(emu.url, 'POST', PODS, podManifest('unlabelled'));
    await call(emu.url, 'PATCH', `${PODS}/unlabelled`, { metadata: { labels: { app: 'sel' } } }, 'application/merge-patch+json');
    await call(emu.url, 'PATCH', `${PODS}/unlabelled`, { metadata: { labels: { app: 'other' } } }, 'application/merge-patch+json');
    const entered = await watch.next();
    assert.equal(entered?.type, 'ADDED');
    assert.equal(entered?.object.metadata.name, 'unlabelled');
    const left = await watch.next();
    assert.equal(left?.type, 'DELETED');
    assert.equal(left?.object.metadata.name, 'unlabelled');
    watch.close();

    const byName = await openWatch(emu.url, `${PODS}?watch=true&fieldSelector=metadata.name%3Dr2`);
    const only = await byName.next();
    assert.equal(only?.object.metadata.name, 'r2');
    byName.close();
  });

  it('answers 400 before streaming for a bad selector', async () => {
    const { status, body } = await call(emu.url, 'GET', `${PODS}?watch=true&fieldSelector=spec.nope%3Dx`);
    assert.equal(status, 400);
    assert.equal(body.reason, 'BadRequest');
  });

  it('sends no event for dry-run writes', async () => {
    const watch = await openWatch(emu.url, `${JOBS}?watch=true&resourceVersion=${emu.store.resourceVersion}`);
    await call(emu.url, 'POST', `${JOBS}?dryRun=All`, jobManifest('dry'));
    await call(emu.url, 'POST', JOBS, jobManifest('real'));
    const e = await watch.next();
    assert.equal(e?.object.metadata.name, 'real');
    watch.close();
  });

  it('releases its store subscription when the client goes away', async () => {
    const own = await startEmulator();
    const baseline = own.store.watcherCount;
    const watch = await openWatch(own.url, `${JOBS}?watch=true`);
    assert.equal(own.store.watcherCount, baseline + 1);
    watch.close();
    while (own.store.watcherCount > baseline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(own.store.watcherCount, baseline);
    await own.close();
  });

  it('ends open watches when the emulator closes', async () => {
    const other = await startEmulator();
    const watch = await openWatch(other.url, `${JOBS}?watch=true`);
    await other.close();
    assert.equal(await watch.next(), undefined);
  });
});
