/**
 * Least privilege by construction: for each configuration of the `BatchReconciler` construct,
 * the reconciler runs (with the construct's container args) against the emulator under the
 * construct's ServiceAccount, with the construct's Roles and ClusterRoles enforced by the
 * emulator's RBAC authorizer, through scenarios that exercise every behaviour the configuration
 * switches on, in every namespace in scope. Then, both ways:
 * - every request the reconciler made (and every owner-reference admission check) was allowed:
 *   no verb it uses is missing;
 * - every verb of every synthesized rule, in the scope it is bound in, was used by some request:
 *   no verb is granted that it does not use.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Duration, Testing } from 'cdk8s';
import { BatchReconciler, ReconcilerMode, type BatchReconcilerProps } from '../../../src/batch-reconciler.ts';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { ruleAllows, serviceAccountUser, type AuthorizationRecord, type RbacObject } from '../../src/emulator/rbac.ts';
import { parseReconcileArgs } from '../../src/reconcile/command.ts';
import { Controller } from '../../src/runtime/controller.ts';
import { ManualClock } from '../../src/sim/clock.ts';
import { waitFor } from '../runtime/wait.ts';

const HOUR = 3_600_000;
const RECONCILER_NAMESPACE = 'batch-system';
const SCENARIO_NAMESPACES = ['team-a', 'team-b'];
const TOKEN = 'reconciler-token';
const dir = mkdtempSync(join(tmpdir(), 'least-privilege-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;

const containers = [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }];
const cleanSpec = { ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 600, template: { spec: { restartPolicy: 'Never', containers } } };

/**
 * In each namespace, something for every behaviour to act on: rule violations (Warning Events, and
 * enforce fixes), a Job at the admission gate, an orphaned pod, a long-finished Job without TTL, a
 * CronJob that stopped scheduling and a stuck Job it owns.
 */
function seed(emu: Emulator, clock: ManualClock, namespace: string): void {
  const store = emu.store;
  const job = (name: string, spec: Manifest, metadata: Manifest = {}): Manifest =>
    store.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, ...metadata }, spec } as never);
  const setStatus = (obj: Manifest, status: Manifest): void => void store.replace({ ...obj, status } as never, { subresource: 'status' });
  const at = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const start = clock.now();

  job('sloppy', { template: { spec: { restartPolicy: 'Never', containers } } });
  job('gated', { ...cleanSpec, suspend: true }, { annotations: { 'batch.cdk8s.io/admission-gate': 'pending' } });
  const done = job('done', { activeDeadlineSeconds: 600, template: { spec: { restartPolicy: 'Never', containers } } });
  setStatus(done, {
    startTime: at(start),
    completionTime: at(start + 60_000),
    succeeded: 1,
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: at(start + 60_000) },
      { type: 'Complete', status: 'True', lastTransitionTime: at(start + 60_000) },
    ],
  });
  store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'orphan', namespace, labels: { 'batch.kubernetes.io/controller-uid': `gone-${namespace}`, 'batch.kubernetes.io/job-name': 'gone' } },
    spec: { restartPolicy: 'Never', containers },
  } as never);
  const cron = store.create({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: cleanSpec } },
  } as never);
  const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cron.metadata.uid, controller: true, blockOwnerDeletion: true };
  const stuck = job('stuck', cleanSpec, { ownerReferences: [owner] });
  setStatus(stuck, { startTime: at(start), active: 1 });
  // A Job whose only pod sits on a node that has been NotReady for an hour (read again one by one).
  const lostAt = at(start - 3_600_000);
  store.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `lost-${namespace}` },
    status: { conditions: [{ type: 'Ready', status: 'Unknown', lastHeartbeatTime: lostAt, lastTransitionTime: lostAt }] },
  } as never);
  const lost = job('on-lost-node', cleanSpec);
  setStatus(lost, { startTime: at(start), active: 1 });
  const uid = lost.metadata.uid;
  store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'on-lost-node-0',
      namespace,
      labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'on-lost-node', 'controller-uid': uid, 'job-name': 'on-lost-node' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'on-lost-node', uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { restartPolicy: 'Never', containers, nodeName: `lost-${namespace}` },
    status: { phase: 'Running' },
  } as never);
}

interface Synthesized {
  readonly args: string[];
  readonly rbac: RbacObject[];
  readonly serviceAccount: { namespace: string; name: string };
}

