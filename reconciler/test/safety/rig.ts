/**
 * The fault-matrix rig: the emulator (with fault injection and a request log that records who
 * sent each request, when it arrived and when it was answered), the simulated control plane on a
 * manual clock, and reconciler replicas talking HTTP to it, each as its own kubeconfig user.
 * The invariants are measured on the server side, from the request log and the store.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { defaultConfig } from '../../src/core/config.ts';
import { CATCH_UP_FOR_ANNOTATION, RERUN_OF_ANNOTATION } from '../../src/core/annotations.ts';
import type { ReconcilerConfig } from '../../src/core/types.ts';
import { KubeClient, type KubeClientOptions } from '../../src/adapters/kube-client.ts';
import { Controller, type ControllerOptions } from '../../src/runtime/controller.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import type { RequestRecord } from '../../src/emulator/faults.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { ManualClock } from '../../src/sim/clock.ts';
import { startSimulation, type Simulation } from '../../src/sim/simulation.ts';

export interface Rig {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly emu: Emulator;
  readonly sim: Simulation;
  close(): Promise<void>;
}

/** Starts the emulator and the simulation on a manual clock. */
export async function startRig(bookmarkIntervalMs = 200): Promise<Rig> {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const emu = await startEmulator({ store, bookmarkIntervalMs, requestLogSize: 200_000 });
  const sim = startSimulation({ store, clock, seed: 7 });
  return {
    clock,
    store,
    emu,
    sim,
    close: async () => {
      sim.stop();
      await emu.close();
    },
  };
}

/** Fast timings so that the tests run in seconds; the defaults are tested elsewhere. */
export const FAST_REFLECTOR = { backoffBaseMs: 20, backoffMaxMs: 400, watchdogMs: 1500, resyncMs: 0 };

export interface ReplicaOptions {
  readonly user: string;
  readonly config?: Partial<ReconcilerConfig>;
  readonly client?: KubeClientOptions;
  readonly controller?: Partial<ControllerOptions>;
}

