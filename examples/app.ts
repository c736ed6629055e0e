import { App, Chart, ChartProps, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchSettings,
  IndexedJob,
  JobTemplateExpansion,
  OneShotJob,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  ScheduledJob,
  ScheduledJobTemplate,
  WorkQueueJob,
} from 'cdk8s-batch';
import {
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAILURE_RATE_ANNOTATION,
} from 'cdk8s-batch/rules';

/**
 * How long simulated pods run in `cdk8s-batch sandbox`, and how they fail. Real clusters ignore
 * these annotations.
 */
function sandbox(duration: string, failure?: { rate: number; exitCode: number }): Record<string, string> {
  return {
    [SANDBOX_DURATION_ANNOTATION]: duration,
    ...(failure
      ? { [SANDBOX_FAILURE_RATE_ANNOTATION]: String(failure.rate), [SANDBOX_EXIT_CODE_ANNOTATION]: String(failure.exitCode) }
      : {}),
  };
}

/** Pods evicted by a node drain or preemption are retried without using up the backoff limit. */
const ignoreDisruptions = PodFailurePolicyRule.onPodConditions({
  action: PodFailurePolicyAction.IGNORE,
  conditions: [{ type: 'DisruptionTarget' }],
});

/** Small requests so the examples fit on a laptop cluster. */
const resources: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/** The batch workloads of a small web shop, one per Job pattern. */
export class ShopBatchChart extends Chart {
  constructor(scope: App, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // A database migration: one pod, run once to completion. It is created suspended behind the
    // admission gate; the reconciler releases it once it passes the rules on the live cluster
    // and the namespace's quota has room.
    new OneShotJob(this, 'db-migrate', {
      containers: [{ image: 'registry.example.com/shop/migrate:1.4.0', args: ['up'], resources }],
      podMetadata: { annotations: sandbox('10s') },
      admissionGate: true,
      backoffLimit: 2,
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.hours(1),
      podFailurePolicy: PodFailurePolicy.of(ignoreDisruptions),
    });

    // A work-queue fan-out: four workers drain a queue of thumbnail requests; the Job succeeds
    // once a worker finds the queue empty and exits 0 and the others have finished. A quarter of
    // the workers crash (exit 1) and are replaced after the pod backoff delay, within backoffLimit.
    new WorkQueueJob(this, 'thumbnails', {
      containers: [{
        image: 'registry.example.com/shop/thumbnailer:2.0.1',
        envVariables: { QUEUE_URL: kplus.EnvValue.fromValue('redis://queue:6379/thumbnails') },
        resources,
      }],
      podMetadata: { annotations: sandbox('15s', { rate: 0.25, exitCode: 1 }) },
      parallelism: 4,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.hours(1),
    });

    // An indexed render farm: frames split into 8 chunks, 4 rendered at a time; each pod reads its
    // chunk from JOB_COMPLETION_INDEX and reaches its peers at <job>-<index>.<service>.
    new IndexedJob(this, 'render-farm', {
      containers: [{ image: 'registry.example.com/shop/renderer:5.2.0', args: ['--chunk=$(JOB_COMPLETION_INDEX)'], resources }],
      podMetadata: { annotations: sandbox('5s') },
      completions: 8,
      parallelism: 4,
      backoffLimitPerIndex: 2,
      maxFailedIndexes: 2,
      headlessService: true,
      activeDeadline: Duration.hours(2),
      ttlAfterFinished: Duration.hours(6),
    });

    // A nightly sales report at 02:00 Berlin time; a run still going at the next start is kept.
    new ScheduledJob(this, 'nightly-report', {
      containers: [{ image: 'registry.example.com/shop/reports:3.1.0', args: ['sales', '--yesterday'], resources }],
      podMetadata: { annotations: sandbox('20s') },
      schedule: Cron.schedule({ minute: '0', hour: '2' }),
      timeZone: 'Europe/Berlin',
      jobTemplate: ScheduledJobTemplate.oneShot(),
      backoffLimit: 1,
      activeDeadline: Duration.minutes(30),
      // finished runs are cleaned up by the history limits (3 successful, 1 failed)
    });

    // Job template expansion: one small Job per region to warm the product caches, all sharing
    // the label batch.cdk8s.io/expansion so they can be listed and deleted together.
    new JobTemplateExpansion(this, 'cache-warmup', {
      containers: [{ image: 'registry.example.com/shop/cache-warmer:1.1.0', args: ['--region=$(REGION)'], resources }],
      podMetadata: { annotations: sandbox('5s') },
      items: ['eu-west', 'us-east', 'ap-south'],
      itemVariable: 'REGION',
      activeDeadline: Duration.minutes(5),
      ttlAfterFinished: Duration.hours(1),
    });

    // An import whose pods always exit 42 ("bad input file"): the pod failure policy fails the
    // Job on the first such exit instead of retrying six times.
    new OneShotJob(this, 'product-import', {
      containers: [{ image: 'registry.example.com/shop/importer:0.9.3', args: ['--file=products.csv'], resources }],
      podMetadata: { annotations: sandbox('5s', { rate: 1, exitCode: 42 }) },
      activeDeadline: Duration.minutes(15),
      ttlAfterFinished: Duration.hours(1),
      podFailurePolicy: PodFailurePolicy.of(
        PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42] }),
        ignoreDisruptions,
      ),
    });
  }
}

/** The example app: the shop's batch workloads, validated for Kubernetes 1.31. */
export function buildExampleApp(): App {
  const app = new App();
  BatchSettings.setKubernetesVersion(app, '1.31');
  new ShopBatchChart(app, 'shop-batch');
  return app;
}
