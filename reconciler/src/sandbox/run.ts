/**
 * Runs the whole product against an emulated cluster: checks the manifests with the shared
 * rules, starts the API emulator (HTTP on 127.0.0.1) with simulated job, CronJob and TTL
 * controllers on an accelerated clock, applies the manifests through the API like
 * `kubectl create`, runs the reconciler against it through its real client adapter, shows
 * progress and Events, and ends with a summary once every Job has finished.
 */
import { writeFile } from 'node:fs/promises';
import { DEFAULT_KUBERNETES_VERSION, compareVersions, parseVersion, recordedKubernetesVersion } from 'cdk8s-batch/rules';
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { checkSources } from '../check/check.ts';
import { summaryLine } from '../check/format-text.ts';
import type { SourceObject } from '../check/types.ts';
import type { CommandIo } from '../commands.ts';
import { defaultConfig } from '../core/config.ts';
import type { KubeObject, Mode } from '../core/types.ts';
import { KubeClient } from '../adapters/kube-client.ts';
import { toKubeApiError } from '../adapters/errors.ts';
import { startEmulator, type Emulator } from '../emulator/server.ts';
import { isNamespacedKind, servedResource } from '../emulator/resources.ts';
import { MemoryStore, timestamp } from '../emulator/store.ts';
import type { StoredObject } from '../emulator/types.ts';
import { Controller } from '../runtime/controller.ts';
import { REPORTING_CONTROLLER } from '../runtime/actuator.ts';
import { ScaledClock } from '../sim/clock.ts';
import { nextScheduleAfter, parseSchedule } from '../sim/cronjob-plan.ts';
import { startSimulation, type Simulation } from '../sim/simulation.ts';
import { renderSummary, table } from './progress.ts';
import { SandboxView } from './view.ts';

export interface SandboxOptions {
  /** Simulated seconds per wall-clock second. */
  readonly speed: number;
  /** Wall-clock limit for the Jobs to finish. */
  readonly timeoutMs: number;
  /**
   * The `--kubernetes-version` override: the version the emulator serves and every manifest is
   * checked for. Default: see `sandboxVersion`.
   */
  readonly kubernetesVersion?: string;
  readonly mode: Mode;
  readonly seed: number;
  /** Keep the emulator running afterwards and write a kubeconfig for kubectl. */
  readonly serve: boolean;
  readonly kubeconfigPath: string;
  /** Resolves when a `--serve` sandbox should stop (e.g. on Ctrl-C). */
  readonly untilStopped: () => Promise<void>;
  /**
   * Sandbox pod annotations applied to every Job and CronJob pod template that does not set
   * them itself (e.g. `--pod-duration`, `--failure-rate`).
   */
  readonly podDefaults?: Readonly<Record<string, string>>;
}

/** Simulated time before the first CronJob start at which the run begins, so schedules fire at once. */
const CRONJOB_LEAD_MS = 15_000;
/** How long (wall clock) everything must stay settled before the run ends. */
const SETTLE_WALL_MS = 1_500;
const POLL_MS = 100;

interface Running {
  readonly clock: ScaledClock;
  readonly store: MemoryStore;
  readonly emulator: Emulator;
  readonly simulation: Simulation;
  readonly controller: Controller;
  readonly view: SandboxView;
  readonly unwatch: () => void;
}

/** Runs the sandbox on already loaded manifests; resolves to the exit code. */
export async function runSandbox(objects: readonly SourceObject[], options: SandboxOptions, io: CommandIo): Promise<number> {
  const report = checkSources(objects, { kubernetesVersion: options.kubernetesVersion });
  io.stdout.write(`check: ${summaryLine(report)}\n`);
  const version = sandboxVersion(objects, options.kubernetesVersion);
  if (version.note) io.stdout.write(`sandbox: ${version.note}\n`);
  const running = await start(objects, { ...options, kubernetesVersion: version.version }, io);
  try {
    const rejected = await applyAll(objects, running, io, options.podDefaults);
    // Simulated time runs at the wall clock's pace while the manifests are applied, so a CronJob
    // is created before its first start; then it speeds up.
    running.clock.setSpeed(options.speed);
    running.controller.start();
    const settled = await waitUntilSettled(running, options.timeoutMs);
    running.view.finish();
    printSummary(running, io, settled);
    if (options.serve) await serve(running, options, io);
    return settled && rejected === 0 ? 0 : 1;
  } finally {
    await stop(running);
  }
}

