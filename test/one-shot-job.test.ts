import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchReconciler,
  BatchSettings,
  OneShotJob,
  PodFailurePolicy,
  PodFailurePolicyAction,
  PodFailurePolicyRule,
  PodReplacementPolicy,
} from '../src';
import { DEFAULT_KUBERNETES_VERSION, GATE_ANNOTATION, GATE_PENDING, KUBERNETES_VERSION_ANNOTATION, PATTERN_ANNOTATION } from '../src/rules';

const image = 'registry.example.com/migrate:1.4.0';

describe('OneShotJob', () => {
  // Hygiene warnings go to stderr at synth; they are asserted in batch-settings.test.ts.
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'migrator');
    // WHEN
    new OneShotJob(chart, 'migrate', {
      metadata: { name: 'db-migrate', labels: { app: 'shop' } },
      podMetadata: { annotations: { 'team.example.com/owner': 'payments' } },
      containers: [{ image, command: ['migrate', 'up'], resources: { cpu: { request: kplus.Cpu.millis(250) } } }],
      initContainers: [{ image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] }],
      volumes: [kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch')],
      restartPolicy: kplus.RestartPolicy.NEVER,
      serviceAccount: sa,
      securityContext: { user: 1000, group: 3000 },
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['db.internal'] }],
      dns: { policy: kplus.DnsPolicy.CLUSTER_FIRST },
      automountServiceAccountToken: true,
      terminationGracePeriod: Duration.seconds(60),
      activeDeadline: Duration.minutes(30),
      backoffLimit: 2,
      ttlAfterFinished: Duration.hours(1),
      podFailurePolicy: PodFailurePolicy.of(
        PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42] }),
        PodFailurePolicyRule.onPodConditions({
          action: PodFailurePolicyAction.IGNORE,
          conditions: [{ type: 'DisruptionTarget' }],
        }),
      ),
      podReplacementPolicy: PodReplacementPolicy.FAILED,
      admissionGate: true,
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('runs exactly one pod', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.completions).toBe(1);
    expect(spec.parallelism).toBe(1);
    expect(spec.completionMode).toBeUndefined();
    expect(job.completions).toBe(1);
    expect(job.parallelism).toBe(1);
  });

  test('defaults the pod restart policy to Never', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    expect(Testing.synth(chart)[0].spec.template.spec.restartPolicy).toBe('Never');
    expect(job.restartPolicy).toBe('Never');
  });

  test('accepts the OnFailure restart policy', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], restartPolicy: kplus.RestartPolicy.ON_FAILURE });
    expect(Testing.synth(chart)[0].spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('renders durations as whole seconds', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', {
      containers: [{ image }],
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.seconds(0),
      backoffLimit: 0,
    });
    const spec = Testing.synth(chart)[0].spec;
    expect(spec.activeDeadlineSeconds).toBe(600);
    expect(spec.ttlSecondsAfterFinished).toBe(0);
    expect(spec.backoffLimit).toBe(0);
    expect(job.activeDeadline!.toSeconds()).toBe(600);
    expect(job.ttlAfterFinished!.toSeconds()).toBe(0);
    expect(job.backoffLimit).toBe(0);
  });

  test('renders the pod failure policy sorted and de-duplicated', () => {
    const chart = Testing.chart();
    const policy = PodFailurePolicy.of(
      PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.COUNT, values: [3, 1, 3, 2], containerName: 'main' }),
    );
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }], podFailurePolicy: policy });
    expect(Testing.synth(chart)[0].spec.podFailurePolicy).toEqual({
      rules: [{ action: 'Count', onExitCodes: { containerName: 'main', operator: 'In', values: [1, 2, 3] } }],
    });
    expect(job.podFailurePolicy).toBe(policy);
  });

  test('generates a name when metadata.name is undefined', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], metadata: { name: undefined, labels: { a: 'b' } } });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.metadata.name).toMatch(/^test-migrate-[0-9a-f]{8}$/);
    expect(manifest.metadata.labels).toEqual({ a: 'b' });
  });

  test('annotates the Job with its pattern and the Kubernetes version it is validated for', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], metadata: { annotations: { a: 'b' } } });
    expect(Testing.synth(chart)[0].metadata.annotations).toEqual({
      a: 'b',
      [PATTERN_ANNOTATION]: 'OneShotJob',
      [KUBERNETES_VERSION_ANNOTATION]: DEFAULT_KUBERNETES_VERSION,
    });
  });

  test('records the target version of BatchSettings, which wins over a hand-written annotation', () => {
    // GIVEN
    const app = Testing.app();
    BatchSettings.setKubernetesVersion(app, 'v1.33.2');
    const chart = new Chart(app, 'batch');
    // WHEN
    new OneShotJob(chart, 'migrate', { containers: [{ image }], metadata: { annotations: { [KUBERNETES_VERSION_ANNOTATION]: '1.29' } } });
    // THEN
    expect(Testing.synth(chart)[0].metadata.annotations[KUBERNETES_VERSION_ANNOTATION]).toBe('1.33');
  });

  test('the admission gate creates the Job suspended and annotated', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }], admissionGate: true });
    const manifest = Testing.synth(chart)[0];
    expect(manifest.spec.suspend).toBe(true);
    expect(manifest.metadata.annotations[GATE_ANNOTATION]).toBe(GATE_PENDING);
    expect(job.suspend).toBe(true);
    expect(job.admissionGate).toBe(true);
  });

  test('suspend is emitted as given', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }], suspend: true });
    expect(Testing.synth(chart)[0].spec.suspend).toBe(true);
    expect(job.suspend).toBe(true);
  });

  test('containers added later are rendered', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate');
    job.addContainer({ image, name: 'migrate' });
    expect(Testing.synth(chart)[0].spec.template.spec.containers[0].name).toBe('migrate');
  });

  test('spread adds the anti-affinity once, however often the Job is rendered', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], spread: true });
    Testing.synth(chart);
    const affinity = Testing.synth(chart)[0].spec.template.spec.affinity;
    expect(affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(2);
  });

  test('isolate adds a deny-all NetworkPolicy', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], isolate: true });
    expect(Testing.synth(chart).map((m) => m.kind)).toEqual(['Job', 'NetworkPolicy']);
  });

  test('exposes the resource type for RBAC', () => {
    const chart = Testing.chart();
    const job = new OneShotJob(chart, 'migrate', { containers: [{ image }] });
    expect(job.resourceType).toBe('jobs');
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
  });

  test('fails if there is no container', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate');
    expect(() => Testing.synth(chart)).toThrow(/\[test\/migrate\] PodContainersRequired: spec\.template\.spec\.containers /);
  });

  test('fails if the pod failure policy is combined with OnFailure', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', {
      containers: [{ image }],
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      podFailurePolicy: PodFailurePolicy.of(PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42] })),
    });
    expect(() => Testing.synth(chart)).toThrow(/PodFailurePolicyRequiresRestartPolicyNever: \S+ .*\(got OnFailure\); /);
  });

  test('fails if restartPolicy is Always', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], restartPolicy: kplus.RestartPolicy.ALWAYS });
    expect(() => Testing.synth(chart)).toThrow(/RestartPolicyNotAllowed/);
  });

  test('fails if backoffLimit is negative', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], backoffLimit: -1 });
    expect(() => Testing.synth(chart)).toThrow(/BackoffLimitNegative: spec\.backoffLimit must be greater than or equal to 0 \(got -1\)/);
  });

  test('fails if an exit code rule with In includes 0', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', {
      containers: [{ image }],
      podFailurePolicy: PodFailurePolicy.of(PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [0, 1] })),
    });
    expect(() => Testing.synth(chart)).toThrow(/OnExitCodesZeroWithIn/);
  });

  test('fails if a FailIndex rule is used without backoffLimitPerIndex', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new OneShotJob(chart, 'migrate', {
      containers: [{ image }],
      podFailurePolicy: PodFailurePolicy.of(PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_INDEX, values: [1] })),
    });
    expect(() => Testing.synth(chart)).toThrow(/FailIndexRequiresBackoffLimitPerIndex/);
  });

  test('fails if podReplacementPolicy is TerminatingOrFailed with a pod failure policy', () => {
    const chart = Testing.chart();
    BatchSettings.setKubernetesVersion(chart, '1.31');
    new OneShotJob(chart, 'migrate', {
      containers: [{ image }],
      podReplacementPolicy: PodReplacementPolicy.TERMINATING_OR_FAILED,
      podFailurePolicy: PodFailurePolicy.of(PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42] })),
    });
    expect(() => Testing.synth(chart)).toThrow(/PodReplacementPolicyMustBeFailed/);
  });

  test('fails if podReplacementPolicy targets Kubernetes 1.28, where it is alpha and dropped', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], podReplacementPolicy: PodReplacementPolicy.FAILED });
    expect(() => Testing.synth(chart)).toThrow(/FieldRequiresNewerKubernetes: spec\.podReplacementPolicy/);
  });

  test('explains at synth that a deployed reconciler releases a gated Job, without failing a strict synth', () => {
    // GIVEN a strict app with a gated Job and no BatchReconciler
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stderr.mockClear();
    const app = Testing.app();
    BatchSettings.setStrict(app, true);
    const chart = new Chart(app, 'batch');
    new OneShotJob(chart, 'migrate', { containers: [{ image }], admissionGate: true, ttlAfterFinished: Duration.days(1), activeDeadline: Duration.hours(1) });
    // WHEN
    expect(() => app.synth()).not.toThrow();
    // THEN
    expect(stderr.mock.calls.map(([l]) => String(l)).join('')).toMatch(
      /^\[batch\/migrate\] info AdmissionGateNeedsReconciler: admissionGate creates the Job suspended: it starts only when the cdk8s-batch reconciler, running in the cluster, has validated and released it; deploy the reconciler/m,
    );
  });

  test('does not explain the admission gate when the app deploys a BatchReconciler', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stderr.mockClear();
    const app = Testing.app();
    const chart = new Chart(app, 'batch');
    new OneShotJob(chart, 'migrate', { containers: [{ image }], admissionGate: true });
    new BatchReconciler(new Chart(app, 'ops'), 'reconciler');
    app.synth();
    expect(stderr.mock.calls.map(([l]) => String(l)).join('')).toMatch(/\[batch\/migrate\] warning /);
    expect(stderr.mock.calls.map(([l]) => String(l)).join('')).not.toMatch(/AdmissionGateNeedsReconciler/);
  });

  test('fails if the admission gate is combined with suspend: false', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], admissionGate: true, suspend: false });
    expect(() => Testing.synth(chart)).toThrow(/AdmissionGateRequiresSuspend: suspend must not be false .* \(got false\); /);
  });

  test('fails if a duration is not a whole number of seconds', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], activeDeadline: Duration.millis(1500) });
    expect(() => Testing.synth(chart)).toThrow(/DurationNotWholeSeconds: activeDeadline must be a whole number of seconds \(got 1 second 500 millis\); /);
  });

  test('fails if the name does not fit in a label value', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', { containers: [{ image }], metadata: { name: 'm'.repeat(64) } });
    expect(() => Testing.synth(chart)).toThrow(/JobNameTooLongForLabel/);
  });

  test('fails if a kplus pod error occurs, with the error as the value', () => {
    const chart = Testing.chart();
    new OneShotJob(chart, 'migrate', {
      containers: [{ image, volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(chart, 'a', 'data') }] }],
      volumes: [kplus.Volume.fromEmptyDir(chart, 'b', 'data')],
    });
    expect(() => Testing.synth(chart)).toThrow(/InvalidPodTemplate: spec\.template\.spec cannot be rendered \(got Invalid mount configuration.*data\); /);
  });

  test('fails if a pod template that cannot be rendered also reports findings about its stand-in', () => {
    // GIVEN a duplicate volume name, and a container that does set its requests
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stderr.mockClear();
    const chart = Testing.chart();
    const resources = { cpu: { request: kplus.Cpu.millis(100) } };
    new OneShotJob(chart, 'migrate', {
      containers: [{ image, resources, volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(chart, 'a', 'data') }] }],
      volumes: [kplus.Volume.fromEmptyDir(chart, 'b', 'data')],
      ttlAfterFinished: Duration.days(1),
      activeDeadline: Duration.hours(1),
    });
    // WHEN
    const message = synthError(() => Testing.synth(chart));
    // THEN one finding, no ResourceRequestsMissing about the stand-in the rules saw instead
    expect(message.match(/\[test\/migrate\]/g)).toHaveLength(1);
    expect(message).toMatch(/InvalidPodTemplate/);
    expect(stderr.mock.calls.map(([l]) => String(l)).join('')).not.toMatch(/ResourceRequestsMissing/);
  });

  test('fails if a pod part cdk8s-plus-28 refuses surfaces as a stack trace instead of a finding', () => {
    // GIVEN two volumes with one name, which cdk8s-plus-28 refuses when they are added
    const chart = Testing.chart();
    const job = (): OneShotJob =>
      new OneShotJob(chart, 'migrate', {
        containers: [{ image }],
        volumes: [kplus.Volume.fromEmptyDir(chart, 'a', 'data'), kplus.Volume.fromEmptyDir(chart, 'b', 'data')],
      });
    // WHEN / THEN the constructor does not throw; synth lists the finding with the field path
    expect(job).not.toThrow();
    const message = synthError(() => Testing.synth(chart));
    expect(message).toMatch(/\[test\/migrate\] InvalidPodTemplate: volumes\[1\] cannot be added to the pod template \(got Volume with name data already exists\); fix or remove this entry of volumes/);
    expect(message).not.toMatch(/PodContainersRequired|ResourceRequestsMissing/);
  });
});

function synthError(synth: () => unknown): string {
  try {
    synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth did not fail');
}
