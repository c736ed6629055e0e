// The real side: runs every scenario at once on a real control plane with the simulated kubelet (wall
// clock) and writes the outcomes to recorded/real-<major.minor>.json, or to --out (CI records the live
// server's outcomes into a temporary file and diff.test.ts compares them: SIMDIFF_RECORDING=<file>).
//   node --import tsx test/diff/record-real.ts --kubeconfig ~/.cache/cdk8s-batch/clusters/simdiff/kubeconfig [--out file] [--only a,b]
// --only without --out records those scenarios again into the committed file and keeps the others.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { toKubeApiError } from '../../src/adapters/errors.ts';
import { KubeClient, loadKubeConfig } from '../../src/adapters/kube-client.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { ClientNodeKubeletWriter, SimulatedKubelet } from '../../src/kubelet/kubelet.ts';
import { DELETE_WAIT_MS, deletingWithPods, eventsOf, jobsOf, observeCronJob, observeDeleted, observeJob, observeSettled, podsOf, podsSettled, runIsOver, type Outcome, type Recording } from './observe.ts';
import { DIFF_NAMESPACE, deletionObserved, lastScheduleTimeFor, podToEvict, scenariosFor, type Scenario, type TimedAction } from './scenarios.ts';

const REAL_LIMIT_MS = 240_000;
const POLL_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Removes the Job of an earlier recording (and its pods) so that the scenario starts afresh. */
async function removeEarlier(client: KubeClient, kind: 'Job' | 'CronJob', name: string): Promise<void> {
  const target = { namespace: DIFF_NAMESPACE, name };
  for (let tries = 0; ; tries++) {
    try {
      await client.get(kind, DIFF_NAMESPACE, name);
    } catch (err) {
      if (toKubeApiError(err).status === 404) return;
      throw err;
    }
    if (tries === 0) await client.delete(kind, target, { propagationPolicy: 'Foreground' });
    if (tries * POLL_MS > REAL_LIMIT_MS) throw new Error(`${kind} ${name} of an earlier recording is still there after ${REAL_LIMIT_MS} ms`);
    await sleep(POLL_MS);
  }
}

async function jobsOfCronJob(client: KubeClient, cronJob: KubeObject): Promise<KubeObject[]> {
  if (cronJob.kind !== 'CronJob') return [];
  return jobsOf(cronJob, (await client.list('Job', { namespace: DIFF_NAMESPACE })).items);
}

/** Carries out a timed action: a merge patch of the target, or the eviction (policy/v1) of the Job's first running pod. */
async function act({ client, core, batch }: Real, action: TimedAction, target: { kind: 'Job' | 'CronJob'; name: string }): Promise<void> {
  if ('patch' in action) {
    await client.mergePatch(target.kind, { namespace: DIFF_NAMESPACE, name: target.name }, action.patch);
    return;
  }
  if ('delete' in action) {
    await client.delete(target.kind, { namespace: DIFF_NAMESPACE, name: target.name }, { propagationPolicy: action.delete });
    return;
  }
  if ('lastScheduleTimeAgoMs' in action) {
    const body = { status: { lastScheduleTime: lastScheduleTimeFor(action, Date.now()) } };
    await batch.patchNamespacedCronJobStatus({ namespace: DIFF_NAMESPACE, name: target.name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    return;
  }
  const pods = (await client.list('Pod', { namespace: DIFF_NAMESPACE, labelSelector: `batch.kubernetes.io/job-name=${target.name}` })).items;
  const pod = podToEvict(pods);
  if (!pod) throw new Error(`${target.name}: no running pod to evict`);
  const podName = String(pod.metadata?.name);
  await core.createNamespacedPodEviction({ namespace: DIFF_NAMESPACE, name: podName, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: podName, namespace: DIFF_NAMESPACE } } });
}

/** The clients of the real side: KubeClient for objects, CoreV1Api for the eviction subresource, BatchV1Api for a CronJob's status. */
interface Real {
  readonly client: KubeClient;
  readonly core: CoreV1Api;
  readonly batch: BatchV1Api;
}

async function runReal(real: Real, scenario: Scenario): Promise<Outcome> {
  const { client } = real;
  const name = String(scenario.manifest.metadata?.name);
  const kind = scenario.manifest.kind === 'CronJob' ? 'CronJob' : 'Job';
  await removeEarlier(client, kind, name);
  if (scenario.startAtSecond !== undefined) await sleep((scenario.startAtSecond * 1000 - (Date.now() % 60_000) + 60_000) % 60_000);
  const start = Date.now();
  const created = await client.create(kind, DIFF_NAMESPACE, scenario.manifest);
  const pending = [...(scenario.actions ?? [])].sort((a, b) => a.atMs - b.atMs);
  let waitedForPods = false;
  let deletedAt: number | undefined;
  for (;;) {
    const elapsed = Date.now() - start;
    while (pending.length > 0 && elapsed >= pending[0].atMs) {
      const action = pending.shift()!;
      if ('delete' in action) deletedAt = Date.now();
      await act(real, action, { kind, name });
    }
    const found = await getOrGone(client, kind, name);
    if (!found) {
      // Deleted (a TTL): observed at the scenario's time, with the pods it left.
      if (scenario.observeAtMs === undefined) throw new Error(`${scenario.name}: the ${kind} was deleted before its run was over`);
      if (elapsed < scenario.observeAtMs) {
        await sleep(POLL_MS);
        continue;
      }
      return observeDeleted(created, (await client.list('Pod', { namespace: DIFF_NAMESPACE })).items, deletionObserved(scenario, waitedForPods));
    }
    const waiting = deletedAt !== undefined && Date.now() - deletedAt >= DELETE_WAIT_MS;
    if (waiting && deletingWithPods(found, (await client.list('Pod', { namespace: DIFF_NAMESPACE })).items)) waitedForPods = true;
    const target: KubeObject = { ...found, kind };
    const jobs = await jobsOfCronJob(client, target);
    const over = scenario.observeAtMs !== undefined ? elapsed >= scenario.observeAtMs : pending.length === 0 && runIsOver(target, jobs, scenario.finishedJobs);
    if (over) return observeOver(client, scenario, target);
    if (elapsed > REAL_LIMIT_MS) throw new Error(`${scenario.name}: not settled within ${REAL_LIMIT_MS} ms: ${JSON.stringify(target.status)}`);
    await sleep(POLL_MS);
  }
}

