import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from 'cdk8s-batch/rules';
import { checkGate, isGated } from '../../src/core/gate.ts';
import { initialPods, jobDemand, podAmount, quotaShortfalls } from '../../src/core/quota.ts';
import { NANO, parseQuantity } from '../../src/core/quantity.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { job, quota, refTo } from './fixtures.ts';

const gated = (spec: Record<string, unknown> = {}): KubeObject =>
  job({ metadata: { annotations: { 'batch.cdk8s.io/admission-gate': 'pending' } }, spec: { suspend: true, ...spec }, status: {} });

const error: Violation = { code: 'RestartPolicyInvalid', severity: 'error', path: 'spec.template.spec.restartPolicy', message: 'm', fix: 'f' };
const q = (v: string): bigint => parseQuantity(v)!;

describe('quota arithmetic', () => {
  it('starts min(parallelism, completions) pods, parallelism defaulting to 1', () => {
    assert.equal(initialPods(job({ spec: { parallelism: 5, completions: 3 } })), 3);
    assert.equal(initialPods(job({ spec: { parallelism: 2, completions: 10 } })), 2);
    assert.equal(initialPods(job({ spec: { parallelism: 4, completions: undefined } })), 4);
    assert.equal(initialPods(job({ spec: { parallelism: undefined, completions: undefined } })), 1);
    assert.equal(initialPods(job({ spec: { parallelism: 0 } })), 0);
  });

  it('sums containers and sidecars, takes at least the largest init container, adds overhead', () => {
    const podSpec = {
      initContainers: [
        { name: 'migrate', resources: { requests: { cpu: '2' } } },
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
      ],
      containers: [
        { name: 'a', resources: { requests: { cpu: '250m', memory: '128Mi' } } },
        { name: 'b', resources: { limits: { cpu: '500m', memory: '1Gi' } } },
        { name: 'c' },
      ],
      overhead: { cpu: '10m' },
    };
    assert.equal(podAmount(podSpec, 'requests', 'cpu'), q('2') + q('10m'));
    assert.equal(podAmount({ ...podSpec, initContainers: [podSpec.initContainers[1]] }, 'requests', 'cpu'), q('850m') + q('10m'));
    assert.equal(podAmount(podSpec, 'requests', 'memory'), q('128Mi') + q('1Gi'), 'a request left unset takes the limit');
    assert.equal(podAmount(podSpec, 'limits', 'memory'), q('1Gi'));
  });

  it('multiplies the pod amounts by the pods the Job starts', () => {
    const demand = jobDemand(job({ spec: { parallelism: 3, completions: 3 } }));
    assert.equal(demand['requests.cpu'], q('1500m'));
    assert.equal(demand['requests.memory'], q('768Mi'));
    assert.equal(demand.pods, 3n * NANO);
    assert.equal(demand['count/jobs.batch'], 0n, 'the Job itself is already counted');
  });

  const j = job({ spec: { parallelism: 2, completions: 2 } }); // needs 1 cpu, 512Mi, 2 pods
  const rows: Array<[string, KubeObject, boolean]> = [
    ['fits when used + need ≤ hard', quota('compute', { 'requests.cpu': '4', 'requests.memory': '4Gi' }, { 'requests.cpu': '3', 'requests.memory': '1Gi' }), true],
    ['fails on requests.cpu', quota('compute', { 'requests.cpu': '4' }, { 'requests.cpu': '3500m' }), false],
    ['fails on requests.memory', quota('compute', { 'requests.memory': '1Gi' }, { 'requests.memory': '600Mi' }), false],
    ['reads the bare cpu name as requests.cpu', quota('compute', { cpu: '1' }, { cpu: '100m' }), false],
    ['fails on pods', quota('objects', { pods: '10' }, { pods: '9' }), false],
    ['fails on count/jobs.batch only when already over', quota('objects', { 'count/jobs.batch': '5' }, { 'count/jobs.batch': '6' }), false],
    ['fits count/jobs.batch at the limit (the Job is counted)', quota('objects', { 'count/jobs.batch': '5' }, { 'count/jobs.batch': '5' }), true],
    ['ignores resources the quota does not limit', quota('other', { 'requests.storage': '1Gi' }, { 'requests.storage': '1Gi' }), true],
    ['skips scoped quotas', quota('best-effort', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] }), true],
    ['treats missing used as zero', quota('compute', { 'requests.cpu': '1' }, {}), true],
  ];
  for (const [name, qu, fits] of rows) {
    it(`quota: ${name}`, () => assert.equal(quotaShortfalls(j, [qu]).length === 0, fits));
  }

  it('says what is short and by how much', () => {
    assert.deepEqual(quotaShortfalls(j, [quota('compute', { 'requests.cpu': '4' }, { 'requests.cpu': '3500m' })]), [
      'quota compute requests.cpu: needs 1, 500m of 4 left',
    ]);
  });
});

describe('checkGate', () => {
  it('waits only for a suspended Job with the pending annotation', () => {
    assert.equal(isGated(gated()), true);
    assert.equal(isGated(gated({ suspend: false })), false);
    assert.equal(isGated(job({ spec: { suspend: true } })), false);
    assert.equal(isGated(job({ metadata: { annotations: { 'batch.cdk8s.io/admission-gate': 'released' } }, spec: { suspend: true } })), false);
  });

  it('releases a clean Job that fits the quota: suspend false and the annotation set to released', () => {
    const outcome = checkGate(gated(), refTo(gated()), [], [quota('compute', { 'requests.cpu': '4' }, { 'requests.cpu': '1' })]);
    assert.deepEqual(outcome.patch?.spec, { suspend: false });
    assert.deepEqual(outcome.patch?.annotations, { 'batch.cdk8s.io/admission-gate': 'released' });
    assert.deepEqual(outcome.patch?.reasons, ['AdmissionGateReleased']);
    assert.equal(outcome.patch?.events[0].eventType, 'Normal');
    assert.equal(outcome.patch?.events[0].action, 'Release');
    assert.equal(outcome.findings, undefined);
  });

  it('holds a Job with error violations and says which', () => {
    const outcome = checkGate(gated(), refTo(gated()), [error], []);
    assert.equal(outcome.patch, undefined);
    assert.equal(outcome.findings?.[0].code, 'AdmissionGateHeld');
    assert.match(outcome.findings![0].message, /1 error violation\(s\) on the live cluster version: RestartPolicyInvalid/);
  });

  it('holds a Job the quota has no room for and says why', () => {
    const outcome = checkGate(gated(), refTo(gated()), [], [quota('compute', { 'requests.memory': '300Mi' }, { 'requests.memory': '100Mi' })]);
    assert.equal(outcome.patch, undefined);
    assert.match(outcome.findings![0].message, /^spec\.suspend stays true: quota compute requests\.memory: needs 256Mi, 200Mi of 300Mi left \(got true\)$/);
  });

  it('without the ResourceQuota list, releases on the rules alone and says the quota was not checked', () => {
    const outcome = checkGate(gated(), refTo(gated()), [], undefined);
    assert.deepEqual(outcome.patch?.spec, { suspend: false });
    assert.match(outcome.patch!.events[0].note, /the namespace quota was not checked: ResourceQuotas cannot be read/);
    // rule errors still hold it
    assert.equal(checkGate(gated(), refTo(gated()), [error], undefined).findings?.[0].code, 'AdmissionGateHeld');
  });

  it('does nothing for a Job that is not gated', () => {
    assert.deepEqual(checkGate(job(), refTo(job()), [error], []), {});
  });
});
