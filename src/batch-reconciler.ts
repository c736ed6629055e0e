import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ConstructProblem, formatProblem } from './_validation';

/**
 * What the reconciler does with the problems it finds.
 */
export enum ReconcilerMode {
  /** Report only: Kubernetes Events, metrics and logs; no fixes. */
  AUDIT = 'audit',
  /** Also fix mutable fields (TTL, deadlines, parallelism) in the enforce namespaces. */
  ENFORCE = 'enforce',
}

/**
 * Props of `BatchReconciler`.
 */
export interface BatchReconcilerProps {
  /**
   * Namespace the reconciler runs in (its ServiceAccount, Deployment and, with leader
   * election, its Lease).
   *
   * @default - the chart's namespace, else "default"
   */
  readonly namespace?: string;

  /**
   * Name of the ServiceAccount, Deployment, roles and bindings; the leader-election Lease is
   * named after it.
   *
   * The ClusterRole and ClusterRoleBinding are cluster-wide, so two reconcilers in one
   * cluster need different names.
   *
   * @default "cdk8s-batch-reconciler"
   */
  readonly name?: string;

  /**
   * Report only, or also fix what can be fixed.
   *
   * @default ReconcilerMode.AUDIT
   */
  readonly mode?: ReconcilerMode;

  /**
   * Namespaces whose Jobs and CronJobs the reconciler watches (`--namespace`, repeated).
   *
   * @default - every namespace
   */
  readonly namespaces?: string[];

  /**
   * Namespaces where enforce mode may write fixes (`--enforce-namespace`, repeated). Only
   * valid with `mode: ReconcilerMode.ENFORCE`.
   *
   * @default - every watched namespace (in enforce mode)
   */
  readonly enforceNamespaces?: string[];

  /**
   * Container image of the reconciler (built from `reconciler/Dockerfile`).
   *
   * @default - `BatchReconciler.DEFAULT_IMAGE`: ghcr.io/cdk8s-batch/reconciler tagged with this library's version
   */
  readonly image?: string;

  /**
   * Number of reconciler pods. More than one needs `leaderElection`, so that only one of
   * them acts.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Elect a leader through a `coordination.k8s.io` Lease in `namespace` (`--leader-elect`);
   * standby replicas take over when the leader stops renewing it.
   *
   * @default false
   */
  readonly leaderElection?: boolean;

  /**
   * Port of the HTTP server for `/metrics`, `/healthz` and `/readyz` (`--metrics-port`).
   *
   * @default 9090
   */
  readonly metricsPort?: number;

  /**
   * Delete pods orphaned by deleting their Job without cascading (`--cleanup-orphan-pods`).
   * Needs enforce mode.
   *
   * @default false
   */
  readonly cleanupOrphanPods?: boolean;

  /**
   * Delete finished Jobs without a TTL once they are this old (`--finished-job-retention`).
   * Needs enforce mode.
   *
   * @default - finished Jobs are never deleted by the reconciler
   */
  readonly finishedJobRetention?: Duration;

  /**
   * Create one rerun of a Job whose active pods vanished or sit on lost nodes
   * (`--rerun-stuck-jobs`). Needs enforce mode.
   *
   * @default false
   */
  readonly rerunStuckJobs?: boolean;

  /**
   * How long a Job may look stuck before it is reported (`--stuck-after`).
   *
   * @default Duration.minutes(10)
   */
  readonly stuckAfter?: Duration;

  /**
   * Create a catch-up run for a CronJob that stopped scheduling (`--catch-up-missed-cronjobs`).
   * Needs enforce mode.
   *
   * @default false
   */
  readonly catchUpMissedCronJobs?: boolean;

  /**
   * Release Jobs created behind the admission gate (`--admission-gate`), in either mode: the
   * reconciler then patches Jobs and reads ResourceQuotas in the watched namespaces. Without
   * it, a gated Job is reported as held (`AdmissionGateHeld`) and never written to.
   *
   * @default false
   */
  readonly admissionGate?: boolean;