async function getOrGone(client: KubeClient, kind: 'Job' | 'CronJob', name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(kind, DIFF_NAMESPACE, name);
  } catch (err) {
    if (toKubeApiError(err).status === 404) return undefined;
    throw err;
  }
}

/** Lets the event recorder (asynchronous in the controllers) catch up before Events are read. */
const EVENT_LAG_MS = 2_000;
const SETTLE_LIMIT_MS = 60_000;

async function events(client: KubeClient): Promise<KubeObject[]> {
  return (await client.list('Event', { namespace: DIFF_NAMESPACE })).items;
}

/** The outcome once the run is over; for a finished Job also its pods (once they stopped terminating) and Events. */
async function observeOver(client: KubeClient, scenario: Scenario, target: KubeObject): Promise<Outcome> {
  if (target.kind === 'CronJob') {
    // Read again after the lag: before 1.31 the CronJob controller sets lastSuccessfulTime in the
    // sync right after the one that takes the finished Job off its active list.
    await sleep(EVENT_LAG_MS);
    const settled: KubeObject = { ...(await client.get('CronJob', DIFF_NAMESPACE, String(target.metadata?.name))), kind: 'CronJob' };
    return { ...observeCronJob(settled, await jobsOfCronJob(client, settled)), events: eventsOf(settled.metadata?.uid, await events(client)) };
  }
  const outcome = observeJob(target);
  if (scenario.observeAtMs !== undefined) return outcome;
  const pods = async (): Promise<KubeObject[]> => podsOf(target, (await client.list('Pod', { namespace: DIFF_NAMESPACE })).items);
  for (const start = Date.now(); !podsSettled(await pods()) && Date.now() - start < SETTLE_LIMIT_MS; ) await sleep(POLL_MS);
  await sleep(EVENT_LAG_MS);
  return { ...outcome, settled: observeSettled(target, await pods(), await events(client)) };
}

/** `base` with the outcomes of `part` (recorded later on the same minor version) in place of its own. */
function mergeInto(base: Recording, part: Recording): Recording {
  if (minorOf(base.kubernetesVersion) !== minorOf(part.kubernetesVersion)) {
    throw new Error(`cannot merge a recording of ${part.kubernetesVersion} into one of ${base.kubernetesVersion}`);
  }
  const parts = [...(base.partsRecordedAt ?? []), { scenarios: Object.keys(part.outcomes).sort(), recordedAt: part.recordedAt, kubernetesVersion: part.kubernetesVersion }];
  return { ...base, outcomes: { ...base.outcomes, ...part.outcomes }, partsRecordedAt: parts };
}

function minorOf(gitVersion: string): string {
  return gitVersion.replace(/^v/, '').split('.').slice(0, 2).join('.');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
  const kubeConfig = loadKubeConfig({ kubeconfig: values.kubeconfig, env: process.env });
  // The observers and the kubelet get their own clients, each far above the default request
  // budget: every scenario runs at once, and a shared 20 requests/s would delay the pods.
  const client = new KubeClient(kubeConfig, { qps: 500, burst: 500 });
  const version = await client.serverVersion();
  const kubelet = new SimulatedKubelet({
    port: new KubeClient(kubeConfig, { qps: 500, burst: 500 }),
    writer: new ClientNodeKubeletWriter(kubeConfig),
    seed: 1,
    onError: (err, pod) => process.stderr.write(`kubelet: ${pod.name}: ${err.message}\n`),
  });
  await kubelet.start();
  try {
    const chosen = scenariosFor(Number(version.minor.replace(/\D.*$/, ''))).filter((s) => values.only === undefined || values.only.split(',').includes(s.name));
    const results = await Promise.all(chosen.map(async (s) => [s.name, await runReal({ client, core: kubeConfig.makeApiClient(CoreV1Api), batch: kubeConfig.makeApiClient(BatchV1Api) }, s)] as const));
    const minor = `${version.major}.${version.minor.replace(/\D.*$/, '')}`;
    const fresh: Recording = { kubernetesVersion: version.gitVersion, recordedAt: new Date().toISOString(), outcomes: Object.fromEntries(results) };
    const file = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'recorded', `real-${minor}.json`);
    // --only into the committed file replaces those scenarios' outcomes and keeps the others.
    const recording = values.only !== undefined && values.out === undefined && existsSync(file) ? mergeInto(JSON.parse(readFileSync(file, 'utf8')) as Recording, fresh) : fresh;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
    process.stdout.write(`recorded ${results.length} scenarios of ${version.gitVersion} in ${file}\n`);
    // CronJobs would go on creating Jobs every minute: remove them (their Jobs go with them).
    for (const s of chosen.filter((c) => c.manifest.kind === 'CronJob')) {
      await client.delete('CronJob', { namespace: DIFF_NAMESPACE, name: String(s.manifest.metadata?.name) }, { propagationPolicy: 'Background' }).catch(() => undefined);
    }
  } finally {
    await kubelet.stop();
  }
}

await main();