function synthesize(props: BatchReconcilerProps): Synthesized {
  const chart = Testing.chart();
  const reconciler = new BatchReconciler(chart, 'reconciler', { namespace: RECONCILER_NAMESPACE, ...props });
  const manifests: Manifest[] = Testing.synth(chart);
  return {
    args: reconciler.args,
    rbac: manifests.filter((m) => /^(Cluster)?Role(Binding)?$/.test(m.kind)),
    serviceAccount: { namespace: reconciler.namespace, name: reconciler.name },
  };
}

let replicas = 0;

/** The reconciler as `reconcile <args>` runs it, on the emulator's clock, with short timings. */
function controllerFor(args: string[], kubeconfig: string, clock: ManualClock): Controller {
  const options = parseReconcileArgs(args.slice(1));
  const port = new KubeClient(loadKubeConfig({ kubeconfig, env: {} }));
  return new Controller({
    port,
    config: defaultConfig({ ...options.behaviour, mode: options.mode, kubernetesVersion: '1.31', enforceNamespaces: options.enforceNamespaces }),
    namespaces: options.namespaces,
    now: () => clock.now(),
    identity: `replica-${++replicas}`,
    // Every repeat of a finding is written (a series bump), so Event patches happen at once.
    eventRepeatIntervalMs: 0,
    leaderElection: options.leaderElect
      ? { namespace: options.leaseNamespace, name: options.leaseName, timings: { leaseDurationMs: 1_000, renewDeadlineMs: 800, retryPeriodMs: 100 } }
      : undefined,
    reflectorTimings: { backoffBaseMs: 10, backoffMaxMs: 50 },
    queue: { baseDelayMs: 5, maxDelayMs: 50 },
  });
}

async function idle(ctl: Controller): Promise<void> {
  let quiet = 0;
  await waitFor(() => {
    quiet = ctl.queue.length === 0 && ctl.queue.inFlight === 0 ? quiet + 1 : 0;
    return quiet >= 40;
  }, 20_000, 'an idle work queue');
}

/** One replica's life: sync, (lead,) decide everything twice, stop (releasing the Lease). */
async function runReplica(args: string[], kubeconfig: string, clock: ManualClock): Promise<void> {
  const ctl = controllerFor(args, kubeconfig, clock);
  ctl.start();
  try {
    await ctl.waitForSync();
    await waitFor(() => ctl.acting, 10_000, 'leadership');
    await idle(ctl);
    ctl.resync();
    await idle(ctl);
  } finally {
    await ctl.stop();
  }
}

/** Runs the reconciler of `props` through the scenarios; returns every authorization decision. */
async function exercise(synthesized: Synthesized): Promise<AuthorizationRecord[]> {
  const clock = new ManualClock();
  const { namespace, name } = synthesized.serviceAccount;
  const emu = await startEmulator({ clock, authorization: { objects: synthesized.rbac, tokens: { [TOKEN]: serviceAccountUser(namespace, name) } } });
  try {
    for (const ns of SCENARIO_NAMESPACES) seed(emu, clock, ns);
    clock.advance(48.5 * HOUR); // half past: the hourly CronJob is 30 minutes late
    // Plain http://, no insecure-skip-tls-verify: the service account's own kubeconfig.
    const kubeconfig = join(dir, `${emu.port}.yaml`);
    writeFileSync(kubeconfig, emu.kubeconfigYaml('reconciler', TOKEN).replace(/\s+insecure-skip-tls-verify: true/, ''));
    // Two replicas one after the other: the second finds the Events (and the Lease) of the first.
    await runReplica(synthesized.args, kubeconfig, clock);
    await runReplica(synthesized.args, kubeconfig, clock);
    return emu.authorizations();
  } finally {
    await emu.close();
  }
}

/** One granted permission: a verb on a resource (and name), in a namespace or cluster-wide. */
interface Permission {
  readonly scope: string;
  readonly rule: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
}

