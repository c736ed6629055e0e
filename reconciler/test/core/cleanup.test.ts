import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOrphanPod, checkRetention } from '../../src/core/cleanup.ts';
import { defaultConfig } from '../../src/core/config.ts';
import type { DeleteAction, KubeObject } from '../../src/core/types.ts';
import { MINUTE, NOW, finishedJob, job, observe, pod } from './fixtures.ts';

function orphan(p: KubeObject): KubeObject {
  return { ...p, metadata: { ...p.metadata, ownerReferences: undefined } };
}

describe('checkOrphanPod', () => {
  const owner = job();
  const cases: Array<{ name: string; pod: KubeObject; ownedJobs?: KubeObject[]; orphaned: boolean }> = [
    { name: 'a pod whose Job is gone and whose ownerReference was stripped is orphaned', pod: orphan(pod('p1', owner)), orphaned: true },
    { name: 'a pod still controlled by its Job is not orphaned', pod: pod('p1', owner), orphaned: false },
    { name: 'a pod whose Job (same uid) still exists is not orphaned', pod: orphan(pod('p1', owner)), ownedJobs: [owner], orphaned: false },
    {
      name: 'a pod whose Job name was reused by a new Job (another uid) is orphaned',
      pod: orphan(pod('p1', owner)),
      ownedJobs: [job({ metadata: { uid: 'job-uid-2' } })],
      orphaned: true,
    },
    {
      name: 'a pod without Job labels is not a Job pod',
      pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a', uid: 'u', labels: { app: 'web' } }, spec: {} },
      orphaned: false,
    },
    {
      name: 'a pod controlled by something else (labels copied) is not orphaned',
      pod: { ...pod('p1', owner), metadata: { ...pod('p1', owner).metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Other', name: 'o', uid: 'o', controller: true }] } },
      orphaned: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const outcome = checkOrphanPod(observe(c.pod, { ownedJobs: c.ownedJobs }), true);
      assert.equal(outcome.findings?.[0]?.code, c.orphaned ? 'OrphanedPod' : undefined);
      assert.equal(outcome.actions?.some((a) => a.type === 'delete') ?? false, c.orphaned);
    });
  }

  it('deletes with uid and resourceVersion preconditions in the background', () => {
    const outcome = checkOrphanPod(observe(orphan(pod('p1', job()))), true);
    const del = outcome.actions!.find((a) => a.type === 'delete') as DeleteAction;
    assert.deepEqual(del, {
      type: 'delete',
      target: { kind: 'Pod', namespace: 'team-a', name: 'p1', uid: 'pod-uid-p1' },
      resourceVersion: '300',
      propagationPolicy: 'Background',
      reason: 'OrphanedPod',
    });
    const event = outcome.actions!.find((a) => a.type === 'event');
    assert.equal(event?.type === 'event' && event.eventType, 'Normal');
  });

  it('only reports when deleting is not allowed', () => {
    const outcome = checkOrphanPod(observe(orphan(pod('p1', job()))), false);
    assert.equal(outcome.findings?.length, 1);
    assert.deepEqual(outcome.actions, []);
  });

  it('names the Job in the finding', () => {
    const [finding] = checkOrphanPod(observe(orphan(pod('p1', job()))), false).findings!;
    assert.match(finding.message, /created by Job report \(uid job-uid-1\), which no longer exists/);
  });
});

describe('checkRetention', () => {
  const config = defaultConfig({ finishedJobRetentionMs: 60 * MINUTE });
  const noTtl = { spec: { ttlSecondsAfterFinished: undefined } };
  const cases: Array<{ name: string; job: KubeObject; expired: boolean; wakeAt?: number; config?: ReturnType<typeof defaultConfig> }> = [
    { name: 'a finished Job without TTL older than the retention has expired', job: finishedJob(90 * MINUTE, noTtl), expired: true },
    {
      name: 'a finished Job without TTL inside the retention wakes when it expires',
      job: finishedJob(20 * MINUTE, noTtl),
      expired: false,
      wakeAt: NOW + 40 * MINUTE,
    },
    { name: 'a Job with a TTL is left to the TTL controller', job: finishedJob(90 * MINUTE), expired: false },
    { name: 'a running Job never expires', job: job(noTtl), expired: false },
    {
      name: 'a failed Job expires too',
      job: finishedJob(90 * MINUTE, { ...noTtl, status: { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: new Date(NOW - 90 * MINUTE).toISOString() }] } }),
      expired: true,
    },
    {
      name: 'a CronJob-owned Job is left to the history limits',
      job: finishedJob(90 * MINUTE, { ...noTtl, metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'c', uid: 'c', controller: true }] } }),
      expired: false,
    },
    {
      name: 'a Kueue Job is hands off',
      job: finishedJob(90 * MINUTE, { ...noTtl, metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'q' } } }),
      expired: false,
    },
    { name: 'retention 0 disables the check', job: finishedJob(90 * MINUTE, noTtl), expired: false, config: defaultConfig() },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const outcome = checkRetention(observe(c.job), NOW, c.config ?? config, true);
      assert.equal(outcome.findings?.[0]?.code, c.expired ? 'FinishedJobExpired' : undefined);
      assert.equal(outcome.actions?.some((a) => a.type === 'delete') ?? false, c.expired);
      assert.equal(outcome.wakeAt, c.wakeAt);
    });
  }

  it('deletes in the background with uid and resourceVersion preconditions', () => {
    const outcome = checkRetention(observe(finishedJob(90 * MINUTE, noTtl)), NOW, config, true);
    const del = outcome.actions!.find((a) => a.type === 'delete') as DeleteAction;
    assert.deepEqual(del.target, { kind: 'Job', namespace: 'team-a', name: 'report', uid: 'job-uid-1' });
    assert.equal(del.resourceVersion, '100');
    assert.equal(del.propagationPolicy, 'Background');
  });

  it('only reports when deleting is not allowed', () => {
    const outcome = checkRetention(observe(finishedJob(90 * MINUTE, noTtl)), NOW, config, false);
    assert.equal(outcome.findings?.length, 1);
    assert.deepEqual(outcome.actions, []);
  });
});
