import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { call, jobManifest, podManifest } from './helpers.ts';

const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const PODS = '/api/v1/namespaces/default/pods';

describe('emulator REST over HTTP', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ kubernetesVersion: '1.31' });
  });
  after(() => emu.close());
  beforeEach(() => {
    for (const kind of ['Job', 'Pod', 'ConfigMap', 'Event']) {
      for (const obj of emu.store.list(kind)) {
        if (obj.metadata.finalizers) emu.store.replace({ ...obj, metadata: { ...obj.metadata, finalizers: [] } });
        emu.store.delete(kind, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Orphan' });
      }
    }
    emu.faults.clear();
  });

  describe('discovery', () => {
    it('answers /version with the target minor version', async () => {
      const { status, body } = await call(emu.url, 'GET', '/version');
      assert.equal(status, 200);
      assert.equal(body.gitVersion, 'v1.31.0');
      assert.equal(body.minor, '31');
    });

    it('lists groups and resources with verbs and the status subresource', async () => {
      const groups = await call(emu.url, 'GET', '/apis');
      assert.deepEqual(
        groups.body.groups.map((g: { name: string }) => g.name),
        ['batch', 'events.k8s.io', 'coordination.k8s.io', 'apps', 'rbac.authorization.k8s.io', 'policy', 'networking.k8s.io', 'autoscaling', 'scheduling.k8s.io'],
      );
      const batch = await call(emu.url, 'GET', '/apis/batch/v1');
      const names = batch.body.resources.map((r: { name: string }) => r.name);
      assert.deepEqual(names, ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']);
      assert.ok(batch.body.resources[0].verbs.includes('watch'));
      const core = await call(emu.url, 'GET', '/api/v1');
      assert.ok(core.body.resources.some((r: { name: string; namespaced: boolean }) => r.name === 'nodes' && !r.namespaced));
      const apps = await call(emu.url, 'GET', '/apis/apps/v1');
      assert.deepEqual(
        apps.body.resources.map((r: { name: string }) => r.name),
        ['deployments', 'deployments/status', 'statefulsets', 'statefulsets/status', 'daemonsets', 'daemonsets/status', 'replicasets', 'replicasets/status'],
      );
      const rbac = await call(emu.url, 'GET', '/apis/rbac.authorization.k8s.io/v1');
      assert.deepEqual(
        rbac.body.resources.map((r: { name: string; namespaced: boolean }) => `${r.name}:${r.namespaced}`),
        ['roles:true', 'rolebindings:true', 'clusterroles:false', 'clusterrolebindings:false'],
      );
    });

    it('stores the kinds an application has next to its Jobs as the API server does, status reset on create', async () => {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
        status: { replicas: 7, readyReplicas: 7 },
      };
      const created = await call(emu.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
      assert.equal(created.status, 201);
      assert.equal(created.body.metadata.generation, 1);
      assert.deepEqual(created.body.status, {}, 'a client cannot set the status on create');
      assert.deepEqual(created.body.spec, deployment.spec);
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] }] };
      const storedRole = await call(emu.url, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', role);
      assert.equal(storedRole.status, 201);
      assert.equal(storedRole.body.metadata.namespace, undefined, 'cluster-scoped');
      assert.deepEqual(storedRole.body.rules, role.rules);
      const listed = await call(emu.url, 'GET', '/apis/apps/v1/deployments');
      assert.deepEqual(listed.body.items.map((d: { metadata: { name: string } }) => d.metadata.name), ['web']);
    });

    it('answers 404 with a Status for unknown paths and resources', async () => {
      for (const path of ['/openapi/v2', '/apis/batch/v1/namespaces/default/widgets', '/apis/nope']) {
        const { status, body } = await call(emu.url, 'GET', path);
        assert.equal(status, 404, path);
        assert.equal(body.kind, 'Status');
        assert.equal(body.reason, 'NotFound');
      }
    });
  });

  describe('create and get', () => {
    it('creates a Job with server-filled metadata and the generated selector', async () => {
      const { status, body } = await call(emu.url, 'POST', JOBS, jobManifest('a'));
      assert.equal(status, 201);
      assert.equal(body.metadata.namespace, 'default');
      assert.match(body.metadata.resourceVersion, /^\d+$/);
      assert.equal(body.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], body.metadata.uid);
      const got = await call(emu.url, 'GET', `${JOBS}/a`);
      assert.deepEqual(got.body, body);
    });

    it('names objects from generateName', async () => {
      const manifest = jobManifest('');
      manifest.metadata = { generateName: 'run-', namespace: 'default' };
      const { status, body } = await call(emu.url, 'POST', JOBS, manifest);
      assert.equal(status, 201);
      assert.match(body.metadata.name, /^run-[a-z0-9]{5}$/);
    });

    it('fails with 409 AlreadyExists on a duplicate name', async () => {
      await call(emu.url, 'POST', JOBS, jobManifest('a'));
      const { status, body } = await call(emu.url, 'POST', JOBS, jobManifest('a'));
      assert.equal(status, 409);
      assert.equal(body.reason, 'AlreadyExists');
      assert.deepEqual(body.details, { name: 'a', group: 'batch', kind: 'jobs' });
    });

    it('fails with 404 NotFound and details for a missing object', async () => {
      const { status, body } = await call(emu.url, 'GET', `${JOBS}/missing`);
      assert.equal(status, 404);
      assert.equal(body.message, 'jobs.batch "missing" not found');
      assert.deepEqual(body.details, { name: 'missing', group: 'batch', kind: 'jobs' });
    });

    it('fails with 422 Invalid and field causes for a Job with restartPolicy Always', async () => {
      const bad = jobManifest('bad');
      bad.spec.template.spec.restartPolicy = 'Always';
      const { status, body } = await call(emu.url, 'POST', JOBS, bad);
      assert.equal(status, 422);
      assert.equal(body.reason, 'Invalid');
      assert.equal(body.details.kind, 'Job');
      assert.equal(body.details.name, 'bad');
      assert.ok(body.details.causes.some((c: { field: string }) => c.field === 'spec.template.spec.restartPolicy'), JSON.stringify(body));
      assert.equal((await call(emu.url, 'GET', `${JOBS}/bad`)).status, 404);
    });

    it('fails with 400 when the body namespace or kind does not match the URL', async () => {
      const other = jobManifest('a', 'other');
      assert.equal((await call(emu.url, 'POST', JOBS, other)).status, 400);
      assert.equal((await call(emu.url, 'POST', JOBS, podManifest('p'))).status, 400);
      assert.equal((await call(emu.url, 'POST', JOBS, '{not json')).status, 400);
    });

    it('handles unknown Job fields by fieldValidation: Warn (default) drops and warns, Ignore drops, Strict rejects', async () => {
      const withTypo = (name: string): unknown => {
        const m = jobManifest(name);
        m.spec.bogus = 1;
        return m;
      };
      const warned = await call(emu.url, 'POST', JOBS, withTypo('warned'));
      assert.equal(warned.status, 201);
      assert.equal(warned.body.spec.bogus, undefined);
      assert.match(warned.headers.get('warning') ?? '', /299 - "unknown field \\"spec.bogus\\""/);
      assert.equal(emu.store.get('Job', 'default', 'warned')!.spec.bogus, undefined);

      const ignored = await call(emu.url, 'POST', `${JOBS}?fieldValidation=Ignore`, withTypo('ignored'));
      assert.equal(ignored.status, 201);
      assert.equal(ignored.headers.get('warning'), null);

      const strict = await call(emu.url, 'POST', `${JOBS}?fieldValidation=Strict`, withTypo('strict'));
      assert.equal(strict.status, 400);
      assert.equal(strict.body.reason, 'BadRequest');
      assert.equal(strict.body.message, 'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.bogus"');

      assert.equal((await call(emu.url, 'POST', `${JOBS}?fieldValidation=Loose`, jobManifest('x'))).status, 422);
    });

    it('stores nothing on a dry-run create', async () => {
      const { status, body } = await call(emu.url, 'POST', `${JOBS}?dryRun=All`, jobManifest('dry'));
      assert.equal(status, 201);
      assert.equal(body.metadata.name, 'dry');
      assert.equal(emu.store.get('Job', 'default', 'dry'), undefined);
      assert.equal((await call(emu.url, 'POST', `${JOBS}?dryRun=Some`, jobManifest('dry'))).status, 422);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await call(emu.url, 'POST', PODS, podManifest('p1', { labels: { app: 'x', tier: 'web' } }));
      await call(emu.url, 'POST', PODS, podManifest('p2', { labels: { app: 'x' } }));
      await call(emu.url, 'POST', PODS, podManifest('p3', { labels: { app: 'y' } }));
      await call(emu.url, 'POST', '/api/v1/namespaces/other/pods', podManifest('p4', { namespace: 'other', labels: { app: 'x' } }));
    });
    const names = (body: { items: Array<{ metadata: { name: string } }> }): string[] => body.items.map((i) => i.metadata.name);

    it('lists a namespace or all namespaces with the current resourceVersion', async () => {
      const ns = await call(emu.url, 'GET', PODS);
      assert.equal(ns.body.kind, 'PodList');
      assert.deepEqual(names(ns.body), ['p1', 'p2', 'p3']);
      assert.equal(ns.body.metadata.resourceVersion, emu.store.resourceVersion);
      assert.deepEqual(names((await call(emu.url, 'GET', '/api/v1/pods')).body), ['p1', 'p2', 'p3', 'p4']);
    });

    it('filters by label selector (=, !=, in, notin, exists, !exists)', async () => {
      const sel = async (s: string): Promise<string[]> => names((await call(emu.url, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent(s)}`)).body);
      assert.deepEqual(await sel('app=x'), ['p1', 'p2', 'p4']);
      assert.deepEqual(await sel('app!=x'), ['p3']);
      assert.deepEqual(await sel('app in (y, z)'), ['p3']);
      assert.deepEqual(await sel('app notin (x)'), ['p3']);
      assert.deepEqual(await sel('tier'), ['p1']);
      assert.deepEqual(await sel('app=x,!tier'), ['p2', 'p4']);
      assert.equal((await call(emu.url, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('app in x')}`)).status, 400);
    });

    it('filters by field selector and rejects unsupported fields', async () => {
      const byName = await call(emu.url, 'GET', '/api/v1/pods?fieldSelector=metadata.name%3Dp2');
      assert.deepEqual(names(byName.body), ['p2']);
      const byNs = await call(emu.url, 'GET', '/api/v1/pods?fieldSelector=metadata.namespace!%3Ddefault');
      assert.deepEqual(names(byNs.body), ['p4']);
      const bad = await call(emu.url, 'GET', '/api/v1/pods?fieldSelector=spec.hostname%3Dx');
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /"spec.hostname" is not a known field selector: only "metadata.name", "metadata.namespace"/);
    });

    it('pages with limit and continue', async () => {
      const first = await call(emu.url, 'GET', '/api/v1/pods?limit=3');
      assert.deepEqual(names(first.body), ['p1', 'p2', 'p3']);
      assert.equal(first.body.metadata.remainingItemCount, 1);
      const second = await call(emu.url, 'GET', `/api/v1/pods?limit=3&continue=${first.body.metadata.continue}`);
      assert.deepEqual(names(second.body), ['p4']);
      assert.equal(second.body.metadata.continue, undefined);
      assert.equal(second.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
      assert.equal((await call(emu.url, 'GET', '/api/v1/pods?continue=garbage')).status, 400);
    });

    it('pages through a label or a field selector, one item a page, without a remaining count (as the API server)', async () => {
      for (const [selector, want] of [['labelSelector=app%3Dx', ['p1', 'p2', 'p4']], ['fieldSelector=metadata.namespace%3Ddefault', ['p1', 'p2', 'p3']]] as const) {
        const seen: string[] = [];
        const remaining: Array<number | undefined> = [];
        let token = '';
        do {
          const page = await call(emu.url, 'GET', `/api/v1/pods?limit=1&${selector}${token ? `&continue=${token}` : ''}`);
          seen.push(...names(page.body));
          remaining.push(page.body.metadata.remainingItemCount);
          token = page.body.metadata.continue ?? '';
        } while (token);
        assert.deepEqual(seen, want, selector);
        assert.deepEqual(remaining, [undefined, undefined, undefined], selector);
      }
    });

    it('answers 504 for a resourceVersion newer than the store', async () => {
      const { status, body } = await call(emu.url, 'GET', `/api/v1/pods?resourceVersion=${Number(emu.store.resourceVersion) + 100}`);
      assert.equal(status, 504);
      assert.equal(body.reason, 'Timeout');
    });
  });

  describe('update', () => {
    it('replaces with a current resourceVersion and fails with 409 Conflict on a stale one', async () => {
      const created = (await call(emu.url, 'POST', PODS, podManifest('p'))).body;
      const fresh = await call(emu.url, 'PUT', `${PODS}/p`, { ...created, metadata: { ...created.metadata, labels: { v: '2' } } });
      assert.equal(fresh.status, 200);
      assert.deepEqual(fresh.body.metadata.labels, { v: '2' });
      const stale = await call(emu.url, 'PUT', `${PODS}/p`, { ...created, metadata: { ...created.metadata, labels: { v: '3' } } });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.reason, 'Conflict');
      assert.match(stale.body.message, /the object has been modified/);
    });

    it('round-trips a Job read from the server', async () => {
      const created = (await call(emu.url, 'POST', JOBS, jobManifest('a'))).body;
      created.metadata.labels = { touched: 'yes' };
      const { status, body } = await call(emu.url, 'PUT', `${JOBS}/a`, created);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.metadata.generation, 1);
    });

    it('fails with 422 when an immutable Job field changes', async () => {
      const created = (await call(emu.url, 'POST', JOBS, jobManifest('a'))).body;
      const changed = structuredClone(created);
      changed.spec.completionMode = 'Indexed';
      changed.spec.completions = 1;
      const { status, body } = await call(emu.url, 'PUT', `${JOBS}/a`, changed);
      assert.equal(status, 422, JSON.stringify(body));
      assert.ok(body.details.causes.some((c: { field: string }) => c.field === 'spec.completionMode'), JSON.stringify(body.details));
    });

    it('writes only the status through /status and keeps the status on main writes', async () => {
      const created = (await call(emu.url, 'POST', JOBS, jobManifest('a'))).body;
      const statusWrite = await call(emu.url, 'PUT', `${JOBS}/a/status`, { ...created, spec: { ...created.spec, parallelism: 7 }, status: { active: 1 } });
      assert.equal(statusWrite.status, 200);
      assert.deepEqual(statusWrite.body.status, { active: 1 });
      assert.equal(statusWrite.body.spec.parallelism, created.spec.parallelism);
      const mainWrite = await call(emu.url, 'PUT', `${JOBS}/a`, { ...statusWrite.body, status: { active: 5 } });
      assert.deepEqual(mainWrite.body.status, { active: 1 });
    });

    it('answers 404 for /status of a resource without it', async () => {
      await call(emu.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
      assert.equal((await call(emu.url, 'GET', '/api/v1/namespaces/default/configmaps/c/status')).status, 404);
    });

    it('creates a missing Lease on PUT', async () => {
      const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec: { holderIdentity: 'me' } };
      const { status, body } = await call(emu.url, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/leader', lease);
      assert.equal(status, 201);
      assert.equal(body.spec.holderIdentity, 'me');
    });

    it('does not store a dry-run update', async () => {
      const created = (await call(emu.url, 'POST', PODS, podManifest('p'))).body;
      const dry = await call(emu.url, 'PUT', `${PODS}/p?dryRun=All`, { ...created, metadata: { ...created.metadata, labels: { v: 'dry' } } });
      assert.equal(dry.status, 200);
      assert.deepEqual(dry.body.metadata.labels, { v: 'dry' });
      assert.deepEqual(emu.store.get('Pod', 'default', 'p')!.metadata.labels, {});
    });
  });

  describe('patch', () => {
    it('applies a JSON merge patch (null deletes)', async () => {
      await call(emu.url, 'POST', PODS, podManifest('p', { labels: { a: '1', b: '2' } }));
      const { status, body } = await call(emu.url, 'PATCH', `${PODS}/p`, { metadata: { labels: { a: null, c: '3' } } }, 'application/merge-patch+json');
      assert.equal(status, 200);
      assert.deepEqual(body.metadata.labels, { b: '2', c: '3' });
    });

    it('applies a strategic merge patch by merge keys', async () => {
      await call(emu.url, 'POST', PODS, podManifest('p'));
      const patch = { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: 'changed' }, { name: 'C', value: '3' }] }] } };
      const { status, body } = await call(emu.url, 'PATCH', `${PODS}/p`, patch, 'application/strategic-merge-patch+json');
      assert.equal(status, 200);
      assert.deepEqual(body.spec.containers.map((c: { name: string }) => c.name), ['main', 'sidecar']);
      assert.deepEqual(body.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: 'changed' }, { name: 'C', value: '3' }]);
    });

    it('applies a JSON patch and answers 422 when a test operation fails', async () => {
      const created = (await call(emu.url, 'POST', JOBS, jobManifest('a'))).body;
      const rv = created.metadata.resourceVersion;
      const ok = await call(emu.url, 'PATCH', `${JOBS}/a`, [
        { op: 'test', path: '/metadata/resourceVersion', value: rv },
        { op: 'add', path: '/spec/suspend', value: true },
      ], 'application/json-patch+json');
      assert.equal(ok.status, 200);
      assert.equal(ok.body.spec.suspend, true);
      const failed = await call(emu.url, 'PATCH', `${JOBS}/a`, [{ op: 'test', path: '/metadata/resourceVersion', value: rv }], 'application/json-patch+json');
      assert.equal(failed.status, 422);
      const notArray = await call(emu.url, 'PATCH', `${JOBS}/a`, { spec: {} }, 'application/json-patch+json');
      assert.equal(notArray.status, 400);
    });

    it('answers 415 for any other content type', async () => {
      await call(emu.url, 'POST', JOBS, jobManifest('a'));
      for (const type of ['application/json', 'application/apply-patch+yaml', 'text/plain']) {
        const { status, body } = await call(emu.url, 'PATCH', `${JOBS}/a`, { spec: { suspend: true } }, type);
        assert.equal(status, 415, type);
        assert.equal(body.reason, 'UnsupportedMediaType');
      }
    });

    it('treats metadata.resourceVersion in a patch as a precondition', async () => {
      const created = (await call(emu.url, 'POST', JOBS, jobManifest('a'))).body;
      const patch = (suspend: boolean): unknown => ({ metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { suspend } });
      const first = await call(emu.url, 'PATCH', `${JOBS}/a`, patch(true), 'application/merge-patch+json');
      assert.equal(first.status, 200);
      const second = await call(emu.url, 'PATCH', `${JOBS}/a`, patch(false), 'application/merge-patch+json');
      assert.equal(second.status, 409);
      assert.equal(second.body.reason, 'Conflict');
    });

    it('patches only the status through /status', async () => {
      await call(emu.url, 'POST', JOBS, jobManifest('a'));
      const { body } = await call(emu.url, 'PATCH', `${JOBS}/a/status`, { spec: { parallelism: 9 }, status: { succeeded: 1 } }, 'application/merge-patch+json');
      assert.deepEqual(body.status, { succeeded: 1 });
      assert.notEqual(body.spec.parallelism, 9);
    });

    it('does not store a dry-run patch and answers 404 for a missing object', async () => {
      await call(emu.url, 'POST', JOBS, jobManifest('a'));
      const dry = await call(emu.url, 'PATCH', `${JOBS}/a?dryRun=All`, { spec: { suspend: true } }, 'application/merge-patch+json');
      assert.equal(dry.body.spec.suspend, true);
      assert.notEqual(emu.store.get('Job', 'default', 'a')!.spec.suspend, true);
      assert.equal((await call(emu.url, 'PATCH', `${JOBS}/nope`, {}, 'application/merge-patch+json')).status, 404);
    });
  });

  describe('delete', () => {
    async function jobWithPods(): Promise<string> {
      const job = (await call(emu.url, 'POST', JOBS, jobManifest('j'))).body;
      for (const name of ['j-1', 'j-2']) await call(emu.url, 'POST', PODS, podManifest(name, { owner: { name: 'j', uid: job.metadata.uid } }));
      return job.metadata.uid;
    }
    const podNames = (): string[] => emu.store.list('Pod', 'default').map((p) => p.metadata.name);

    it('orphans the pods of a batch/v1 Job by default, as the API server does', async () => {
      await jobWithPods();
      const { status } = await call(emu.url, 'DELETE', `${JOBS}/j`);
      assert.equal(status, 200);
      assert.deepEqual(podNames(), ['j-1', 'j-2']);
      assert.equal(emu.store.get('Pod', 'default', 'j-1')!.metadata.ownerReferences, undefined);
    });

    it('cascades with propagationPolicy=Background in the query', async () => {
      await jobWithPods();
      await call(emu.url, 'DELETE', `${JOBS}/j?propagationPolicy=Background`);
      assert.deepEqual(podNames(), []);
    });

    it('cascades with propagationPolicy=Foreground in a DeleteOptions body', async () => {
      await jobWithPods();
      const { status } = await call(emu.url, 'DELETE', `${JOBS}/j`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
      assert.equal(status, 200);
      assert.deepEqual(podNames(), []);
      assert.equal(emu.store.get('Job', 'default', 'j'), undefined);
    });

    it('fails with 409 when a uid or resourceVersion precondition does not hold', async () => {
      const uid = await jobWithPods();
      const wrongUid = await call(emu.url, 'DELETE', `${JOBS}/j`, { preconditions: { uid: 'not-it' } });
      assert.equal(wrongUid.status, 409);
      assert.match(wrongUid.body.message, /Precondition failed: UID/);
      const wrongRv = await call(emu.url, 'DELETE', `${JOBS}/j`, { preconditions: { resourceVersion: '1' } });
      assert.equal(wrongRv.status, 409);
      const ok = await call(emu.url, 'DELETE', `${JOBS}/j`, { preconditions: { uid }, propagationPolicy: 'Background' });
      assert.equal(ok.status, 200);
    });

    it('answers 404 for a missing object and 422 for an unknown policy', async () => {
      assert.equal((await call(emu.url, 'DELETE', `${JOBS}/nope`)).status, 404);
      await jobWithPods();
      const bad = await call(emu.url, 'DELETE', `${JOBS}/j?propagationPolicy=Sideways`);
      assert.equal(bad.status, 422);
      assert.equal(bad.body.details.causes[0].field, 'propagationPolicy');
    });

    it('keeps everything on a dry-run delete', async () => {
      await jobWithPods();
      const { status } = await call(emu.url, 'DELETE', `${JOBS}/j?dryRun=All&propagationPolicy=Background`);
      assert.equal(status, 200);
      assert.ok(emu.store.get('Job', 'default', 'j'));
      assert.deepEqual(podNames(), ['j-1', 'j-2']);
    });

    it('answers 200 with the marked object while finalizers keep it, 202 only after orphanDependents: false', async () => {
      const pod = podManifest('held');
      pod.metadata.finalizers = ['example.com/hold'];
      await call(emu.url, 'POST', PODS, pod);
      const { status, body } = await call(emu.url, 'DELETE', `${PODS}/held`);
      assert.equal(status, 200);
      assert.ok(body.metadata.deletionTimestamp);
      assert.equal(body.metadata.deletionGracePeriodSeconds, 0);
      const held2 = podManifest('held-2');
      held2.metadata.finalizers = ['example.com/hold'];
      await call(emu.url, 'POST', PODS, held2);
      const accepted = await call(emu.url, 'DELETE', `${PODS}/held-2`, { orphanDependents: false });
      assert.equal(accepted.status, 202);
    });

    it('deletes a collection by label selector', async () => {
      await call(emu.url, 'POST', PODS, podManifest('a', { labels: { app: 'x' } }));
      await call(emu.url, 'POST', PODS, podManifest('b', { labels: { app: 'y' } }));
      const { status, body } = await call(emu.url, 'DELETE', `${PODS}?labelSelector=app%3Dx`);
      assert.equal(status, 200);
      assert.deepEqual(body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a']);
      assert.deepEqual(podNames(), ['b']);
    });
  });

  describe('events', () => {
    it('serves one Event storage through core/v1 and events.k8s.io/v1', async () => {
      const event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'j.1', namespace: 'default' },
        eventTime: '2026-01-01T00:00:00.000000Z',
        type: 'Warning',
        reason: 'MissingTtl',
        action: 'Audit',
        note: 'spec.ttlSecondsAfterFinished is not set',
        reportingController: 'cdk8s-batch.io/reconciler',
        reportingInstance: 'r-1',
        regarding: { kind: 'Job', namespace: 'default', name: 'j', apiVersion: 'batch/v1' },
      };
      assert.equal((await call(emu.url, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', event)).status, 201);
      const core = await call(emu.url, 'GET', '/api/v1/namespaces/default/events/j.1');
      assert.equal(core.body.apiVersion, 'v1');
      assert.equal(core.body.message, event.note);
      assert.deepEqual(core.body.involvedObject, event.regarding);
      assert.equal(core.body.reportingComponent, event.reportingController);
      const byReason = await call(emu.url, 'GET', '/api/v1/events?fieldSelector=involvedObject.name%3Dj,reason%3DMissingTtl');
      assert.equal(byReason.body.items.length, 1);
      const series = await call(
        emu.url,
        'PATCH',
        '/apis/events.k8s.io/v1/namespaces/default/events/j.1',
        { series: { count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z' } },
        'application/merge-patch+json',
      );
      assert.equal(series.status, 200);
      assert.equal(series.body.series.count, 2);
    });

    it('fails with 422 and causes for an events.k8s.io Event missing what a reporter must set', async () => {
      const event = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bad' }, type: 'Info', reportingController: 'not a name', deprecatedCount: 3 };
      const { status, body } = await call(emu.url, 'POST', '/apis/events.k8s.io/v1/namespaces/apps/events', event);
      assert.equal(status, 422);
      assert.deepEqual(
        body.details.causes.map((c: { field: string }) => c.field),
        ['eventTime', 'type', 'reportingController', 'reportingInstance', 'action', 'reason', 'regarding.namespace', 'deprecatedCount'],
      );
      const legacy = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'legacy' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started', message: 'ok' };
      assert.equal((await call(emu.url, 'POST', '/api/v1/namespaces/default/events', legacy)).status, 201, 'core v1 Events keep the legacy rules');
    });
  });

  describe('request accounting', () => {
    it('counts requests by verb and resource', async () => {
      emu.resetStats();
      await call(emu.url, 'POST', JOBS, jobManifest('a'));
      await call(emu.url, 'GET', JOBS);
      await call(emu.url, 'GET', `${JOBS}/a`);
      await call(emu.url, 'PATCH', `${JOBS}/a/status`, { status: {} }, 'application/merge-patch+json');
      const stats = emu.stats();
      assert.equal(stats.total, 4);
      assert.deepEqual(stats.byVerbAndResource, { 'create jobs': 1, 'list jobs': 1, 'get jobs': 1, 'patch jobs/status': 1 });
      assert.equal(emu.requests().at(-1)!.contentType, 'application/merge-patch+json');
      assert.deepEqual(JSON.parse(emu.requests().at(-1)!.body!), { status: {} });
      assert.equal(emu.requests().at(-1)!.status, 200);
    });
  });
});
