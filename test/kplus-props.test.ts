import { Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IndexedJob, OneShotJob, ScheduledJob, WorkQueueJob } from '../src';

/**
 * A cdk8s-plus-28 user switches by renaming the class: objects typed with cdk8s-plus-28's own
 * props types are accepted unchanged (this file would not compile otherwise) and render the same
 * pod template fields.
 */
describe('cdk8s-plus-28 props', () => {
  const jobProps: kplus.JobProps = {
    containers: [{ name: 'main', image: 'registry.example.com/shop/backup:1.0.0' }],
    securityContext: { user: 1000 },
    podMetadata: { labels: { team: 'data' } },
    restartPolicy: kplus.RestartPolicy.ON_FAILURE,
    backoffLimit: 2,
    activeDeadline: Duration.minutes(5),
    ttlAfterFinished: Duration.hours(1),
  };

  test('a kplus.JobProps object is accepted by every Job construct', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new OneShotJob(chart, 'one-shot', jobProps);
    new WorkQueueJob(chart, 'work-queue', { ...jobProps, parallelism: 2 });
    new IndexedJob(chart, 'indexed', { ...jobProps, completions: 2 });
    // THEN
    const jobs = Testing.synth(chart).filter((m) => m.kind === 'Job');
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      expect(job.spec.backoffLimit).toEqual(2);
      expect(job.spec.activeDeadlineSeconds).toEqual(300);
      expect(job.spec.template.spec.restartPolicy).toEqual('OnFailure');
      expect(job.spec.template.spec.securityContext.runAsUser).toEqual(1000);
      expect(job.spec.template.metadata.labels.team).toEqual('data');
    }
  });

  test('a kplus.CronJobProps object is accepted by ScheduledJob', () => {
    // GIVEN
    const chart = Testing.chart();
    const cronJobProps: kplus.CronJobProps = {
      containers: [{ name: 'main', image: 'registry.example.com/shop/backup:1.0.0' }],
      schedule: Cron.daily(),
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      successfulJobsRetained: 2,
      activeDeadline: Duration.minutes(30),
    };
    // WHEN
    new ScheduledJob(chart, 'nightly-backup', cronJobProps);
    // THEN
    const [cronJob] = Testing.synth(chart).filter((m) => m.kind === 'CronJob');
    expect(cronJob.spec.schedule).toEqual('0 0 * * *');
    expect(cronJob.spec.concurrencyPolicy).toEqual('Forbid');
    expect(cronJob.spec.successfulJobsHistoryLimit).toEqual(2);
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toEqual(1800);
  });

  test('fails if a kplus.JobProps object asks for restartPolicy Always', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new OneShotJob(chart, 'always', { ...jobProps, restartPolicy: kplus.RestartPolicy.ALWAYS });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(/RestartPolicyNotAllowed/);
  });
});
