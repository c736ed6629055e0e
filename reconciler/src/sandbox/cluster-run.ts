/**
 * The sandbox on a real cluster (`cdk8s-batch sandbox --kubeconfig FILE`): the same flow as on
 * the emulator — check, apply, run the reconciler, show the Jobs running and the Events, end
 * with a summary — but the API server and the job, CronJob, TTL and garbage-collector
 * controllers are the cluster's own. Pods run on a simulated node (`SimulatedKubelet`) that
 * follows the sandbox annotations, so a control plane without nodes (`npx projen cluster:up`)
 * runs the app to completion. Time is the wall clock: real controllers have no simulated time.
 */
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { SUPPORTED_VERSIONS } from 'cdk8s-batch/rules';
import { checkSources } from '../check/check.ts';
import { summaryLine } from '../check/format-text.ts';
import type { SourceObject } from '../check/types.ts';
import type { CommandIo } from '../commands.ts';
import { defaultConfig } from '../core/config.ts';
import type { KubeObject } from '../core/types.ts';
import { KubeClient } from '../adapters/kube-client.ts';
import { toKubeApiError } from '../adapters/errors.ts';
import { ClientNodeKubeletWriter, SimulatedKubelet } from '../kubelet/kubelet.ts';
import { Controller } from '../runtime/controller.ts';
import { REPORTING_CONTROLLER } from '../runtime/actuator.ts';
import { Reflector } from '../runtime/reflector.ts';
import { nextScheduleAfter, parseSchedule } from '../sim/cronjob-plan.ts';
import { renderSummary, table } from './progress.ts';
import { withPodDefaults, type SandboxOptions } from './run.ts';
import { SandboxView } from './view.ts';

export interface ClusterSandboxOptions extends Pick<SandboxOptions, 'timeoutMs' | 'mode' | 'seed' | 'podDefaults'> {
  readonly kubeConfig: KubeConfig;
  /** The `--kubernetes-version` override; default: the cluster's own version. */
  readonly kubernetesVersion?: string;
}

const SETTLE_MS = 3_000;
const POLL_MS = 250;

/**
 * What belongs to this run: the objects it created, the Jobs its CronJobs start, and what
 * Events say about them. Jobs and CronJobs that were in the namespaces before the run (another
 * app, an earlier run) are neither waited for nor shown.
 */
export class RunScope {
  /** uids of the objects the run created and of the Jobs its CronJobs started. */
  private readonly uids = new Set<string>();

  /** Records an object the run created (the API server's answer, with its uid). */
  created(object: KubeObject): void {
    if (object.metadata?.uid) this.uids.add(object.metadata.uid);
  }

  /** A Job the run created, or one a CronJob of the run started (then remembered for its Events). */
  ownsJob(job: KubeObject): boolean {
    const uid = job.metadata?.uid;
    if (uid && this.uids.has(uid)) return true;
    const owners = job.metadata?.ownerReferences ?? [];
    if (!owners.some((o) => this.uids.has(o.uid))) return false;
    if (uid) this.uids.add(uid);
    return true;
  }

  ownsObject(object: KubeObject): boolean {
    return this.uids.has(object.metadata?.uid ?? '');
  }

  /** An Event about an object of the run. */
  ownsEvent(event: KubeObject): boolean {
    const about = (event.involvedObject ?? event.regarding) as { uid?: string } | undefined;
    return this.uids.has(about?.uid ?? '');
  }
}

interface Running {
  readonly kubelet: SimulatedKubelet;
  readonly controller: Controller;
  readonly jobs: Reflector;
  readonly cronJobs: Reflector;
  readonly events: Reflector;
  readonly view: SandboxView;
  readonly start: number;
  readonly scope: RunScope;
}

