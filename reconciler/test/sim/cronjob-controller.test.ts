import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewObject, StoredObject } from '../../src/emulator/types.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { MAX_MISSED_SCHEDULES, ManualClock, missedSchedules, parseSchedule, planCronJob, scheduledJobName, startSimulation } from '../../src/sim/index.ts';
import { NS, assertNoErrors, cluster, condition, eventsAbout, isFinished, template, type Cluster, type PodBehaviourSpec } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const jobName = (cronJob: string, minutesAfterT0: number): string => `${cronJob}-${T0 / MINUTE + minutesAfterT0}`;

function cronJobManifest(name: string, spec: Record<string, unknown> = {}, behaviour: PodBehaviourSpec = { duration: '10s' }, jobSpec: Record<string, unknown> = {}): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: NS },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { team: 'data' } }, spec: { backoffLimit: 0, template: template(behaviour), ...jobSpec } },
      ...spec,
    },
  };
}

function getCronJob(c: Cluster, name: string): StoredObject {
  const cj = c.store.get('CronJob', NS, name);
  assert.ok(cj, `CronJob ${name} exists`);
  return cj;
}

function jobNames(c: Cluster): string[] {
  return c.store
    .list('Job', NS)
    .map((j) => j.metadata.name)
    .sort();
}

