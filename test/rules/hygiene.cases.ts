/**
 * Table rows for the hygiene and misconception warnings. `codes.test.ts` runs every row.
 */
import { cronJob, cronJobWithTemplate, job } from './cronjob.cases';

function withPod(base: any, pod: Record<string, any>, inTemplate = false): any {
  const spec = inTemplate ? base.spec.jobTemplate.spec : base.spec;
  spec.template = { ...spec.template, spec: { ...spec.template.spec, ...pod } };
  return base;
}

function ownedBy(base: any, kind: string, controller: boolean): any {
  const apiVersion = kind === 'CronJob' ? 'batch/v1' : 'example.com/v1';
  base.metadata.ownerReferences = [{ apiVersion, kind, name: 'nightly', uid: '6f1c1d2e-0000-4000-8000-000000000001', controller }];
  return base;
}

function keepNoHistory(cj: any): any {
  cj.spec.successfulJobsHistoryLimit = 0;
  cj.spec.failedJobsHistoryLimit = 0;
  return cj;
}

/** The version used when an entry has none: the one cdk8s-plus-28 targets. */
export const DEFAULT_CASE_VERSION = '1.28';

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string; update?: boolean }> = [
  {
    code: 'TtlSecondsAfterFinishedMissing',
    // CronJob templates, and the Jobs a CronJob creates, are cleaned up by the history limits instead
    valid: [job(), job({ ttlSecondsAfterFinished: 0 }), cronJob(), ownedBy(job({ ttlSecondsAfterFinished: undefined }), 'CronJob', true)],
    invalid: [
      job({ ttlSecondsAfterFinished: undefined }),
      // only a controlling batch CronJob takes over the cleanup
      ownedBy(job({ ttlSecondsAfterFinished: undefined }), 'CronJob', false),
      ownedBy(job({ ttlSecondsAfterFinished: undefined }), 'Workflow', true),
    ],
  },
  {
    code: 'ActiveDeadlineSecondsMissing',
    valid: [job(), cronJob()],
    invalid: [job({ activeDeadlineSeconds: undefined }), cronJobWithTemplate({ activeDeadlineSeconds: undefined })],
  },
  {
    code: 'ResourceRequestsMissing',
    valid: [job(), cronJob()],
    invalid: [
      withPod(job(), { containers: [{ name: 'a', image: 'a' }] }),
      withPod(job(), { containers: [{ name: 'a', image: 'a', resources: { limits: { cpu: '1' } } }] }),
      withPod(cronJob(), { containers: [{ name: 'a', image: 'a', resources: { requests: {} } }] }, true),
    ],
  },
  {
    code: 'ParallelismExceedsCompletions',
    valid: [job({ completions: 5, parallelism: 5 }), job({ parallelism: 8 }), job({ completions: 1, parallelism: 4 })],
    invalid: [job({ completions: 5, parallelism: 10 }), cronJobWithTemplate({ completions: 2, parallelism: 3 })],
  },
  {
    code: 'ParallelismRaceMisconception',
    valid: [job(), job({ parallelism: 5 }), job({ completions: 5, parallelism: 5 })],
    invalid: [job({ completions: 1, parallelism: 5 }), cronJobWithTemplate({ completions: 1, parallelism: 3 })],
  },
  {
    code: 'OnFailureBackoffLimitHigh',
    valid: [job({ backoffLimit: 20 }), withPod(job({ backoffLimit: 6 }), { restartPolicy: 'OnFailure' }), withPod(job(), { restartPolicy: 'OnFailure' })],
    invalid: [withPod(job({ backoffLimit: 50 }), { restartPolicy: 'OnFailure' })],
  },
  {
    code: 'CronJobMissedStartsUnbounded',
    valid: [
      cronJob(),
      cronJob({ schedule: '*/15 * * * *', startingDeadlineSeconds: undefined }),
      cronJob({ schedule: '* * * * *', startingDeadlineSeconds: 120 }),
    ],
    invalid: [
      cronJob({ schedule: '* * * * *', startingDeadlineSeconds: undefined }),
      cronJob({ schedule: '*/10 * * * *', startingDeadlineSeconds: undefined }),
      cronJob({ schedule: '* 9-11 15 * *', startingDeadlineSeconds: undefined }),
      cronJob({ schedule: '@every 1m', startingDeadlineSeconds: undefined }),
    ],
  },
  {
    code: 'StartingDeadlineSecondsTooShort',
    valid: [cronJob(), cronJob({ startingDeadlineSeconds: 10 })],
    invalid: [cronJob({ startingDeadlineSeconds: 0 }), cronJob({ startingDeadlineSeconds: 5 })],
  },
  {
    code: 'TtlWithJobsHistoryLimits',
    valid: [cronJob(), keepNoHistory(cronJobWithTemplate({ ttlSecondsAfterFinished: 60 }))],
    invalid: [cronJobWithTemplate({ ttlSecondsAfterFinished: 60 })],
  },
  {
    code: 'ScheduleEvery',
    valid: [cronJob(), cronJob({ schedule: '*/15 * * * *' })],
    invalid: [cronJob({ schedule: '@every 15m' }), cronJob({ schedule: 'TZ=UTC @every 1h' })],
  },
  {
    code: 'ScheduleNeverFires',
    valid: [cronJob(), cronJob({ schedule: '0 0 29 2 *' }), cronJob({ schedule: '0 0 30 2 1' })],
    invalid: [cronJob({ schedule: '0 0 30 2 *' }), cronJob({ schedule: '0 0 31 4,6,9,11 *' })],
  },
];
