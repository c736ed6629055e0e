// Test fixtures for the simulated cluster: a store + ManualClock + simulation, and Job/CronJob manifests.
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/emulator/store.ts';
import type { NewObject, StoredObject } from '../../src/emulator/types.ts';
import { ManualClock, startSimulation, type Simulation } from '../../src/sim/index.ts';
import {
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAIL_INDEXES_ANNOTATION,
  SANDBOX_FAILURE_RATE_ANNOTATION,
} from 'cdk8s-batch/rules';

export const NS = 'default';

export interface Cluster {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly sim: Simulation;
}

/** A store (Kubernetes `kubernetesVersion`) on a ManualClock with the simulation running on it. */
export function cluster(seed = 1, kubernetesVersion = '1.31'): Cluster {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock, kubernetesVersion });
  const sim = startSimulation({ store, clock, seed });
  return { clock, store, sim };
}

/** Asserts that no controller failed to sync anything. */
export function assertNoErrors(c: Cluster): void {
  assert.deepEqual(c.sim.errors.map((e) => `${e.controller} ${e.key}: ${String(e.error)}`), []);
}

export interface PodBehaviourSpec {
  readonly duration?: string;
  readonly failureRate?: number;
  readonly exitCode?: number;
  readonly failIndexes?: string;
}

function behaviourAnnotations(b: PodBehaviourSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.duration !== undefined) out[SANDBOX_DURATION_ANNOTATION] = b.duration;
  if (b.failureRate !== undefined) out[SANDBOX_FAILURE_RATE_ANNOTATION] = String(b.failureRate);
  if (b.exitCode !== undefined) out[SANDBOX_EXIT_CODE_ANNOTATION] = String(b.exitCode);
  if (b.failIndexes !== undefined) out[SANDBOX_FAIL_INDEXES_ANNOTATION] = b.failIndexes;
  return out;
}

/** A pod template whose pods behave as `behaviour` says. */
export function template(behaviour: PodBehaviourSpec = {}, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { labels: { app: 'demo' }, annotations: behaviourAnnotations(behaviour) },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }], ...spec },
  };
}

/** A Job manifest; `spec` overrides the defaults (template from `behaviour`). */
export function jobManifest(name: string, spec: Record<string, unknown> = {}, behaviour: PodBehaviourSpec = {}): NewObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NS }, spec: { template: template(behaviour), ...spec } };
}

export function getJob(c: Cluster, name: string): StoredObject {
  const job = c.store.get('Job', NS, name);
  assert.ok(job, `Job ${name} exists`);
  return job;
}

/** Pods of a Job, oldest first. */
export function podsOf(c: Cluster, jobName: string): StoredObject[] {
  return c.store
    .list('Pod', NS, { 'batch.kubernetes.io/job-name': jobName })
    .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name));
}

export function podsInPhase(c: Cluster, jobName: string, phase: string): StoredObject[] {
  return podsOf(c, jobName).filter((p) => p.status?.phase === phase);
}

/** The condition `type` of an object (undefined when absent). */
export function condition(obj: StoredObject, type: string): { status: string; reason?: string; message?: string; lastTransitionTime?: string } | undefined {
  return (obj.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

/** Events about the object named `name`, oldest first, as `reason: note`. */
export function eventsAbout(c: Cluster, name: string): string[] {
  return c.store
    .list('Event', NS)
    .filter((e) => (e.regarding as { name: string }).name === name)
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${e.reason}: ${e.note}`);
}

/** Advances time in steps of `step` until `done()` or `limit` ms have passed; fails on timeout. */
export function runUntil(c: Cluster, done: () => boolean, limit = 3_600_000, step = 1000): void {
  const end = c.clock.now() + limit;
  c.clock.flush();
  while (!done()) {
    assert.ok(c.clock.now() < end, `condition not reached within ${limit} ms of simulated time`);
    c.clock.advance(step);
  }
}

/** Overwrites a pod's status as a kubelet would (e.g. a worker that finished early). */
export function setPodPhase(c: Cluster, pod: StoredObject, phase: 'Succeeded' | 'Failed', exitCode: number): void {
  const fresh = c.store.get('Pod', pod.metadata.namespace, pod.metadata.name)!;
  const at = new Date(c.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const containerStatuses = (fresh.status?.containerStatuses ?? []).map((cs: Record<string, unknown>) => ({
    ...cs,
    ready: false,
    state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: at, finishedAt: at } },
  }));
  const conditions = (fresh.status?.conditions ?? []).map((cd: { type: string }) => (cd.type === 'Ready' ? { ...cd, status: 'False', lastTransitionTime: at } : cd));
  c.store.replace({ ...fresh, status: { ...fresh.status, phase, containerStatuses, conditions } }, { subresource: 'status' });
}

export function isFinished(obj: StoredObject | undefined): boolean {
  return obj !== undefined && ['Complete', 'Failed'].some((t) => condition(obj, t)?.status === 'True');
}
