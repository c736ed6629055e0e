import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import type { CommandIo } from '../../src/commands.ts';
import { loadManifests } from '../../src/sandbox/manifests.ts';
import { runSandbox } from '../../src/sandbox/run.ts';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';

it('--serve keeps the emulator up and writes a kubeconfig that clients and kubectl can use', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-serve-'));
  const kubeconfigPath = join(dir, 'sandbox.kubeconfig');
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const io: CommandIo = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: process.env, cwd: here };
  const seen: { jobs?: string[]; kubectl?: string } = {};
  try {
    const { objects } = await loadManifests(['fixtures/small-app.yaml'], io);
    const code = await runSandbox(
      objects,
      {
        speed: 200,
        timeoutMs: 60_000,
        kubernetesVersion: '1.31',
        mode: 'audit',
        seed: 1,
        serve: true,
        kubeconfigPath,
        untilStopped: async () => {
          const kc = new KubeConfig();
          kc.loadFromString(await readFile(kubeconfigPath, 'utf8'));
          const list = await kc.makeApiClient(BatchV1Api).listJobForAllNamespaces();
          seen.jobs = list.items.map((j) => j.metadata?.name ?? '').sort();
          if (existsSync(KUBECTL)) {
            const { stdout: text } = await run(KUBECTL, ['--kubeconfig', kubeconfigPath, 'get', 'jobs', '-o', 'name']);
            seen.kubectl = text;
          }
        },
      },
      io,
    );
    assert.equal(code, 0, out);
    assert.match(out, /kubeconfig written to .*sandbox\.kubeconfig/);
    assert.ok(seen.jobs?.includes('migrate') && seen.jobs.includes('broken-import'), String(seen.jobs));
    assert.ok(seen.jobs?.some((name) => /^hourly-report-\d+$/.test(name)), 'the CronJob-created Job is served too');
    if (seen.kubectl !== undefined) assert.match(seen.kubectl, /job\.batch\/migrate/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
