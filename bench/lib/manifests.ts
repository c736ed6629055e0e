/**
 * Generated batch/v1 manifests for the check and reconcile benchmarks. The mix follows what a
 * cdk8s app of batch work synthesizes: Indexed, work-queue and one-shot Jobs with the
 * cdk8s-plus-28 pod defaults, and CronJobs; one object in eight carries a mistake that the
 * rules report (errors the API server would reject and hygiene warnings).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';

type Obj = Record<string, any>;

function podSpec(i: number): Obj {
  return {
    automountServiceAccountToken: false,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Never',
    securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'main',
        image: `registry.example.com/batch/worker-${i % 7}:1.${i % 5}.0`,
        args: ['--shard', '$(JOB_COMPLETION_INDEX)'],
        imagePullPolicy: 'Always',
        resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
        securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
      },
    ],
  };
}

/** A Job spec without violations, in one of three patterns. */
export function jobSpec(i: number): Obj {
  const base = { backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600, template: { metadata: { labels: { app: 'bench' } }, spec: podSpec(i) } };
  if (i % 3 === 0) return { ...base, completionMode: 'Indexed', completions: 8, parallelism: 4 };
  if (i % 3 === 1) return { ...base, parallelism: 4 };
  return { ...base, completions: 1, parallelism: 1 };
}

/** A clean Job named `name`. */
export function cleanJob(name: string, namespace: string, i: number): Obj {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, labels: { app: 'bench' } }, spec: jobSpec(i) };
}

/** A Job whose only problem is a hygiene warning (no `ttlSecondsAfterFinished`). */
export function warningJob(name: string, namespace: string, i: number): Obj {
  const job = cleanJob(name, namespace, i);
  delete job.spec.ttlSecondsAfterFinished;
  return job;
}

function cronJob(name: string, i: number): Obj {
  const spec = jobSpec(i);
  delete spec.ttlSecondsAfterFinished; // the history limits clean up
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', labels: { app: 'bench' } },
    spec: { schedule: `${i % 60} ${i % 24} * * *`, timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300, jobTemplate: { spec } },
  };
}

/** Mistakes found in real manifests; each is applied to one object in eight. */
const MISTAKES: Array<(o: Obj) => void> = [
  (o) => (specOf(o).template.spec.restartPolicy = 'Always'),
  (o) => delete specOf(o).activeDeadlineSeconds,
  (o) => (specOf(o).parallelism = 'four'),
  (o) => Object.assign(specOf(o), { backoffLimitPerIndex: 2, completionMode: 'NonIndexed' }),
  (o) => Object.assign(specOf(o), { completionMode: 'Indexed', completions: undefined }),
  (o) => (o.kind === 'CronJob' ? (o.spec.schedule = '61 * * * *') : delete o.spec.ttlSecondsAfterFinished),
];

function specOf(o: Obj): Obj {
  return o.kind === 'CronJob' ? o.spec.jobTemplate.spec : o.spec;
}

/** The i-th object of the check input: 7 Jobs to 3 CronJobs. */
export function manifest(i: number): Obj {
  const name = `batch-${i}`;
  const o = i % 10 < 7 ? cleanJob(name, 'default', i) : cronJob(name, i);
  if (i % 8 === 5) MISTAKES[Math.floor(i / 8) % MISTAKES.length](o);
  return JSON.parse(JSON.stringify(o)) as Obj; // drops the `undefined` a mistake left
}

/** Writes `count` objects as multi-document YAML files of `perFile` objects into `dir` (recreated). */
export function writeManifests(dir: string, count: number, perFile = 1000): { files: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  let files = 0;
  for (let start = 0; start < count; start += perFile) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + perFile); i++) docs.push(jsyaml.dump(manifest(i), { noRefs: true, lineWidth: -1 }));
    const text = docs.join('---\n');
    writeFileSync(join(dir, `chart-${String(files).padStart(2, '0')}.k8s.yaml`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { files, bytes };
}

/** The `spec.managedBy` of the benchmark's Jobs on a real cluster: the built-in job controller leaves them alone. */
export const BENCH_MANAGED_BY = 'bench.cdk8s.io/generator';

/** A clean Job for a real cluster: run by the benchmark's generator, not the job controller. */
export function managedJob(name: string, namespace: string, i: number, bad = false): Obj {
  const job = (bad ? warningJob : cleanJob)(name, namespace, i);
  job.spec.managedBy = BENCH_MANAGED_BY;
  return job;
}

/** Pod `k` of a Job, as the job controller creates it: owner reference and the controller-uid / job-name labels. */
export function jobPod(job: { name: string; uid: string; namespace: string }, i: number, k: number): Obj {
  const labels = {
    app: 'bench',
    'batch.kubernetes.io/controller-uid': job.uid,
    'batch.kubernetes.io/job-name': job.name,
    'controller-uid': job.uid,
    'job-name': job.name,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${job.name}-${k}`,
      namespace: job.namespace,
      labels,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.name, uid: job.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: podSpec(i),
  };
}

/** The status of a pod that ran to completion (kept for its logs). */
export function succeededPodStatus(startedAt: string, finishedAt: string, i: number): Obj {
  return {
    phase: 'Succeeded',
    startTime: startedAt,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
      { type: 'Initialized', status: 'True', lastTransitionTime: startedAt, reason: 'PodCompleted' },
      { type: 'Ready', status: 'False', lastTransitionTime: finishedAt, reason: 'PodCompleted' },
      { type: 'ContainersReady', status: 'False', lastTransitionTime: finishedAt, reason: 'PodCompleted' },
    ],
    containerStatuses: [
      {
        name: 'main',
        image: `registry.example.com/batch/worker-${i % 7}:1.${i % 5}.0`,
        imageID: `registry.example.com/batch/worker-${i % 7}@sha256:${'0'.repeat(63)}${i % 10}`,
        containerID: `containerd://${'a'.repeat(63)}${i % 10}`,
        ready: false,
        restartCount: 0,
        started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt } },
      },
    ],
  };
}