/** `major.minor` of the cluster when the rules know it, else the newest version they know. */
export function rulesVersionFor(gitVersion: string): { version: string; note?: string } {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const version = m ? `${m[1]}.${m[2]}` : '';
  if (SUPPORTED_VERSIONS.includes(version)) return { version };
  const newest = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
  return { version: newest, note: `the cluster runs Kubernetes ${gitVersion}, which the rules do not know; checking with the rules of ${newest}` };
}

/** Runs the sandbox on the cluster of `options.kubeConfig`; resolves to the exit code. */
export async function runSandboxOnCluster(objects: readonly SourceObject[], options: ClusterSandboxOptions, io: CommandIo): Promise<number> {
  const client = new KubeClient(options.kubeConfig);
  const server = await client.serverVersion();
  const chosen = options.kubernetesVersion ? { version: options.kubernetesVersion } : rulesVersionFor(server.gitVersion);
  if (chosen.note) io.stdout.write(`sandbox: ${chosen.note}\n`);
  const report = checkSources(objects, { kubernetesVersion: chosen.version });
  io.stdout.write(`check: ${summaryLine(report)}\n`);
  io.stdout.write(`sandbox: Kubernetes ${server.gitVersion} at ${client.server} (real API server and controllers, simulated node), wall-clock time\n`);
  const running = await start(client, options, chosen.version, io);
  try {
    const rejected = await applyToCluster(options.kubeConfig, objects, options.podDefaults ?? {}, {
      print: (line) => running.view.print(line),
      created: (object) => running.scope.created(object),
    });
    running.controller.start();
    const settled = await waitUntilSettled(running, Date.now() + options.timeoutMs);
    running.view.finish();
    printSummary(running, io, settled);
    return settled && rejected === 0 ? 0 : 1;
  } finally {
    await stop(running);
  }
}

async function start(client: KubeClient, options: ClusterSandboxOptions, version: string, io: CommandIo): Promise<Running> {
  const scope = new RunScope();
  const begin = Date.now();
  const view = new SandboxView({ out: io.stdout, tty: io.stdout.isTTY === true, start: begin });
  const kubelet = new SimulatedKubelet({
    port: client,
    writer: new ClientNodeKubeletWriter(options.kubeConfig),
    seed: options.seed,
    onError: (err, pod) => view.print(`kubelet: ${pod.namespace}/${pod.name}: ${err.message}`),
  });
  await kubelet.start();
  const controller = new Controller({
    port: client,
    config: defaultConfig({ mode: options.mode, kubernetesVersion: version, admissionGate: true }),
    now: () => Date.now(),
    identity: 'sandbox',
  });
  const show = (j: KubeObject): void => {
    if (scope.ownsJob(j)) view.updateJob(j, Date.now());
  };
  const jobs = new Reflector(client, { kind: 'Job', handler: { onAdd: show, onUpdate: (_o, j) => show(j) } });
  const cronJobs = new Reflector(client, { kind: 'CronJob' });
  const events = new Reflector(client, {
    kind: 'Event',
    handler: {
      onAdd: (e) => {
        if (scope.ownsEvent(e)) view.event(e, Date.now());
      },
    },
  });
  for (const r of [jobs, cronJobs, events]) r.start();
  await Promise.all([jobs.waitForSync(), cronJobs.waitForSync(), events.waitForSync()]);
  return { kubelet, controller, jobs, cronJobs, events, view, start: begin, scope };
}

/** Where `applyToCluster` reports: a line per object, and each object the API server created. */
export interface ApplyReport {
  readonly print: (line: string) => void;
  readonly created: (object: KubeObject) => void;
}

