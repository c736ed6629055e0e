/**
 * Chunked lists of the emulated API server (`limit`/`continue`), with the API server's
 * semantics: key order, a continue token while more remain, every page served at the first
 * page's resourceVersion (a consistent snapshot), 410 `Expired` once that snapshot left the
 * history, 400 for a malformed token. And the store's snapshot reads underneath.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { StoreError, type StoredObject } from '../../src/emulator/types.ts';
import { call, jobManifest, type Answer } from './helpers.ts';

const ALL_JOBS = '/apis/batch/v1/jobs';
const JOBS = '/apis/batch/v1/namespaces/default/jobs';

interface Page {
  readonly names: string[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

function page(answer: Answer): Page {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const items = answer.body.items as StoredObject[];
  return {
    names: items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    resourceVersion: answer.body.metadata.resourceVersion,
    continue: answer.body.metadata.continue,
    remainingItemCount: answer.body.metadata.remainingItemCount,
  };
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `${path}?${q}`;
}

function token(fields: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

describe('emulator chunked lists', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ historyLimit: 40 });
  });
  afterEach(() => emu.close());

  /** Every page of a list, following the continue tokens; `between` runs before each later page. */
  async function allPages(path: string, query: Record<string, string | number>, between?: (n: number) => void): Promise<Page[]> {
    const pages: Page[] = [];
    let next: string | undefined;
    do {
      if (next) between?.(pages.length);
      pages.push(page(await call(emu.url, 'GET', withQuery(path, { ...query, continue: next }))));
      next = pages[pages.length - 1].continue;
    } while (next);
    return pages;
  }

  function createJobs(namespace: string, names: readonly string[]): void {
    for (const name of names) emu.store.create(jobManifest(name, namespace));
  }

  it('serves at most limit items a page, in namespace/name order, with a token while more remain', async () => {
    // GIVEN jobs created out of order in two namespaces
    createJobs('b', ['j2', 'j1', 'j3']);
    createJobs('a', ['j4', 'j2', 'j3', 'j1']);
    // WHEN
    const pages = await allPages(ALL_JOBS, { limit: 3 });
    // THEN
    assert.deepEqual(pages.map((p) => p.names), [['a/j1', 'a/j2', 'a/j3'], ['a/j4', 'b/j1', 'b/j2'], ['b/j3']]);
    assert.deepEqual(pages.map((p) => p.remainingItemCount), [4, 1, undefined]);
    assert.ok(pages[0].continue && pages[1].continue && pages[0].continue !== pages[1].continue);
    assert.equal(pages[2].continue, undefined);
    assert.deepEqual(pages.map((p) => p.resourceVersion), Array(3).fill(emu.store.resourceVersion));
  });

  it('answers in one page without a limit, or when the limit covers everything', async () => {
    createJobs('default', ['a', 'b', 'c']);
    for (const limit of [undefined, 0, 3, 10]) {
      const p = page(await call(emu.url, 'GET', withQuery(JOBS, { limit })));
      assert.deepEqual(p.names, ['default/a', 'default/b', 'default/c'], `limit ${limit}`);
      assert.equal(p.continue, undefined, `limit ${limit}`);
      assert.equal(p.remainingItemCount, undefined, `limit ${limit}`);
    }
  });

  it('serves every later page as of the first page, whatever changed in between', async () => {
    // GIVEN ten jobs, and a first page of four
    createJobs('default', ['j0', 'j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7', 'j8', 'j9']);
    const before = new Map(emu.store.list('Job').map((o) => [o.metadata.name, o]));
    const snapshot = emu.store.resourceVersion;
    // WHEN, before the second page, jobs are created before and after the cursor, deleted, changed and recreated
    const pages = await allPages(JOBS, { limit: 4 }, (n) => {
      if (n !== 1) return;
      createJobs('default', ['j1a', 'j5a', 'z']);
      emu.store.delete('Job', 'default', 'j6');
      const j7 = emu.store.get('Job', 'default', 'j7')!;
      emu.store.replace({ ...j7, metadata: { ...j7.metadata, labels: { changed: 'yes' } } });
      emu.store.delete('Job', 'default', 'j8');
      createJobs('default', ['j8']);
    });
    // THEN the later pages show the jobs as they were at the first page's resourceVersion
    assert.deepEqual(pages.map((p) => p.names.map((n) => n.slice('default/'.length))), [['j0', 'j1', 'j2', 'j3'], ['j4', 'j5', 'j6', 'j7'], ['j8', 'j9']]);
    assert.deepEqual(pages.map((p) => p.resourceVersion), [snapshot, snapshot, snapshot]);
    assert.deepEqual(pages.map((p) => p.remainingItemCount), [6, 2, undefined]);
    const second = await call(emu.url, 'GET', withQuery(JOBS, { limit: 4, continue: pages[0].continue }));
    const served = new Map((second.body.items as StoredObject[]).map((o) => [o.metadata.name, o]));
    assert.deepEqual(served.get('j7'), before.get('j7'), 'j7 without its later label');
    assert.deepEqual(served.get('j6'), before.get('j6'), 'j6 although deleted since');
    const third = await call(emu.url, 'GET', withQuery(JOBS, { limit: 4, continue: pages[1].continue }));
    assert.equal(third.body.items[0].metadata.uid, before.get('j8')!.metadata.uid, 'the j8 of the snapshot, not the new one');
    // AND a new list shows the jobs as they are now
    const now = await allPages(JOBS, { limit: 4 });
    assert.deepEqual(now.flatMap((p) => p.names).map((n) => n.slice('default/'.length)), ['j0', 'j1', 'j1a', 'j2', 'j3', 'j4', 'j5', 'j5a', 'j7', 'j8', 'j9', 'z']);
  });

  it('selects the later pages of a label-selected list by the labels of the snapshot', async () => {
    // GIVEN jobs labelled tier=x: a, c, e (b and d are not)
    for (const [name, tier] of [['a', 'x'], ['b', 'y'], ['c', 'x'], ['d', 'y'], ['e', 'x']]) {
      emu.store.create({ ...jobManifest(name), metadata: { name, namespace: 'default', labels: { tier } } });
    }
    // WHEN between the pages d joins tier x and e leaves it
    const pages = await allPages(JOBS, { limit: 1, labelSelector: 'tier=x' }, (n) => {
      if (n !== 1) return;
      for (const [name, tier] of [['d', 'x'], ['e', 'y']]) {
        const job = emu.store.get('Job', 'default', name)!;
        emu.store.replace({ ...job, metadata: { ...job.metadata, labels: { tier } } });
      }
    });
    // THEN
    assert.deepEqual(pages.flatMap((p) => p.names), ['default/a', 'default/c', 'default/e']);
  });

  it('answers 410 Expired once the first page\'s snapshot left the history, and a new list starts over', async () => {
    // GIVEN a first page
    createJobs('default', ['a', 'b', 'c']);
    const first = page(await call(emu.url, 'GET', withQuery(JOBS, { limit: 2 })));
    // WHEN more writes than the history holds (40) happen before the next page
    for (let i = 0; i < 41; i++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'other' } });
    const next = await call(emu.url, 'GET', withQuery(JOBS, { limit: 2, continue: first.continue }));
    // THEN
    assert.equal(next.status, 410);
    assert.equal(next.body.kind, 'Status');
    assert.equal(next.body.reason, 'Expired');
    assert.equal(next.body.code, 410);
    const again = await allPages(JOBS, { limit: 2 });
    assert.deepEqual(again.flatMap((p) => p.names), ['default/a', 'default/b', 'default/c']);
    assert.equal(again[0].resourceVersion, emu.store.resourceVersion);
  });

  it('continues a snapshot the history still covers', async () => {
    createJobs('default', ['a', 'b', 'c']);
    const first = page(await call(emu.url, 'GET', withQuery(JOBS, { limit: 2 })));
    for (let i = 0; i < 39; i++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'other' } });
    const next = page(await call(emu.url, 'GET', withQuery(JOBS, { limit: 2, continue: first.continue })));
    assert.deepEqual(next.names, ['default/c']);
    assert.equal(next.resourceVersion, first.resourceVersion);
  });

  it('fails if the continue token is malformed (400 BadRequest)', async () => {
    // GIVEN a valid token, to derive broken ones from
    createJobs('default', ['a', 'b', 'c']);
    const first = page(await call(emu.url, 'GET', withQuery(JOBS, { limit: 1 })));
    const valid = JSON.parse(Buffer.from(first.continue!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const future = Number(emu.store.resourceVersion) + 100;
    const broken: Array<[string, string]> = [
      ['not base64 JSON', 'garbage'],
      ['JSON of the wrong type', token(['a'] as never)],
      ['an unknown token version', token({ ...valid, v: 'v0' })],
      ['a resourceVersion that is a string', token({ ...valid, rv: String(valid.rv) })],
      ['a zero resourceVersion', token({ ...valid, rv: 0 })],
      ['a resourceVersion never served', token({ ...valid, rv: future })],
      ['an empty start key', token({ ...valid, start: '' })],
    ];
    for (const [what, text] of broken) {
      // WHEN
      const answer = await call(emu.url, 'GET', withQuery(JOBS, { limit: 1, continue: text }));
      // THEN
      assert.equal(answer.status, 400, what);
      assert.equal(answer.body.reason, 'BadRequest', what);
      assert.match(answer.body.message, /invalid continue token/, what);
    }
  });

  it('fails if a continue token comes with a resourceVersion (400 BadRequest)', async () => {
    createJobs('default', ['a', 'b']);
    const first = page(await call(emu.url, 'GET', withQuery(JOBS, { limit: 1 })));
    const answer = await call(emu.url, 'GET', withQuery(JOBS, { limit: 1, continue: first.continue, resourceVersion: first.resourceVersion }));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, 'BadRequest');
    assert.match(answer.body.message, /resource version is not allowed when using continue/);
  });
});

