/**
 * Pod lists in protobuf against a real API server (runs only with `KUBECONFIG`): the Pod cache's
 * view of every pod decoded from the protobuf answer (`adapters/pod-protobuf.ts`) equals its view
 * of the JSON answer, for pods of every shape the view reads (owned and labelled, bare and
 * pending, bound, finished with conditions, being deleted), whole and in pages, through
 * `KubeClient` and raw; an error answers in protobuf too. `CONFORMANCE_RECORD=1` also records the
 * answers into `test/adapters/fixtures/pod-list.json`, which the unit test decodes without a cluster.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import { PROTOBUF, decodePodList, decodeStatus } from '../../src/adapters/pod-protobuf.ts';
import type { ListResult } from '../../src/adapters/port.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { podCacheView } from '../../src/runtime/cache-view.ts';
import { clusterTarget, type Target } from './client.ts';

const FIXTURE = new URL('../adapters/fixtures/pod-list.json', import.meta.url);
const file = process.env.KUBECONFIG;

/** The pods of the test, by name: spec (and metadata) to create, status to set afterwards. */
function pods(owner: { uid: string; name: string }, second: { uid: string; name: string }): Array<{ body: KubeObject; status?: Record<string, unknown>; remove?: boolean }> {
  const container = { name: 'c', image: 'registry.example/app:1', command: ['sh', '-c', 'echo ü'], resources: { requests: { cpu: '100m', memory: '64Mi' } } };
  const at = (s: number): string => new Date(Date.UTC(2026, 11, 5, 12, 0, s)).toISOString().replace('.000Z', 'Z');
  return [
    {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'owned',
          labels: { 'batch.kubernetes.io/controller-uid': owner.uid, 'batch.kubernetes.io/job-name': owner.name, 'controller-uid': owner.uid, 'job-name': owner.name, tier: 'batch' },
          annotations: { note: 'grüße, 日本' },
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: false },
            { apiVersion: 'v1', kind: 'ConfigMap', name: second.name, uid: second.uid, controller: false },
          ],
        },
        spec: { restartPolicy: 'Never', nodeName: 'node-a', containers: [container] },
      },
      status: {
        phase: 'Succeeded',
        startTime: at(1),
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
          { type: 'Initialized', status: 'True', lastTransitionTime: at(2), lastProbeTime: at(9) },
          { type: 'Ready', status: 'False', lastTransitionTime: at(7), reason: 'PodCompleted' },
          { type: 'ContainersReady', status: 'False', lastTransitionTime: at(5), message: 'ü' },
        ],
        containerStatuses: [{ name: 'c', image: container.image, imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(1), finishedAt: at(6) } } }],
      },
    },
    { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [container] } } },
    {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'deleting', finalizers: ['example.com/hold'], labels: { 'job-name': owner.name } }, spec: { nodeName: 'node-b', containers: [container] } },
      status: { phase: 'Running', startTime: at(3), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(4) }] },
      remove: true,
    },
  ];
}

