/**
 * The pure core's vocabulary: what the controller observed about one object, the
 * configuration it runs with, and the actions it decides on. `decide(observed, now, config)`
 * maps the first two to the third; only the actuator (through adapters/) performs actions.
 * All objects are plain Kubernetes JSON (as read from the API server or the cache).
 */
import type { Violation } from 'cdk8s-batch/rules';
import type { AuditResult } from './audit.ts';

/** Any Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    [key: string]: unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- live objects are untyped JSON
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- live objects are untyped JSON
  status?: any;
  [key: string]: unknown;
}

/** Identifies an object: kind, namespace, name and (when known) uid. */
export interface ObjectRef {
  readonly kind: 'Job' | 'CronJob' | 'Pod';
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

/**
 * `audit` reports only; `enforce` also fixes mutable fields, reruns, catches up and cleans up in
 * the namespaces it is enabled for. The admission gate is opt-in per Job and acts in both modes.
 */
export type Mode = 'audit' | 'enforce';

/** What the controller runs with (from flags; `main.ts` builds it). Durations are in milliseconds. */
export interface ReconcilerConfig {
  readonly mode: Mode;
  /** Kubernetes minor version of the cluster, e.g. `"1.31"` (read from `/version`). */
  readonly kubernetesVersion: string;
  /** Namespaces where enforce mode may write fixes; empty = every namespace in scope. */
  readonly enforceNamespaces: readonly string[];
  /** Fixes applied in enforce mode to finished Jobs without a TTL. */
  readonly defaultTtlSecondsAfterFinished: number;
  /** Fix applied in enforce mode to Jobs without activeDeadlineSeconds. */
  readonly defaultActiveDeadlineSeconds: number;
  /** Delete pods whose owning Job no longer exists (orphaned by a non-cascading delete). */
  readonly cleanupOrphanPods: boolean;
  /** Finished Jobs older than this are deleted (enforce mode); 0 disables retention cleanup. */
  readonly finishedJobRetentionMs: number;
  /** A Job whose active pods are all gone or on lost nodes for this long is stuck. */
  readonly stuckAfterMs: number;
  /** Create a new Job from a stuck Job's spec (enforce mode). */
  readonly rerunStuckJobs: boolean;
  /** Create a catch-up Job from a CronJob that stopped scheduling (enforce mode). */
  readonly catchUpMissedCronJobs: boolean;
  /**
   * Release Jobs waiting at the admission gate (both modes; it needs `patch` on Jobs and reads
   * ResourceQuotas). Off: a gated Job is reported as held, and never written to.
   */
  readonly admissionGate: boolean;
  /** A node whose Ready condition is not True for this long is lost. */
  readonly nodeLostAfterMs: number;
  /** Server-side dry run for every write. */
  readonly dryRun: boolean;
  /**
   * How late a CronJob's expected run may be before it counts as not scheduling, when the CronJob
   * sets no `startingDeadlineSeconds` (which is used instead). Omitted: `DEFAULT_CRONJOB_GRACE_MS`.
   */
  readonly cronJobGraceMs?: number;
}

/** Everything `decide` needs about one Job or CronJob, taken from the informer caches. */
export interface Observed {
  /** The object being reconciled, or undefined when it was deleted. */
  readonly object?: KubeObject;
  readonly ref: ObjectRef;
  /** For a Job: its pods (by controller-uid / job-name label). For a CronJob: empty. */
  readonly pods: readonly KubeObject[];
  /**
   * Related Jobs from the cache.
   * - For a CronJob: the Jobs it owns (so a catch-up run is created at most once).
   * - For a Job: the reruns created from it, i.e. the Jobs whose `RERUN_OF_ANNOTATION` is the Job's
   *   name (or simply the Job named `rerunName(job)`), so a rerun is created at most once.
   * - For a Pod: the Job named by its controller-uid label when that Job still exists (empty when
   *   it is gone, which makes a pod without a controlling owner orphaned).
   */
  readonly ownedJobs: readonly KubeObject[];
  /** Nodes by name, for lost-node detection. */
  readonly nodes: ReadonlyMap<string, KubeObject>;
  /** ResourceQuotas of the object's namespace, for the admission gate (empty when the gate is off). */
  readonly quotas: readonly KubeObject[];
  /**
   * Auxiliary resources the reconciler cannot read (their list is forbidden or absent): the
   * checks that need them are off (`nodes`: lost-node detection; `resourcequotas`: the gate's
   * quota check), so that an empty cache is never taken for "none exist".
   */
  readonly unavailable?: readonly AuxiliaryResource[];
  /**
   * The audit (rules verdict) of a Job or CronJob already known to the caller, e.g. kept for an
   * unchanged cached object. `decide` uses it only when `audited.object` is `object` itself and
   * it was made for the same cluster version; otherwise it audits `object`. Everything else
   * (pods, nodes, time) is always decided again.
   */
  readonly audited?: Audited;
}

/** An object's audit, for `Observed.audited`. */
export interface Audited {
  readonly object: KubeObject;
  readonly clusterVersion: string;
  readonly result: AuditResult;
}

/** The resources the reconciler reads but can run without. */
export type AuxiliaryResource = 'nodes' | 'resourcequotas';

/** A Kubernetes Event to emit (events.k8s.io/v1); `reason` is the rule code. */
export interface EventAction {
  readonly type: 'event';
  readonly regarding: ObjectRef;
  readonly eventType: 'Normal' | 'Warning';
  readonly reason: string;
  /** The event's `action` field, e.g. `Audit`, `Release`, `Enforce`, `Cleanup`. */
  readonly action: string;
  readonly note: string;
}

/** A JSON merge patch of a Job's mutable fields, with a resourceVersion precondition. */
export interface PatchAction {
  readonly type: 'patch';
  readonly target: ObjectRef;
  readonly resourceVersion: string;
  readonly patch: Record<string, unknown>;
  /** Why (rule codes fixed). */
  readonly reasons: readonly string[];
}

/** Deletes an object with uid (and resourceVersion) preconditions. */
export interface DeleteAction {
  readonly type: 'delete';
  readonly target: ObjectRef & { readonly uid: string };
  readonly resourceVersion?: string;
  readonly propagationPolicy: 'Background' | 'Foreground' | 'Orphan';
  readonly reason: string;
}

/** Creates a Job (a rerun of a stuck Job, or a catch-up run of a CronJob). */
export interface CreateAction {
  readonly type: 'create';
  readonly manifest: KubeObject;
  readonly reason: string;
}

export type Action = EventAction | PatchAction | DeleteAction | CreateAction;

/** The result of one `decide` call. */
export interface Decision {
  /** Rule violations found on the object (the same shape `check` reports). */
  readonly violations: readonly Violation[];
  /** Cluster-context findings (stuck, missed schedules, gate holds), also as violations. */
  readonly findings: readonly Violation[];
  readonly actions: readonly Action[];
  /** Ask to be reconciled again after this many ms (a finding would flip then); undefined: no need. */
  readonly requeueAfterMs?: number;
}