/** Every (verb × resource × group) of every rule, with the scope its binding gives it. */
function permissions(rbac: RbacObject[]): Permission[] {
  const roles = new Map(rbac.filter((o) => /Role$/.test(o.kind ?? '')).map((o) => [`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o]));
  const out: Permission[] = [];
  for (const binding of rbac.filter((o) => /Binding$/.test(o.kind ?? ''))) {
    const ref = binding.roleRef!;
    const role = roles.get(`${ref.kind}/${ref.kind === 'Role' ? binding.metadata?.namespace : ''}/${ref.name}`);
    assert.ok(role, `${binding.kind} ${binding.metadata?.name} refers to a missing ${ref.kind} ${ref.name}`);
    const scope = binding.kind === 'RoleBinding' ? binding.metadata!.namespace! : '*';
    for (const rule of role.rules ?? []) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) {
            out.push({ scope, rule: { apiGroups: [apiGroup], resources: [resource], verbs: [verb], ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}) } });
          }
        }
      }
    }
  }
  return out;
}

function describePermission(p: Permission): string {
  const names = p.rule.resourceNames ? ` ${p.rule.resourceNames.join(',')}` : '';
  return `${p.rule.verbs[0]} ${p.rule.apiGroups[0] || 'core'}/${p.rule.resources[0]}${names} in ${p.scope === '*' ? 'all namespaces' : p.scope}`;
}

function describeRecord(r: AuthorizationRecord): string {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  return `${r.verb} ${r.group || 'core'}/${resource}${r.name ? ` ${r.name}` : ''} in ${r.namespace ?? 'cluster scope'} (${r.source})`;
}

const CONFIGURATIONS: Array<[string, BatchReconcilerProps]> = [
  ['audit only (the defaults)', {}],
  ['audit with the admission gate', { admissionGate: true }],
  ['enforce', { mode: ReconcilerMode.ENFORCE }],
  ['enforce with orphan cleanup', { mode: ReconcilerMode.ENFORCE, cleanupOrphanPods: true }],
  ['enforce with retention', { mode: ReconcilerMode.ENFORCE, finishedJobRetention: Duration.hours(1) }],
  ['enforce with stuck reruns', { mode: ReconcilerMode.ENFORCE, rerunStuckJobs: true }],
  ['enforce with catch-up runs', { mode: ReconcilerMode.ENFORCE, catchUpMissedCronJobs: true }],
  ['audit with leader election', { leaderElection: true, replicas: 2 }],
  ['audit in given namespaces', { namespaces: SCENARIO_NAMESPACES }],
  [
    'enforce everything, cluster-wide, writes in one namespace',
    {
      mode: ReconcilerMode.ENFORCE,
      enforceNamespaces: ['team-a'],
      admissionGate: true,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.hours(1),
      rerunStuckJobs: true,
      catchUpMissedCronJobs: true,
      leaderElection: true,
      replicas: 2,
    },
  ],
  [
    'enforce everything in given namespaces, writes in one of them',
    {
      mode: ReconcilerMode.ENFORCE,
      namespaces: SCENARIO_NAMESPACES,
      enforceNamespaces: ['team-b'],
      admissionGate: true,
      cleanupOrphanPods: true,
      finishedJobRetention: Duration.hours(1),
      rerunStuckJobs: true,
      catchUpMissedCronJobs: true,
      leaderElection: true,
      replicas: 2,
    },
  ],
];

describe('BatchReconciler RBAC: the verbs granted are exactly the verbs used', () => {
  for (const [name, props] of CONFIGURATIONS) {
    it(name, async () => {
      // GIVEN the construct's RBAC and container args
      const synthesized = synthesize(props);
      // WHEN its reconciler runs through every scenario under that RBAC
      const records = await exercise(synthesized);
      // THEN every request was allowed
      const denied = records.filter((r) => !r.allowed).map(describeRecord);
      assert.deepEqual([...new Set(denied)], [], 'the reconciler used verbs it was not granted');
      // AND every granted verb was used in the scope it is granted in
      const unused = permissions(synthesized.rbac).filter(
        (p) => !records.some((r) => (p.scope === '*' || r.namespace === p.scope) && ruleAllows(p.rule, r)),
      );
      assert.deepEqual(unused.map(describePermission), [], 'the construct grants verbs the reconciler never used');
      // AND with namespaces given, nothing namespaced is granted cluster-wide
      if (props.namespaces) {
        const clusterWide = permissions(synthesized.rbac).filter((p) => p.scope === '*' && p.rule.resources[0] !== 'nodes');
        assert.deepEqual(clusterWide.map(describePermission), []);
      }
    });
  }
});