/** Creates every object through the API server, Namespaces first; returns how many were rejected. */
export async function applyToCluster(
  kubeConfig: KubeConfig,
  objects: readonly SourceObject[],
  podDefaults: Readonly<Record<string, string>>,
  report: ApplyReport,
): Promise<number> {
  const { print } = report;
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const ordered = [...objects].sort((a, b) => Number(b.object.kind === 'Namespace') - Number(a.object.kind === 'Namespace'));
  let rejected = 0;
  for (const source of ordered) {
    const object = withPodDefaults(source.object as KubernetesObject, podDefaults);
    const what = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? ''}`;
    try {
      report.created((await client.create(object)) as KubeObject);
      print(`applied   ${what}`);
    } catch (err) {
      const e = toKubeApiError(err);
      if (e.status === 404) {
        print(`skipped   ${what} (${source.file}): ${object.apiVersion} ${object.kind} is not served by this cluster`);
        continue;
      }
      rejected++;
      print(`rejected  ${what} (${source.file}): ${e.message}`);
    }
  }
  return rejected;
}

function isFinished(job: KubeObject): boolean {
  const conditions: Array<{ type?: string; status?: string }> = Array.isArray(job.status?.conditions) ? job.status.conditions : [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** When a CronJob next starts after `now`, or undefined when its schedule cannot be read. */
function nextStart(cronJob: KubeObject, now: number): number | undefined {
  try {
    return nextScheduleAfter(parseSchedule(cronJob.spec), now);
  } catch {
    return undefined;
  }
}

/** A CronJob is done once it ran with nothing active, or when its next start comes after the run's deadline. */
function cronJobSettled(cronJob: KubeObject, deadline: number): boolean {
  if (cronJob.spec?.suspend === true) return true;
  if ((cronJob.status?.active ?? []).length > 0) return false;
  if (cronJob.status?.lastScheduleTime) return true;
  const next = nextStart(cronJob, Date.now());
  return next === undefined || next > deadline;
}

function isSettled(running: Running, deadline: number): boolean {
  const { scope } = running;
  const jobsDone = running.jobs.list().filter((j) => scope.ownsJob(j)).every((j) => isFinished(j) || j.spec?.suspend === true);
  const cronsDone = running.cronJobs.list().filter((c) => scope.ownsObject(c)).every((c) => cronJobSettled(c, deadline));
  return jobsDone && cronsDone && running.controller.queue.length === 0;
}

async function waitUntilSettled(running: Running, deadline: number): Promise<boolean> {
  let settledSince: number | undefined;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!isSettled(running, deadline)) {
      settledSince = undefined;
      continue;
    }
    settledSince ??= Date.now();
    if (Date.now() - settledSince >= SETTLE_MS) return true;
  }
  running.view.print('sandbox: not every Job finished before --timeout');
  return false;
}

function printSummary(running: Running, io: CommandIo, settled: boolean): void {
  io.stdout.write(`\n${renderSummary(running.view.jobRows())}\n`);
  const now = Date.now();
  const waiting = running.cronJobs.list().filter((c) => running.scope.ownsObject(c)).filter((c) => !c.status?.lastScheduleTime && c.spec?.suspend !== true);
  if (waiting.length > 0) {
    const rows = waiting.map((c) => [`${c.metadata?.namespace}/${c.metadata?.name}`, String(c.spec?.schedule ?? ''), new Date(nextStart(c, now) ?? now).toISOString()]);
    io.stdout.write(`\nCronJobs not started during the run:\n${table(['CRONJOB', 'SCHEDULE', 'NEXT START'], rows)}\n`);
  }
  const events = running.events.list().filter((e) => running.scope.ownsEvent(e) && e.reportingController === REPORTING_CONTROLLER);
  const rows = [...new Set(events.map((e) => String(e.reason)))].sort().map((reason) => [reason, String(events.filter((e) => e.reason === reason).length)]);
  io.stdout.write(`\nreconciler Events (${events.length}):\n${rows.length > 0 ? table(['REASON', 'COUNT'], rows) : '(none)'}\n`);
  io.stdout.write(settled ? '\nsandbox: every Job finished\n' : '\nsandbox: stopped before every Job finished\n');
}

async function stop(running: Running): Promise<void> {
  await running.controller.stop();
  await Promise.all([running.jobs.stop(), running.cronJobs.stop(), running.events.stop()]);
  await running.kubelet.stop();
}
