/**
 * The Pod cache's initial sync on a real API server, one way after the other, alternately:
 * `stream` (the streaming list in protobuf, as the reconciler's Pod reflector does where the server
 * serves it) and `pages` (pages of 500 in protobuf and a watch, as it does where the server
 * refuses it: the port without `streamList`). Per run: wall time from `start()` to synced, the
 * requests, this process's CPU, the kube-apiserver's and etcd's CPU (from /proc, for clusters
 * started by `cluster/cluster.ts`), RSS and the load average.
 *
 *   node --expose-gc --import tsx pod-sync.ts <kubeconfig> [--modes stream,pages,stream,pages]
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeClient, loadKubeConfig } from '../reconciler/src/adapters/kube-client.ts';
import { podCacheView } from '../reconciler/src/runtime/cache-view.ts';
import { JOB_POD_SELECTOR } from '../reconciler/src/runtime/controller.ts';
import { Reflector } from '../reconciler/src/runtime/reflector.ts';
import { fixed, table } from './lib/measure.ts';

const kubeconfig = process.argv[2];
if (!kubeconfig || kubeconfig.startsWith('--')) throw new Error('usage: pod-sync.ts <kubeconfig> [--modes stream,pages,...]');
const i = process.argv.indexOf('--modes');
const modes = (i > 0 ? process.argv[i + 1] : 'stream,pages,stream,pages').split(',');

/** CPU seconds (user + system) of the cluster's kube-apiserver and etcd. */
function clusterCpu(): Record<string, number> {
  const state = join(dirname(kubeconfig), 'cluster.json');
  if (!existsSync(state)) return {};
  const components = (JSON.parse(readFileSync(state, 'utf8')) as { components?: Record<string, { pid?: number }> }).components ?? {};
  const out: Record<string, number> = {};
  for (const name of ['kube-apiserver', 'etcd']) {
    const pid = components[name]?.pid;
    if (!pid) continue;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    out[name] = (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return out;
}

async function sync(mode: string): Promise<Array<string | number>> {
  const client = new KubeClient(loadKubeConfig({ kubeconfig, env: {} }), { qps: 20, burst: 40 });
  const requests: Record<string, number> = {};
  const port = Object.create(client) as KubeClient;
  port.list = (...a) => ((requests.list = (requests.list ?? 0) + 1), client.list(...a));
  port.watch = (...a) => ((requests.watch = (requests.watch ?? 0) + 1), client.watch(...a));
  if (mode === 'stream') port.streamList = (...a) => ((requests.streamList = (requests.streamList ?? 0) + 1), client.streamList(...a));
  else (port as { streamList?: unknown }).streamList = undefined;
  (globalThis as { gc?: () => void }).gc?.();
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const cpu0 = clusterCpu();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const reflector = new Reflector(port, { kind: 'Pod', labelSelector: JOB_POD_SELECTOR, transform: podCacheView, viewFields: true, timings: { resyncMs: 0 } });
  reflector.start();
  await reflector.waitForSync();
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const cpu1 = clusterCpu();
  const rss = process.memoryUsage().rss / 2 ** 20;
  const pods = reflector.size;
  await reflector.stop();
  client.close();
  const server = ['kube-apiserver', 'etcd'].map((n) => fixed((cpu1[n] ?? NaN) - (cpu0[n] ?? NaN))).join(' / ');
  return [mode, pods, fixed(wall), Object.entries(requests).map(([k, v]) => `${k} ${v}`).join(', '), fixed((own.user + own.system) / 1e6), server, fixed(rss, 0), load];
}

const rows: Array<Array<string | number>> = [];
for (const mode of modes) {
  if (mode !== 'stream' && mode !== 'pages') throw new Error(`unknown mode ${mode}: stream or pages`);
  rows.push(await sync(mode));
  console.error(rows[rows.length - 1].join('  '));
}
console.log(table(['mode', 'pods', 'synced after s', 'requests', 'client CPU s', 'kube-apiserver / etcd CPU s', 'RSS MB', 'load average'], rows));