describe('simulated CronJob controller', () => {
  it('starts a Job per schedule named <cronjob>-<minutes since epoch>, with the scheduled-timestamp annotation and an ownerReference', () => {
    // GIVEN
    const c = cluster();
    const cj = c.store.create(cronJobManifest('report'));
    // WHEN
    c.clock.advance(MINUTE);
    // THEN
    const job = c.store.get('Job', NS, jobName('report', 1))!;
    assert.ok(job, 'the Job for 00:01 exists');
    assert.equal(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-01-01T00:01:00Z');
    assert.equal(job.metadata.labels!.team, 'data');
    assert.deepEqual(job.metadata.ownerReferences, [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const status = getCronJob(c, 'report').status;
    assert.equal(status.lastScheduleTime, '2026-01-01T00:01:00Z');
    assert.deepEqual(status.active.map((r: { name: string; uid: string }) => [r.name, r.uid]), [[job.metadata.name, job.metadata.uid]]);
    assert.deepEqual(eventsAbout(c, 'report'), [`SuccessfulCreate: Created job ${job.metadata.name}`]);
    assertNoErrors(c);
  });

  it('records the finished Job: SawCompletedJob, lastSuccessfulTime, and no longer active', () => {
    const c = cluster();
    c.store.create(cronJobManifest('report', { schedule: '*/5 * * * *' }));
    c.clock.advance(5 * MINUTE + 11_000);
    const name = jobName('report', 5);
    assert.ok(isFinished(c.store.get('Job', NS, name)));
    const status = getCronJob(c, 'report').status;
    assert.equal(status.active, undefined);
    assert.equal(status.lastSuccessfulTime, '2026-01-01T00:05:11Z');
    assert.ok(eventsAbout(c, 'report').includes(`SawCompletedJob: Saw completed job: ${name}, condition: Complete`));
  });

  it('follows spec.timeZone', () => {
    const c = cluster();
    c.store.create(cronJobManifest('tokyo', { schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }));
    c.clock.advance(23 * 60 * MINUTE);
    assert.deepEqual(jobNames(c), []);
    c.clock.advance(60 * MINUTE);
    // 09:00 in Tokyo is 00:00 UTC
    assert.equal(getCronJob(c, 'tokyo').status.lastScheduleTime, '2026-01-02T00:00:00Z');
    assert.deepEqual(jobNames(c), [jobName('tokyo', 24 * 60)]);
  });

  it('concurrencyPolicy Forbid skips a run while the previous one is active and starts it once that ends', () => {
    const c = cluster();
    c.store.create(cronJobManifest('exclusive', { concurrencyPolicy: 'Forbid' }, { duration: '90s' }));
    c.clock.advance(2 * MINUTE);
    assert.deepEqual(jobNames(c), [jobName('exclusive', 1)]);
    assert.ok(eventsAbout(c, 'exclusive').includes('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
    // the first Job ends at 00:02:31; the 00:02 run is still the most recent schedule and starts then
    c.clock.advance(31_000);
    assert.deepEqual(jobNames(c), [jobName('exclusive', 1), jobName('exclusive', 2)]);
    assertNoErrors(c);
  });

  it('concurrencyPolicy Replace deletes the running Job (and its pods) and starts the new one', () => {
    const c = cluster();
    c.store.create(cronJobManifest('latest', { concurrencyPolicy: 'Replace' }, { duration: '90s' }));
    c.clock.advance(MINUTE + 5_000);
    const first = c.store.get('Job', NS, jobName('latest', 1))!;
    c.clock.advance(MINUTE);
    assert.deepEqual(jobNames(c), [jobName('latest', 2)]);
    assert.equal(c.store.list('Pod', NS, { 'batch.kubernetes.io/controller-uid': first.metadata.uid }).length, 0);
    assert.ok(eventsAbout(c, 'latest').includes(`SuccessfulDelete: Deleted job ${first.metadata.name}`));
  });

  it('concurrencyPolicy Allow runs overlapping Jobs', () => {
    const c = cluster();
    c.store.create(cronJobManifest('overlap', {}, { duration: '90s' }));
    c.clock.advance(2 * MINUTE);
    assert.deepEqual(jobNames(c), [jobName('overlap', 1), jobName('overlap', 2)]);
    assert.equal(getCronJob(c, 'overlap').status.active.length, 2);
  });

  it('starts nothing while suspended; on resume only the most recent missed run starts', () => {
    const c = cluster();
    c.store.create(cronJobManifest('held', { suspend: true }));
    c.clock.advance(5 * MINUTE);
    assert.deepEqual(jobNames(c), []);
    const cj = getCronJob(c, 'held');
    c.store.replace({ ...cj, spec: { ...cj.spec, suspend: false } });
    c.clock.flush();
    assert.deepEqual(jobNames(c), [jobName('held', 5)]);
  });

  it('keeps successfulJobsHistoryLimit finished Jobs and deletes older ones', () => {
    const c = cluster();
    c.store.create(cronJobManifest('history', { successfulJobsHistoryLimit: 2 }));
    c.clock.advance(5 * MINUTE + 30_000);
    assert.deepEqual(jobNames(c), [jobName('history', 4), jobName('history', 5)]);
    assert.ok(eventsAbout(c, 'history').includes(`SuccessfulDelete: Deleted job ${jobName('history', 1)}`));
  });

  it('keeps failedJobsHistoryLimit failed Jobs', () => {
    const c = cluster();
    c.store.create(cronJobManifest('broken', { failedJobsHistoryLimit: 1 }, { duration: '5s', failureRate: 1 }));
    c.clock.advance(3 * MINUTE + 30_000);
    const names = jobNames(c);
    assert.deepEqual(names, [jobName('broken', 3)]);
    assert.equal(condition(c.store.get('Job', NS, names[0])!, 'Failed')?.status, 'True');
  });

  it(`with the pre-1.21 behaviour, stops scheduling after more than ${MAX_MISSED_SCHEDULES} missed start times, with a TooManyMissedTimes Warning`, () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const c = { clock, store, sim: startSimulation({ store, clock, cronJobTooManyMissed: 'stop' }) };
    c.sim.pauseCronJobController();
    c.store.create(cronJobManifest('forgotten'));
    c.clock.advance(120 * MINUTE);
    c.sim.resumeCronJobController();
    c.clock.advance(10 * MINUTE);
    assert.deepEqual(jobNames(c), []);
    const warnings = c.store.list('Event', NS).filter((e) => e.reason === 'TooManyMissedTimes');
    assert.equal(warnings.length, 1, 'one Event, not one per schedule');
    assert.equal(warnings[0].type, 'Warning');
    assert.equal(warnings[0].note, 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    assert.equal(getCronJob(c, 'forgotten').status.lastScheduleTime, undefined);
    // setting startingDeadlineSeconds bounds the count and scheduling resumes
    const stuck = getCronJob(c, 'forgotten');
    c.store.replace({ ...stuck, spec: { ...stuck.spec, startingDeadlineSeconds: 120 } });
    c.clock.flush();
    assert.deepEqual(jobNames(c), [jobName('forgotten', 130)]);
  });

  it('by default starts the most recent run after too many missed start times, as the v2 controller does', () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const sim = startSimulation({ store, clock });
    sim.pauseCronJobController();
    store.create(cronJobManifest('recovering'));
    clock.advance(120 * MINUTE + 30_000);
    sim.resumeCronJobController();
    clock.flush();
    assert.deepEqual(store.list('Job', NS).map((j) => j.metadata.name), [jobName('recovering', 120)]);
    assert.equal(store.list('Event', NS).filter((e) => e.reason === 'TooManyMissedTimes').length, 1);
  });

  it('with startingDeadlineSeconds counts missed runs only within the deadline, so it keeps scheduling', () => {
    const c = cluster();
    c.sim.pauseCronJobController();
    c.store.create(cronJobManifest('bounded', { startingDeadlineSeconds: 300 }));
    c.clock.advance(120 * MINUTE + 30_000);
    c.sim.resumeCronJobController();
    c.clock.flush();
    assert.deepEqual(jobNames(c), [jobName('bounded', 120)]);
    assert.equal(c.store.list('Event', NS).filter((e) => e.reason === 'TooManyMissedTimes').length, 0);
  });

  it('does not start a run whose startingDeadlineSeconds window has passed', () => {
    const c = cluster();
    c.sim.pauseCronJobController();
    c.store.create(cronJobManifest('hourly', { schedule: '0 * * * *', startingDeadlineSeconds: 60 }));
    c.clock.advance(65 * MINUTE);
    c.sim.resumeCronJobController();
    c.clock.flush();
    assert.deepEqual(jobNames(c), [], 'the 01:00 run was missed by more than 60 s');
    c.clock.advance(55 * MINUTE);
    assert.deepEqual(jobNames(c), [jobName('hourly', 120)]);
  });
});

describe('CronJob plan', () => {
  const base = (spec: Record<string, unknown>): StoredObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x', namespace: NS, uid: 'u1', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { jobTemplate: { spec: { template: template() } }, ...spec },
    status: {},
  });

  it('warns UnparseableSchedule and starts nothing for a bad schedule', () => {
    const plan = planCronJob({ cronJob: base({ schedule: 'every minute' }), jobs: [], now: T0 + 10 * MINUTE });
    assert.deepEqual(plan.jobsToCreate, []);
    assert.deepEqual(plan.events.map((e) => [e.type, e.reason]), [['Warning', 'UnparseableSchedule']]);
    assert.equal(plan.wakeAt, undefined);
  });

  it('warns UnknownTimeZone for a time zone that does not exist', () => {
    const plan = planCronJob({ cronJob: base({ schedule: '* * * * *', timeZone: 'Mars/Olympus_Mons' }), jobs: [], now: T0 + 10 * MINUTE });
    assert.deepEqual(plan.events.map((e) => e.reason), ['UnknownTimeZone']);
    assert.deepEqual(plan.jobsToCreate, []);
  });

  it('accepts a TZ= prefix with an UnsupportedSchedule warning', () => {
    const parsed = parseSchedule({ schedule: 'TZ=Asia/Tokyo 0 9 * * *' });
    assert.equal(parsed.tz, 'Asia/Tokyo');
    assert.equal(parsed.expression, '0 9 * * *');
    assert.equal(parsed.warning?.reason, 'UnsupportedSchedule');
  });

  it('finds the most recent missed time even past the missed-start limit', () => {
    const parsed = parseSchedule({ schedule: '* * * * *' });
    assert.deepEqual(missedSchedules(parsed, T0, T0 + 500 * MINUTE + 5_000), { count: MAX_MISSED_SCHEDULES + 1, mostRecent: T0 + 500 * MINUTE });
    assert.deepEqual(missedSchedules(parsed, T0, T0 + 3 * MINUTE), { count: 3, mostRecent: T0 + 3 * MINUTE });
    assert.deepEqual(missedSchedules(parsed, T0, T0 + 59_000), { count: 0 });
  });

  it('wakes at the next scheduled time', () => {
    const plan = planCronJob({ cronJob: base({ schedule: '*/15 * * * *' }), jobs: [], now: T0 + 20 * MINUTE });
    assert.equal(plan.wakeAt, T0 + 30 * MINUTE);
    assert.equal(plan.jobsToCreate[0].metadata.name, scheduledJobName('x', T0 + 15 * MINUTE));
  });
});
