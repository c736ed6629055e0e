/**
 * The port between the controller runtime and the API server. The client-node adapter
 * (`kube-client.ts`) implements it over HTTP; tests implement it in memory. Every method
 * rejects with a `KubeApiError`.
 */
import type { KubeObject } from '../core/types.ts';

/** The kinds the reconciler reads or writes. `Node` is cluster-scoped. */
export type ResourceKind = 'Job' | 'CronJob' | 'Pod' | 'Node' | 'ResourceQuota' | 'Event' | 'Lease';

export interface ListOptions {
  /** Undefined: all namespaces (and always for cluster-scoped kinds). */
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** A list request, optionally one page of a chunked list (`limit`/`continue`, as client-go's pager sends). */
export interface ListPageOptions extends ListOptions {
  /** At most this many items; the server then sets `continue` when more remain. */
  readonly limit?: number;
  /** The `continue` token of the previous page. */
  readonly continue?: string;
  /**
   * The caller keeps only the fields the cache view of this kind reads (`runtime/cache-view.ts`):
   * the port may leave every other field out of the items (the client-node adapter then reads a
   * Pod list in protobuf and decodes just those fields). Other ports return whole objects.
   */
  readonly viewFields?: boolean;
  /**
   * What the caller keeps of each listed object (its cache view): the port hands `view(item)`
   * back in place of every item, and calls it as soon as that item is read, so a page being
   * read never holds the whole objects and their views at once (the client-node adapter calls
   * it for each pod as the protobuf answer is decoded). Every port applies it.
   */
  readonly view?: (obj: KubeObject) => KubeObject;
}

export interface ListResult {
  readonly items: KubeObject[];
  /** The list's resourceVersion: where a watch continues from (on every page: that of the first). */
  readonly resourceVersion: string;
  /** Set when more items remain: pass it as `continue` to get the next page. */
  readonly continue?: string;
}

export interface WatchOptions extends ListOptions {
  readonly resourceVersion?: string;
  /** Asks the server to end the stream after this long. */
  readonly timeoutSeconds: number;
  readonly allowWatchBookmarks: boolean;
  /**
   * The caller keeps only the fields the cache view of this kind reads, as for lists: the
   * client-node adapter then reads a Pod watch in protobuf. Other ports send whole objects.
   */
  readonly viewFields?: boolean;
}

/**
 * A streaming list (`sendInitialEvents=true`, `resourceVersionMatch=NotOlderThan`, bookmarks
 * allowed): one watch that first sends every object in scope as ADDED, then a BOOKMARK annotated
 * `k8s.io/initial-events-end: "true"` at the resourceVersion of that state, then every later
 * change as a watch does.
 */
export type StreamListOptions = Omit<WatchOptions, 'resourceVersion' | 'allowWatchBookmarks'>;

/** The annotation of the bookmark that ends a streaming list's initial events (value `"true"`). */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

/** A running watch. */
export interface WatchStream {
  /** Resolves when the stream ends normally (or after `stop()`), rejects with a `KubeApiError`. */
  readonly done: Promise<void>;
  /** Closes the stream; `done` then resolves. Idempotent. */
  stop(): void;
}

export interface DeleteOptions {
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface ServerVersion {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
}

export interface KubePort {
  list(kind: ResourceKind, options?: ListPageOptions): Promise<ListResult>;
  watch(kind: ResourceKind, options: WatchOptions, onEvent: (event: WatchEvent) => void): WatchStream;
  /**
   * The streaming list (optional: ports without it are listed page by page). A server that does
   * not serve it (the `WatchList` feature gate off) rejects `done` with 422 (`Invalid`); one that
   * cannot send it in the form asked for (`viewFields`: protobuf) with 406.
   */
  streamList?(kind: ResourceKind, options: StreamListOptions, onEvent: (event: WatchEvent) => void): WatchStream;
  get(kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** Creates the object in `namespace` (from the manifest's metadata). */
  create(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject>;
  /**
   * Applies a JSON merge patch (`application/merge-patch+json`). With `resourceVersion` the
   * patch carries `metadata.resourceVersion`, so the server answers 409 when the object changed.
   */
  mergePatch(
    kind: ResourceKind,
    target: { namespace: string; name: string },
    patch: Record<string, unknown>,
    resourceVersion?: string,
  ): Promise<KubeObject>;
  /** Replaces the object (optimistic concurrency through its `metadata.resourceVersion`). */
  replace(kind: ResourceKind, namespace: string, body: KubeObject): Promise<KubeObject>;
  delete(kind: ResourceKind, target: { namespace: string; name: string }, options?: DeleteOptions): Promise<void>;
  serverVersion(): Promise<ServerVersion>;
  /** Aborts every request and watch in flight; later calls reject (optional: in-memory ports need none). */
  close?(): void;
  /**
   * Checks `fence` right before each write (Leases excepted) is sent, after every wait, and
   * rejects the write with a `Fenced` error when it says no (optional: a last line of the
   * lease fence, for ports whose sending can be delayed).
   */
  setWriteFence?(fence: () => boolean): void;
}