/** A raw GET with the kubeconfig's credentials: status, content type and body. */
async function rawGet(path: string, accept: string): Promise<{ status: number; type: string; body: Buffer }> {
  const kc = loadKubeConfig({ kubeconfig: file, env: process.env });
  const server = new URL(kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = { host: server.hostname, port: Number(server.port || 443), path: `${server.pathname.replace(/\/$/, '')}${path}`, headers: { accept } };
  await kc.applyToHTTPSOptions(options as never);
  return new Promise((resolve, reject) => {
    https.get(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const views = (items: readonly KubeObject[]): KubeObject[] => items.map((p) => podCacheView({ ...p, apiVersion: 'v1', kind: 'Pod' }));
const names = (r: ListResult): string[] => r.items.map((p) => p.metadata?.name ?? '');

describe('Pod lists in protobuf against kube-apiserver', { skip: file ? false : 'KUBECONFIG is not set' }, () => {
  let target: Target;
  let client: KubeClient;
  const ns = `conformance-${randomBytes(3).toString('hex')}`;
  const podsPath = `/api/v1/namespaces/${ns}/pods`;

  before(async () => {
    target = await clusterTarget(file!);
    client = new KubeClient(loadKubeConfig({ kubeconfig: file, env: process.env }), { qps: 1000, burst: 1000 });
    assert.equal((await target.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    // The pods' service account, where no controller-manager creates it (409 where one did).
    await target.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    // Owners that exist: a garbage collector removes references to absent ones.
    const owner = await target.call('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    const second = await target.call('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'second' } });
    for (const p of pods({ uid: owner.body.metadata.uid, name: 'owner' }, { uid: second.body.metadata.uid, name: 'second' })) {
      const created = await target.call('POST', podsPath, p.body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const name = p.body.metadata!.name;
      if (p.status) assert.equal((await target.call('PATCH', `${podsPath}/${name}/status`, { status: p.status }, 'application/merge-patch+json')).status, 200);
      if (p.remove) assert.equal((await target.call('DELETE', `${podsPath}/${name}`)).status, 200);
    }
  });

  after(async () => {
    if (!target) return;
    await target.call('PATCH', `${podsPath}/deleting`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await target.call('DELETE', `${podsPath}/deleting?gracePeriodSeconds=0`);
    await target.call('DELETE', `/api/v1/namespaces/${ns}`);
    client.close();
  });

  it('answers a Pod list in protobuf whose decoded views equal those of the JSON list', async () => {
    const pb = await rawGet(podsPath, `${PROTOBUF}, application/json`);
    const json = await rawGet(podsPath, 'application/json');
    assert.equal(pb.status, 200);
    assert.ok(pb.type.startsWith(PROTOBUF), pb.type);
    const decoded = decodePodList(pb.body);
    const list = JSON.parse(json.body.toString('utf8')) as { items: KubeObject[]; metadata: { resourceVersion: string } };
    assert.deepEqual(decoded.items.map((p) => p.metadata?.name), ['bare', 'deleting', 'owned']);
    assert.deepEqual(views(decoded.items), views(list.items));
    // The views read what the pods carry: owner, labels, node, phase, times, latest condition, deletion.
    const [bare, deleting, owned] = views(decoded.items);
    assert.equal(bare.spec, undefined);
    assert.equal(bare.status?.phase, 'Pending');
    assert.equal(typeof deleting.metadata?.deletionTimestamp, 'string');
    assert.deepEqual(owned.status?.conditions, [{ type: 'Initialized', status: 'True', lastTransitionTime: '2026-12-05T12:00:02Z', lastProbeTime: '2026-12-05T12:00:09Z' }]);
    assert.equal(owned.metadata?.ownerReferences?.length, 2);
    assert.equal(owned.spec?.nodeName, 'node-a');
    if (process.env.CONFORMANCE_RECORD === '1') {
      const missing = await rawGet(`${podsPath}/missing`, `${PROTOBUF}, application/json`);
      const version = JSON.parse((await rawGet('/version', 'application/json')).body.toString('utf8')) as { gitVersion: string };
      const fixture = { server: version.gitVersion, namespace: ns, protobuf: pb.body.toString('base64'), json: list, notFound: missing.body.toString('base64') };
      writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
    }
  });

  it('lists the same pods through KubeClient with viewFields (protobuf) as without (JSON), whole and in pages', async () => {
    const whole = await client.list('Pod', { namespace: ns, viewFields: true });
    const plain = await client.list('Pod', { namespace: ns });
    assert.deepEqual(views(whole.items), views(plain.items));
    assert.ok(whole.items.every((p) => p.kind === 'Pod' && p.apiVersion === 'v1'));
    // Only what the view reads came: no annotations, no containers.
    assert.ok(whole.items.every((p) => p.metadata?.annotations === undefined && p.spec?.containers === undefined));
    const first = await client.list('Pod', { namespace: ns, viewFields: true, limit: 2 });
    assert.ok(first.continue);
    const second = await client.list('Pod', { namespace: ns, viewFields: true, limit: 2, continue: first.continue });
    assert.deepEqual([...names(first), ...names(second)], names(plain));
    assert.equal(second.continue, undefined);
    assert.equal(first.resourceVersion, second.resourceVersion);
  });

  it('answers an error in protobuf, decoded into its Status', async () => {
    const missing = await rawGet(`${podsPath}/missing`, `${PROTOBUF}, application/json`);
    assert.equal(missing.status, 404);
    assert.ok(missing.type.startsWith(PROTOBUF), missing.type);
    assert.deepEqual(decodeStatus(missing.body), { kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "missing" not found' });
  });
});
