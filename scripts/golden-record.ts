/**
 * Records the golden verdicts of one Kubernetes version:
 *
 *   npx projen golden:record -- --kubernetes-version 1.37 [--kubeconfig PATH] [--concurrency 8]
 *
 * Needs a running control plane of that version (its kubeconfig from --kubeconfig or KUBECONFIG);
 * refuses a server of another minor version. Writes test/golden/data/<version>.jsonl.gz, the
 * shared object store and the manifest (server version, corpus plan and seeds, counts).
 */
import { parseArgs } from 'util';
import { clientFromKubeconfig } from '../test/golden/client';
import { DEFAULT_PLAN, buildCorpus } from '../test/golden/corpus';
import { judgeAll } from '../test/golden/harness';
import { writeVersion } from '../test/golden/store';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'kubernetes-version': { type: 'string' },
      'kubeconfig': { type: 'string' },
      'concurrency': { type: 'string', default: '8' },
      'namespace': { type: 'string', default: 'golden' },
    },
  });
  const version = values['kubernetes-version'];
  if (!version || !/^\d+\.\d+$/.test(version)) {
    console.error(`golden:record: --kubernetes-version must be a minor version such as 1.37 (got ${version ?? 'nothing'}); pass --kubernetes-version 1.37`);
    return 2;
  }
  const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG;
  if (!kubeconfig) {
    console.error('golden:record: no kubeconfig (got neither --kubeconfig nor KUBECONFIG); start a cluster with `npx projen cluster:up -- --kubernetes-version X` and set KUBECONFIG');
    return 2;
  }
  const concurrency = Number(values.concurrency);
  const client = clientFromKubeconfig(kubeconfig, concurrency);
  try {
    const info = await client.request('GET', '/version');
    const server = String(info.body?.gitVersion ?? '');
    const minor = `${info.body?.major}.${String(info.body?.minor ?? '').replace(/\D/g, '')}`;
    if (minor !== version) {
      console.error(`golden:record: the server at ${client.server} is ${server || 'unknown'} (minor ${minor}), not ${version}; start a ${version} cluster`);
      return 2;
    }
    const entries = buildCorpus(DEFAULT_PLAN);
    console.log(`golden:record: ${entries.length} entries (seed ${DEFAULT_PLAN.seed}) against ${server} at ${client.server}, concurrency ${concurrency}`);
    const started = Date.now();
    const recorded = await judgeAll(client, entries, {
      namespace: values.namespace!,
      concurrency,
      onProgress: (done, total) => console.log(`  ${done}/${total} (${Math.round((Date.now() - started) / 1000)}s)`),
    });
    const accepted = recorded.filter((r) => r.verdict?.accepted).length;
    const skipped = recorded.filter((r) => r.skipped !== undefined).length;
    for (const r of recorded.filter((x) => x.skipped !== undefined).slice(0, 20)) console.log(`  skipped ${r.id}: ${r.skipped}`);
    writeVersion(version, recorded, {
      server,
      recordedAt: new Date().toISOString(),
      plan: DEFAULT_PLAN,
      entries: recorded.length,
      accepted,
      rejected: recorded.length - accepted - skipped,
      skipped,
      command: `npx projen golden:record -- --kubernetes-version ${version}`,
    });
    console.log(`golden:record: ${version}: ${recorded.length} entries, ${accepted} accepted, ${recorded.length - accepted - skipped} rejected, ${skipped} skipped, in ${Math.round((Date.now() - started) / 1000)}s`);
    return 0;
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`golden:record: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
