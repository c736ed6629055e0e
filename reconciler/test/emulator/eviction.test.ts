/**
 * The eviction subresource with PodDisruptionBudgets (the conformance suite compares the path
 * without budgets with a real API server): the handler reads the budget's stored status, as the
 * API server's `checkAndDecrement` does, and the emulator runs no disruption controller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { call } from './helpers.ts';

const PODS = '/api/v1/namespaces/default/pods';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

function runningPod(emu: Emulator, name: string, app: string, ready = true): void {
  emu.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
}

async function budget(emu: Emulator, name: string, app: string, status?: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<void> {
  const created = await call(emu.url, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } }, ...spec } });
  assert.equal(created.status, 201);
  if (!status) return;
  const written = await call(emu.url, 'PATCH', `${PDBS}/${name}/status`, { status: { observedGeneration: 1, ...status } }, 'application/merge-patch+json');
  assert.equal(written.status, 200);
}

const evict = (emu: Emulator, name: string): ReturnType<typeof call> =>
  call(emu.url, 'POST', `${PODS}/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });

describe('emulator pods/eviction with PodDisruptionBudgets', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ kubernetesVersion: '1.31' });
  });
  after(() => emu.close());

  it('answers 429 while the budget status is behind its generation, and leaves the pod alone', async () => {
    runningPod(emu, 'fresh', 'fresh');
    await budget(emu, 'fresh', 'fresh');
    const answer = await evict(emu, 'fresh');
    assert.equal(answer.status, 429);
    assert.equal(answer.body.reason, 'TooManyRequests');
    assert.equal(answer.body.details.retryAfterSeconds, 10);
    assert.equal(answer.body.details.causes[0].message, 'The disruption budget fresh is still being processed by the server.');
    assert.equal(emu.store.get('Pod', 'default', 'fresh')!.metadata.deletionTimestamp, undefined);
  });

  it('answers 429 when the budget allows no disruption', async () => {
    runningPod(emu, 'tight', 'tight');
    await budget(emu, 'tight', 'tight', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const answer = await evict(emu, 'tight');
    assert.equal(answer.status, 429);
    assert.equal(answer.body.details.causes[0].message, 'The disruption budget tight needs 1 healthy pods and has 1 currently');
  });

  it('takes a disruption from the budget, records the pod and evicts it', async () => {
    runningPod(emu, 'loose', 'loose');
    await budget(emu, 'loose', 'loose', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const answer = await evict(emu, 'loose');
    assert.equal(answer.status, 201);
    const pdb = emu.store.get('PodDisruptionBudget', 'default', 'loose')!;
    assert.equal(pdb.status.disruptionsAllowed, 0);
    assert.deepEqual(Object.keys(pdb.status.disruptedPods), ['loose']);
    assert.deepEqual(
      pdb.status.conditions.map((c: Record<string, unknown>) => [c.type, c.status, c.reason]),
      [['DisruptionAllowed', 'False', 'InsufficientPods']],
    );
    assert.ok(emu.store.get('Pod', 'default', 'loose')!.metadata.deletionTimestamp);
  });

  it('answers 500 when two budgets select the pod', async () => {
    runningPod(emu, 'twice', 'twice');
    await budget(emu, 'twice-a', 'twice', { disruptionsAllowed: 1 });
    await budget(emu, 'twice-b', 'twice', { disruptionsAllowed: 1 });
    const answer = await evict(emu, 'twice');
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
  });

  it('evicts an unready pod without taking a disruption when the budget has its healthy pods', async () => {
    runningPod(emu, 'sick', 'sick', false);
    await budget(emu, 'sick', 'sick', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2 });
    assert.equal((await evict(emu, 'sick')).status, 201);
    assert.equal(emu.store.get('PodDisruptionBudget', 'default', 'sick')!.status.disruptionsAllowed, 0);
  });

  it('evicts an unready pod when the budget says AlwaysAllow, and refuses it when the budget lacks healthy pods', async () => {
    runningPod(emu, 'sick-a', 'sick-a', false);
    runningPod(emu, 'sick-b', 'sick-b', false);
    await budget(emu, 'always', 'sick-a', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    await budget(emu, 'short', 'sick-b', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1 });
    assert.equal((await evict(emu, 'sick-a')).status, 201);
    const refused = await evict(emu, 'sick-b');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.details.causes[0].message, 'The disruption budget short needs 1 healthy pods and has 0 currently');
  });

  it('ignores budgets for a pod that is not running', async () => {
    emu.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting', namespace: 'default', labels: { app: 'tight' } }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] } });
    const answer = await evict(emu, 'waiting');
    assert.equal(answer.status, 201);
    assert.ok(emu.store.get('Pod', 'default', 'waiting')!.metadata.deletionTimestamp);
  });
});
