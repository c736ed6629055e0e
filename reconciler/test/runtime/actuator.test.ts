import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action, EventAction, KubeObject } from '../../src/core/types.ts';
import { errorFromStatus } from '../../src/adapters/errors.ts';
import { Actuator, eventName, microTime, needsRetry } from '../../src/runtime/actuator.ts';
import { FakeKube } from './fake-kube.ts';

const NOW = Date.parse('2026-03-01T12:00:00.123Z');

function setup(): { kube: FakeKube; actuator: Actuator; pod: KubeObject } {
  const kube = new FakeKube();
  const pod = kube.put('Pod', { metadata: { name: 'p', namespace: 'ns' } });
  return { kube, actuator: new Actuator({ port: kube, now: () => NOW, instance: 'test' }), pod };
}

function del(pod: KubeObject, uid = pod.metadata!.uid!): Action {
  return { type: 'delete', target: { kind: 'Pod', namespace: 'ns', name: 'p', uid }, resourceVersion: pod.metadata!.resourceVersion, propagationPolicy: 'Background', reason: 'OrphanedPod' };
}

const event: EventAction = { type: 'event', regarding: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u1' }, eventType: 'Normal', reason: 'OrphanedPod', action: 'Cleanup', note: 'deleting' };

describe('Actuator', () => {
  it('deletes with uid and resourceVersion preconditions and treats a second delete as done', async () => {
    const { kube, actuator, pod } = setup();
    const [first] = await actuator.execute([del(pod)]);
    assert.equal(first.outcome, 'deleted');
    assert.deepEqual(kube.calls.at(-1)!.options, { uid: pod.metadata!.uid, resourceVersion: pod.metadata!.resourceVersion, propagationPolicy: 'Background' });
    const [again] = await actuator.execute([del(pod)]);
    assert.equal(again.outcome, 'already-done');
    assert.equal(kube.calls.filter((c) => c.op === 'delete').length, 1, 'the expectation skips the API call');
  });

  it('treats 404 on delete as done once the expectation is cleared', async () => {
    const { kube, actuator, pod } = setup();
    kube.remove('Pod', 'ns', 'p');
    const [result] = await actuator.execute([del(pod)]);
    assert.equal(result.outcome, 'already-done');
  });

  it('reports a precondition conflict, skips the rest of the decision and asks for a retry', async () => {
    const { actuator, pod } = setup();
    const results = await actuator.execute([del(pod, 'another-uid'), event]);
    assert.deepEqual(results.map((r) => r.outcome), ['conflict', 'skipped']);
    assert.equal(needsRetry(results[0]), true);
  });

  it('treats AlreadyExists on create as done', async () => {
    const { kube, actuator } = setup();
    const manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'rerun', namespace: 'ns' }, spec: {} };
    const results = await actuator.execute([{ type: 'create', manifest, reason: 'JobStuck' }, { type: 'create', manifest, reason: 'JobStuck' }]);
    assert.deepEqual(results.map((r) => r.outcome), ['created', 'already-done']);
    assert.equal(kube.objects.get('Job')!.size, 1);
  });

  it('reports a patch of a vanished object as gone, without a retry', async () => {
    const { actuator } = setup();
    const [result] = await actuator.execute([{ type: 'patch', target: { kind: 'Job', namespace: 'ns', name: 'nope' }, resourceVersion: '1', patch: { spec: {} }, reasons: ['X'] }]);
    assert.equal(result.outcome, 'gone');
    assert.equal(needsRetry(result), false);
  });

  it('retries a retryable failure but not an invalid write', async () => {
    const { kube, actuator, pod } = setup();
    kube.writeFaults.push(errorFromStatus(503, {}), errorFromStatus(422, { reason: 'Invalid' }));
    const [unavailable] = await actuator.execute([del(pod)]);
    const [invalid] = await actuator.execute([del(pod)]);
    assert.deepEqual([unavailable.outcome, needsRetry(unavailable)], ['failed', true]);
    assert.deepEqual([invalid.outcome, needsRetry(invalid)], ['failed', false]);
  });

  it('writes a valid events.k8s.io/v1 Event with a deterministic name', async () => {
    const { kube, actuator } = setup();
    await actuator.execute([{ ...event, note: 'x'.repeat(2000) }]);
    const body = kube.calls.find((c) => c.op === 'create' && c.kind === 'Event')!.body as KubeObject;
    assert.equal(body.metadata!.name, eventName(event.regarding, event.reason, body.note as string));
    assert.match(body.metadata!.name!, /^p\.[0-9a-f]{16}$/);
    assert.equal((body.note as string).length, 1024);
    assert.equal(body.eventTime, '2026-03-01T12:00:00.123000Z');
    assert.equal(body.reportingInstance, 'test');
    assert.deepEqual(body.regarding, { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u1' });
  });

  it('gives different notes about one object different Events', () => {
    assert.notEqual(eventName(event.regarding, 'A', 'one'), eventName(event.regarding, 'A', 'two'));
    assert.equal(eventName(event.regarding, 'A', 'one'), eventName(event.regarding, 'A', 'one'));
  });

  it('starts a new Event when the one it continues has expired', async () => {
    let now = NOW;
    const kube = new FakeKube();
    const actuator = new Actuator({ port: kube, now: () => now, instance: 'test', eventRepeatIntervalMs: 1000 });
    await actuator.execute([event]);
    kube.objects.get('Event')!.clear();
    now += 5000;
    const [result] = await actuator.execute([event]);
    assert.equal(result.outcome, 'created');
    assert.equal(kube.calls.filter((c) => c.op === 'create' && c.kind === 'Event').length, 2);
  });
});

describe('microTime', () => {
  it('renders microseconds', () => {
    assert.equal(microTime(Date.parse('2026-01-01T00:00:00Z')), '2026-01-01T00:00:00.000000Z');
  });
});
