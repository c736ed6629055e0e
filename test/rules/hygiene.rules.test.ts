import { cronJob, cronJobWithTemplate, job } from './cronjob.cases';
import { formatViolation, validate, Violation } from '../../src/rules';

function warnings(obj: any, version = '1.35'): Violation[] {
  return validate(obj, { kubernetesVersion: version }).filter((v) => v.severity === 'warning');
}

describe('hygiene rules', () => {
  test('a Job with TTL, deadline and requests has no warnings', () => {
    expect(warnings(job()).map(formatViolation)).toEqual([]);
  });

  test('warns about a bare Job with one fix each', () => {
    const bare = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'bare' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
    };
    const found = warnings(bare);
    expect(found.map((v) => v.code)).toEqual(['TtlSecondsAfterFinishedMissing', 'ActiveDeadlineSecondsMissing', 'ResourceRequestsMissing']);
    expect(found.every((v) => v.fix.length > 0 && !v.fix.endsWith('.'))).toBe(true);
    expect(found[2].path).toBe('spec.template.spec.containers[0].resources.requests');
  });

  test('the race misconception names both fixes and does not double-report', () => {
    const found = warnings(job({ completions: 1, parallelism: 5 }));
    expect(found.map((v) => v.code)).toEqual(['ParallelismRaceMisconception']);
    expect(found[0].fix).toMatch(/IndexedJob .* successPolicy succeededCount 1, or WorkQueueJob/);
  });

  test('fails if an Indexed Job with completions 0 is warned about a parallelism its author never set', () => {
    // GIVEN completions 0 and no parallelism (the API server defaults it to 1)
    const obj = job({ completionMode: 'Indexed', completions: 0 });
    // THEN no parallelism warning; a parallelism the author did set above completions still warns
    expect(warnings(obj).map((v) => v.code)).toEqual([]);
    expect(warnings(job({ completionMode: 'Indexed', completions: 0, parallelism: 2 })).map((v) => v.code)).toEqual(['ParallelismExceedsCompletions']);
  });

  test('fails if a Job its CronJob created is warned for lacking the TTL the CronJob is told not to set', () => {
    // GIVEN a Job as the CronJob controller creates it from a template without TTL
    const created = job({ ttlSecondsAfterFinished: undefined });
    created.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: '6f1c1d2e-0000-4000-8000-000000000001', controller: true }];
    // THEN neither the template nor the Job is asked for a TTL
    expect(warnings(cronJob()).map((v) => v.code)).not.toContain('TtlSecondsAfterFinishedMissing');
    expect(warnings(created).map((v) => v.code)).not.toContain('TtlSecondsAfterFinishedMissing');
  });

  test('CronJob templates are not asked for a TTL; a TTL there conflicts with history limits', () => {
    expect(warnings(cronJob()).map((v) => v.code)).toEqual([]);
    const [v] = warnings(cronJobWithTemplate({ ttlSecondsAfterFinished: 60 }));
    expect(v.code).toBe('TtlWithJobsHistoryLimits');
    expect(v.message).toBe(
      'spec.jobTemplate.spec.ttlSecondsAfterFinished deletes finished Jobs that the history limits (successful 3, failed 1) mean to keep (got 60)',
    );
  });

  test('a frequent schedule without startingDeadlineSeconds warns about missed starts', () => {
    const frequent = cronJob({ schedule: '*/5 * * * *', startingDeadlineSeconds: undefined });
    const [v] = warnings(frequent).filter((x) => x.code === 'CronJobMissedStartsUnbounded');
    expect(v.message).toBe('spec.startingDeadlineSeconds is not set while the schedule "*/5 * * * *" fires more than 100 times in 24 hours');
    // hourly: 24 a day, never 100 in a day
    expect(warnings(cronJob({ schedule: '@hourly', startingDeadlineSeconds: undefined })).map((v2) => v2.code)).not.toContain('CronJobMissedStartsUnbounded');
  });

  test('@every is a warning, never an error', () => {
    const found = validate(cronJob({ schedule: '@every 2h' }), { kubernetesVersion: '1.35' });
    expect(found.map((v) => [v.code, v.severity])).toEqual([['ScheduleEvery', 'warning']]);
  });
});