/**
 * The version the emulated cluster serves: the flag; else the version the manifests record
 * (`batch.cdk8s.io/kubernetes-version`), the newest when they differ, as one cluster must serve
 * every object; else the default. `note` explains a choice between different recorded versions.
 */
export function sandboxVersion(objects: readonly SourceObject[], override?: string): { version: string; note?: string } {
  if (override !== undefined) return { version: override };
  const recorded = new Set<string>();
  for (const { object } of objects) {
    const r = recordedKubernetesVersion(object);
    if (r.kind === 'supported') recorded.add(r.version);
  }
  const sorted = [...recorded].sort((a, b) => compareVersions(parseVersion(a), parseVersion(b)));
  if (sorted.length === 0) return { version: DEFAULT_KUBERNETES_VERSION };
  const newest = sorted[sorted.length - 1];
  if (sorted.length === 1) return { version: newest };
  return {
    version: newest,
    note: `the manifests record Kubernetes ${sorted.join(', ')}; the emulator serves the newest, ${newest} (choose with --kubernetes-version)`,
  };
}

async function start(objects: readonly SourceObject[], options: SandboxOptions & { kubernetesVersion: string }, io: CommandIo): Promise<Running> {
  const begin = firstCronJobStart(objects, Date.now());
  const clock = new ScaledClock({ speed: 1, start: begin });
  const store = new MemoryStore({ clock, kubernetesVersion: options.kubernetesVersion });
  const emulator = await startEmulator({ store, bookmarkIntervalMs: 5_000 });
  const simulation = startSimulation({ store, clock, seed: options.seed });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(emulator.kubeconfigYaml('sandbox'));
  const controller = new Controller({
    port: new KubeClient(kubeConfig),
    // The sandbox shows every behaviour of the manifests, the admission gate included.
    config: defaultConfig({ mode: options.mode, kubernetesVersion: options.kubernetesVersion, admissionGate: true }),
    now: () => clock.now(),
    // requeue delays are simulated time; the controller's timers run on the wall clock
    requeueDelay: (ms: number) => ms / clock.speed,
    identity: 'sandbox',
  });
  const view = new SandboxView({ out: io.stdout, tty: io.stdout.isTTY === true, start: begin });
  const unwatch = store.watch((e) => {
    if (e.object.kind === 'Job' && e.type !== 'DELETED') view.updateJob(e.object as KubeObject, clock.now());
    if (e.object.kind === 'Event' && e.type === 'ADDED') view.event(e.object as KubeObject, clock.now());
  });
  io.stdout.write(`sandbox: Kubernetes ${options.kubernetesVersion} emulator at ${emulator.url}, simulated time ×${options.speed}\n`);
  return { clock, store, emulator, simulation, controller, view, unwatch };
}

/** The run starts shortly before the earliest CronJob start, so a nightly schedule plays out at once. */
export function firstCronJobStart(objects: readonly SourceObject[], now: number): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const { object } of objects) {
    if (object.kind !== 'CronJob') continue;
    try {
      earliest = Math.min(earliest, nextScheduleAfter(parseSchedule((object as KubeObject).spec), now));
    } catch {
      // an invalid schedule is reported by the check and rejected by the API
    }
  }
  return Number.isFinite(earliest) ? Math.max(now, earliest - CRONJOB_LEAD_MS) : now;
}

/** Creates every object of a kind the emulator serves through the API, Namespaces first; returns how many were rejected. */
async function applyAll(objects: readonly SourceObject[], running: Running, io: CommandIo, podDefaults: Readonly<Record<string, string>> = {}): Promise<number> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(running.emulator.kubeconfigYaml('sandbox'));
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const ordered = [...objects].sort((a, b) => Number(b.object.kind === 'Namespace') - Number(a.object.kind === 'Namespace'));
  let rejected = 0;
  for (const source of ordered) {
    const object = source.object as KubernetesObject;
    const outcome = servedResource(String(object.apiVersion ?? ''), String(object.kind ?? ''))
      ? await applyOne(client, withPodDefaults(withNamespace(object), podDefaults))
      : notServed(object);
    if (outcome.rejected) rejected++;
    const line = `${outcome.verb.padEnd(9)} ${describeObject(object)}${outcome.detail ? ` (${source.file}): ${outcome.detail}` : ''}`;
    if (outcome.rejected) io.stdout.write(`${line}\n`);
    else running.view.print(line);
  }
  return rejected;
}

