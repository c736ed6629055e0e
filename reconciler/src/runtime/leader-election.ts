/**
 * Lease-based leader election (`coordination.k8s.io/v1`) with client-go semantics: a candidate
 * takes the Lease when it is free or its holder has not renewed it for `leaseDuration` (measured
 * on the local clock from when this candidate last saw the record change, so clock skew between
 * nodes does not matter); the leader renews every `retryPeriod` and steps down when it could not
 * renew within `renewDeadline`. Writes use the Lease's resourceVersion (optimistic concurrency):
 * of two candidates racing, one gets 409 and stays a follower. On `stop()` a leader releases the
 * Lease so a standby takes over without waiting for it to expire.
 *
 * Fencing: a leader may write only while its lease is valid by its own monotonic clock, i.e.
 * until `renewDeadline` after it sent the last successful renewal (that is `leaseDuration` minus
 * a safety margin of `leaseDuration - renewDeadline`, so it stops before any other candidate can
 * take over). `canWrite()` checks that at the moment of each write, so a leader that was paused
 * (a stopped process, a long GC, a frozen VM) and resumes past its lease writes nothing more,
 * even before its election loop has run again.
 */
import type { KubeObject } from '../core/types.ts';
import { toKubeApiError } from '../adapters/errors.ts';
import type { KubePort } from '../adapters/port.ts';
import { microTime } from './actuator.ts';

export interface LeaderElectionTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** The Lease name when none is given (one per deployment: `BatchReconciler` derives its own). */
export const DEFAULT_LEASE_NAME = 'cdk8s-batch-reconciler';

/** client-go defaults: lease 15 s, renew deadline 10 s, retry 2 s. */
export const DEFAULT_LEADER_ELECTION_TIMINGS: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectionOptions {
  readonly port: KubePort;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly timings?: Partial<LeaderElectionTimings>;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
  readonly onError?: (err: Error) => void;
  readonly random?: () => number;
  /** A monotonic clock in ms (default `performance.now`): lease validity never uses the wall clock. */
  readonly monotonic?: () => number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  private readonly timings: LeaderElectionTimings;
  private leading = false;
  private stopped = false;
  /** Monotonic time until which this leader may write (set from the start of each successful renewal). */
  private validUntil = -Infinity;
  private observed = { record: '', at: 0 };
  private readonly clock: () => number;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: LeaderElectionOptions) {
    this.timings = { ...DEFAULT_LEADER_ELECTION_TIMINGS, ...options.timings };
    this.clock = options.monotonic ?? ((): number => performance.now());
    const { leaseDurationMs: l, renewDeadlineMs: d, retryPeriodMs: r } = this.timings;
    if (!(l > d && d > r * 1.2 && r > 0)) {
      throw new RangeError(`leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod (got ${l}, ${d}, ${r} ms)`);
    }
  }

  /** True while this candidate leads and its lease is valid by its own clock. */
  get isLeader(): boolean {
    return this.canWrite();
  }

  /**
   * True while the last renewal succeeded within the renew deadline (as of the last round of
   * the election loop); writes still pass `canWrite()`, which also checks the time now.
   */
  get leads(): boolean {
    return this.leading && !this.stopped;
  }

  /** The fence every write passes: leading, not stopped, and the lease still valid now. */
  canWrite(): boolean {
    return this.leading && !this.stopped && this.clock() < this.validUntil;
  }

  start(): void {
    if (!this.loop && !this.stopped) this.loop = this.run();
  }

  /** Stops campaigning; a leader releases the Lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading) await this.release();
    this.setLeading(false);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const sent = this.clock();
      const ok = await this.tryAcquireOrRenew();
      if (ok) this.validUntil = sent + this.timings.renewDeadlineMs;
      // A renewal that took longer than the renew deadline leaves nothing to lead with.
      this.setLeading((ok || this.leading) && this.clock() < this.validUntil);
      await this.sleep(this.leading ? this.timings.retryPeriodMs : this.jittered());
    }
  }

  private jittered(): number {
    return this.timings.retryPeriodMs * (1 + 0.2 * (this.options.random ?? Math.random)());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (!leading) this.validUntil = -Infinity;
    if (leading) this.options.onStartedLeading?.();
    else this.options.onStoppedLeading?.();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    try {
      const lease = await this.read();
      if (!lease) return await this.create();
      return await this.update(lease);
    } catch (err) {
      const e = toKubeApiError(err);
      if (e.kind !== 'Conflict' && e.kind !== 'AlreadyExists') this.options.onError?.(e);
      return false;
    }
  }

  private async read(): Promise<KubeObject | undefined> {
    try {
      return await this.options.port.get('Lease', this.options.namespace, this.options.name);
    } catch (err) {
      if (toKubeApiError(err).kind === 'NotFound') return undefined;
      throw err;
    }
  }

  private spec(now: number, previous: LeaseSpec): LeaseSpec {
    const changedHands = previous.holderIdentity !== this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.timings.leaseDurationMs / 1000)),
      acquireTime: changedHands || !previous.acquireTime ? microTime(now) : previous.acquireTime,
      renewTime: microTime(now),
      // client-go counts every change of holder, also after a release (holder "")
      leaseTransitions: (previous.leaseTransitions ?? 0) + (changedHands && previous.renewTime ? 1 : 0),
    };
  }

  private async create(): Promise<boolean> {
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace },
      spec: this.spec(Date.now(), {}),
    };
    await this.options.port.create('Lease', this.options.namespace, body);
    return true;
  }

  /** True unless another holder's record has not changed for a full lease duration (by the monotonic clock). */
  private heldByOther(spec: LeaseSpec, now: number): boolean {
    const record = `${spec.holderIdentity}|${spec.renewTime}`;
    if (record !== this.observed.record) this.observed = { record, at: now };
    const held = !!spec.holderIdentity && spec.holderIdentity !== this.options.identity;
    const durationMs = (spec.leaseDurationSeconds ?? this.timings.leaseDurationMs / 1000) * 1000;
    return held && now - this.observed.at < durationMs;
  }

  private async update(lease: KubeObject): Promise<boolean> {
    const spec = (lease.spec ?? {}) as LeaseSpec;
    if (this.heldByOther(spec, this.clock())) return false;
    const body = { ...lease, spec: { ...spec, ...this.spec(Date.now(), spec) } };
    await this.options.port.replace('Lease', this.options.namespace, body);
    return true;
  }

  private async release(): Promise<void> {
    try {
      const lease = await this.read();
      const spec = (lease?.spec ?? {}) as LeaseSpec;
      if (!lease || spec.holderIdentity !== this.options.identity) return;
      const now = microTime(Date.now());
      const body = { ...lease, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } };
      await this.options.port.replace('Lease', this.options.namespace, body);
    } catch (err) {
      this.options.onError?.(toKubeApiError(err));
    }
  }
}
