// The parity app, TypeScript edition: every construct of cdk8s-batch and the BatchRules API in
// one chart. test/apps/python/main.py is the same app in Python; scripts/app-repo-test.sh
// synthesizes both from the packed artifacts and requires byte-identical YAML.
import { ApiObject, App, Chart, Cron, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchReconciler,
  BatchRules,
  BatchSettings,
  ExitCodeOperator,
  IndexedJob,
  JobTemplateExpansion,
  OneShotJob,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  PodReplacementPolicy,
  ReconcilerMode,
  Schedule,
  ScheduledJob,
  ScheduledJobTemplate,
  SuccessPolicy,
  WorkQueueJob,
} from 'cdk8s-batch';

const app = new App();
BatchSettings.setKubernetesVersion(app, '1.31');
BatchSettings.setStrict(app, true);
const chart = new Chart(app, 'parity', { namespace: 'batch' });

const resources: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};
const ignoreDisruptions = PodFailurePolicyRule.onPodConditions({
  action: PodFailurePolicyAction.IGNORE,
  conditions: [{ type: 'DisruptionTarget' }],
});

new OneShotJob(chart, 'migrate', {
  containers: [{ image: 'registry.example.com/shop/migrate:1.4.0', args: ['up'], resources }],
  podMetadata: { labels: { team: 'shop' } },
  admissionGate: true,
  backoffLimit: 2,
  activeDeadline: Duration.minutes(10),
  ttlAfterFinished: Duration.hours(1),
  podReplacementPolicy: PodReplacementPolicy.FAILED,
  podFailurePolicy: PodFailurePolicy.of(
    PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42], containerName: 'main' }),
    ignoreDisruptions,
  ),
});

new WorkQueueJob(chart, 'thumbnails', {
  containers: [{
    name: 'main',
    image: 'registry.example.com/shop/thumbnailer:2.0.1',
    envVariables: { QUEUE_URL: kplus.EnvValue.fromValue('redis://queue:6379/thumbnails') },
    resources,
  }],
  restartPolicy: kplus.RestartPolicy.ON_FAILURE,
  parallelism: 4,
  activeDeadline: Duration.hours(1),
  ttlAfterFinished: Duration.hours(1),
});

new IndexedJob(chart, 'render', {
  containers: [{ image: 'registry.example.com/shop/renderer:5.2.0', args: ['--chunk=$(JOB_COMPLETION_INDEX)'], resources }],
  completions: 8,
  parallelism: 4,
  backoffLimitPerIndex: 2,
  maxFailedIndexes: 2,
  headlessService: true,
  activeDeadline: Duration.hours(2),
  ttlAfterFinished: Duration.hours(6),
  podFailurePolicy: PodFailurePolicy.of(
    PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_INDEX, operator: ExitCodeOperator.IN, values: [3] }),
    PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.COUNT, operator: ExitCodeOperator.NOT_IN, values: [0, 3] }),
  ),
});

new IndexedJob(chart, 'leader', {
  containers: [{ image: 'registry.example.com/shop/trainer:1.0.0', resources }],
  completions: 4,
  successPolicy: SuccessPolicy.succeededIndexes('0'),
  activeDeadline: Duration.hours(1),
  ttlAfterFinished: Duration.hours(1),
});

new IndexedJob(chart, 'first-wins', {
  containers: [{ image: 'registry.example.com/shop/search:1.0.0', resources }],
  completions: 5,
  parallelism: 5,
  successPolicy: SuccessPolicy.of({ succeededCount: 1 }, { succeededIndexes: '0-2', succeededCount: 2 }),
  activeDeadline: Duration.minutes(30),
  ttlAfterFinished: Duration.hours(1),
});

new ScheduledJob(chart, 'nightly-report', {
  containers: [{ image: 'registry.example.com/shop/reports:3.1.0', args: ['sales', '--yesterday'], resources }],
  schedule: Cron.schedule({ minute: '0', hour: '2' }),
  timeZone: 'Europe/Berlin',
  concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
  startingDeadline: Duration.minutes(10),
  successfulJobsRetained: 3,
  failedJobsRetained: 1,
  jobTemplate: ScheduledJobTemplate.oneShot(),
  backoffLimit: 1,
  activeDeadline: Duration.minutes(30),
});

new ScheduledJob(chart, 'queue-drain', {
  containers: [{ image: 'registry.example.com/shop/drainer:1.0.0', resources }],
  schedule: Schedule.expression('*/15 * * * *'),
  jobTemplate: ScheduledJobTemplate.workQueue({ parallelism: 3, completions: 6 }),
  jobMetadata: { labels: { queue: 'orders' } },
  activeDeadline: Duration.minutes(10),
});

new ScheduledJob(chart, 'weekly-index', {
  containers: [{ image: 'registry.example.com/shop/indexer:2.2.0', resources }],
  schedule: Cron.weekly(),
  suspend: true,
  jobTemplate: ScheduledJobTemplate.indexed({
    completions: 4,
    parallelism: 2,
    backoffLimitPerIndex: 1,
    successPolicy: SuccessPolicy.succeededCount(3),
  }),
  activeDeadline: Duration.hours(1),
});

new JobTemplateExpansion(chart, 'cache-warmup', {
  containers: [{ image: 'registry.example.com/shop/cache-warmer:1.1.0', args: ['--region=$(REGION)'], resources }],
  items: ['eu-west', 'us-east', 'ap-south'],
  itemVariable: 'REGION',
  activeDeadline: Duration.minutes(5),
  ttlAfterFinished: Duration.hours(1),
});

new BatchReconciler(chart, 'reconciler', {
  mode: ReconcilerMode.ENFORCE,
  namespaces: ['batch', 'reports'],
  enforceNamespaces: ['batch'],
  replicas: 2,
  leaderElection: true,
  metricsPort: 9191,
  cleanupOrphanPods: true,
  finishedJobRetention: Duration.days(3),
  rerunStuckJobs: true,
  stuckAfter: Duration.minutes(20),
  catchUpMissedCronJobs: true,
  defaultTtlAfterFinished: Duration.days(2),
  defaultActiveDeadline: Duration.hours(12),
});

// The rules API on a hand-written manifest: its findings, formatted, go into a ConfigMap.
const handWritten = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'hand-written' },
  spec: {
    backoffLimitPerIndex: 1,
    template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'busybox:1.36' }] } },
  },
};
const findings = BatchRules.validate(handWritten, { kubernetesVersion: BatchRules.DEFAULT_KUBERNETES_VERSION });
const report = new ApiObject(chart, 'rules-report', { apiVersion: 'v1', kind: 'ConfigMap' });
report.addJsonPatch(JsonPatch.add('/data', {
  supportedVersions: BatchRules.SUPPORTED_KUBERNETES_VERSIONS.join(','),
  defaultVersion: BatchRules.DEFAULT_KUBERNETES_VERSION,
  chartVersion: BatchSettings.kubernetesVersionOf(chart),
  strict: String(BatchSettings.isStrict(chart)),
  codes: findings.map((f) => `${f.severity} ${f.code} ${f.path}`).join('\n'),
  findings: findings.map((f) => BatchRules.formatViolation(f)).join('\n'),
}));

app.synth();
