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
   * Name of the ServiceAccount, Deployment, ClusterRole and bindings.
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

/** One RBAC rule: an API group, explicit resources and explicit verbs. */
interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/**
 * What the reconciler may do cluster-wide, and nothing more: no wildcards, no Secrets.
 * Jobs are created (reruns, catch-up runs), patched (enforce fixes, admission gate) and
 * deleted (retention); pods are deleted when orphaned; Events are written.
 */
const CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['resourcequotas'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'get', 'list'] },
];

/** Leader election: read, take and renew the Lease in the reconciler's namespace. */
const LEASE_RULES: PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

/**
 * Deploys the cdk8s-batch reconciler: a ServiceAccount, a Deployment running
 * `cdk8s-batch reconcile`, a least-privilege ClusterRole and ClusterRoleBinding, and with
 * leader election a Role and RoleBinding for its Lease.
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
  /** The cluster-wide permissions. */
  public readonly clusterRole: ApiObject;
  /** Binds `clusterRole` to `serviceAccount`. */
  public readonly clusterRoleBinding: ApiObject;
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
    this.args = this.buildArgs();

    const metadata = { name: this.name, namespace: this.namespace, labels: this.labels() };
    const clusterMetadata = { name: this.name, labels: this.labels() };
    const subject = { kind: 'ServiceAccount', name: this.name, namespace: this.namespace };

    this.serviceAccount = new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    this.clusterRole = new ApiObject(this, 'ClusterRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clusterMetadata,
      rules: CLUSTER_RULES,
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
    if (this.leaderElection) {
      const leaseName = `${this.name}-leader-election`;
      const leaseMetadata = { ...metadata, name: leaseName };
      this.leaseRole = new ApiObject(this, 'LeaseRole', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: leaseMetadata,
        rules: LEASE_RULES,
      });
      this.leaseRoleBinding = new ApiObject(this, 'LeaseRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: leaseMetadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaseName },
        subjects: [subject],
      });
    }
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: this.deploymentSpec(),
    });

    this.node.addValidation({ validate: () => this.problems().map(formatProblem) });
  }

  /** `reconcile --mode <m> [--namespace <ns>]… [--enforce-namespace <ns>]… --metrics-port <p> [--leader-elect --lease-namespace <ns>]`. */
  private buildArgs(): string[] {
    return [
      'reconcile',
      '--mode',
      this.mode,
      ...this.namespaces.flatMap((ns) => ['--namespace', ns]),
      ...this.enforceNamespaces.flatMap((ns) => ['--enforce-namespace', ns]),
      '--metrics-port',
      String(this.metricsPort),
      ...(this.leaderElection ? ['--leader-elect', '--lease-namespace', this.namespace] : []),
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
