/**
 * Lease-based leader election (`coordination.k8s.io/v1`) with client-go semantics: a candidate
 * takes the Lease when it is free or its holder has not renewed it for `leaseDuration` (measured
 * on the local clock from when this candidate last saw the record change, so clock skew between
 * nodes does not matter); the leader renews every `retryPeriod` and steps down when it could not
 * renew within `renewDeadline`. Writes use the Lease's resourceVersion (optimistic concurrency):
 * of two candidates racing, one gets 409 and stays a follower. On `stop()` a leader releases the
 * Lease so a standby takes over without waiting for it to expire.
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
  private lastRenew = 0;
  private observed = { record: '', at: 0 };
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: LeaderElectionOptions) {
    this.timings = { ...DEFAULT_LEADER_ELECTION_TIMINGS, ...options.timings };
    const { leaseDurationMs: l, renewDeadlineMs: d, retryPeriodMs: r } = this.timings;
    if (!(l > d && d > r * 1.2 && r > 0)) {
      throw new RangeError(`leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod (got ${l}, ${d}, ${r} ms)`);
    }
  }

  get isLeader(): boolean {
    return this.leading;
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
      const ok = await this.tryAcquireOrRenew();
      if (ok) this.lastRenew = Date.now();
      this.setLeading(ok || (this.leading && Date.now() - this.lastRenew < this.timings.renewDeadlineMs));
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

  /** True when another holder's record has not changed for a full lease duration. */
  private heldByOther(spec: LeaseSpec, now: number): boolean {
    const record = `${spec.holderIdentity}|${spec.renewTime}`;
    if (record !== this.observed.record) this.observed = { record, at: now };
    const held = !!spec.holderIdentity && spec.holderIdentity !== this.options.identity;
    const durationMs = (spec.leaseDurationSeconds ?? this.timings.leaseDurationMs / 1000) * 1000;
    return held && now - this.observed.at < durationMs;
  }

  private async update(lease: KubeObject): Promise<boolean> {
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const now = Date.now();
    if (this.heldByOther(spec, now)) return false;
    const body = { ...lease, spec: { ...spec, ...this.spec(now, spec) } };
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