describe('MemoryStore snapshot reads', () => {
  function names(objs: StoredObject[]): string[] {
    return objs.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`);
  }

  it('reads a kind as it was at a past resourceVersion', () => {
    // GIVEN a, b and f (f with a finalizer), then changes after the snapshot
    const store = new MemoryStore({ seedNamespaces: false, resourceQuota: false });
    const a = store.create(jobManifest('a'));
    const b = store.create(jobManifest('b'));
    const f = store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f', namespace: 'default', finalizers: ['x/y'] } });
    const at = Number(store.resourceVersion);
    store.replace({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
    store.delete('Job', 'default', 'b');
    store.create(jobManifest('c'));
    store.delete('ConfigMap', 'default', 'f');
    store.replace({ ...store.get('ConfigMap', 'default', 'f')!, metadata: { ...store.get('ConfigMap', 'default', 'f')!.metadata, finalizers: [] } });
    // WHEN / THEN
    assert.deepEqual(names(store.query('Job', { at })), [`a@${a.metadata.resourceVersion}`, `b@${b.metadata.resourceVersion}`]);
    assert.deepEqual(store.query('ConfigMap', { at }), [f]);
    assert.equal(store.count('Job', { at }), 2);
    assert.deepEqual(store.query('Job', { at, labelSelector: 'v=2' }), []);
    assert.deepEqual(store.query('Job').map((o) => o.metadata.name), ['a', 'c']);
    assert.deepEqual(store.query('Job', { labelSelector: 'v=2' }).map((o) => o.metadata.name), ['a']);
    assert.deepEqual(store.query('ConfigMap'), []);
  });

  it('fails if the resourceVersion was compacted out of the history (410 Expired)', () => {
    const store = new MemoryStore({ seedNamespaces: false, resourceQuota: false, historyLimit: 2 });
    store.create(jobManifest('a'));
    const at = Number(store.resourceVersion);
    for (const name of ['b', 'c', 'd']) store.create(jobManifest(name));
    assert.throws(() => store.query('Job', { at }), (err: unknown) => err instanceof StoreError && err.code === 410 && err.reason === 'Expired');
  });
});
