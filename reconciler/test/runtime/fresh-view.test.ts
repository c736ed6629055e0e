import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import type { Decision, KubeObject } from '../../src/core/types.ts';
import { Controller } from '../../src/runtime/controller.ts';
import { confirmed } from '../../src/runtime/fresh-view.ts';
import { errorFromStatus } from '../../src/adapters/errors.ts';
import type { KubePort } from '../../src/adapters/port.ts';
import { FakeKube } from './fake-kube.ts';
import { waitFor } from './wait.ts';

const T0 = Date.parse('2026-01-01T01:00:00Z');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function runningJob(): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'busy', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 86_400, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] } } },
    status: { active: 1, startTime: '2026-01-01T00:00:00Z' },
  };
}

describe('fresh view', () => {
  it('a cache that missed a running pod does not rerun its Job: the rerun is confirmed against the API server first', async () => {
    // GIVEN a running Job whose pod the cache never saw (its watch event was lost)
    const kube = new FakeKube();
    const job = kube.put('Job', runningJob());
    kube.put('Node', { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } });
    const c = new Controller({
      port: kube,
      config: defaultConfig({ mode: 'enforce', rerunStuckJobs: true, kubernetesVersion: '1.31' }),
      now: () => T0,
      reflectorTimings: { resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 },
      queue: { baseDelayMs: 2, maxDelayMs: 20 },
    });
    cleanups.push(() => c.stop());
    c.start();
    await c.waitForSync();
    kube.stopDelivering = true;
    kube.put('Pod', {
      metadata: { name: 'busy-x', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': job.metadata!.uid!, 'batch.kubernetes.io/job-name': 'busy' } },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z' },
    });
    // WHEN the Job is decided from the cache, where it looks stuck
    c.queue.add('Job/ns/busy');
    await waitFor(() => kube.calls.some((x) => x.op === 'list' && x.kind === 'Pod' && x.namespace === 'ns'));
    await waitFor(() => c.queue.length === 0 && c.queue.inFlight === 0);
    // THEN the fresh read shows the pod: no rerun, no JobStuck Event
    assert.equal(kube.calls.filter((x) => x.op === 'create').length, 0);
    assert.ok(kube.calls.some((x) => x.op === 'get' && x.kind === 'Job' && x.name === 'busy'));
    assert.ok(kube.calls.some((x) => x.op === 'get' && x.kind === 'Node' && x.name === 'n1'));
    kube.close();
  });

  it('a node that may not be read one by one turns the lost-node check off for that decision', async () => {
    // GIVEN a Job whose pod the cache missed, on a node NotReady for an hour, and no permission to get nodes
    const kube = new FakeKube();
    const job = kube.put('Job', runningJob());
    kube.put('Node', { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'Unknown', lastTransitionTime: '2026-01-01T00:00:00Z' }] } });
    const port = new Proxy(kube, {
      get: (target, prop): unknown => {
        if (prop === 'get') {
          return (kind: string, ns: string | undefined, name: string) =>
            kind === 'Node' ? Promise.reject(errorFromStatus(403, { reason: 'Forbidden', message: 'nodes "n1" is forbidden' })) : target.get(kind as never, ns, name);
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as KubePort;
    const c = new Controller({
      port,
      config: defaultConfig({ mode: 'enforce', rerunStuckJobs: true, kubernetesVersion: '1.31' }),
      now: () => T0,
      reflectorTimings: { resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 },
      queue: { baseDelayMs: 2, maxDelayMs: 20 },
    });
    cleanups.push(() => c.stop());
    c.start();
    await c.waitForSync();
    kube.stopDelivering = true;
    kube.put('Pod', {
      metadata: { name: 'busy-x', namespace: 'ns', labels: { 'batch.kubernetes.io/controller-uid': job.metadata!.uid!, 'batch.kubernetes.io/job-name': 'busy' } },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z' },
    });
    // WHEN
    c.queue.add('Job/ns/busy');
    await waitFor(() => kube.calls.some((x) => x.op === 'list' && x.kind === 'Pod' && x.namespace === 'ns'));
    await waitFor(() => c.queue.length === 0 && c.queue.inFlight === 0);
    // THEN the pod counts as alive: the Job is decided (on the fresh view read above), not stuck
    // (it has no report: no violation or finding), and nothing is created
    assert.equal(c.objectReports().find((r) => r.ref.name === 'busy'), undefined);
    assert.equal(kube.calls.filter((x) => x.op === 'create').length, 0);
    kube.close();
  });

  it('keeps a create or delete only when the cached and the fresh decision both call for it', () => {
    const create = (name: string): Decision['actions'][number] => ({ type: 'create', manifest: { metadata: { name, namespace: 'ns' } }, reason: 'JobStuck' });
    const del = (uid: string): Decision['actions'][number] => ({ type: 'delete', target: { kind: 'Pod', namespace: 'ns', name: 'p', uid }, propagationPolicy: 'Background', reason: 'OrphanedPod' });
    const event: Decision['actions'][number] = { type: 'event', regarding: { kind: 'Job', namespace: 'ns', name: 'j' }, eventType: 'Normal', reason: 'R', action: 'A', note: 'n' };
    const decision = (actions: Decision['actions']): Decision => ({ violations: [], findings: [], actions });
    const out = confirmed(decision([create('a'), del('u1')]), decision([event, create('a'), create('b'), del('u1'), del('u2')]));
    assert.deepEqual(out.actions, [event, create('a'), del('u1')]);
  });
});
