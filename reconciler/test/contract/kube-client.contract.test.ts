/**
 * The adapter's operations, run against the API emulator and — when `KUBECONFIG` is set — against
 * that real cluster too (in the namespace `CONTRACT_NAMESPACE`, default `default`; every object the
 * suite creates is named `cdk8s-batch-contract-*` and deleted again).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/types.ts';
import { KubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import type { WatchEvent } from '../../src/adapters/port.ts';
import { microTime } from '../../src/runtime/actuator.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { KubeConfig } from '@kubernetes/client-node';

interface Target {
  readonly client: KubeClient;
  readonly dryRunClient: KubeClient;
  readonly namespace: string;
  readonly emulator?: Emulator;
}

function suffix(): string {
  return randomBytes(3).toString('hex');
}

function jobManifest(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'cdk8s-batch-contract' } },
    spec: {
      suspend: true,
      ttlSecondsAfterFinished: 60,
      activeDeadlineSeconds: 600,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

async function rejectsWith(work: Promise<unknown>, kind: KubeApiError['kind']): Promise<KubeApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof KubeApiError, `expected a KubeApiError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected ${kind}`);
}

function contract(name: string, connect: () => Promise<Target>, disconnect: (t: Target) => Promise<void>): void {
  describe(`KubeClient contract (${name})`, () => {
    let t: Target;
    const created: Array<() => Promise<void>> = [];
    before(async () => {
      t = await connect();
    });
    after(async () => {
      for (const undo of created.reverse()) await undo().catch(() => undefined);
      await disconnect(t);
    });

    async function createJob(): Promise<KubeObject> {
      const job = await t.client.create('Job', t.namespace, jobManifest(`cdk8s-batch-contract-${suffix()}`, t.namespace));
      created.push(() => t.client.delete('Job', { namespace: t.namespace, name: job.metadata!.name! }, { propagationPolicy: 'Background' }));
      return job;
    }

    it('reads the server version', async () => {
      const v = await t.client.serverVersion();
      assert.match(v.major, /^\d+$/);
      assert.match(v.minor, /^\d+/);
    });

    it('creates, gets and lists a Job as plain JSON', async () => {
      const job = await createJob();
      assert.equal(job.kind, 'Job');
      assert.ok(job.metadata?.uid && job.metadata.resourceVersion);
      assert.match(String(job.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const got = await t.client.get('Job', t.namespace, job.metadata.name!);
      assert.equal(got.metadata?.uid, job.metadata.uid);
      const list = await t.client.list('Job', { namespace: t.namespace, labelSelector: 'app.kubernetes.io/part-of=cdk8s-batch-contract' });
      assert.ok(list.items.some((o) => o.metadata?.uid === job.metadata!.uid));
      assert.ok(list.items.every((o) => o.kind === 'Job' && o.apiVersion === 'batch/v1'));
      assert.ok(list.resourceVersion);
    });

    it('maps a missing object to NotFound and a duplicate create to AlreadyExists', async () => {
      await rejectsWith(t.client.get('Job', t.namespace, `cdk8s-batch-contract-missing-${suffix()}`), 'NotFound');
      const job = await createJob();
      await rejectsWith(t.client.create('Job', t.namespace, jobManifest(job.metadata!.name!, t.namespace)), 'AlreadyExists');
    });

    it('merge-patches with a resourceVersion precondition and answers Conflict when it is stale', async () => {
      const created = await createJob();
      const target = { namespace: t.namespace, name: created.metadata!.name! };
      // A real job controller writes the new Job's status (its Suspended condition) right after
      // the create, so the version to patch against is the one read once that is done.
      const job = t.emulator ? created : await settledJob(() => t.client.get('Job', t.namespace, target.name));
      const patched = await t.client.mergePatch('Job', target, { spec: { ttlSecondsAfterFinished: 120 } }, job.metadata!.resourceVersion);
      assert.equal(patched.spec.ttlSecondsAfterFinished, 120);
      await rejectsWith(t.client.mergePatch('Job', target, { spec: { ttlSecondsAfterFinished: 180 } }, job.metadata!.resourceVersion), 'Conflict');
      if (t.emulator) {
        const patches = t.emulator.requests().filter((r) => r.method === 'PATCH');
        assert.ok(patches.length >= 2 && patches.every((r) => r.contentType === 'application/merge-patch+json'));
      }
    });

    it('refuses a change of an immutable field with Invalid', async () => {
      const job = await createJob();
      const target = { namespace: t.namespace, name: job.metadata!.name! };
      await rejectsWith(t.client.mergePatch('Job', target, { spec: { completions: 7 } }), 'Invalid');
    });

    it('deletes with uid preconditions: a wrong uid conflicts, a second delete is NotFound', async () => {
      const job = await createJob();
      const target = { namespace: t.namespace, name: job.metadata!.name! };
      await rejectsWith(t.client.delete('Job', target, { uid: 'not-the-uid', propagationPolicy: 'Background' }), 'Conflict');
      const current = await t.client.get('Job', t.namespace, target.name);
      await t.client.delete('Job', target, { uid: job.metadata!.uid, resourceVersion: current.metadata!.resourceVersion, propagationPolicy: 'Background' });
      await waitGone(() => t.client.get('Job', t.namespace, target.name));
      await rejectsWith(t.client.delete('Job', target, { uid: job.metadata!.uid }), 'NotFound');
    });

    it('creates an events.k8s.io/v1 Event and continues its series with a merge patch', async () => {
      const job = await createJob();
      const name = `${job.metadata!.name}.${suffix()}`;
      const now = Date.now();
      const event = await t.client.create('Event', t.namespace, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace: t.namespace },
        eventTime: microTime(now),
        type: 'Warning',
        reason: 'ContractCheck',
        action: 'Audit',
        note: 'ContractCheck: a note',
        reportingController: 'batch.cdk8s.io/reconciler',
        reportingInstance: 'contract',
        regarding: { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata!.name, namespace: t.namespace, uid: job.metadata!.uid },
      });
      created.push(() => t.client.delete('Event', { namespace: t.namespace, name }));
      assert.equal(event.reason, 'ContractCheck');
      const bumped = await t.client.mergePatch('Event', { namespace: t.namespace, name }, { series: { count: 2, lastObservedTime: microTime(now + 1000) } });
      assert.equal((bumped.series as { count: number }).count, 2);
    });

    it('takes a Lease with optimistic concurrency', async () => {
      const name = `cdk8s-batch-contract-${suffix()}`;
      const lease = await t.client.create('Lease', t.namespace, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: t.namespace },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: microTime(Date.now()) },
      });
      created.push(() => t.client.delete('Lease', { namespace: t.namespace, name }));
      const renewed = await t.client.replace('Lease', t.namespace, { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } });
      assert.equal(renewed.spec.holderIdentity, 'b');
      await rejectsWith(t.client.replace('Lease', t.namespace, { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } }), 'Conflict');
    });

    it('sends writes with dryRun=All without persisting them', async () => {
      const name = `cdk8s-batch-contract-${suffix()}`;
      const answer = await t.dryRunClient.create('Job', t.namespace, jobManifest(name, t.namespace));
      assert.equal(answer.metadata?.name, name);
      await rejectsWith(t.client.get('Job', t.namespace, name), 'NotFound');
    });

    it('watches from a resourceVersion and sees ADDED, MODIFIED and DELETED', async () => {
      const { resourceVersion } = await t.client.list('Job', { namespace: t.namespace });
      const events: WatchEvent[] = [];
      const stream = t.client.watch('Job', { namespace: t.namespace, resourceVersion, timeoutSeconds: 30, allowWatchBookmarks: true }, (e) => events.push(e));
      try {
        const job = await createJob();
        const target = { namespace: t.namespace, name: job.metadata!.name! };
        await t.client.mergePatch('Job', target, { metadata: { labels: { touched: 'yes' } } });
        await t.client.delete('Job', target, { uid: job.metadata!.uid, propagationPolicy: 'Background' });
        const mine = (): WatchEvent[] => events.filter((e) => e.object.metadata?.uid === job.metadata!.uid);
        await until(() => mine().some((e) => e.type === 'DELETED'));
        assert.equal(mine()[0].type, 'ADDED');
        assert.ok(mine().some((e) => e.type === 'MODIFIED' && e.object.metadata?.labels?.touched === 'yes'));
      } finally {
        stream.stop();
        await stream.done;
      }
    });

    it('delivers an expired watch as an in-stream 410 ERROR event', { skip: name !== 'emulator' && 'expiring a real watch cannot be forced' }, async () => {
      const events: WatchEvent[] = [];
      // a namespace of its own, so that no other watch can take the fault
      const namespace = `${t.namespace}-gone`;
      t.emulator!.faults.inject({ type: 'gone', match: { watch: true, pathPrefix: `/apis/batch/v1/namespaces/${namespace}/jobs` } });
      const { resourceVersion } = await t.client.list('Job', { namespace });
      const stream = t.client.watch('Job', { namespace, resourceVersion, timeoutSeconds: 30, allowWatchBookmarks: true }, (e) => events.push(e));
      try {
        await until(() => events.some((e) => e.type === 'ERROR'));
        assert.equal((events.find((e) => e.type === 'ERROR')!.object as { code?: number }).code, 410);
      } finally {
        stream.stop();
        await stream.done;
      }
    });
  });
}

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Job once the job controller has marked it suspended (or after 5 s). */
async function settledJob(read: () => Promise<KubeObject>): Promise<KubeObject> {
  let job = await read();
  for (let i = 0; i < 100 && !(job.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Suspended'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = await read();
  }
  return job;
}

async function waitGone(read: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await read();
    } catch (err) {
      if (err instanceof KubeApiError && err.kind === 'NotFound') return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('object still present');
}

contract(
  'emulator',
  async () => {
    const emulator = await startEmulator();
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfigYaml());
    return { client: new KubeClient(kc), dryRunClient: new KubeClient(kc, { dryRun: true }), namespace: 'contract', emulator };
  },
  async (t) => t.emulator?.close(),
);

const realKubeconfig = process.env.KUBECONFIG;
if (realKubeconfig) {
  contract(
    'real cluster from KUBECONFIG',
    async () => {
      const kc = loadKubeConfig({ env: process.env });
      return { client: new KubeClient(kc), dryRunClient: new KubeClient(kc, { dryRun: true }), namespace: process.env.CONTRACT_NAMESPACE ?? 'default' };
    },
    async () => undefined,
  );
} else {
  describe('KubeClient contract (real cluster)', () => {
    it('runs against the cluster in KUBECONFIG', { skip: 'KUBECONFIG is not set: the real-cluster contract run is skipped' }, () => undefined);
  });
}
