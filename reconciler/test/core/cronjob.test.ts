import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate } from 'cdk8s-batch/rules';
import { defaultConfig } from '../../src/core/config.ts';
import { checkCronJobSchedule, rfc3339, scheduledJobName } from '../../src/core/cronjob.ts';
import type { CreateAction, KubeObject } from '../../src/core/types.ts';
import { MINUTE, NOW, at, cronJob, observe } from './fixtures.ts';

// NOW is 2026-06-01T12:00:00Z
const T = (iso: string): number => Date.parse(iso);
const audit = defaultConfig();
const enforce = defaultConfig({ mode: 'enforce', catchUpMissedCronJobs: true });

function cj(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  const base = cronJob({ spec });
  return { ...base, status: { ...status } };
}

describe('checkCronJobSchedule', () => {
  const cases: Array<{ name: string; object: KubeObject; finding: boolean; wakeAt?: number; config?: ReturnType<typeof defaultConfig> }> = [
    {
      name: 'an up-to-date CronJob has no finding and wakes after its next run plus grace',
      object: cj({ schedule: '30 * * * *' }, { lastScheduleTime: '2026-06-01T11:30:00Z' }),
      finding: false,
      wakeAt: T('2026-06-01T12:40:00Z') + 1,
    },
    {
      name: 'a CronJob whose expected run is older than startingDeadlineSeconds and newer than its last run is not scheduling',
      object: cj({ schedule: '30 * * * *' }, { lastScheduleTime: '2026-06-01T10:30:00Z' }),
      finding: true,
      wakeAt: T('2026-06-01T12:40:00Z') + 1,
    },
    {
      name: 'a run still inside its starting deadline is not reported yet; it wakes when the deadline passes',
      object: cj({ schedule: '55 * * * *' }, { lastScheduleTime: '2026-06-01T10:55:00Z' }),
      finding: false,
      wakeAt: T('2026-06-01T12:05:00Z') + 1,
    },
    {
      name: 'without startingDeadlineSeconds the default grace (5 minutes) applies',
      object: cj({ schedule: '50 * * * *', startingDeadlineSeconds: undefined }, { lastScheduleTime: '2026-06-01T10:50:00Z' }),
      finding: true,
    },
    {
      name: 'with startingDeadlineSeconds longer than the delay the same run is not late',
      object: cj({ schedule: '50 * * * *', startingDeadlineSeconds: 900 }, { lastScheduleTime: '2026-06-01T10:50:00Z' }),
      finding: false,
    },
    {
      name: 'a CronJob that never ran counts from its creation',
      object: cj({ schedule: '30 * * * *' }),
      finding: true,
    },
    {
      name: 'a suspended CronJob is not reported',
      object: cj({ schedule: '30 * * * *', suspend: true }, { lastScheduleTime: '2026-06-01T08:30:00Z' }),
      finding: false,
    },
    {
      name: 'a Forbid CronJob with an active Job is skipping runs on purpose',
      object: cj({ schedule: '30 * * * *', concurrencyPolicy: 'Forbid' }, { lastScheduleTime: '2026-06-01T08:30:00Z', active: [{ name: 'nightly-1' }] }),
      finding: false,
    },
    {
      name: 'a Forbid CronJob without an active Job is reported',
      object: cj({ schedule: '30 * * * *', concurrencyPolicy: 'Forbid' }, { lastScheduleTime: '2026-06-01T08:30:00Z', active: [] }),
      finding: true,
    },
    {
      name: 'the schedule is read in spec.timeZone (13:30 in Berlin is 11:30 UTC)',
      object: cj({ schedule: '30 13 * * *', timeZone: 'Europe/Berlin' }, { lastScheduleTime: '2026-05-31T13:30:00Z' }),
      finding: true,
    },
    {
      name: 'the same schedule read in UTC is up to date',
      object: cj({ schedule: '30 13 * * *' }, { lastScheduleTime: '2026-05-31T13:30:00Z' }),
      finding: false,
    },
    {
      name: 'more than 100 missed start times is reported even while the latest run is inside its grace',
      object: cj({ schedule: '* * * * *', startingDeadlineSeconds: undefined }, { lastScheduleTime: at(-180 * MINUTE) }),
      finding: true,
    },
    {
      name: 'missed start times are counted within startingDeadlineSeconds only, as the controller does',
      object: cj({ schedule: '* * * * *', startingDeadlineSeconds: 600 }, { lastScheduleTime: at(-180 * MINUTE) }),
      finding: false,
    },
    {
      name: 'an unparseable schedule is left to the rules',
      object: cj({ schedule: 'every day' }, { lastScheduleTime: at(-180 * MINUTE) }),
      finding: false,
    },
    {
      name: 'an unknown time zone is left to the rules',
      object: cj({ schedule: '30 * * * *', timeZone: 'Nowhere/Land' }, { lastScheduleTime: at(-180 * MINUTE) }),
      finding: false,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const outcome = checkCronJobSchedule(observe(c.object), NOW, c.config ?? audit, false);
      assert.equal(outcome.findings?.[0]?.code, c.finding ? 'CronJobNotScheduling' : undefined);
      if (c.wakeAt !== undefined) assert.equal(outcome.wakeAt, c.wakeAt);
      assert.equal(outcome.actions?.length ?? 0, 0);
    });
  }

  it('names the TooManyMissedTimes trap in the message', () => {
    const object = cj({ schedule: '* * * * *', startingDeadlineSeconds: undefined }, { lastScheduleTime: at(-180 * MINUTE) });
    const [finding] = checkCronJobSchedule(observe(object), NOW, audit, false).findings!;
    assert.match(finding.message, /more than 100 start times behind the schedule.*TooManyMissedTimes/);
    assert.equal(finding.path, 'status.lastScheduleTime');
  });

  it('says which run was missed', () => {
    const object = cj({ schedule: '30 * * * *' }, { lastScheduleTime: '2026-06-01T10:30:00Z' });
    const [finding] = checkCronJobSchedule(observe(object), NOW, audit, false).findings!;
    assert.equal(
      finding.message,
      'status.lastScheduleTime is older than the run expected at 2026-06-01T11:30:00Z and not started within 600s (got 2026-06-01T10:30:00Z)',
    );
  });
});

