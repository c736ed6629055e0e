/**
 * The contract between the in-memory object store of the API emulator and everything
 * that runs "inside" the emulated cluster without HTTP: the simulated controllers
 * (job, cronjob, TTL, garbage collector) and the sandbox. The HTTP layer of the emulator
 * serves the same store to real clients (client-node, kubectl).
 */

/** Object metadata as stored (a subset of ObjectMeta that the emulator maintains). */
export interface StoredMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** A stored Kubernetes object. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: StoredMeta;
  // Stored objects of any kind: spec and status are free-form JSON for the callers to narrow.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

/** An object as written by a caller: the store fills uid, resourceVersion and timestamps. */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: Partial<StoredMeta> & { name?: string; generateName?: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  readonly object: StoredObject;
}

/** How dependents are treated when an owner is deleted (metav1.DeletionPropagation). */
export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** The `reason` of a Kubernetes `Status` (metav1.StatusReason) the emulator answers with. */
export type StatusReason =
  /** metav1.StatusReasonUnknown: a Status without a reason (e.g. the eviction handler's 500 for two budgets). */
  | ''
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

/** A failure of a store operation, carrying the HTTP status and Status `reason` the API server would answer. */
export class StoreError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    /** For `Invalid`: the field causes, as in a Status object's `details.causes`. */
    readonly causes: ReadonlyArray<{ field: string; message: string; reason: string }> = [],
  ) {
    super(message);
    this.name = 'StoreError';
  }

  /** The name of the object concerned, for the Status `details.name`. */
  objectName?: string;

  /** The group and kind the Status `details` name instead of the request's resource (e.g. `meta.k8s.io` `ListOptions`). */
  about?: { readonly group: string; readonly kind: string };

  /** Seconds a client should wait before retrying (the Status `details.retryAfterSeconds` and the `Retry-After` header). */
  retryAfterSeconds?: number;

  /** Sets `about` and returns the error. */
  concerning(group: string, kind: string): this {
    this.about = { group, kind };
    return this;
  }

  /** Sets `objectName` and returns the error. */
  forObject(name: string | undefined): this {
    this.objectName = name || undefined;
    return this;
  }
}

/**
 * The emulated cluster's storage, keyed by kind (`Job`, `CronJob`, `Pod`, `Event`, `Lease`,
 * `Node`, `Namespace`, …), namespace and name. Every write bumps the global resourceVersion,
 * is validated like the API server would (422 `StoreError`), and is delivered to watchers.
 */
export interface ObjectStore {
  get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined;
  list(kind: string, namespace?: string, labelSelector?: Record<string, string>): StoredObject[];
  /** Creates the object. Throws `StoreError` 409 `AlreadyExists` or 422 `Invalid`. */
  create(obj: NewObject): StoredObject;
  /**
   * Replaces the object (or only its status with `subresource: 'status'`). When
   * `metadata.resourceVersion` is set it must match (409 `Conflict`).
   */
  replace(obj: StoredObject, opts?: { subresource?: 'status' }): StoredObject;
  /**
   * Deletes the object, cascading to dependents per `propagationPolicy` (default `Background`). A
   * pod bound to a node and not finished is deleted gracefully: it gets a deletionTimestamp and
   * stays until its kubelet deletes it with grace period 0.
   */
  delete(
    kind: string,
    namespace: string | undefined,
    name: string,
    opts?: {
      propagationPolicy?: PropagationPolicy;
      preconditions?: { uid?: string; resourceVersion?: string };
      /** Pods: the grace period (default the pod's `terminationGracePeriodSeconds`, else 30; 0 removes it at once). */
      gracePeriodSeconds?: number;
      /** Answer without deleting. */
      dryRun?: boolean;
    },
  ): StoredObject | undefined;
  /** Subscribes to every change; returns the unsubscribe function. */
  watch(listener: (event: StoreEvent) => void): () => void;
}

/**
 * Simulated time. The controllers and the sandbox read time only from here, so tests can
 * step it by hand and the sandbox can run it faster than the wall clock (`--speed`).
 */
export interface Clock {
  /** Milliseconds since the epoch, in simulated time. */
  now(): number;
  /** Calls `fn` once `ms` of simulated time has passed; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}