/** A reconciler replica against the rig, sending its requests as kubeconfig user `user`. */
export function replica(rig: Rig, options: ReplicaOptions): { controller: Controller; client: KubeClient } {
  const kc = new KubeConfig();
  kc.loadFromString(rig.emu.kubeconfigYaml('emulator', options.user));
  const client = new KubeClient(kc, { requestTimeoutMs: 5000, ...options.client });
  const controller = new Controller({
    port: client,
    // The gate on, so every cache the reconciler can hold (ResourceQuotas included) is exercised.
    config: defaultConfig({ kubernetesVersion: '1.31', admissionGate: true, ...options.config }),
    identity: options.user,
    now: () => rig.clock.now(),
    reflectorTimings: FAST_REFLECTOR,
    queue: { baseDelayMs: 20, maxDelayMs: 400 },
    ...options.controller,
  });
  return { controller, client };
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** The writes among `records` (Leases excluded: they are how a replica leads). */
export function writesOf(records: readonly RequestRecord[], user?: string): RequestRecord[] {
  return records.filter((r) => WRITE_VERBS.has(r.verb ?? '') && r.resource !== 'leases' && (user === undefined || r.user === user));
}

/** The resources whose caches `decide` reads. */
export const CACHED_RESOURCES = ['jobs', 'cronjobs', 'pods', 'nodes', 'resourcequotas'] as const;

/**
 * When `user`'s caches had all synced: the answer of its first complete list of every cached
 * resource (a 403/404 counts: that resource is then degraded). Infinity if one never arrived.
 */
export function syncedAt(records: readonly RequestRecord[], user: string): number {
  let latest = 0;
  for (const resource of CACHED_RESOURCES) {
    const first = records.find((r) => r.user === user && r.verb === 'list' && r.resource === resource && [200, 403, 404].includes(r.status ?? 0));
    if (!first?.answeredAt) return Infinity;
    latest = Math.max(latest, first.answeredAt);
  }
  return latest;
}

/** Writes `user` sent before its caches had synced. */
export function writesBeforeSync(records: readonly RequestRecord[], user: string): number {
  const synced = syncedAt(records, user);
  return writesOf(records, user).filter((r) => r.at < synced).length;
}

/** Jobs in `namespace` created as reruns (by source Job) or catch-up runs (by CronJob and time). */
export function createdRuns(store: MemoryStore, namespace: string): { reruns: Map<string, number>; catchUps: Map<string, number> } {
  const reruns = new Map<string, number>();
  const catchUps = new Map<string, number>();
  for (const job of store.list('Job', namespace)) {
    const a = job.metadata.annotations ?? {};
    if (a[RERUN_OF_ANNOTATION] !== undefined) reruns.set(a[RERUN_OF_ANNOTATION], (reruns.get(a[RERUN_OF_ANNOTATION]) ?? 0) + 1);
    const owner = job.metadata.ownerReferences?.[0]?.name ?? '';
    if (a[CATCH_UP_FOR_ANNOTATION] !== undefined) {
      const key = `${owner}@${a[CATCH_UP_FOR_ANNOTATION]}`;
      catchUps.set(key, (catchUps.get(key) ?? 0) + 1);
    }
  }
  return { reruns, catchUps };
}

/** Runs created beyond one per source (reruns) or per missed time (catch-ups). */
export function duplicateRuns(store: MemoryStore, namespace: string): number {
  const { reruns, catchUps } = createdRuns(store, namespace);
  let extra = 0;
  for (const n of [...reruns.values(), ...catchUps.values()]) extra += n - 1;
  return extra;
}

/** Successful deletes (2xx) of one object sent more than once. */
export function duplicateDeletes(records: readonly RequestRecord[]): number {
  const byPath = new Map<string, number>();
  for (const r of records) {
    if (r.verb !== 'delete' || (r.status ?? 0) >= 300 || r.status === undefined) continue;
    byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
  }
  let extra = 0;
  for (const n of byPath.values()) extra += n - 1;
  return extra;
}

interface EventLike {
  readonly reason?: string;
  readonly note?: string;
  readonly reportingController?: string;
  readonly regarding?: { name?: string; uid?: string };
  readonly series?: { count?: number };
}

/**
 * The reconciler's Events in `namespace`, by `regarding name/reason/note`: how many Event
 * objects, and the count each says (a series count, or 1).
 */
export function reconcilerEvents(store: MemoryStore, namespace: string): Map<string, { objects: number; count: number }> {
  const out = new Map<string, { objects: number; count: number }>();
  for (const obj of store.list('Event', namespace)) {
    const e = obj as unknown as EventLike;
    if (e.reportingController !== 'batch.cdk8s.io/reconciler') continue;
    const key = `${e.regarding?.name}/${e.reason}/${e.note}`;
    const seen = out.get(key) ?? { objects: 0, count: 0 };
    out.set(key, { objects: seen.objects + 1, count: seen.count + (e.series?.count ?? 1) });
  }
  return out;
}

/** Findings whose Event is not there exactly once (missing, two objects, or a count above 1). */
export function eventsNotExactlyOnce(store: MemoryStore, namespace: string, expected: readonly string[]): string[] {
  const events = reconcilerEvents(store, namespace);
  const wrong: string[] = [];
  for (const prefix of expected) {
    const matching = [...events.entries()].filter(([k]) => k.startsWith(prefix));
    const total = matching.reduce((n, [, v]) => n + v.count, 0);
    if (matching.length !== 1 || total !== 1) wrong.push(`${prefix}: ${matching.length} Event(s), count ${total}`);
  }
  for (const [key, v] of events) if (v.objects !== 1 || v.count !== 1) wrong.push(`${key}: ${v.objects} object(s), count ${v.count}`);
  return [...new Set(wrong)];
}

/** Requests of `user` that arrived in [from, to). */
export function requestsBetween(records: readonly RequestRecord[], user: string, from: number, to: number): RequestRecord[] {
  return records.filter((r) => r.user === user && r.at >= from && r.at < to);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 10 ms; resolves with the time it took, or rejects after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - start;
}

/** True once the controller has nothing left to do right now. */
export function idle(c: Controller): boolean {
  return c.queue.length === 0 && c.queue.inFlight === 0;
}
