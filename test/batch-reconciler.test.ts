import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { BatchReconciler, BatchReconcilerProps, ReconcilerMode } from '../src';

const RECONCILER_DIR = path.join(__dirname, '..', 'reconciler');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;

const byKind = (manifests: any[], kind: string): any[] => manifests.filter((m) => m.kind === kind);
/** `group/resource` → verbs of a role's rules. */
const rulesOf = (role: any): Record<string, string[]> => Object.fromEntries(role.rules.map((r: any) => [`${r.apiGroups[0]}/${r.resources[0]}`, r.verbs]));
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
      admissionGate: true,
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

  test('every role has explicit groups, resources and verbs, no wildcard and no secrets; only the Lease rule names objects', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', {
      mode: ReconcilerMode.ENFORCE,
      namespaces: ['shop'],
      leaderElection: true,
      admissionGate: true,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.days(1),
      rerunStuckJobs: true,
      catchUpMissedCronJobs: true,
    });
    const manifests = Testing.synth(chart);
    const roles = [...byKind(manifests, 'ClusterRole'), ...byKind(manifests, 'Role')];
    expect(roles).toHaveLength(3);
    for (const role of roles) {
      expect(role.rules.length).toBeGreaterThan(0);
      for (const rule of role.rules) {
        expect(rule.apiGroups.length).toBeGreaterThan(0);
        expect(rule.resources.length).toBeGreaterThan(0);
        expect(rule.verbs.length).toBeGreaterThan(0);
        expect(rule.nonResourceURLs).toBeUndefined();
        if (rule.resourceNames) expect(rule.resources).toEqual(['leases']);
        for (const value of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) expect(value).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
  });

  // The RBAC table: what each configuration grants. reconciler/test/rbac/least-privilege.test.ts
  // runs the reconciler of each of these under exactly these rules and checks both ways that
  // the verbs granted are the verbs it uses.
  const READS = {
    'batch/jobs': ['get', 'list', 'watch'],
    'batch/cronjobs': ['list', 'watch'],
    '/pods': ['get', 'list', 'watch'],
    '/nodes': ['get', 'list', 'watch'],
    'events.k8s.io/events': ['get', 'create', 'patch'],
  };
  test.each<[string, BatchReconcilerProps, Record<string, string[]>]>([
    ['audit only', {}, READS],
    ['audit with the admission gate', { admissionGate: true }, { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'patch'], '/resourcequotas': ['list', 'watch'] }],
    ['enforce', { mode: ReconcilerMode.ENFORCE }, { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'patch'] }],
    ['enforce with orphan cleanup', { mode: ReconcilerMode.ENFORCE, cleanupOrphanPods: true }, { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'patch'], '/pods': ['get', 'list', 'watch', 'delete'] }],
    ['enforce with retention', { mode: ReconcilerMode.ENFORCE, finishedJobRetention: Duration.days(7) }, { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'patch', 'delete'] }],
    [
      'enforce with stuck reruns',
      { mode: ReconcilerMode.ENFORCE, rerunStuckJobs: true },
      { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'create', 'patch'], 'batch/cronjobs/finalizers': ['update'] },
    ],
    [
      'enforce with catch-up runs',
      { mode: ReconcilerMode.ENFORCE, catchUpMissedCronJobs: true },
      { ...READS, 'batch/jobs': ['get', 'list', 'watch', 'create', 'patch'], 'batch/cronjobs': ['get', 'list', 'watch'], 'batch/cronjobs/finalizers': ['update'] },
    ],
  ])('grants exactly what %s uses, cluster-wide', (_name, props, expected) => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const reconciler = new BatchReconciler(chart, 'reconciler', props);
    // THEN
    const manifests = Testing.synth(chart);
    expect(rulesOf(byKind(manifests, 'ClusterRole')[0])).toEqual(expected);
    expect(byKind(manifests, 'Role')).toEqual([]);
    expect(reconciler.roles).toEqual([]);
  });

  test('with namespaces: a Role and RoleBinding in each, and only the Node reads cluster-wide', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const reconciler = new BatchReconciler(chart, 'reconciler', { namespace: 'batch-system', namespaces: ['shop', 'analytics'] });
    // THEN
    const manifests = Testing.synth(chart);
    expect(rulesOf(byKind(manifests, 'ClusterRole')[0])).toEqual({ '/nodes': ['get', 'list', 'watch'] });
    const roles = byKind(manifests, 'Role');
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['shop', 'analytics']);
    const { '/nodes': _nodes, ...namespaced } = READS;
    for (const role of roles) expect(rulesOf(role)).toEqual(namespaced);
    const bindings = byKind(manifests, 'RoleBinding');
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.name])).toEqual([['shop', 'cdk8s-batch-reconciler'], ['analytics', 'cdk8s-batch-reconciler']]);
    for (const b of bindings) expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cdk8s-batch-reconciler', namespace: 'batch-system' }]);
    expect(reconciler.roles).toHaveLength(2);
    expect(reconciler.roleBindings).toHaveLength(2);
  });

  test('with enforceNamespaces: the writes are granted in those namespaces only', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { mode: ReconcilerMode.ENFORCE, enforceNamespaces: ['shop'], cleanupOrphanPods: true, catchUpMissedCronJobs: true });
    const manifests = Testing.synth(chart);
    expect(rulesOf(byKind(manifests, 'ClusterRole')[0])).toEqual(READS);
    const [role] = byKind(manifests, 'Role');
    expect(role.metadata.namespace).toEqual('shop');
    expect(rulesOf(role)).toEqual({ 'batch/jobs': ['create', 'patch'], 'batch/cronjobs': ['get'], 'batch/cronjobs/finalizers': ['update'], '/pods': ['delete'] });
  });

  test('the admission gate patches Jobs in every watched namespace, also where enforce mode does not write', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { mode: ReconcilerMode.ENFORCE, namespaces: ['shop', 'lab'], enforceNamespaces: ['shop'], admissionGate: true });
    const roles = byKind(Testing.synth(chart), 'Role');
    expect(roles.map((r) => [r.metadata.namespace, rulesOf(r)['batch/jobs'], rulesOf(r)['/resourcequotas']])).toEqual([
      ['shop', ['get', 'list', 'watch', 'patch'], ['list', 'watch']],
      ['lab', ['get', 'list', 'watch', 'patch'], ['list', 'watch']],
    ]);
  });

  test('leader election: a Lease named after the reconciler, passed as --lease-name, get/update on that Lease only', () => {
    // GIVEN two reconcilers in one namespace
    const chart = Testing.chart();
    const a = new BatchReconciler(chart, 'a', { name: 'audit', leaderElection: true, replicas: 2 });
    const b = new BatchReconciler(chart, 'b', { name: 'cleanup', leaderElection: true, replicas: 2 });
    // THEN each has its own Lease
    expect(a.leaseName).toEqual('audit-leader-election');
    expect(b.leaseName).toEqual('cleanup-leader-election');
    expect(a.args.slice(a.args.indexOf('--leader-elect'))).toEqual(['--leader-elect', '--lease-namespace', 'default', '--lease-name', 'audit-leader-election']);
    const role = byKind(Testing.synth(chart), 'Role').find((r) => r.metadata.name === 'cleanup-leader-election');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['cleanup-leader-election'] },
    ]);
  });

  test('a long name gives a Lease name of at most 63 characters that stays distinct', () => {
    const chart = Testing.chart();
    const long = 'x'.repeat(60);
    const a = new BatchReconciler(chart, 'a', { name: `${long}-a`, leaderElection: true });
    const b = new BatchReconciler(chart, 'b', { name: `${long}-b`, leaderElection: true });
    for (const name of [a.leaseName!, b.leaseName!]) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])$/);
    expect(a.leaseName).not.toEqual(b.leaseName);
    expect(new BatchReconciler(Testing.chart(), 'c').leaseName).toBeUndefined();
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
      '--lease-name', 'cdk8s-batch-reconciler-leader-election',
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
      admissionGate: true,
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
    expect(container(manifests).args.slice(-4)).toEqual(['--lease-namespace', 'ops', '--lease-name', 'cdk8s-batch-reconciler-leader-election']);
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

  test('fails if an enforce namespace is not among the watched namespaces', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { mode: ReconcilerMode.ENFORCE, namespaces: ['shop'], enforceNamespaces: ['shop', 'lab'] });
    expect(() => Testing.synth(chart)).toThrow(
      /ReconcilerEnforceNamespaceNotWatched: enforceNamespaces\[1\] is not one of namespaces, so the reconciler never sees its Jobs \(got lab\); add it to namespaces, or remove it from enforceNamespaces/,
    );
  });

  test('the admission gate is a flag, in either mode', () => {
    const chart = Testing.chart();
    const reconciler = new BatchReconciler(chart, 'reconciler', { admissionGate: true });
    expect(reconciler.admissionGate).toBe(true);
    expect(container(Testing.synth(chart)).args).toEqual(['reconcile', '--mode', 'audit', '--metrics-port', '9090', '--admission-gate']);
  });

  test('fails if a namespace is not a DNS label', () => {
    const chart = Testing.chart();
    new BatchReconciler(chart, 'reconciler', { namespaces: ['Shop_1'] });
    expect(() => Testing.synth(chart)).toThrow(/ReconcilerNamespaceInvalid: namespaces\[0\] must be a namespace name .*\(got Shop_1\)/);
  });
});
