/**
 * `cdk8s-batch sandbox --kubeconfig` on a real control plane (`KUBECONFIG`, e.g. from
 * `npx projen cluster:up`): the run waits for and shows only what it created. A Job that was in
 * the namespace before the run and never finishes (another app, an earlier run) neither holds the
 * run until its timeout nor appears in the summary. Skipped without `KUBECONFIG`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { SANDBOX_DURATION_ANNOTATION } from 'cdk8s-batch/rules';
import { loadKubeConfig } from '../../src/adapters/kube-client.ts';
import type { CommandIo } from '../../src/commands.ts';
import type { KubeObject } from '../../src/core/types.ts';
import { runSandboxOnCluster } from '../../src/sandbox/cluster-run.ts';

const real = Boolean(process.env.KUBECONFIG);
const namespace = process.env.CONTRACT_NAMESPACE ?? 'default';

function job(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      ttlSecondsAfterFinished: 300,
      activeDeadlineSeconds: 600,
      ...spec,
      template: {
        metadata: { annotations: { [SANDBOX_DURATION_ANNOTATION]: '1s' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

function captureIo(): { io: CommandIo; text: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io: CommandIo = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: process.cwd() };
  return { io, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('sandbox --kubeconfig on a real control plane', { skip: !real && 'KUBECONFIG is not set' }, () => {
  const kubeConfig = real ? loadKubeConfig({ env: process.env }) : undefined;
  const suffix = randomBytes(3).toString('hex');
  const foreign = job(`foreign-${suffix}`, { parallelism: 0, completions: 1 });
  const ours = job(`ours-${suffix}`, { completions: 1 });

  after(async () => {
    if (!kubeConfig) return;
    const api = KubernetesObjectApi.makeApiClient(kubeConfig);
    for (const j of [foreign, ours]) {
      await api.delete(j as never, undefined, undefined, undefined, undefined, 'Background').catch(() => undefined);
    }
  });

  it('waits for and reports only the Jobs it created, not an unfinished Job already in the namespace', async () => {
    const api = KubernetesObjectApi.makeApiClient(kubeConfig!);
    await api.create(foreign as never);
    const { io, text } = captureIo();
    const code = await runSandboxOnCluster([{ file: 'app.k8s.yaml', object: ours as Record<string, unknown> }], { kubeConfig: kubeConfig!, timeoutMs: 90_000, mode: 'enforce', seed: 1 }, io);
    const out = text();
    assert.equal(code, 0, out);
    assert.match(out, /sandbox: every Job finished/);
    assert.match(out, new RegExp(`ours-${suffix}\\s+Job\\s+.*Complete`));
    assert.doesNotMatch(out, new RegExp(`foreign-${suffix}`));
  });
});
