import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectStore, StoredObject } from '../../src/emulator/types.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { ManualClock, SIM_NODES, STOPPED_POD_REMOVAL_MS, startSimulation } from '../../src/sim/index.ts';
import {
  NS,
  assertNoErrors,
  cluster,
  condition,
  eventsAbout,
  getJob,
  isFinished,
  jobManifest,
  podsInPhase,
  podsOf,
  runUntil,
  setPodPhase,
  template,
} from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1);
const at = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const created = (pods: StoredObject[]): number[] => pods.map((p) => Date.parse(p.metadata.creationTimestamp) - T0);

describe('simulated job controller: pods and status', () => {
  it('creates pods up to parallelism, bounded by the remaining completions', () => {
    // GIVEN
    const c = cluster();
    // WHEN
    c.store.create(jobManifest('wide', { completions: 3, parallelism: 5 }, { duration: '30s' }));
    c.store.create(jobManifest('narrow', { completions: 5, parallelism: 2 }, { duration: '30s' }));
    c.clock.flush();
    // THEN
    assert.equal(podsOf(c, 'wide').length, 3);
    assert.equal(podsOf(c, 'narrow').length, 2);
    c.clock.advance(31_000);
    assert.equal(getJob(c, 'narrow').status.succeeded, 2);
    assert.equal(podsInPhase(c, 'narrow', 'Running').length + podsInPhase(c, 'narrow', 'Pending').length, 2);
    c.clock.advance(31_000);
    // 4 succeeded, 1 remaining completion: one pod only
    assert.equal(getJob(c, 'narrow').status.succeeded, 4);
    assert.equal(getJob(c, 'narrow').status.active, 1);
    runUntil(c, () => isFinished(getJob(c, 'narrow')));
    assert.equal(podsOf(c, 'narrow').length, 5);
    assertNoErrors(c);
  });

  it('gives pods a controller ownerReference, the job labels, a node and Pending → Running → Succeeded with exit code 0', () => {
    const c = cluster();
    const job = c.store.create(jobManifest('one', {}, { duration: '10s' }));
    c.clock.flush();
    const [pod] = podsOf(c, 'one');
    assert.deepEqual(pod.metadata.ownerReferences, [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'one', uid: job.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    assert.equal(pod.metadata.labels!['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    assert.equal(pod.metadata.labels!['batch.kubernetes.io/job-name'], 'one');
    assert.equal(pod.metadata.labels!.app, 'demo');
    assert.ok(SIM_NODES.includes(pod.spec.nodeName), `scheduled on a simulated node (got ${pod.spec.nodeName})`);
    assert.equal(pod.status.phase, 'Pending');
    c.clock.advance(1_000);
    const running = c.store.get('Pod', NS, pod.metadata.name)!;
    assert.equal(running.status.phase, 'Running');
    assert.equal(getJob(c, 'one').status.ready, 1);
    c.clock.advance(10_000);
    const done = c.store.get('Pod', NS, pod.metadata.name)!;
    assert.equal(done.status.phase, 'Succeeded');
    assert.equal(done.status.containerStatuses[0].state.terminated.exitCode, 0);
    assertNoErrors(c);
  });

  it('creates the simulated nodes Ready', () => {
    const c = cluster();
    for (const name of SIM_NODES) assert.equal(condition(c.store.get('Node', undefined, name)!, 'Ready')?.status, 'True');
  });

  it('writes active, ready, terminating, succeeded, startTime, completionTime and SuccessCriteriaMet then Complete', () => {
    const c = cluster();
    c.store.create(jobManifest('status', { completions: 2, parallelism: 2 }, { duration: '20s' }));
    c.clock.advance(1_000);
    const running = getJob(c, 'status').status;
    assert.equal(running.active, 2);
    assert.equal(running.ready, 2);
    assert.equal(running.terminating, 0);
    assert.equal(running.startTime, at(0));
    c.clock.advance(20_000);
    const done = getJob(c, 'status');
    assert.equal(done.status.succeeded, 2);
    assert.equal(done.status.active, undefined);
    assert.equal(done.status.completionTime, at(21_000));
    assert.deepEqual(
      done.status.conditions.map((cd: { type: string; status: string; reason: string }) => [cd.type, cd.status, cd.reason]),
      [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
        ['Complete', 'True', 'CompletionsReached'],
      ],
    );
    assert.equal(condition(done, 'Complete')?.lastTransitionTime, at(21_000));
    assert.deepEqual(eventsAbout(c, 'status').slice(-1), ['Completed: Job completed']);
    assertNoErrors(c);
  });

  it('leaves Jobs managed by another controller alone', () => {
    const c = cluster(1, '1.32');
    c.store.create(jobManifest('foreign', { managedBy: 'kueue.x-k8s.io/multikueue' }));
    c.store.create(jobManifest('builtin', { managedBy: 'kubernetes.io/job-controller' }));
    c.clock.advance(60_000);
    assert.equal(podsOf(c, 'foreign').length, 0);
    assert.deepEqual(getJob(c, 'foreign').status, {});
    assert.equal(podsOf(c, 'builtin').length, 1, 'the built-in controller name is ours');
  });

  it('emits events.k8s.io/v1 Events regarding the Job', () => {
    const c = cluster();
    const job = c.store.create(jobManifest('evented'));
    c.clock.flush();
    const [event] = c.store.list('Event', NS);
    assert.equal(event.apiVersion, 'events.k8s.io/v1');
    assert.equal(event.kind, 'Event');
    assert.equal(event.reason, 'SuccessfulCreate');
    assert.equal(event.type, 'Normal');
    assert.equal(event.reportingController, 'job-controller');
    assert.match(String(event.note), /^Created pod: evented-[a-z0-9]{5}$/);
    assert.deepEqual(event.regarding, { apiVersion: 'batch/v1', kind: 'Job', name: 'evented', namespace: NS, uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion });
    assert.match(String(event.eventTime), /^2026-01-01T00:00:00\.\d{6}Z$/);
  });
});

describe('simulated job controller: work queue', () => {
  it('starts no new pods after the first success and completes once every pod has ended', () => {
    // GIVEN a work queue of three workers
    const c = cluster();
    c.store.create(jobManifest('queue', { parallelism: 3 }, { duration: '60s' }));
    c.clock.advance(5_000);
    const [first] = podsOf(c, 'queue');
    // WHEN one worker finds the queue empty and exits early
    setPodPhase(c, first, 'Succeeded', 0);
    c.clock.advance(1_000);
    // THEN no replacement starts and the Job is not complete while two workers run
    assert.equal(podsOf(c, 'queue').length, 3);
    assert.equal(getJob(c, 'queue').status.active, 2);
    assert.equal(getJob(c, 'queue').status.succeeded, 1);
    assert.equal(isFinished(getJob(c, 'queue')), false);
    c.clock.advance(60_000);
    assert.equal(condition(getJob(c, 'queue'), 'Complete')?.status, 'True');
    assert.equal(getJob(c, 'queue').status.succeeded, 3);
    assertNoErrors(c);
  });
});

describe('simulated job controller: Indexed completion', () => {
  it('gives each pod its index (annotation, label, env), hostname <job>-<index> and the template subdomain', () => {
    const c = cluster();
    c.store.create({
      ...jobManifest('idx', { completionMode: 'Indexed', completions: 3, parallelism: 3 }),
      spec: { completionMode: 'Indexed', completions: 3, parallelism: 3, template: template({}, { subdomain: 'workers' }) },
    });
    c.clock.flush();
    const pods = podsOf(c, 'idx').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.deepEqual(
      pods.map((p) => [
        p.metadata.annotations!['batch.kubernetes.io/job-completion-index'],
        p.metadata.labels!['batch.kubernetes.io/job-completion-index'],
        p.spec.hostname,
        p.spec.subdomain,
      ]),
      [
        ['0', '0', 'idx-0', 'workers'],
        ['1', '1', 'idx-1', 'workers'],
        ['2', '2', 'idx-2', 'workers'],
      ],
    );
    for (const p of pods) {
      assert.match(p.metadata.name, /^idx-\d-[a-z0-9]{5}$/);
      assert.deepEqual(p.spec.containers[0].env, [
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
      ]);
    }
  });

  it('tracks completedIndexes and failedIndexes as interval strings and fails with FailedIndexes', () => {
    // GIVEN index 4 always fails and may not be retried
    const c = cluster();
    c.store.create(
      jobManifest('intervals', { completionMode: 'Indexed', completions: 6, parallelism: 6, backoffLimitPerIndex: 0 }, { duration: '10s', failIndexes: '4' }),
    );
    // WHEN every pod has run
    runUntil(c, () => isFinished(getJob(c, 'intervals')));
    // THEN
    const job = getJob(c, 'intervals');
    assert.equal(job.status.completedIndexes, '0-3,5');
    assert.equal(job.status.failedIndexes, '4');
    assert.equal(job.status.succeeded, 5);
    assert.equal(job.status.failed, 1);
    assert.equal(condition(job, 'FailureTarget')?.reason, 'FailedIndexes');
    assert.equal(condition(job, 'Failed')?.reason, 'FailedIndexes');
    assert.equal(condition(job, 'Failed')?.message, 'Job has failed indexes');
    assert.equal(podsOf(c, 'intervals').length, 6, 'the failed index was not retried');
    assertNoErrors(c);
  });

  it('retries an index up to backoffLimitPerIndex, carrying the failure count on its pods', () => {
    const c = cluster();
    c.store.create(jobManifest('per-index', { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 2 }, { duration: '10s', failIndexes: '1' }));
    runUntil(c, () => isFinished(getJob(c, 'per-index')));
    const index1 = podsOf(c, 'per-index').filter((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === '1');
    assert.deepEqual(
      index1.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-index-failure-count']),
      ['0', '1', '2'],
    );
    const job = getJob(c, 'per-index');
    assert.equal(job.status.failedIndexes, '1');
    assert.equal(job.status.completedIndexes, '0,2');
    assert.equal(condition(job, 'Failed')?.reason, 'FailedIndexes');
    // per-index back-off: 10 s then 20 s after each failure (pods run 1 s + 10 s)
    assert.deepEqual(created(index1), [0, 21_000, 52_000]);
  });

  it('fails with MaxFailedIndexesExceeded once more indexes failed than maxFailedIndexes', () => {
    const c = cluster();
    c.store.create(
      jobManifest(
        'max-failed',
        { completionMode: 'Indexed', completions: 5, parallelism: 5, backoffLimitPerIndex: 0, maxFailedIndexes: 1 },
        { duration: '10s', failIndexes: '1,3' },
      ),
    );
    runUntil(c, () => isFinished(getJob(c, 'max-failed')));
    const job = getJob(c, 'max-failed');
    assert.equal(condition(job, 'Failed')?.reason, 'MaxFailedIndexesExceeded');
    assert.equal(condition(job, 'Failed')?.message, 'Job has exceeded the specified maximal number of failed indexes');
    assert.equal(job.status.failedIndexes, '1,3');
    assert.ok(eventsAbout(c, 'max-failed').includes('MaxFailedIndexesExceeded: Job has exceeded the specified maximal number of failed indexes'));
  });
});

describe('simulated job controller: failures and back-off', () => {
  it('delays replacement pods 10 s × 2^(n-1) after failures and fails with BackoffLimitExceeded', () => {
    const c = cluster();
    c.store.create(jobManifest('flaky', { backoffLimit: 3 }, { duration: '20s', failureRate: 1 }));
    runUntil(c, () => isFinished(getJob(c, 'flaky')));
    const pods = podsOf(c, 'flaky');
    // each pod runs 1 s + 20 s; the next one starts 10, 20, 40 s after the previous failure
    assert.deepEqual(created(pods), [0, 31_000, 72_000, 133_000]);
    assert.deepEqual(pods.map((p) => p.status.containerStatuses[0].state.terminated.exitCode), [1, 1, 1, 1]);
    const job = getJob(c, 'flaky');
    assert.equal(job.status.failed, 4);
    assert.equal(condition(job, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(job, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(job.status.completionTime, undefined);
    assert.deepEqual(eventsAbout(c, 'flaky').slice(-1), ['BackoffLimitExceeded: Job has reached the specified backoff limit']);
    assert.equal(c.store.list('Event', NS).find((e) => e.reason === 'BackoffLimitExceeded')!.type, 'Warning');
  });

  it('uses the exit code from the pod template annotation', () => {
    const c = cluster();
    c.store.create(jobManifest('exit', { backoffLimit: 0 }, { duration: '5s', failureRate: 1, exitCode: 3 }));
    runUntil(c, () => isFinished(getJob(c, 'exit')));
    assert.equal(podsOf(c, 'exit')[0].status.containerStatuses[0].state.terminated.exitCode, 3);
  });

  it('counts container restarts against backoffLimit with restartPolicy OnFailure', () => {
    const c = cluster();
    c.store.create({
      ...jobManifest('restarts'),
      spec: { backoffLimit: 2, template: template({ duration: '5s', failureRate: 1 }, { restartPolicy: 'OnFailure' }) },
    });
    runUntil(c, () => isFinished(getJob(c, 'restarts')));
    const job = getJob(c, 'restarts');
    assert.equal(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
    c.clock.advance(STOPPED_POD_REMOVAL_MS);
    assert.equal(podsOf(c, 'restarts').length, 0, 'the restarting pod was deleted when the Job failed');
    assertNoErrors(c);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes the running pods', () => {
    const c = cluster();
    c.store.create(jobManifest('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }, { duration: '5m' }));
    c.clock.advance(29_999);
    assert.equal(isFinished(getJob(c, 'slow')), false);
    c.clock.advance(1);
    // THEN the pods are deleted and terminate (their kubelet stops them within a second)
    const failing = getJob(c, 'slow');
    assert.equal(condition(failing, 'FailureTarget')?.reason, 'DeadlineExceeded');
    assert.equal(condition(failing, 'Failed'), undefined, 'Failed waits for the terminating pods');
    assert.equal(failing.status.terminating, 2);
    assert.equal(failing.status.active, undefined);
    c.clock.advance(1_000);
    const job = getJob(c, 'slow');
    assert.equal(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(job, 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal(condition(job, 'Failed')?.lastTransitionTime, at(31_000));
    assert.equal(job.status.terminating, 0);
    assert.equal(job.status.failed, 2, 'the stopped pods count as failed');
    c.clock.advance(STOPPED_POD_REMOVAL_MS);
    assert.equal(podsOf(c, 'slow').length, 0);
  });
});

describe('simulated job controller: podFailurePolicy', () => {
  const policy = (rules: unknown[]): Record<string, unknown> => ({ podFailurePolicy: { rules } });

  it('FailJob on a matching exit code fails the Job with reason PodFailurePolicy', () => {
    const c = cluster();
    c.store.create(
      jobManifest('fatal', { backoffLimit: 6, ...policy([{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }]) }, { duration: '10s', failureRate: 1, exitCode: 42 }),
    );
    runUntil(c, () => isFinished(getJob(c, 'fatal')));
    const job = getJob(c, 'fatal');
    const [pod] = podsOf(c, 'fatal');
    assert.equal(podsOf(c, 'fatal').length, 1, 'no retry');
    assert.equal(condition(job, 'Failed')?.reason, 'PodFailurePolicy');
    assert.equal(condition(job, 'Failed')?.message, `Container main for pod ${NS}/${pod.metadata.name} failed with exit code 42 matching FailJob rule at index 0`);
  });

  it('NotIn matches the exit codes outside the list only', () => {
    const c = cluster();
    const rules = [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }];
    c.store.create(jobManifest('not-in-1', { backoffLimit: 1, ...policy(rules) }, { duration: '5s', failureRate: 1, exitCode: 1 }));
    c.store.create(jobManifest('not-in-2', { backoffLimit: 1, ...policy(rules) }, { duration: '5s', failureRate: 1, exitCode: 2 }));
    runUntil(c, () => isFinished(getJob(c, 'not-in-1')) && isFinished(getJob(c, 'not-in-2')));
    assert.equal(condition(getJob(c, 'not-in-1'), 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(podsOf(c, 'not-in-1').length, 2);
    assert.equal(condition(getJob(c, 'not-in-2'), 'Failed')?.reason, 'PodFailurePolicy');
    assert.equal(podsOf(c, 'not-in-2').length, 1);
  });

  it('Ignore on DisruptionTarget does not count an evicted pod and replaces it after the pod back-off', () => {
    const c = cluster();
    c.store.create(jobManifest('evictable', { backoffLimit: 0, ...policy([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }]) }, { duration: '30s' }));
    c.clock.advance(5_000);
    const [victim] = podsOf(c, 'evictable');
    c.sim.evictPod(NS, victim.metadata.name);
    c.clock.flush();
    // THEN the pod terminates: with a pod failure policy the Job waits for it to fail before replacing it
    const terminating = c.store.get('Pod', NS, victim.metadata.name)!;
    assert.equal(terminating.status.phase, 'Running');
    assert.ok(terminating.metadata.deletionTimestamp);
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(condition(terminating, 'DisruptionTarget')?.reason, 'EvictionByEvictionAPI');
    assert.equal(getJob(c, 'evictable').status.terminating, 1);
    assert.equal(getJob(c, 'evictable').status.active, undefined, 'not replaced while terminating');
    c.clock.advance(1_000);
    const evicted = c.store.get('Pod', NS, victim.metadata.name)!;
    assert.equal(evicted.status.phase, 'Failed');
    assert.equal(evicted.status.containerStatuses[0].state.terminated.exitCode, 143);
    assert.equal(condition(evicted, 'DisruptionTarget')?.status, 'True');
    assert.equal(getJob(c, 'evictable').status.failed, undefined, 'not counted');
    // The real controller's pod back-off counts ignored failures too (recorded: evict-ignore-disruption-target).
    assert.equal(getJob(c, 'evictable').status.active, undefined, 'not replaced during the back-off');
    c.clock.advance(STOPPED_POD_REMOVAL_MS);
    assert.equal(c.store.get('Pod', NS, victim.metadata.name), undefined, 'the kubelet removed it');
    c.clock.advance(10_000);
    assert.equal(getJob(c, 'evictable').status.active, 1, 'replaced 10 s after the failure');
    runUntil(c, () => isFinished(getJob(c, 'evictable')));
    assert.equal(condition(getJob(c, 'evictable'), 'Complete')?.status, 'True');
    assertNoErrors(c);
  });

  it('without a pod failure policy an evicted pod counts as failed while terminating, and the back-off outlives it', () => {
    // GIVEN a running pod of a Job that replaces terminating pods (TerminatingOrFailed, the default without a policy)
    const c = cluster();
    c.store.create(jobManifest('evicted', { backoffLimit: 2 }, { duration: '1m' }));
    c.clock.advance(5_000);
    const [victim] = podsOf(c, 'evicted');
    // WHEN it is evicted
    c.sim.evictPod(NS, victim.metadata.name);
    c.clock.flush();
    // THEN it counts as failed at once, and its replacement waits for the 10 s back-off from the eviction
    assert.equal(getJob(c, 'evicted').status.failed, 1);
    assert.equal(getJob(c, 'evicted').status.terminating, 1);
    c.clock.advance(1_000 + STOPPED_POD_REMOVAL_MS);
    assert.equal(c.store.get('Pod', NS, victim.metadata.name), undefined, 'stopped and removed');
    assert.equal(getJob(c, 'evicted').status.failed, 1, 'counted once');
    c.clock.advance(8_400);
    assert.equal(podsOf(c, 'evicted').length, 0, 'no replacement before the back-off ends');
    c.clock.advance(100);
    assert.equal(podsOf(c, 'evicted').length, 1, 'replaced 10 s after the eviction');
    assertNoErrors(c);
  });

  it('Count counts the failure against backoffLimit', () => {
    const c = cluster();
    c.store.create(jobManifest('counted', { backoffLimit: 0, ...policy([{ action: 'Count', onPodConditions: [{ type: 'DisruptionTarget' }] }]) }, { duration: '30s' }));
    c.clock.advance(5_000);
    c.sim.evictPod(NS, podsOf(c, 'counted')[0].metadata.name);
    c.clock.advance(1_000);
    assert.equal(getJob(c, 'counted').status.failed, 1);
    assert.equal(condition(getJob(c, 'counted'), 'Failed')?.reason, 'BackoffLimitExceeded');
  });

  it('FailIndex fails the index at once, without using its per-index retries', () => {
    const c = cluster();
    c.store.create(
      jobManifest(
        'fail-index',
        { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 3, ...policy([{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }]) },
        { duration: '10s', failIndexes: '0', exitCode: 42 },
      ),
    );
    runUntil(c, () => isFinished(getJob(c, 'fail-index')));
    const job = getJob(c, 'fail-index');
    assert.equal(job.status.failedIndexes, '0');
    assert.equal(job.status.completedIndexes, '1');
    assert.equal(podsOf(c, 'fail-index').length, 2, 'index 0 was not retried');
    assert.equal(condition(job, 'Failed')?.reason, 'FailedIndexes');
  });
});

describe('simulated job controller: successPolicy', () => {
  it('meets SuccessCriteriaMet when the succeeded indexes match a rule, terminates the other pods, then Complete', () => {
    const c = cluster();
    c.store.create(
      jobManifest('leader', { completionMode: 'Indexed', completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededIndexes: '0' }] } }, { duration: '10m' }),
    );
    c.clock.advance(5_000);
    const leader = podsOf(c, 'leader').find((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === '0')!;
    setPodPhase(c, leader, 'Succeeded', 0);
    c.clock.flush();
    assert.equal(condition(getJob(c, 'leader'), 'SuccessCriteriaMet')?.reason, 'SuccessPolicy');
    assert.equal(condition(getJob(c, 'leader'), 'Complete'), undefined, 'Complete waits for the terminating pods');
    c.clock.advance(1_000 + STOPPED_POD_REMOVAL_MS);
    const job = getJob(c, 'leader');
    assert.equal(condition(job, 'SuccessCriteriaMet')?.message, 'Matched rules at index 0');
    assert.equal(condition(job, 'Complete')?.reason, 'SuccessPolicy');
    assert.equal(job.status.completedIndexes, '0');
    assert.deepEqual(podsOf(c, 'leader').map((p) => p.metadata.name), [leader.metadata.name], 'the other pods were terminated');
    assert.equal(job.status.active, undefined);
    assertNoErrors(c);
  });

  it('succeededCount completes the Job once that many indexes succeeded', () => {
    const c = cluster();
    c.store.create(jobManifest('any-two', { completionMode: 'Indexed', completions: 5, parallelism: 2, successPolicy: { rules: [{ succeededCount: 2 }] } }, { duration: '10s' }));
    runUntil(c, () => isFinished(getJob(c, 'any-two')));
    const job = getJob(c, 'any-two');
    assert.equal(condition(job, 'Complete')?.reason, 'SuccessPolicy');
    assert.equal(job.status.completedIndexes, '0,1');
    assert.equal(podsOf(c, 'any-two').length, 2);
  });
});

describe('simulated job controller: suspend and resume', () => {
  it('deletes active pods on suspend, sets Suspended, and resets startTime on resume', () => {
    const c = cluster();
    c.store.create(jobManifest('pausable', { parallelism: 2, completions: 2 }, { duration: '1m' }));
    c.clock.advance(10_000);
    // WHEN suspended
    const running = getJob(c, 'pausable');
    c.store.replace({ ...running, spec: { ...running.spec, suspend: true } });
    c.clock.flush();
    // THEN the pods terminate and go
    assert.equal(getJob(c, 'pausable').status.terminating, 2);
    c.clock.advance(1_000 + STOPPED_POD_REMOVAL_MS);
    const suspended = getJob(c, 'pausable');
    assert.equal(podsOf(c, 'pausable').length, 0);
    assert.equal(suspended.status.terminating, 0);
    assert.equal(condition(suspended, 'Suspended')?.status, 'True');
    assert.equal(condition(suspended, 'Suspended')?.reason, 'JobSuspended');
    assert.equal(suspended.status.active, undefined);
    assert.equal(suspended.status.failed, undefined, 'pods deleted by suspension are not failures');
    // WHEN resumed later
    c.clock.advance(50_000);
    c.store.replace({ ...suspended, spec: { ...suspended.spec, suspend: false } });
    c.clock.flush();
    const resumed = getJob(c, 'pausable');
    assert.equal(condition(resumed, 'Suspended')?.status, 'False');
    assert.equal(condition(resumed, 'Suspended')?.reason, 'JobResumed');
    assert.equal(resumed.status.startTime, at(61_500));
    assert.equal(podsOf(c, 'pausable').length, 2);
    assert.deepEqual(eventsAbout(c, 'pausable').filter((e) => !e.startsWith('Successful')), ['Suspended: Job suspended', 'Resumed: Job resumed']);
    assertNoErrors(c);
  });

  it('a Job created suspended starts no pods', () => {
    const c = cluster();
    c.store.create(jobManifest('gated', { suspend: true }));
    c.clock.advance(60_000);
    assert.equal(podsOf(c, 'gated').length, 0);
    assert.equal(condition(getJob(c, 'gated'), 'Suspended')?.status, 'True');
    assert.equal(getJob(c, 'gated').status.startTime, undefined);
  });
});

describe('simulated cluster: nodes and outages', () => {
  it('killNode leaves the pods Running without progress and marks the node NotReady', () => {
    const c = cluster();
    c.store.create(jobManifest('stuck', {}, { duration: '30s' }));
    c.clock.advance(2_000);
    const [pod] = podsOf(c, 'stuck');
    c.sim.killNode(pod.spec.nodeName);
    c.clock.advance(600_000);
    assert.equal(c.store.get('Pod', NS, pod.metadata.name)!.status.phase, 'Running');
    assert.equal(getJob(c, 'stuck').status.active, 1);
    assert.equal(condition(c.store.get('Node', undefined, pod.spec.nodeName)!, 'Ready')?.status, 'Unknown');
    c.sim.restoreNode(pod.spec.nodeName);
    c.clock.flush();
    assert.equal(condition(getJob(c, 'stuck'), 'Complete')?.status, 'True');
  });

  it('killNode with vanishPods deletes the pods; the job controller counts them failed and replaces them elsewhere', () => {
    const c = cluster();
    c.store.create(jobManifest('moved', {}, { duration: '30s' }));
    c.clock.advance(2_000);
    const [pod] = podsOf(c, 'moved');
    c.sim.killNode(pod.spec.nodeName, { vanishPods: true });
    c.clock.flush();
    assert.equal(c.store.get('Pod', NS, pod.metadata.name), undefined);
    assert.equal(getJob(c, 'moved').status.failed, 1);
    c.clock.advance(10_000);
    const [replacement] = podsOf(c, 'moved');
    assert.notEqual(replacement.spec.nodeName, pod.spec.nodeName);
  });

  it('with the job controller paused, a force-deleted pod stays, held by the job-tracking finalizer, until the controller counts it', () => {
    const c = cluster();
    c.store.create(jobManifest('orphaned-status', {}, { duration: '30s' }));
    c.clock.advance(2_000);
    c.sim.pauseJobController();
    const [pod] = podsOf(c, 'orphaned-status');
    assert.deepEqual(pod.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    c.sim.killNode(pod.spec.nodeName, { vanishPods: true });
    c.clock.advance(60_000);
    const [held] = podsOf(c, 'orphaned-status');
    assert.equal(held.metadata.uid, pod.metadata.uid);
    assert.ok(held.metadata.deletionTimestamp);
    assert.equal(getJob(c, 'orphaned-status').status.active, 1);
    c.sim.resumeJobController();
    c.clock.flush();
    assert.equal(getJob(c, 'orphaned-status').status.failed, 1);
    assert.equal(podsOf(c, 'orphaned-status').some((p) => p.metadata.uid === pod.metadata.uid), false);
  });

  it('a job controller outage freezes Job status while the pods run; resuming catches up', () => {
    const c = cluster();
    c.store.create(jobManifest('outage', {}, { duration: '10s' }));
    c.clock.advance(2_000);
    c.sim.pauseJobController();
    c.clock.advance(60_000);
    assert.equal(podsInPhase(c, 'outage', 'Succeeded').length, 1);
    assert.equal(isFinished(getJob(c, 'outage')), false);
    c.sim.resumeJobController();
    c.clock.flush();
    assert.equal(condition(getJob(c, 'outage'), 'Complete')?.status, 'True');
  });
});

describe('simulated job controller: status writes', () => {
  it('re-plans from the fresh Job when another writer changed its status meanwhile', () => {
    // GIVEN a store where another writer changes the Job's status right before the first status write
    const clock = new ManualClock();
    const inner = new MemoryStore({ clock });
    let interfered = false;
    const store: ObjectStore = {
      get: (k, ns, n) => inner.get(k, ns, n),
      list: (k, ns, sel) => inner.list(k, ns, sel),
      create: (o) => inner.create(o),
      delete: (k, ns, n, o) => inner.delete(k, ns, n, o),
      watch: (l) => inner.watch(l),
      replace: (obj, opts) => {
        if (obj.kind === 'Job' && opts?.subresource === 'status' && !interfered) {
          interfered = true;
          const current = inner.get('Job', obj.metadata.namespace, obj.metadata.name)!;
          inner.replace({ ...current, status: { ...current.status, startTime: '2025-12-31T23:59:00Z' } }, { subresource: 'status' });
        }
        return inner.replace(obj, opts);
      },
    };
    const sim = startSimulation({ store, clock });
    // WHEN
    inner.create(jobManifest('rewritten'));
    clock.flush();
    // THEN the other writer's startTime is kept, and the status is complete
    assert.ok(interfered);
    const job = inner.get('Job', NS, 'rewritten')!;
    assert.equal(job.status.startTime, '2025-12-31T23:59:00Z');
    assert.equal(job.status.active, 1);
    assert.equal(inner.list('Pod', NS).length, 1, 'no second pod for the retried sync');
    assert.deepEqual(sim.errors, []);
  });


  it('re-reads and retries a status write that hits a 409 conflict', () => {
    // GIVEN a store where another writer changes the Job right before the first status write
    const clock = new ManualClock();
    const inner = new MemoryStore({ clock });
    let conflicts = 0;
    const store: ObjectStore = {
      get: (k, ns, n) => inner.get(k, ns, n),
      list: (k, ns, sel) => inner.list(k, ns, sel),
      create: (o) => inner.create(o),
      delete: (k, ns, n, o) => inner.delete(k, ns, n, o),
      watch: (l) => inner.watch(l),
      replace: (obj, opts) => {
        if (obj.kind === 'Job' && opts?.subresource === 'status' && conflicts === 0) {
          conflicts += 1;
          const current = inner.get('Job', obj.metadata.namespace, obj.metadata.name)!;
          inner.replace({ ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, touched: 'yes' } } });
          return inner.replace(obj, opts);
        }
        return inner.replace(obj, opts);
      },
    };
    const sim = startSimulation({ store, clock });
    // WHEN
    inner.create(jobManifest('contended'));
    clock.flush();
    // THEN
    assert.equal(conflicts, 1);
    const job = inner.get('Job', NS, 'contended')!;
    assert.equal(job.metadata.labels!.touched, 'yes');
    assert.equal(job.status.active, 1);
    assert.deepEqual(sim.errors, []);
  });
});

describe('simulated job controller: spec changes and deletion', () => {
  it('deletes the excess pods when parallelism goes down, without counting them as failed', () => {
    const c = cluster();
    c.store.create(jobManifest('elastic', { completions: 6, parallelism: 3 }, { duration: '1m' }));
    c.clock.advance(5_000);
    const job = getJob(c, 'elastic');
    c.store.replace({ ...job, spec: { ...job.spec, parallelism: 1 } });
    c.clock.flush();
    assert.equal(getJob(c, 'elastic').status.terminating, 2);
    c.clock.advance(1_000 + STOPPED_POD_REMOVAL_MS);
    assert.equal(podsOf(c, 'elastic').length, 1);
    assert.equal(getJob(c, 'elastic').status.active, 1);
    assert.equal(getJob(c, 'elastic').status.failed, undefined);
    assert.equal(eventsAbout(c, 'elastic').filter((e) => e.startsWith('SuccessfulDelete')).length, 2);
  });

  it('pods orphaned by deleting their Job with propagation Orphan keep running to the end', () => {
    const c = cluster();
    c.store.create(jobManifest('abandoned', { completions: 2, parallelism: 2 }, { duration: '30s' }));
    c.clock.advance(5_000);
    c.store.delete('Job', NS, 'abandoned', { propagationPolicy: 'Orphan' });
    c.clock.advance(60_000);
    const pods = podsOf(c, 'abandoned');
    assert.deepEqual(pods.map((p) => [p.status.phase, p.metadata.ownerReferences]), [
      ['Succeeded', undefined],
      ['Succeeded', undefined],
    ]);
    assertNoErrors(c);
  });
});

describe('simulated job controller: reproducibility', () => {
  function run(seed: number): string[] {
    const c = cluster(seed);
    c.store.create(jobManifest('dice', { completions: 6, parallelism: 3, backoffLimit: 20 }, { duration: '10s', failureRate: 0.5 }));
    runUntil(c, () => isFinished(getJob(c, 'dice')));
    return podsOf(c, 'dice').map((p) => `${p.metadata.name} ${p.metadata.creationTimestamp} ${p.status.phase}`);
  }

  it('replays the same pods and outcomes for the same seed', () => {
    const first = run(42);
    assert.deepEqual(run(42), first);
    assert.ok(first.some((p) => p.endsWith('Failed')) && first.some((p) => p.endsWith('Succeeded')), 'a mix of outcomes');
  });

  it('gives a different run for a different seed', () => {
    assert.notDeepEqual(run(1), run(2));
  });
});