interface ApplyOutcome {
  readonly verb: string;
  readonly rejected: boolean;
  readonly detail?: string;
}

/** A kind the emulator does not serve (a custom resource, an unknown group or version): skipped, not a failure. */
function notServed(object: KubernetesObject): ApplyOutcome {
  const what = `${object.apiVersion ?? '(no apiVersion)'} ${object.kind ?? '(no kind)'}`;
  return { verb: 'skipped', rejected: false, detail: `${what} is not served by the sandbox's emulated API server (custom resources and other groups are not emulated)` };
}

async function applyOne(client: KubernetesObjectApi, manifest: KubernetesObject): Promise<ApplyOutcome> {
  try {
    await client.create(manifest);
    return { verb: 'applied', rejected: false };
  } catch (err) {
    return { verb: 'rejected', rejected: true, detail: toKubeApiError(err).message };
  }
}

function describeObject(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? ''}`;
}

/** Adds the sandbox pod annotations a Job's (or CronJob's job template's) pod template lacks. */
export function withPodDefaults(object: KubernetesObject, defaults: Readonly<Record<string, string>>): KubernetesObject {
  if (Object.keys(defaults).length === 0) return object;
  const copy = JSON.parse(JSON.stringify(object)) as KubeObject;
  const template = podTemplateOf(copy);
  if (!template) return object;
  template.metadata = { ...template.metadata, annotations: { ...defaults, ...template.metadata?.annotations } };
  return copy as KubernetesObject;
}

function podTemplateOf(object: KubeObject): { metadata?: { annotations?: Record<string, string> } } | undefined {
  const jobSpec = object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec : object.kind === 'Job' ? object.spec : undefined;
  const template = jobSpec?.template;
  return template && typeof template === 'object' ? template : undefined;
}

function withNamespace(object: KubernetesObject): KubernetesObject {
  if (!isNamespacedKind(object.kind ?? '') || object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace: 'default' } };
}

/**
 * Waits until every Job has finished (or is held suspended) and every CronJob has run or starts
 * only after the run can end, or the timeout.
 */
async function waitUntilSettled(running: Running, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let settledSince: number | undefined;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    if (!isSettled(running, runHorizon(running.clock, deadline))) {
      settledSince = undefined;
      continue;
    }
    settledSince ??= Date.now();
    if (Date.now() - settledSince >= SETTLE_WALL_MS) return true;
  }
  running.view.print(`sandbox: not every Job finished within ${Math.round(timeoutMs / 1000)}s of wall time (try a higher --speed or --timeout)`);
  return false;
}

/** The simulated time the run reaches by its wall-clock deadline at the current speed. */
export function runHorizon(clock: Pick<ScaledClock, 'now' | 'speed'>, deadline: number, wallNow = Date.now()): number {
  return clock.now() + Math.max(0, deadline - wallNow) * clock.speed;
}

/**
 * Every Job finished or suspended, every CronJob settled (`cronJobSettled`), queue idle.
 * `horizon`: the simulated time the run can reach; a CronJob whose next start lies beyond it is not waited for.
 */
export function isSettled(running: Pick<Running, 'store' | 'controller'> & { clock: Pick<ScaledClock, 'now'> }, horizon = Number.POSITIVE_INFINITY): boolean {
  const jobs = running.store.list('Job');
  const cronJobs = running.store.list('CronJob');
  if (jobs.length === 0 && cronJobs.length === 0) return true;
  const jobsDone = jobs.every((j) => isJobFinished(j) || j.spec?.suspend === true);
  const now = running.clock.now();
  const cronsDone = cronJobs.every((c) => cronJobSettled(c, now, horizon));
  return jobsDone && cronsDone && running.controller.queue.length === 0;
}

/**
 * A CronJob has nothing more to show in this run: it is suspended, or it started a Job and has
 * none active, or its next start lies beyond `horizon` (a weekly schedule in a minutes-long run).
 */
export function cronJobSettled(cronJob: StoredObject, now: number, horizon: number): boolean {
  if (cronJob.spec?.suspend === true) return true;
  if ((cronJob.status?.active ?? []).length > 0) return false;
  if (cronJob.status?.lastScheduleTime) return true;
  const next = nextStartOf(cronJob, now);
  return next === undefined || next > horizon;
}

/** The CronJob's first scheduled start after `now`, or undefined for a schedule the simulation cannot read. */
export function nextStartOf(cronJob: StoredObject | KubeObject, now: number): number | undefined {
  try {
    const schedule = parseSchedule(cronJob.spec);
    return schedule.error ? undefined : nextScheduleAfter(schedule, now);
  } catch {
    return undefined;
  }
}

function isJobFinished(job: StoredObject): boolean {
  const conditions: Array<{ type?: string; status?: string }> = Array.isArray(job.status?.conditions) ? job.status.conditions : [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function printSummary(running: Running, io: CommandIo, settled: boolean): void {
  io.stdout.write(`\n${renderSummary(running.view.jobRows())}\n`);
  const events = running.store.list('Event').filter((e) => e.reportingController === REPORTING_CONTROLLER);
  const byReason = new Map<string, { type: string; count: number }>();
  for (const e of events) {
    const key = String(e.reason);
    const entry = byReason.get(key) ?? { type: String(e.type), count: 0 };
    entry.count += Number((e.series as { count?: number } | undefined)?.count ?? 1);
    byReason.set(key, entry);
  }
  const rows = [...byReason.entries()].sort().map(([reason, v]) => [reason, v.type, String(v.count)]);
  io.stdout.write(`\nreconciler Events (${events.length}):\n${rows.length > 0 ? table(['REASON', 'TYPE', 'COUNT'], rows) : '(none)'}\n`);
  const cronJobs = running.store.list('CronJob');
  if (cronJobs.length > 0) io.stdout.write(`\n${renderCronJobSummary(cronJobs, running.clock.now())}\n`);
  io.stdout.write(settled ? '\nsandbox: every Job finished\n' : '\nsandbox: stopped before every Job finished\n');
}

/** One row per CronJob: its schedule, its last start in this run and its next start (UTC). */
export function renderCronJobSummary(cronJobs: readonly StoredObject[], now: number): string {
  const rows = cronJobs.map((c) => {
    const last = typeof c.status?.lastScheduleTime === 'string' ? c.status.lastScheduleTime : '-';
    return [c.metadata.name, String(c.spec?.schedule ?? ''), String(c.spec?.timeZone ?? 'UTC'), last, nextStartText(c, now, last === '-')];
  });
  return table(['CRONJOB', 'SCHEDULE', 'TIME ZONE', 'LAST START', 'NEXT START (UTC)'], rows);
}

function nextStartText(cronJob: StoredObject, now: number, neverStarted: boolean): string {
  if (cronJob.spec?.suspend === true) return '(suspended)';
  const next = nextStartOf(cronJob, now);
  if (next === undefined) return '-';
  return neverStarted ? `${timestamp(next)} (after this run)` : timestamp(next);
}

async function serve(running: Running, options: SandboxOptions, io: CommandIo): Promise<void> {
  await writeFile(options.kubeconfigPath, running.emulator.kubeconfigYaml('sandbox'), { mode: 0o600 });
  io.stdout.write(
    `\nsandbox: serving at ${running.emulator.url}; kubeconfig written to ${options.kubeconfigPath}\n` +
      `  kubectl --kubeconfig ${options.kubeconfigPath} get jobs,cronjobs,pods -A\n` +
      'Press Ctrl-C to stop.\n',
  );
  await options.untilStopped();
}

async function stop(running: Running): Promise<void> {
  running.unwatch();
  await running.controller.stop();
  running.simulation.stop();
  running.clock.dispose();
  await running.emulator.close();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
