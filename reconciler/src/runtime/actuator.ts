/**
 * The actuator executes `decide`'s actions through the `KubePort`, idempotently:
 * - Events (events.k8s.io/v1) get a deterministic name per (object uid, reason, note); a repeat
 *   after the repeat interval bumps the existing Event's `series` (count, lastObservedTime) with
 *   a merge patch instead of creating a new Event. A create answered 409 AlreadyExists (a
 *   restart, another replica, or a retry after a lost answer) reads the Event and bumps it only
 *   when the Event's own last observation is older than the repeat interval: a retried create
 *   never counts twice, and a failed one is retried (the key is requeued) until the Event exists.
 * - Patches carry the resourceVersion precondition; 409 means "requeue and decide again".
 * - Deletes carry uid (and resourceVersion) preconditions; 404 counts as done.
 * - Creates use the manifest's deterministic name; 409 AlreadyExists counts as done.
 * Every write first takes a token from the global write bucket, then passes the fence
 * (`mayWrite`: e.g. a valid leader lease) at the moment it is sent.
 */
import { createHash } from 'node:crypto';
import type { Action, CreateAction, DeleteAction, EventAction, KubeObject, ObjectRef, PatchAction } from '../core/types.ts';
import { KubeApiError, toKubeApiError } from '../adapters/errors.ts';
import type { KubePort, ResourceKind } from '../adapters/port.ts';
import type { TokenBucket } from './rate-limiter.ts';

/** `reportingController` of every Event the reconciler writes. */
export const REPORTING_CONTROLLER = 'batch.cdk8s.io/reconciler';

export type ActionOutcome =
  | 'created'
  | 'updated'
  | 'patched'
  | 'deleted'
  | 'already-done'
  | 'suppressed'
  | 'conflict'
  | 'gone'
  | 'failed'
  /** Not attempted: an earlier write of the same decision failed; the key is decided again. */
  | 'skipped'
  /** Not attempted: this instance may not write now (its leader lease is not valid). */
  | 'fenced';

export interface ActionResult {
  readonly action: Action;
  readonly outcome: ActionOutcome;
  readonly error?: KubeApiError;
}

export interface ActuatorOptions {
  readonly port: KubePort;
  /** The clock for Event times and repeat suppression (simulated in the sandbox). */
  readonly now: () => number;
  /** `reportingInstance` of Events, e.g. the pod name. */
  readonly instance: string;
  readonly writeBucket?: TokenBucket;
  /** A repeated Event within this interval is not written again (default 60 s). */
  readonly eventRepeatIntervalMs?: number;
  readonly onResult?: (result: ActionResult) => void;
  /** Checked right before every write; false refuses it (outcome `fenced`). */
  readonly mayWrite?: () => boolean;
}

/** A write refused by the fence. */
class Fenced extends Error {
  constructor() {
    super('this instance may not write: its leader lease is not valid');
  }
}

interface SeenEvent {
  count: number;
  lastWritten: number;
}

const API_VERSION: Record<ObjectRef['kind'], string> = { Job: 'batch/v1', CronJob: 'batch/v1', Pod: 'v1' };
const NOTE_LIMIT = 1024;

