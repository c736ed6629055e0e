import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { BatchReconciler, ReconcilerMode } from '../src';

const RECONCILER_DIR = path.join(__dirname, '..', 'reconciler');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;

const byKind = (manifests: any[], kind: string): any[] => manifests.filter((m) => m.kind === kind);
const container = (manifests: any[]): any => byKind(manifests, 'Deployment')[0].spec.template.spec.containers[0];

describe('BatchReconciler', () => {
  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new BatchReconciler(chart, 'reconciler');
    // THEN (the default image carries the package version, which the release build changes)
    const manifests = Testing.synth(chart);
    expect(container(manifests).image).toEqual(BatchReconciler.DEFAULT_IMAGE);
    container(manifests).image = '<BatchReconciler.DEFAULT_IMAGE>';
    expect(manifests).toMatchSnapshot();
  });

  test('the default image is the reconciler image of this package version, never latest', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const reconciler = new BatchReconciler(chart, 'reconciler');
    // THEN
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(BatchReconciler.DEFAULT_IMAGE).toEqual(`ghcr.io/cdk8s-batch/reconciler:${VERSION}`);
    expect(reconciler.image).toEqual(BatchReconciler.DEFAULT_IMAGE);
    expect(container(Testing.synth(chart)).image).not.toMatch(/:latest$|@latest|^[^:]*$/);
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new BatchReconciler(chart, 'reconciler', {
      namespace: 'batch-system',
      name: 'batch-guard',
      mode: ReconcilerMode.ENFORCE,
      namespaces: ['shop', 'analytics'],
      enforceNamespaces: ['shop'],
      image: 'registry.example.com/cdk8s-batch/reconciler:0.4.0',
      replicas: 2,
      leaderElection: true,
      metricsPort: 8443,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.days(14),
      rerunStuckJobs: true,
      stuckAfter: Duration.minutes(20),
      catchUpMissedCronJobs: true,
      defaultTtlAfterFinished: Duration.days(3),
      defaultActiveDeadline: Duration.hours(6),
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('synthesizes a ServiceAccount, a Deployment, a ClusterRole and its binding; no lease role without leader election', () => {
    const chart = Testing.chart();
    const reconciler = new BatchReconciler(chart, 'reconciler');
    const manifests = Testing.synth(chart);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'ServiceAccount']);
    expect(reconciler.leaseRole).toBeUndefined();
    expect(reconciler.namespace).toEqual('default');
    expect(byKind(manifests, 'Deployment')[0].metadata.namespace).toEqual('default');
  });

  test('the ClusterRole has explicit groups, resources and verbs, no wildcard and no secrets', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { mode: ReconcilerMode.ENFORCE, leaderElection: true });
    const manifests = Testing.synth(chart);
    const roles = [...byKind(manifests, 'ClusterRole'), ...byKind(manifests, 'Role')];
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(role.rules.length).toBeGreaterThan(0);
      for (const rule of role.rules) {
        expect(rule.apiGroups.length).toBeGreaterThan(0);
        expect(rule.resources.length).toBeGreaterThan(0);
        expect(rule.verbs.length).toBeGreaterThan(0);
        expect(rule.nonResourceURLs).toBeUndefined();
        expect(rule.resourceNames).toBeUndefined();
        for (const value of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) expect(value).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
    const rules = Object.fromEntries(byKind(manifests, 'ClusterRole')[0].rules.map((r: any) => [`${r.apiGroups[0]}/${r.resources[0]}`, r.verbs]));
    expect(rules).toEqual({
      'batch/jobs': ['get', 'list', 'watch', 'create', 'patch', 'delete'],
      'batch/cronjobs': ['get', 'list', 'watch'],
      '/pods': ['get', 'list', 'watch', 'delete'],
      '/nodes': ['get', 'list', 'watch'],
      '/resourcequotas': ['get', 'list', 'watch'],
      'events.k8s.io/events': ['create', 'patch', 'get', 'list'],
    });
  });

  test('binds the roles to its ServiceAccount in its namespace', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { namespace: 'batch-system', name: 'guard', leaderElection: true });
    const manifests = Testing.synth(chart);
    const subject = { kind: 'ServiceAccount', name: 'guard', namespace: 'batch-system' };
    const crb = byKind(manifests, 'ClusterRoleBinding')[0];
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'guard' });
    expect(crb.subjects).toEqual([subject]);
    const rb = byKind(manifests, 'RoleBinding')[0];
    expect(rb.metadata.namespace).toEqual('batch-system');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: byKind(manifests, 'Role')[0].metadata.name });
    expect(rb.subjects).toEqual([subject]);
    expect(byKind(manifests, 'Role')[0].rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
    expect(byKind(manifests, 'Deployment')[0].spec.template.spec.serviceAccountName).toEqual('guard');
  });

  test('container args are the reconcile command line built from the props', () => {
    const chart = Testing.chart();
    const reconciler = new BatchReconciler(chart, 'reconciler', {
      namespace: 'batch-system',
      mode: ReconcilerMode.ENFORCE,
      namespaces: ['shop', 'analytics'],
      enforceNamespaces: ['shop'],
      leaderElection: true,
      replicas: 3,
      metricsPort: 9100,
    });
    const expected = [
      'reconcile',
      '--mode', 'enforce',
      '--namespace', 'shop',
      '--namespace', 'analytics',
      '--enforce-namespace', 'shop',
      '--metrics-port', '9100',
      '--leader-elect',
      '--lease-namespace', 'batch-system',
    ];
    expect(container(Testing.synth(chart)).args).toEqual(expected);
    expect(reconciler.args).toEqual(expected);
  });

  test('the reconcile command accepts the args: every flag is in its usage and parsing them succeeds', () => {
    // GIVEN
    const chart = Testing.chart();
    const reconciler = new BatchReconciler(chart, 'reconciler', {
      mode: ReconcilerMode.ENFORCE,
      namespaces: ['shop'],
      enforceNamespaces: ['shop'],
      leaderElection: true,
      replicas: 2,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.days(14),
      rerunStuckJobs: true,
      stuckAfter: Duration.minutes(20),
      catchUpMissedCronJobs: true,
      defaultTtlAfterFinished: Duration.days(3),
      defaultActiveDeadline: Duration.hours(6),
    });
    // WHEN (reconciler dependencies are installed by the post-compile step)
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...reconciler.args, '--help'], {
      cwd: RECONCILER_DIR,
      encoding: 'utf8',
    });
    // THEN
    expect(run.stderr).toEqual('');
    expect(run.status).toEqual(0);
    for (const flag of reconciler.args.filter((a) => a.startsWith('--'))) {
      expect(run.stdout).toMatch(new RegExp(`^ +${flag}\\b`, 'm'));
    }
  });

  test('behaviour props become reconcile flags, durations in seconds', () => {
    const chart = Testing.chart();
    const reconciler = new BatchReconciler(chart, 'reconciler', {
      mode: ReconcilerMode.ENFORCE,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.days(14),
      stuckAfter: Duration.minutes(20),
      defaultActiveDeadline: Duration.hours(6),
    });
    expect(reconciler.args.slice(5)).toEqual([
      '--cleanup-orphan-pods',
      '--finished-job-retention', '1209600s',
      '--stuck-after', '1200s',
      '--default-active-deadline', '21600s',
    ]);
  });

  test('fails if a writing behaviour is set in audit mode', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { cleanupOrphanPods: true, rerunStuckJobs: true });
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerBehaviourNeedsEnforceMode: cleanupOrphanPods makes the reconciler write, which it does only in enforce mode/);
  });

  test('default args: audit mode, every namespace, metrics on 9090, no leader election', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler');
    expect(container(Testing.synth(chart)).args).toEqual(['reconcile', '--mode', 'audit', '--metrics-port', '9090']);
  });

  test('one replica uses the Recreate strategy; leader election allows rolling updates of several', () => {
    const single = Testing.chart();
    new BatchReconciler(single, 'reconciler');
    const one = byKind(Testing.synth(single), 'Deployment')[0].spec;
    expect(one.replicas).toEqual(1);
    expect(one.strategy).toEqual({ type: 'Recreate' });

    const several = Testing.chart();
    const reconciler = new BatchReconciler(several, 'reconciler', { replicas: 2, leaderElection: true });
    const two = byKind(Testing.synth(several), 'Deployment')[0].spec;
    expect(two.replicas).toEqual(2);
    expect(reconciler.replicas).toEqual(2);
    expect(two.strategy.type).toEqual('RollingUpdate');
  });

  test('probes /healthz and /readyz on the metrics port, with resource requests and limits', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { metricsPort: 9100 });
    const c = container(Testing.synth(chart));
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.resources.requests).toEqual({ cpu: '50m', memory: '128Mi' });
    expect(c.resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  test('runs with a restricted security context', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler');
    const manifests = Testing.synth(chart);
    const pod = byKind(manifests, 'Deployment')[0].spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(manifests).securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test("runs in the chart's namespace by default; cluster-scoped objects get no namespace", () => {
    const chart = new Chart(Testing.app(), 'ops', { namespace: 'ops' });
    new BatchReconciler(chart, 'reconciler', { leaderElection: true });
    const manifests = Testing.synth(chart);
    for (const m of manifests) {
      if (m.kind.startsWith('Cluster')) expect(m.metadata.namespace).toBeUndefined();
      else expect(m.metadata.namespace).toEqual('ops');
    }
    expect(container(manifests).args.slice(-2)).toEqual(['--lease-namespace', 'ops']);
  });

  test('fails if replicas is above 1 without leader election', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { replicas: 3 });
    expect(() => Testing.synth(chart)).toThrow(
      /ReconcilerReplicasRequireLeaderElection: replicas above 1 needs leaderElection: true, .* \(got 3\); set leaderElection: true, or replicas: 1/,
    );
  });

  test('fails if replicas or metricsPort is out of range', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'a', { replicas: 0, name: 'a' });
    new BatchReconciler(chart, 'b', { metricsPort: 70000, name: 'b' });
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerReplicasInvalid: replicas .*\(got 0\)/);
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerMetricsPortInvalid: metricsPort .*\(got 70000\)/);
  });

  test('fails if enforceNamespaces is set in audit mode', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { enforceNamespaces: ['shop'] });
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerEnforceNamespacesNeedEnforceMode: enforceNamespaces only applies in enforce mode/);
  });

  test('fails if a namespace is not a DNS label', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { namespaces: ['Shop_1'] });
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerNamespaceInvalid: namespaces\[0\] must be a namespace name .*\(got Shop_1\)/);
  });
});
