/**
 * The simulated kubelet on a real control plane (`KUBECONFIG`, e.g. from `npx projen cluster:up`):
 * the real job controller's pods are bound, run and finish as their sandbox annotations say, and
 * an evicted pod terminates observably (DisruptionTarget, Failed) before it is removed. Skipped
 * without `KUBECONFIG`: the emulator has its own simulated controllers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { ClientNodeKubeletWriter, SimulatedKubelet } from '../../src/kubelet/kubelet.ts';

const real = Boolean(process.env.KUBECONFIG);
const namespace = process.env.CONTRACT_NAMESPACE ?? 'default';

function job(name: string, annotations: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      ttlSecondsAfterFinished: 300,
      ...spec,
      template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
    },
  };
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const condition = (obj: KubeObject, type: string): boolean =>
  (obj.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === type && c.status === 'True');

describe('SimulatedKubelet on a real control plane', { skip: !real && 'KUBECONFIG is not set' }, () => {
  let client: KubeClient;
  let core: CoreV1Api;
  let kubelet: SimulatedKubelet;
  const suffix = randomBytes(3).toString('hex');
  const nodeName = `cdk8s-batch-contract-node-${suffix}`;

  before(async () => {
    const kubeConfig = loadKubeConfig({ env: process.env });
    client = new KubeClient(kubeConfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
    kubelet = new SimulatedKubelet({ port: client, writer: new ClientNodeKubeletWriter(kubeConfig), nodeName, seed: 1, stopMs: 500 });
    await kubelet.start();
  });

  after(async () => {
    await kubelet?.stop();
    await core?.deleteNode({ name: nodeName }).catch(() => undefined);
  });

  it('runs the real job controller’s pods to completion', async () => {
    const name = `cdk8s-batch-contract-run-${suffix}`;
    await client.create('Job', namespace, job(name, { 'sandbox.batch.cdk8s.io/duration': '1s' }, { completions: 2, parallelism: 2 }));
    const done = await until('the Job to complete', async () => {
      const j = await client.get('Job', namespace, name);
      return condition(j, 'Complete') ? j : undefined;
    });
    assert.equal(done.status?.succeeded, 2);
    const pods = await client.list('Pod', { namespace, labelSelector: `batch.kubernetes.io/job-name=${name}` });
    assert.ok(pods.items.every((p) => p.spec?.nodeName === nodeName && p.status?.phase === 'Succeeded'));
  });

  it('fails a pod with its exit code, as the pod failure policy sees it', async () => {
    const name = `cdk8s-batch-contract-fail-${suffix}`;
    const annotations = { 'sandbox.batch.cdk8s.io/duration': '1s', 'sandbox.batch.cdk8s.io/failure-rate': '1', 'sandbox.batch.cdk8s.io/exit-code': '42' };
    const podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] };
    await client.create('Job', namespace, job(name, annotations, { podFailurePolicy }));
    const failed = await until('the Job to fail', async () => {
      const j = await client.get('Job', namespace, name);
      return condition(j, 'Failed') ? j : undefined;
    });
    const reason = (failed.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Failed')?.reason;
    assert.equal(reason, 'PodFailurePolicy');
  });

  it('stops an evicted pod observably: terminating, then Failed with DisruptionTarget, then a replacement', async () => {
    const name = `cdk8s-batch-contract-evict-${suffix}`;
    await client.create('Job', namespace, job(name, { 'sandbox.batch.cdk8s.io/duration': '1h' }));
    const selector = `batch.kubernetes.io/job-name=${name}`;
    const first = await until('a running pod', async () => (await client.list('Pod', { namespace, labelSelector: selector })).items.find((p) => p.status?.phase === 'Running'));
    const podName = first.metadata!.name!;
    // Every state of the evicted pod, from a watch: the Failed state can be short-lived (the job
    // controller drops its finalizer and the pod is gone), too short for polling to see.
    const seen: KubeObject[] = [];
    const watch = client.watch('Pod', { namespace, labelSelector: selector, resourceVersion: first.metadata!.resourceVersion!, timeoutSeconds: 120, allowWatchBookmarks: false }, (event) => {
      if (event.object.metadata?.name === podName) seen.push(event.object);
    });
    await core.createNamespacedPodEviction({ namespace, name: podName, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: podName, namespace } } });
    const stopped = await until('the evicted pod to stop', async () => seen.find((p) => p.status?.phase === 'Failed')).finally(() => watch.stop());
    assert.ok(stopped.metadata?.deletionTimestamp, 'the evicted pod is terminating while it stops');
    assert.ok(condition(stopped, 'DisruptionTarget'));
    const counted = await until('the Job to count the failure and replace the pod', async () => {
      const j = await client.get('Job', namespace, name);
      return j.status?.failed === 1 && (j.status?.active ?? 0) >= 1 ? j : undefined;
    });
    assert.equal(counted.status?.failed, 1);
    await client.delete('Job', { namespace, name }, { propagationPolicy: 'Background' });
  });
});