/** RFC 3339 with microseconds, as `MicroTime` fields expect. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The deterministic name of the Event about `regarding` with this reason and note. */
export function eventName(regarding: ObjectRef, reason: string, note: string): string {
  const identity = regarding.uid ?? `${regarding.kind}/${regarding.namespace}/${regarding.name}`;
  const digest = createHash('sha256').update(`${identity}\n${reason}\n${note}`).digest('hex').slice(0, 16);
  return `${regarding.name.slice(0, 200)}.${digest}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class Actuator {
  private readonly seen = new Map<string, SeenEvent>();
  private writesSincePrune = 0;
  /** uids we deleted, until the informer reports them gone (client-go "expectations"). */
  private readonly expectedDeletes = new Set<string>();

  constructor(private readonly options: ActuatorOptions) {}

  /**
   * Executes `actions` in order; never throws for API errors (see each result's outcome). Once a
   * write fails (a conflict, say), the rest of the decision is skipped: it was made on a state
   * that no longer holds, and the key is decided again.
   */
  async execute(actions: readonly Action[]): Promise<ActionResult[]> {
    const results: ActionResult[] = [];
    let broken = false;
    for (const action of actions) {
      const result: ActionResult = broken ? { action, outcome: 'skipped' } : await this.executeOne(action);
      broken ||= isFailure(result);
      this.options.onResult?.(result);
      results.push(result);
    }
    return results;
  }

  /** The informer saw `uid` deleted: a later delete of a same-named object is a new decision. */
  observeDeleted(uid: string | undefined): void {
    if (uid) this.expectedDeletes.delete(uid);
  }

  private async executeOne(action: Action): Promise<ActionResult> {
    try {
      return { action, outcome: await this.dispatch(action) };
    } catch (err) {
      if (err instanceof Fenced || (err instanceof KubeApiError && err.kind === 'Fenced')) return { action, outcome: 'fenced' };
      const error = toKubeApiError(err);
      return { action, outcome: outcomeOfError(action, error), error };
    }
  }

  private dispatch(action: Action): Promise<ActionOutcome> {
    switch (action.type) {
      case 'event':
        return this.event(action);
      case 'patch':
        return this.patch(action);
      case 'delete':
        return this.delete(action);
      case 'create':
        return this.create(action);
    }
  }

  private async write<T>(work: () => Promise<T>): Promise<T> {
    await this.options.writeBucket?.take();
    if (this.options.mayWrite && !this.options.mayWrite()) throw new Fenced();
    return work();
  }

  private async patch(action: PatchAction): Promise<ActionOutcome> {
    const { namespace, name, kind } = action.target;
    await this.write(() => this.options.port.mergePatch(kind, { namespace, name }, action.patch, action.resourceVersion));
    return 'patched';
  }

  private async delete(action: DeleteAction): Promise<ActionOutcome> {
    const { namespace, name, kind, uid } = action.target;
    if (this.expectedDeletes.has(uid)) return 'already-done';
    const options = { uid, resourceVersion: action.resourceVersion, propagationPolicy: action.propagationPolicy };
    await this.write(() => this.options.port.delete(kind, { namespace, name }, options));
    this.expectedDeletes.add(uid);
    return 'deleted';
  }

  private async create(action: CreateAction): Promise<ActionOutcome> {
    const kind = (action.manifest.kind ?? 'Job') as ResourceKind;
    const namespace = action.manifest.metadata?.namespace ?? 'default';
    try {
      await this.write(() => this.options.port.create(kind, namespace, action.manifest));
      return 'created';
    } catch (err) {
      if (toKubeApiError(err).kind === 'AlreadyExists') return 'already-done';
      throw err;
    }
  }

  private async event(action: EventAction): Promise<ActionOutcome> {
    const note = truncate(action.note, NOTE_LIMIT);
    const name = eventName(action.regarding, action.reason, note);
    const key = `${action.regarding.namespace}/${name}`;
    const now = this.options.now();
    const seen = this.seen.get(key);
    // Re-deciding a persisting condition (every resync, every pod change) is not a new occurrence.
    if (seen && now - seen.lastWritten < (this.options.eventRepeatIntervalMs ?? 60_000)) return 'suppressed';
    this.pruneSeen(now);
    if (seen) return this.bumpSeries(action, { name, key, now });
    try {
      await this.write(() => this.options.port.create('Event', action.regarding.namespace, this.eventBody(action, name, note)));
      this.seen.set(key, { count: 1, lastWritten: now });
      return 'created';
    } catch (err) {
      if (toKubeApiError(err).kind !== 'AlreadyExists') throw err;
      return this.adoptExisting(action, { name, key, now });
    }
  }

  /**
   * Forgets Events not written for a while, so memory stays bounded; a later repeat finds the
   * Event by its deterministic name and continues its series.
   */
  private pruneSeen(now: number): void {
    if (++this.writesSincePrune < 1000) return;
    this.writesSincePrune = 0;
    const maxAge = 10 * (this.options.eventRepeatIntervalMs ?? 60_000);
    for (const [key, seen] of this.seen) if (now - seen.lastWritten > maxAge) this.seen.delete(key);
  }

  /**
   * The Event exists already (a restart, another replica, or our own create whose answer was
   * lost): it counts this occurrence when its last observation is within the repeat interval,
   * else its series is continued.
   */
  private async adoptExisting(action: EventAction, at: { name: string; key: string; now: number }): Promise<ActionOutcome> {
    const existing = await this.options.port.get('Event', action.regarding.namespace, at.name);
    const series = existing.series as { count?: number; lastObservedTime?: string } | undefined;
    const count = Number(series?.count ?? 1);
    const last = Date.parse(String(series?.lastObservedTime ?? existing.eventTime ?? ''));
    if (Number.isFinite(last) && at.now - last < (this.options.eventRepeatIntervalMs ?? 60_000)) {
      this.seen.set(at.key, { count, lastWritten: last });
      return 'already-done';
    }
    this.seen.set(at.key, { count, lastWritten: 0 });
    return this.bumpSeries(action, at);
  }

  private async bumpSeries(action: EventAction, at: { name: string; key: string; now: number }): Promise<ActionOutcome> {
    const seen = this.seen.get(at.key) ?? { count: 1, lastWritten: 0 };
    const count = seen.count + 1;
    const patch = { series: { count, lastObservedTime: microTime(at.now) } };
    try {
      await this.write(() => this.options.port.mergePatch('Event', { namespace: action.regarding.namespace, name: at.name }, patch));
    } catch (err) {
      if (toKubeApiError(err).kind !== 'NotFound') throw err;
      this.seen.delete(at.key); // the Event expired meanwhile: start a new one
      return this.event(action);
    }
    this.seen.set(at.key, { count, lastWritten: at.now });
    return 'updated';
  }

  private eventBody(action: EventAction, name: string, note: string): KubeObject {
    const r = action.regarding;
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace: r.namespace },
      eventTime: microTime(this.options.now()),
      type: action.eventType,
      reason: truncate(action.reason, 128),
      action: truncate(action.action, 128),
      note,
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: truncate(this.options.instance, 128),
      regarding: { apiVersion: API_VERSION[r.kind], kind: r.kind, name: r.name, namespace: r.namespace, uid: r.uid },
    };
  }
}

function outcomeOfError(action: Action, error: KubeApiError): ActionOutcome {
  if (error.kind === 'Conflict') return 'conflict';
  if (error.kind === 'NotFound' && action.type === 'delete') return 'already-done';
  if (error.kind === 'NotFound') return 'gone';
  return 'failed';
}

function isFailure(result: ActionResult): boolean {
  return result.outcome === 'conflict' || result.outcome === 'failed' || result.outcome === 'fenced';
}

/** True when a result asks for the key to be decided again (stale cache, a retryable failure, or a fenced write). */
export function needsRetry(result: ActionResult): boolean {
  if (result.outcome === 'conflict' || result.outcome === 'fenced') return true;
  return result.outcome === 'failed' && result.error?.retryable === true;
}