describe('catch-up runs', () => {
  const late = cj({ schedule: '30 * * * *' }, { lastScheduleTime: '2026-06-01T10:30:00Z' });
  const missed = T('2026-06-01T11:30:00Z');

  it('creates the Job kubectl create job --from=cronjob would, named for the missed run', () => {
    const outcome = checkCronJobSchedule(observe(late), NOW, enforce, true);
    assert.equal(outcome.actions?.length, 1);
    const create = outcome.actions![0] as CreateAction;
    assert.equal(create.type, 'create');
    assert.equal(create.reason, 'CronJobNotScheduling');
    const m = create.manifest;
    assert.equal(m.metadata?.name, `nightly-${missed / 60_000}`);
    assert.equal(m.metadata?.namespace, 'team-a');
    assert.deepEqual(m.metadata?.labels, { app: 'nightly' });
    assert.deepEqual(m.metadata?.annotations, {
      team: 'a',
      'cronjob.kubernetes.io/instantiate': 'manual',
      'batch.cdk8s.io/catch-up-for': '2026-06-01T11:30:00Z',
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-06-01T11:30:00Z',
    });
    assert.deepEqual(m.metadata?.ownerReferences, [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cron-uid-1', controller: true, blockOwnerDeletion: true },
    ]);
    assert.deepEqual(m.spec, late.spec.jobTemplate.spec);
    assert.notEqual(m.spec, late.spec.jobTemplate.spec, 'the spec is a copy');
  });

  it('creates a Job the rules accept', () => {
    const create = checkCronJobSchedule(observe(late), NOW, enforce, true).actions![0] as CreateAction;
    assert.deepEqual(
      validate(create.manifest, { kubernetesVersion: '1.31' }).filter((v) => v.severity === 'error'),
      [],
    );
  });

  it('creates nothing once a Job of that name exists (a restarted reconciler, or the controller caught up)', () => {
    const existing = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: scheduledJobName('nightly', missed) } };
    assert.deepEqual(checkCronJobSchedule(observe(late, { ownedJobs: [existing] }), NOW, enforce, true).actions, []);
  });

  it('creates nothing once a Job for that scheduled time exists under another name', () => {
    const existing = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'nightly-manual-x', annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': rfc3339(missed) } },
    };
    assert.deepEqual(checkCronJobSchedule(observe(late, { ownedJobs: [existing] }), NOW, enforce, true).actions, []);
  });

  it('creates nothing in audit mode, when catch-up is off, or when enforce does not apply', () => {
    assert.deepEqual(checkCronJobSchedule(observe(late), NOW, audit, false).actions, []);
    assert.deepEqual(checkCronJobSchedule(observe(late), NOW, defaultConfig({ mode: 'enforce' }), true).actions, []);
    assert.deepEqual(checkCronJobSchedule(observe(late), NOW, enforce, false).actions, []);
  });

  it('creates nothing for the TooManyMissedTimes case while the latest run is inside its grace', () => {
    const object = cj({ schedule: '* * * * *', startingDeadlineSeconds: undefined }, { lastScheduleTime: at(-180 * MINUTE) });
    const outcome = checkCronJobSchedule(observe(object), NOW, enforce, true);
    assert.equal(outcome.findings?.length, 1);
    assert.deepEqual(outcome.actions, []);
  });

  it('keeps the controller naming within 63 characters', () => {
    assert.equal(scheduledJobName('a'.repeat(60), missed).length, 63);
    assert.equal(scheduledJobName('nightly', missed), `nightly-${missed / 60_000}`);
  });
});
