import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.ts';
import { detectStuckJob, nodeLostAt } from '../../src/core/stuck.ts';
import { MINUTE, NOW, at, finishedJob, job, node, observe, pod } from './fixtures.ts';

// stuck after 10 minutes without live pods; a node is lost 5 minutes after it stopped being Ready
const config = defaultConfig({ stuckAfterMs: 10 * MINUTE, nodeLostAfterMs: 5 * MINUTE });
const running = job();

describe('detectStuckJob', () => {
  const cases: Array<{ name: string; observed: ReturnType<typeof observe>; stuck: boolean; wakeAt?: number }> = [
    {
      name: 'a Job with a running pod on a Ready node is not stuck',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'True', at(-120 * MINUTE))] }),
      stuck: false,
    },
    {
      name: 'a Job whose only pod is pending unscheduled is not stuck',
      observed: observe(running, { pods: [pod('p1', running)] }),
      stuck: false,
    },
    {
      name: 'a Job counting active pods that are all gone for longer than the threshold is stuck',
      observed: observe(running),
      stuck: true,
    },
    {
      name: 'a Job whose pods vanished recently is not stuck yet, and wakes when the threshold is reached',
      observed: observe(job({ status: { active: 1, startTime: at(-3 * MINUTE) } })),
      stuck: false,
      wakeAt: NOW + 7 * MINUTE,
    },
    {
      name: 'a Job whose pods all sit on a node NotReady for longer than node-lost + stuck thresholds is stuck',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'Unknown', at(-20 * MINUTE))] }),
      stuck: true,
    },
    {
      name: 'a Job whose pod node is NotReady but not yet lost wakes when the node counts as lost',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'False', at(-2 * MINUTE))] }),
      stuck: false,
      wakeAt: NOW + 3 * MINUTE,
    },
    {
      name: 'a Job whose node was lost recently is stuck only once the stuck threshold has passed since',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'Unknown', at(-8 * MINUTE))] }),
      stuck: false,
      wakeAt: NOW - 3 * MINUTE + 10 * MINUTE,
    },
    {
      name: 'a Job whose pods are on a node that no longer exists is stuck',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'gone' })] }),
      stuck: true,
    },
    {
      name: 'one live pod among lost ones keeps the Job from being stuck',
      observed: observe(running, {
        pods: [pod('p1', running, { nodeName: 'n1' }), pod('p2', running, { nodeName: 'n2' })],
        nodes: [node('n1', 'Unknown', at(-60 * MINUTE)), node('n2', 'True', at(-60 * MINUTE))],
      }),
      stuck: false,
    },
    {
      name: 'terminated pods do not count as live',
      observed: observe(running, { pods: [pod('p1', running, { nodeName: 'n1', phase: 'Failed' })], nodes: [node('n1', 'True', at(-60 * MINUTE))] }),
      stuck: true,
    },
    {
      name: 'a recently created (terminated) pod is evidence of progress',
      observed: observe(running, { pods: [pod('p1', running, { phase: 'Failed', created: at(-4 * MINUTE) })] }),
      stuck: false,
      wakeAt: NOW + 6 * MINUTE,
    },
    {
      name: 'pods labelled for another Job uid are ignored',
      observed: observe(running, { pods: [pod('p1', job({ metadata: { uid: 'other' } }), { nodeName: 'n1' })], nodes: [node('n1', 'True', at(-60 * MINUTE))] }),
      stuck: true,
    },
    {
      name: 'a recent pod of another Job is no evidence of progress',
      observed: observe(running, { pods: [pod('p1', job({ metadata: { uid: 'other' } }), { phase: 'Failed', created: at(-MINUTE) })] }),
      stuck: true,
    },
    {
      name: 'a Job whose pods all terminated says none is running or pending',
      observed: observe(running, { pods: [pod('p1', running, { phase: 'Succeeded' })] }),
      stuck: true,
    },
    { name: 'a finished Job is not stuck', observed: observe(finishedJob(60 * MINUTE, { status: { active: 1 } })), stuck: false },
    { name: 'a suspended Job is not stuck', observed: observe(job({ spec: { suspend: true } })), stuck: false },
    { name: 'a Job with no active pods is not stuck', observed: observe(job({ status: { active: 0 } })), stuck: false },
    {
      name: 'a Job with no timestamps at all gives no evidence and is not reported',
      observed: observe({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x', namespace: 'team-a' }, spec: {}, status: { active: 2 } }),
      stuck: false,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const outcome = detectStuckJob(c.observed, NOW, config);
      assert.equal(outcome.findings?.[0]?.code, c.stuck ? 'JobStuck' : undefined);
      assert.equal(outcome.wakeAt, c.wakeAt);
    });
  }

  it('without the Node list, pods on nodes count as alive: no node is taken for gone', () => {
    const onGone = observe(running, { pods: [pod('p1', running, { nodeName: 'gone' })] });
    const onDead = observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'Unknown', at(-60 * MINUTE))] });
    for (const observed of [onGone, onDead]) {
      assert.equal(detectStuckJob(observed, NOW, config).findings?.length ?? 0, 1);
      assert.deepEqual(detectStuckJob({ ...observed, unavailable: ['nodes'] }, NOW, config), {});
    }
    // vanished pods are still detected
    assert.equal(detectStuckJob({ ...observe(running), unavailable: ['nodes'] }, NOW, config).findings?.length, 1);
  });

  it('says when no pod is left', () => {
    const [finding] = detectStuckJob(observe(running), NOW, config).findings!;
    assert.equal(
      finding.message,
      `status.active counts active pods but none of its pods is running or pending, with no sign of progress since ${at(-60 * MINUTE)} (got 1)`,
    );
  });

  it('says why and since when in the finding', () => {
    const observed = observe(running, { pods: [pod('p1', running, { nodeName: 'n1' })], nodes: [node('n1', 'Unknown', at(-60 * MINUTE))] });
    const [finding] = detectStuckJob(observed, NOW, config).findings!;
    assert.equal(finding.severity, 'error');
    assert.equal(finding.path, 'status.active');
    assert.match(finding.message, /^status\.active counts active pods but its pods are on lost nodes \(node n1 is not Ready\)/);
    assert.match(finding.message, /\(got 1\)$/);
  });
});

describe('nodeLostAt', () => {
  it('is undefined for a Ready node', () => assert.equal(nodeLostAt(node('n', 'True', at(0)), MINUTE), undefined));
  it('is the NotReady transition plus the threshold', () => assert.equal(nodeLostAt(node('n', 'False', at(0)), MINUTE), NOW + MINUTE));
  it('is undefined without a transition time (no evidence)', () => {
    assert.equal(nodeLostAt({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, MINUTE), undefined);
  });
});