  /**
   * `ttlSecondsAfterFinished` that enforce mode sets on Jobs without one (`--default-ttl`).
   *
   * @default Duration.days(7)
   */
  readonly defaultTtlAfterFinished?: Duration;

  /**
   * `activeDeadlineSeconds` that enforce mode sets on Jobs without one (`--default-active-deadline`).
   *
   * @default Duration.hours(24)
   */
  readonly defaultActiveDeadline?: Duration;
}

/**
 * The version of this library, read from its own package.json: the release build writes the
 * version there, and the reconciler image of a release is tagged with the same version.
 */
const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
/** Default name of the reconciler's objects. */
const DEFAULT_NAME = 'cdk8s-batch-reconciler';
/** The non-root user of the reconciler image (`USER 1000:1000` in reconciler/Dockerfile). */
const RUN_AS_USER = 1000;

/** One RBAC rule: an API group, explicit resources, explicit verbs, optionally object names. */
interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

/** A resource the reconciler reads or writes: API group and resource (with `/subresource`). */
interface Resource {
  readonly group: string;
  readonly resource: string;
}

const JOBS: Resource = { group: 'batch', resource: 'jobs' };
const CRONJOBS: Resource = { group: 'batch', resource: 'cronjobs' };
/** No endpoint: the permission the OwnerReferencesPermissionEnforcement admission plugin checks. */
const CRONJOB_FINALIZERS: Resource = { group: 'batch', resource: 'cronjobs/finalizers' };
const PODS: Resource = { group: '', resource: 'pods' };
const NODES: Resource = { group: '', resource: 'nodes' };
const QUOTAS: Resource = { group: '', resource: 'resourcequotas' };
const EVENTS: Resource = { group: 'events.k8s.io', resource: 'events' };
const LEASES: Resource = { group: 'coordination.k8s.io', resource: 'leases' };

/** Order of resources and verbs in the synthesized rules. */
const RESOURCE_ORDER = [JOBS, CRONJOBS, CRONJOB_FINALIZERS, PODS, NODES, QUOTAS, EVENTS, LEASES].map((r) => `${r.group}/${r.resource}`);
const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** The scope of a grant: a namespace, or `CLUSTER` for every namespace (and cluster-scoped objects). */
const CLUSTER = '';

/** Verbs on one resource in one scope. */
interface Grant {
  readonly scope: string;
  readonly on: Resource;
  readonly verbs: string[];
}

/** Metadata of a Role and its RoleBinding. */
interface RoleMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** Longest Lease name produced (a DNS label, like the names of the objects it belongs to). */
const MAX_LEASE_NAME = 63;

/**
 * The Lease name of a reconciler: `<name>-leader-election`, cut to 63 characters with a hash of
 * the full name when longer. It depends only on `name`, so a rolling update of the same
 * reconciler keeps its Lease and never runs two leaders.
 */
