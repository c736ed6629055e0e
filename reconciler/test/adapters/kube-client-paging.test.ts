/**
 * `KubeClient.list` pages through the API emulator: it sends `limit` and `continue` to
 * client-node's list calls and returns the server's `metadata.continue`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import type { ListPageOptions, ListResult, ResourceKind } from '../../src/adapters/port.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';

function job(name: string, namespace: string, labels: Record<string, string> = {}): never {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  } as never;
}

function keys(result: ListResult): string[] {
  return result.items.map((o) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata?.name}`));
}

async function rejectsWith(work: Promise<unknown>, kind: KubeApiError['kind'], status: number): Promise<void> {
  await assert.rejects(work, (err: unknown) => err instanceof KubeApiError && err.kind === kind && err.status === status);
}

describe('KubeClient chunked lists', () => {
  let emu: Emulator;
  let client: KubeClient;
  before(async () => {
    emu = await startEmulator({ historyLimit: 30 });
    for (let i = 0; i < 7; i++) emu.store.create(job(`job-${i}`, 'ns', { half: String(i % 2) }));
    for (let i = 0; i < 2; i++) emu.store.create(job(`job-${i}`, 'other'));
    for (const name of ['n3', 'n1', 'n2']) emu.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    const kc = new KubeConfig();
    kc.loadFromString(emu.kubeconfigYaml());
    client = new KubeClient(kc);
  });
  after(() => emu.close());

  /** All pages of a list, each requested with `options` and the previous page's token. */
  async function pages(kind: ResourceKind, options: ListPageOptions): Promise<ListResult[]> {
    const out: ListResult[] = [];
    do out.push(await client.list(kind, { ...options, continue: out[out.length - 1]?.continue }));
    while (out[out.length - 1].continue);
    return out;
  }

  it('sends limit and continue, and returns the token of each page but the last', async () => {
    // WHEN
    const mark = emu.requests().length;
    const got = await pages('Job', { namespace: 'ns', limit: 3 });
    // THEN
    assert.deepEqual(got.map(keys), [['ns/job-0', 'ns/job-1', 'ns/job-2'], ['ns/job-3', 'ns/job-4', 'ns/job-5'], ['ns/job-6']]);
    assert.ok(got[0].continue && got[1].continue);
    assert.equal('continue' in got[2], false);
    assert.deepEqual(got.map((p) => p.resourceVersion), Array(3).fill(emu.store.resourceVersion));
    assert.ok(got.every((p) => p.items.every((o) => o.kind === 'Job' && o.apiVersion === 'batch/v1')));
    const sent = emu.requests().slice(mark).map((q) => q.query);
    assert.deepEqual(sent.map((q) => q.limit), ['3', '3', '3']);
    assert.deepEqual(sent.map((q) => q.continue), [undefined, got[0].continue, got[1].continue]);
  });

  it('pages all namespaces, a label selector and a cluster-scoped kind', async () => {
    assert.deepEqual((await pages('Job', { limit: 4 })).map(keys), [
      ['ns/job-0', 'ns/job-1', 'ns/job-2', 'ns/job-3'],
      ['ns/job-4', 'ns/job-5', 'ns/job-6', 'other/job-0'],
      ['other/job-1'],
    ]);
    assert.deepEqual((await pages('Job', { namespace: 'ns', labelSelector: 'half=1', limit: 2 })).map(keys), [['ns/job-1', 'ns/job-3'], ['ns/job-5']]);
    assert.deepEqual((await pages('Node', { limit: 2 })).map(keys), [['n1', 'n2'], ['n3']]);
  });

  it('lists everything in one answer without a limit', async () => {
    const mark = emu.requests().length;
    const all = await client.list('Job', { namespace: 'ns' });
    assert.equal(all.items.length, 7);
    assert.equal(all.continue, undefined);
    assert.equal(emu.requests()[mark].query.limit, undefined);
  });

  it('fails if the token expired (Gone, 410) or is not a token (BadRequest, 400)', async () => {
    // GIVEN a first page, then more writes than the emulator's history holds
    const first = await client.list('Job', { namespace: 'ns', limit: 3 });
    for (let i = 0; i < 31; i++) emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'other' } } as never);
    // WHEN / THEN
    await rejectsWith(client.list('Job', { namespace: 'ns', limit: 3, continue: first.continue }), 'Gone', 410);
    await rejectsWith(client.list('Job', { namespace: 'ns', limit: 3, continue: 'garbage' }), 'BadRequest', 400);
  });
});
