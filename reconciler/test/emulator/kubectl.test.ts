import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { jobManifest, podManifest } from './helpers.ts';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';

describe('emulator with kubectl', { skip: existsSync(KUBECTL) ? false : 'kubectl is not installed', timeout: 60_000 }, () => {
  let emu: Emulator;
  let dir: string;
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(KUBECTL, [`--kubeconfig=${join(dir, 'config')}`, `--cache-dir=${join(dir, 'cache')}`, ...args]);
    return stdout;
  };

  before(async () => {
    emu = await startEmulator({ kubernetesVersion: '1.31' });
    dir = mkdtempSync(join(tmpdir(), 'emulator-kubectl-'));
    writeFileSync(join(dir, 'config'), emu.kubeconfigYaml());
    const job = emu.store.create(jobManifest('nightly'));
    emu.store.create(podManifest('nightly-abcde', { owner: { name: 'nightly', uid: job.metadata.uid } }));
    emu.store.create(podManifest('web', { namespace: 'apps' }));
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the server version', async () => {
    const out = JSON.parse(await kubectl('version', '-o', 'json'));
    assert.equal(out.serverVersion.gitVersion, 'v1.31.0');
  });

  it('gets jobs in the current namespace with the server-side printed columns', async () => {
    const out = await kubectl('get', 'jobs');
    assert.match(out, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    assert.match(out, /\nnightly\s+Running\s+0\/1\s/);
  });

  it('prints pods in all namespaces with a NAMESPACE column', async () => {
    const out = await kubectl('get', 'pods', '-A');
    assert.match(out, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(out, /\napps\s+web\s+0\/2\s+Pending\s+0\s/);
  });

  it('gets pods in all namespaces', async () => {
    const out = await kubectl('get', 'pods', '-A', '-o', 'name');
    assert.deepEqual(out.trim().split('\n'), ['pod/web', 'pod/nightly-abcde']);
  });

  it('applies a manifest file and reports the immutable template on a changed re-apply', async () => {
    const manifest = jobManifest('applied');
    const file = join(dir, 'job.json');
    writeFileSync(file, JSON.stringify(manifest));
    assert.match(await kubectl('apply', '-f', file), /job.batch\/applied created/);
    assert.match(await kubectl('apply', '-f', file), /job.batch\/applied unchanged/);
    manifest.spec.template.spec.containers[0].image = 'busybox:1.37';
    writeFileSync(file, JSON.stringify(manifest));
    await assert.rejects(kubectl('apply', '-f', file), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? '', /The Job "applied" is invalid: spec.template/);
      return true;
    });
  });

  it('creates, labels and deletes a job', async () => {
    await kubectl('create', 'job', 'adhoc', '--image=busybox:1.36', '--', 'true');
    await kubectl('label', 'job', 'adhoc', 'team=data');
    assert.equal(emu.store.get('Job', 'default', 'adhoc')?.metadata.labels?.team, 'data');
    await kubectl('delete', 'job', 'adhoc');
    assert.equal(emu.store.get('Job', 'default', 'adhoc'), undefined);
  });
});