function leaseNameOf(name: string): string {
  const full = `${name}-leader-election`;
  if (full.length <= MAX_LEASE_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = full.slice(0, MAX_LEASE_NAME - hash.length - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

function grants(scopes: readonly string[], on: Resource, verbs: string[]): Grant[] {
  return scopes.map((scope) => ({ scope, on, verbs }));
}

/** Merges grants into rules per scope; a namespace drops what the cluster scope already grants. */
function rulesByScope(all: readonly Grant[]): Map<string, PolicyRule[]> {
  const verbs = new Map<string, Map<string, Set<string>>>();
  for (const g of all) {
    const byResource = verbs.get(g.scope) ?? new Map<string, Set<string>>();
    verbs.set(g.scope, byResource);
    const key = `${g.on.group}/${g.on.resource}`;
    byResource.set(key, new Set([...(byResource.get(key) ?? []), ...g.verbs]));
  }
  const cluster = verbs.get(CLUSTER) ?? new Map<string, Set<string>>();
  const out = new Map<string, PolicyRule[]>();
  for (const [scope, byResource] of verbs) {
    const rules: PolicyRule[] = [];
    for (const key of RESOURCE_ORDER) {
      const needed = [...(byResource.get(key) ?? [])].filter((v) => scope === CLUSTER || !cluster.get(key)?.has(v));
      if (needed.length === 0) continue;
      const slash = key.indexOf('/');
      rules.push({ apiGroups: [key.slice(0, slash)], resources: [key.slice(slash + 1)], verbs: VERB_ORDER.filter((v) => needed.includes(v)) });
    }
    if (rules.length > 0) out.set(scope, rules);
  }
  return out;
}

/**
 * Deploys the cdk8s-batch reconciler: a ServiceAccount, a Deployment running
 * `cdk8s-batch reconcile`, and exactly the RBAC permissions its mode and options use.
 *
 * Every verb granted is one the reconciler issues with these props, and nothing more: reads
 * (`list`, `watch`) of Jobs, CronJobs and Job pods, `get` of Jobs and pods (read again before
 * a finding that rests on an absence and before any create or delete), and Event writes
 * (`create`, `patch`, `get`) in the watched namespaces, `get`/`list`/`watch` of Nodes; `patch`
 * on Jobs for enforce mode and the admission gate (which also reads ResourceQuotas); `delete` on Pods for orphan cleanup and on
 * Jobs for retention; `create` on Jobs and `update` on `cronjobs/finalizers` (required by the
 * OwnerReferencesPermissionEnforcement admission plugin for the owner reference) for reruns and
 * catch-up runs; with leader election `create` on Leases and `get`/`update` on its own Lease.
 * With `namespaces`, everything namespaced is granted by a Role and RoleBinding in each of
 * them, and the ClusterRole holds only the Node reads; with `enforceNamespaces`, the writes of
 * enforce mode are granted in those namespaces only.
 *
 * The reconciler evaluates live Jobs and CronJobs with the same rules the constructs apply
 * at synth, emits Events and metrics, and in enforce mode fixes mutable fields.
 *
 * @see https://github.com/cdk8s-batch/cdk8s-batch/tree/main/reconciler
 */
export class BatchReconciler extends Construct {
  /**
   * The image used when `image` is not given: the reconciler image released with this version
   * of the library, so the rules at synth and in the cluster are the same.
   */
  public static readonly DEFAULT_IMAGE: string = `ghcr.io/cdk8s-batch/reconciler:${PACKAGE_VERSION}`;

  /** Namespace the reconciler runs in. */
  public readonly namespace: string;
  /** Name of the ServiceAccount, Deployment, roles and bindings. */
  public readonly name: string;
  /** Report only, or also fix. */
  public readonly mode: ReconcilerMode;
  /** Container image. */
  public readonly image: string;
  /** Number of reconciler pods. */
  public readonly replicas: number;
  /** Whether the replicas elect a leader. */
  public readonly leaderElection: boolean;
  /** Port of `/metrics`, `/healthz` and `/readyz`. */
  public readonly metricsPort: number;
  /** Watched namespaces; empty means every namespace. */
  public readonly namespaces: string[];
  /** Namespaces where enforce mode writes; empty means every watched namespace. */
  public readonly enforceNamespaces: string[];
  /** The container arguments: `reconcile` and its flags. */
  public readonly args: string[];

  private readonly props: BatchReconcilerProps;

  /** The ServiceAccount the reconciler runs as. */
  public readonly serviceAccount: ApiObject;
  /** The reconciler Deployment. */
  public readonly deployment: ApiObject;
  /** Whether the reconciler releases Jobs waiting at the admission gate. */
  public readonly admissionGate: boolean;
  /** Name of the leader-election Lease in `namespace`; only with leader election. */
  public readonly leaseName?: string;
  /** The cluster-wide permissions (with `namespaces`: only the cluster-scoped reads). */
  public readonly clusterRole: ApiObject;
  /** Binds `clusterRole` to `serviceAccount`. */
  public readonly clusterRoleBinding: ApiObject;
  /** Permissions in single namespaces (watched or enforced ones), one Role per namespace. */
  public readonly roles: ApiObject[];
  /** Binds each of `roles` to `serviceAccount`. */
  public readonly roleBindings: ApiObject[];
  /** Lease permissions in `namespace`; only with leader election. */
  public readonly leaseRole?: ApiObject;
  /** Binds `leaseRole` to `serviceAccount`; only with leader election. */
  public readonly leaseRoleBinding?: ApiObject;

  constructor(scope: Construct, id: string, props: BatchReconcilerProps = {}) {
    super(scope, id);
    this.props = props;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.name = props.name ?? DEFAULT_NAME;
    this.mode = props.mode ?? ReconcilerMode.AUDIT;
    this.image = props.image ?? BatchReconciler.DEFAULT_IMAGE;
    this.replicas = props.replicas ?? 1;
    this.leaderElection = props.leaderElection ?? false;
    this.metricsPort = props.metricsPort ?? 9090;
    this.namespaces = [...(props.namespaces ?? [])];
    this.enforceNamespaces = [...(props.enforceNamespaces ?? [])];
    this.admissionGate = props.admissionGate ?? false;
    this.leaseName = this.leaderElection ? leaseNameOf(this.name) : undefined;
    this.args = this.buildArgs();

    const metadata = { name: this.name, namespace: this.namespace, labels: this.labels() };
    const clusterMetadata = { name: this.name, labels: this.labels() };
    const subject = { kind: 'ServiceAccount', name: this.name, namespace: this.namespace };

    this.serviceAccount = new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    const rules = rulesByScope(this.grants());
    this.clusterRole = new ApiObject(this, 'ClusterRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clusterMetadata,
      rules: rules.get(CLUSTER) ?? [],
    });
    this.clusterRoleBinding = new ApiObject(this, 'ClusterRoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clusterMetadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.name },
      subjects: [subject],
    });
    // Cluster-scoped objects carry no namespace, even in a chart that sets one for its objects.
    if (Chart.of(this).namespace !== undefined) {
      for (const o of [this.clusterRole, this.clusterRoleBinding]) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    this.roles = [];
    this.roleBindings = [];
    for (const [ns, nsRules] of rules) {
      if (ns === CLUSTER) continue;
      const [role, binding] = this.role(`Role-${ns}`, { ...metadata, namespace: ns }, nsRules);
      this.roles.push(role);
      this.roleBindings.push(binding);
    }
    if (this.leaseName !== undefined) {
      // `create` cannot be limited to a name (the name is in the body); get and update can.
      const leaseRules: PolicyRule[] = [
        { apiGroups: [LEASES.group], resources: [LEASES.resource], verbs: ['create'] },
        { apiGroups: [LEASES.group], resources: [LEASES.resource], verbs: ['get', 'update'], resourceNames: [this.leaseName] },
      ];
      [this.leaseRole, this.leaseRoleBinding] = this.role('LeaseRole', { ...metadata, name: `${this.name}-leader-election` }, leaseRules);
    }
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: this.deploymentSpec(),
    });

    this.node.addValidation({ validate: () => this.problems().map(formatProblem) });
  }

  /** A Role with `rules` and its RoleBinding to the ServiceAccount. */
  private role(id: string, metadata: RoleMetadata, rules: PolicyRule[]): [ApiObject, ApiObject] {
    const role = new ApiObject(this, id, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules });
    const binding = new ApiObject(this, `${id}Binding`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    return [role, binding];
  }

  /**
   * What the reconciler does with these props, as verbs per resource and scope (see
   * reconciler/src: the reflectors list and watch, the actuator writes, the elector takes the Lease).
   */
  private grants(): Grant[] {
    const p = this.props;
    const watched = this.namespaces.length > 0 ? this.namespaces : [CLUSTER];
    const enforceMode = this.mode === ReconcilerMode.ENFORCE;
    const enforced = !enforceMode ? [] : this.enforceNamespaces.length > 0 ? this.enforceNamespaces : watched;
    const creates = p.rerunStuckJobs === true || p.catchUpMissedCronJobs === true;
    return [
      // get: the fresh read of a Job, a pod and its node before a finding that rests on
      // something being absent (JobStuck, OrphanedPod) or before a create or delete
      ...grants(watched, JOBS, ['get', 'list', 'watch']),
      ...grants(watched, CRONJOBS, ['list', 'watch']),
      ...grants(watched, PODS, ['get', 'list', 'watch']),
      ...grants(watched, EVENTS, ['get', 'create', 'patch']),
      ...grants([CLUSTER], NODES, ['get', 'list', 'watch']),
      ...(this.admissionGate ? [...grants(watched, JOBS, ['patch']), ...grants(watched, QUOTAS, ['list', 'watch'])] : []),
      ...grants(enforced, JOBS, ['patch']),
      ...(p.cleanupOrphanPods ? grants(enforced, PODS, ['delete']) : []),
      ...(p.finishedJobRetention !== undefined ? grants(enforced, JOBS, ['delete']) : []),
      ...(creates ? [...grants(enforced, JOBS, ['create']), ...grants(enforced, CRONJOB_FINALIZERS, ['update'])] : []),
      // the CronJob read again before its catch-up run is created
      ...(p.catchUpMissedCronJobs === true ? grants(enforced, CRONJOBS, ['get']) : []),
    ];
  }

  /** `reconcile --mode <m> [--namespace <ns>]… [--enforce-namespace <ns>]… --metrics-port <p> [--leader-elect --lease-namespace <ns> --lease-name <n>]`. */
  private buildArgs(): string[] {
    return [
      'reconcile',
      '--mode',
      this.mode,
      ...this.namespaces.flatMap((ns) => ['--namespace', ns]),
      ...this.enforceNamespaces.flatMap((ns) => ['--enforce-namespace', ns]),
      '--metrics-port',
      String(this.metricsPort),
      ...(this.leaseName !== undefined ? ['--leader-elect', '--lease-namespace', this.namespace, '--lease-name', this.leaseName] : []),
      ...this.behaviourArgs(),
    ];
  }

  /** The optional behaviour flags, in the order the props are documented. */
  private behaviourArgs(): string[] {
    const p = this.props;
    const duration = (flag: string, d?: Duration): string[] => (d === undefined ? [] : [flag, `${Math.round(d.toSeconds())}s`]);
    return [
      ...(p.cleanupOrphanPods ? ['--cleanup-orphan-pods'] : []),
      ...duration('--finished-job-retention', p.finishedJobRetention),
      ...(p.rerunStuckJobs ? ['--rerun-stuck-jobs'] : []),
      ...duration('--stuck-after', p.stuckAfter),
      ...(p.catchUpMissedCronJobs ? ['--catch-up-missed-cronjobs'] : []),
      ...(this.admissionGate ? ['--admission-gate'] : []),
      ...duration('--default-ttl', p.defaultTtlAfterFinished),
      ...duration('--default-active-deadline', p.defaultActiveDeadline),
    ];
  }

  private labels(): Record<string, string> {
    return {
      'app.kubernetes.io/name': 'cdk8s-batch-reconciler',
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'reconciler',
      'app.kubernetes.io/part-of': 'cdk8s-batch',
    };
  }

  private deploymentSpec(): any {
    const selector = { 'app.kubernetes.io/name': 'cdk8s-batch-reconciler', 'app.kubernetes.io/instance': this.name };
    const probe = (path: string, periodSeconds: number): any => ({
      httpGet: { path, port: 'metrics' },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    return {
      replicas: this.replicas,
      // One pod at a time unless a Lease decides who acts.
      strategy: this.leaderElection
        ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
        : { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: this.labels(),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(this.metricsPort),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: this.name,
          automountServiceAccountToken: true,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'reconciler',
              image: this.image,
              args: this.args,
              ports: [{ name: 'metrics', containerPort: this.metricsPort, protocol: 'TCP' }],
              livenessProbe: { ...probe('/healthz', 10), initialDelaySeconds: 10 },
              readinessProbe: probe('/readyz', 5),
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '512Mi' },
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_USER,
                runAsGroup: RUN_AS_USER,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    };
  }

  /** Prop combinations the reconciler cannot run with. */
  private problems(): ConstructProblem[] {
    const out: ConstructProblem[] = [];
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      out.push({ code: 'ReconcilerReplicasInvalid', path: 'replicas', problem: 'must be a whole number of at least 1', got: this.replicas, fix: 'set replicas to 1, or more with leaderElection: true' });
    } else if (this.replicas > 1 && !this.leaderElection) {
      out.push({
        code: 'ReconcilerReplicasRequireLeaderElection',
        path: 'replicas',
        problem: 'above 1 needs leaderElection: true, or every replica would act on the same Jobs',
        got: this.replicas,
        fix: 'set leaderElection: true, or replicas: 1',
      });
    }
    if (!Number.isInteger(this.metricsPort) || this.metricsPort < 1 || this.metricsPort > 65535) {
      out.push({ code: 'ReconcilerMetricsPortInvalid', path: 'metricsPort', problem: 'must be a port number between 1 and 65535', got: this.metricsPort, fix: 'set metricsPort to a free port such as 9090' });
    }
    if (this.enforceNamespaces.length > 0 && this.mode !== ReconcilerMode.ENFORCE) {
      out.push({
        code: 'ReconcilerEnforceNamespacesNeedEnforceMode',
        path: 'enforceNamespaces',
        problem: 'only applies in enforce mode',
        got: this.enforceNamespaces,
        fix: 'set mode: ReconcilerMode.ENFORCE, or remove enforceNamespaces',
      });
    }
    const unwatched = this.namespaces.length === 0 ? [] : this.enforceNamespaces.filter((ns) => !this.namespaces.includes(ns));
    if (unwatched.length > 0) {
      out.push({
        code: 'ReconcilerEnforceNamespaceNotWatched',
        path: `enforceNamespaces[${this.enforceNamespaces.indexOf(unwatched[0])}]`,
        problem: 'is not one of namespaces, so the reconciler never sees its Jobs',
        got: unwatched[0],
        fix: 'add it to namespaces, or remove it from enforceNamespaces',
      });
    }
    const writes = (['cleanupOrphanPods', 'finishedJobRetention', 'rerunStuckJobs', 'catchUpMissedCronJobs'] as const).filter((k) => this.props[k]);
    if (writes.length > 0 && this.mode !== ReconcilerMode.ENFORCE) {
      out.push({
        code: 'ReconcilerBehaviourNeedsEnforceMode',
        path: writes[0],
        problem: 'makes the reconciler write, which it does only in enforce mode',
        got: writes,
        fix: 'set mode: ReconcilerMode.ENFORCE, or remove the option',
      });
    }
    for (const [field, list] of [['namespaces', this.namespaces], ['enforceNamespaces', this.enforceNamespaces], ['namespace', [this.namespace]]] as const) {
      list.forEach((ns, i) => {
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns)) {
          out.push({ code: 'ReconcilerNamespaceInvalid', path: field === 'namespace' ? field : `${field}[${i}]`, problem: 'must be a namespace name (a DNS label: lowercase letters, digits and -, at most 63)', got: ns, fix: 'use the name of an existing namespace' });
        }
      });
    }
    return out;
  }
}
