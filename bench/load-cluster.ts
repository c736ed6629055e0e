/**
 * Loads a real API server for the scale benchmark: `node --import tsx load-cluster.ts <kubeconfig>
 * <jobs> [podsPerJob=3] [concurrency=32] [from=0] [--pod-status]`. Creates Jobs `job-<i>` in
 * `default` (clean, `spec.managedBy` set so the built-in job controller leaves them alone) and, for
 * each, `podsPerJob` pods with the Job's owner reference and controller-uid / job-name labels;
 * with `--pod-status` each pod is then marked Succeeded through its /status subresource. Existing
 * objects are kept (409 is not an error), so an interrupted load resumes. Bounded: at most
 * `concurrency` requests in flight, on 127.0.0.1 only. Progress goes to stdout every 10 s.
 */
import { performance } from 'node:perf_hooks';
import { KubeHttp, pool } from './lib/kube-http.ts';
import { jobPod, managedJob, succeededPodStatus } from './lib/manifests.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const podStatus = process.argv.includes('--pod-status');
const [kubeconfig, jobs, podsPerJob, concurrency, from] = [args[0], Number(args[1]), Number(args[2] ?? 3), Number(args[3] ?? 32), Number(args[4] ?? 0)];
const NAMESPACE = 'default';
const http = new KubeHttp(kubeconfig, concurrency);
if (http.server.hostname !== '127.0.0.1') throw new Error(`the generator only loads a server on 127.0.0.1 (got ${http.server.hostname})`);

let requests = 0;
let jobsDone = 0;
let podsDone = 0;
let failures = 0;
const start = performance.now();

async function ok(method: string, path: string, body?: object, type?: string): Promise<Record<string, any>> {
  for (let attempt = 0; ; attempt++) {
    requests++;
    const r = await http.request(method, path, body, type);
    if (r.status < 300 || r.status === 409) return r.body;
    if (attempt >= 5 || (r.status !== 429 && r.status < 500)) {
      failures++;
      console.error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
  }
}

async function loadOne(i: number): Promise<void> {
  const name = `job-${i}`;
  let job = await ok('POST', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, managedJob(name, NAMESPACE, i));
  if (!job.metadata?.uid) job = await ok('GET', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${name}`);
  jobsDone++;
  const ref = { name, uid: job.metadata.uid as string, namespace: NAMESPACE };
  for (let k = 0; k < podsPerJob; k++) {
    const pod = jobPod(ref, i, k);
    await ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, pod);
    if (podStatus) {
      const t = new Date(Date.now() - 600_000 + k * 1000).toISOString();
      const status = succeededPodStatus(t, new Date(Date.now() - 60_000).toISOString(), i);
      await ok('PATCH', `/api/v1/namespaces/${NAMESPACE}/pods/${pod.metadata.name}/status`, { status }, 'application/merge-patch+json');
    }
    podsDone++;
  }
}

const progress = setInterval(() => {
  const s = (performance.now() - start) / 1000;
  console.log(`${new Date().toISOString()} jobs ${from + jobsDone}/${jobs} pods ${podsDone} requests ${requests} (${(requests / s).toFixed(0)}/s) failures ${failures}`);
}, 10_000);
await pool(from, jobs, concurrency, loadOne);
clearInterval(progress);
const s = (performance.now() - start) / 1000;
console.log(`done: jobs ${jobsDone} pods ${podsDone} requests ${requests} in ${s.toFixed(0)} s (${(requests / s).toFixed(0)}/s) failures ${failures}`);
http.close();
