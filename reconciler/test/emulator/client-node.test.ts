import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  ListWatch,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { jobManifest, podManifest } from './helpers.ts';

/** Parses the `Status` an `ApiException` carries (client-node 1.4 keeps it as a string). */
function statusOf(err: unknown): { code: number; reason: string; details?: { causes?: Array<{ field: string }> } } {
  assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
  return JSON.parse(err.body as string);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('emulator through @kubernetes/client-node 1.4', { timeout: 20_000 }, () => {
  let emu: Emulator;
  let kc: KubeConfig;
  let batch: BatchV1Api;
  let core: CoreV1Api;

  before(async () => {
    emu = await startEmulator({ bookmarkIntervalMs: 20 });
    kc = new KubeConfig();
    kc.loadFromString(emu.kubeconfigYaml('test'));
    batch = kc.makeApiClient(BatchV1Api);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(() => emu.close());
  beforeEach(() => {
    for (const kind of ['Job', 'Pod']) {
      for (const o of emu.store.list(kind)) emu.store.delete(kind, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Orphan' });
    }
    emu.faults.clear();
  });

  it('loads the kubeconfig with its context', () => {
    assert.equal(kc.getCurrentContext(), 'test');
    assert.equal(kc.getCurrentCluster()?.server, emu.url);
  });

  it('creates, reads and lists Jobs as typed objects', async () => {
    const created = await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    const read = await batch.readNamespacedJob({ name: 'a', namespace: 'default' });
    assert.equal(read.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid'], created.metadata?.uid);
    const all = await batch.listJobForAllNamespaces();
    assert.deepEqual(all.items.map((j) => j.metadata?.name), ['a']);
    assert.equal(all.metadata?.resourceVersion, emu.store.resourceVersion);
  });

  it('lists pods by label selector', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: podManifest('p1', { labels: { 'batch.kubernetes.io/job-name': 'x' } }) as V1Pod });
    await core.createNamespacedPod({ namespace: 'default', body: podManifest('p2') as V1Pod });
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'batch.kubernetes.io/job-name=x' });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ['p1']);
  });

  it('surfaces 404, 409 and 422 as ApiException with a Status body', async () => {
    const missing = statusOf(await rejection(batch.readNamespacedJob({ name: 'nope', namespace: 'default' })));
    assert.equal(missing.code, 404);
    assert.equal(missing.reason, 'NotFound');

    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    const duplicate = statusOf(await rejection(batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job })));
    assert.equal(duplicate.reason, 'AlreadyExists');

    const bad = jobManifest('bad');
    bad.spec.template.spec.restartPolicy = 'Always';
    const invalid = statusOf(await rejection(batch.createNamespacedJob({ namespace: 'default', body: bad as V1Job })));
    assert.equal(invalid.code, 422);
    assert.ok(invalid.details?.causes?.some((c) => c.field === 'spec.template.spec.restartPolicy'));
  });

  it('applies each patch type when the content type is set explicitly', async () => {
    const created = await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    const rv = created.metadata!.resourceVersion!;
    const merged = await batch.patchNamespacedJob(
      { name: 'a', namespace: 'default', body: { metadata: { resourceVersion: rv }, spec: { suspend: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(merged.spec?.suspend, true);

    const stale = statusOf(
      await rejection(
        batch.patchNamespacedJob(
          { name: 'a', namespace: 'default', body: { metadata: { resourceVersion: rv }, spec: { suspend: false } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      ),
    );
    assert.equal(stale.code, 409);

    const strategic = await batch.patchNamespacedJob(
      { name: 'a', namespace: 'default', body: { metadata: { labels: { team: 'data' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.equal(strategic.metadata?.labels?.team, 'data');
    assert.equal(strategic.metadata?.labels?.['batch.kubernetes.io/job-name'], 'a', 'a strategic merge keeps the other labels');

    const json = await batch.patchNamespacedJob(
      {
        name: 'a',
        namespace: 'default',
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: strategic.metadata!.resourceVersion },
          { op: 'replace', path: '/spec/suspend', value: false },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(json.spec?.suspend, false);
  });

  it('rejects an object body sent with the default JSON-patch content type', async () => {
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    const err = statusOf(await rejection(batch.patchNamespacedJob({ name: 'a', namespace: 'default', body: { spec: { suspend: true } } })));
    assert.equal(err.code, 400);
  });

  it('answers 415 for server-side apply', async () => {
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    const err = statusOf(
      await rejection(
        batch.patchNamespacedJob(
          { name: 'a', namespace: 'default', body: jobManifest('a'), fieldManager: 'test' },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        ),
      ),
    );
    assert.equal(err.code, 415);
  });

  it('writes status through patchNamespacedJobStatus', async () => {
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    const job = await batch.patchNamespacedJobStatus(
      { name: 'a', namespace: 'default', body: { status: { active: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(job.status?.active, 1);
  });

  it('deletes with propagation policy and preconditions', async () => {
    const job = await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('a') as V1Job });
    await core.createNamespacedPod({ namespace: 'default', body: podManifest('a-1', { owner: { name: 'a', uid: job.metadata!.uid! } }) as V1Pod });
    const conflict = statusOf(
      await rejection(batch.deleteNamespacedJob({ name: 'a', namespace: 'default', body: { preconditions: { uid: 'other' } } })),
    );
    assert.equal(conflict.code, 409);
    await batch.deleteNamespacedJob({ name: 'a', namespace: 'default', propagationPolicy: 'Background', body: { preconditions: { uid: job.metadata!.uid } } });
    assert.deepEqual((await core.listNamespacedPod({ namespace: 'default' })).items, []);
  });

  it('does not store a server-side dry-run create', async () => {
    const answer = await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('dry') as V1Job, dryRun: 'All' });
    assert.equal(answer.metadata?.name, 'dry');
    assert.equal(emu.store.get('Job', 'default', 'dry'), undefined);
  });

  it('streams watch events and bookmarks to Watch, and ends on timeoutSeconds', async () => {
    const seen: string[] = [];
    let sawBookmark = false;
    const done = new Promise<unknown>((resolve) => {
      void new Watch(kc).watch(
        '/apis/batch/v1/namespaces/default/jobs',
        { allowWatchBookmarks: true, timeoutSeconds: 1 },
        (phase, obj) => {
          if (phase === 'BOOKMARK') sawBookmark = true;
          else seen.push(`${phase} ${obj.metadata.name}`);
        },
        resolve,
      );
    });
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('w') as V1Job });
    const err = await done;
    assert.equal(err, null, 'a clean server close is not an error');
    assert.deepEqual(seen, ['ADDED w']);
    assert.ok(sawBookmark);
  });

  it('relists an informer after a 410 ERROR event from a gone fault', async () => {
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('before') as V1Job });
    const informer = new ListWatch<V1Job>('/apis/batch/v1/namespaces/default/jobs', new Watch(kc), () => batch.listNamespacedJob({ namespace: 'default' }), false);
    const waiters = new Map<string, () => void>();
    const added = (name: string): Promise<void> => new Promise((resolve) => waiters.set(name, resolve));
    informer.on('add', (job) => waiters.get(job.metadata!.name!)?.());
    const before = added('before');
    await informer.start();
    await before;
    const lists = (): number => emu.stats().byVerbAndResource['list jobs'] ?? 0;
    const listsAtGone = lists();
    const after = added('after');
    emu.faults.inject({ type: 'gone', match: { resource: 'jobs' } });
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('after') as V1Job });
    await after;
    await informer.stop();
    assert.ok(lists() > listsAtGone, 'the informer listed again after the 410');
    assert.deepEqual(informer.list('default').map((j) => j.metadata?.name).sort(), ['after', 'before']);
  });
});
