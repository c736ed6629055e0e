import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseReconcileArgs } from '../../src/reconcile/command.ts';
import { parseDurationFlag } from '../../src/reconcile/behaviour-flags.ts';
import { startEmulator } from '../../src/emulator/server.ts';
import { ManualClock } from '../../src/sim/clock.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reconcile-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reconcile behaviour flags', () => {
  it('maps each flag onto the reconciler configuration', () => {
    const options = parseReconcileArgs([
      '--mode', 'enforce',
      '--cleanup-orphan-pods',
      '--finished-job-retention', '7d',
      '--rerun-stuck-jobs',
      '--stuck-after', '15m',
      '--node-lost-after', '2m30s',
      '--catch-up-missed-cronjobs',
      '--admission-gate',
      '--default-ttl', '1d',
      '--default-active-deadline', '2h',
    ]);
    assert.deepEqual(options.behaviour, {
      cleanupOrphanPods: true,
      finishedJobRetentionMs: 7 * 86_400_000,
      rerunStuckJobs: true,
      stuckAfterMs: 15 * 60_000,
      nodeLostAfterMs: 150_000,
      catchUpMissedCronJobs: true,
      admissionGate: true,
      defaultTtlSecondsAfterFinished: 86_400,
      defaultActiveDeadlineSeconds: 7_200,
    });
  });

  it('leaves the defaults alone when the flags are absent', () => {
    const { behaviour } = parseReconcileArgs([]);
    assert.equal(behaviour.cleanupOrphanPods, false);
    assert.equal(behaviour.stuckAfterMs, undefined);
    assert.equal(behaviour.defaultTtlSecondsAfterFinished, undefined);
  });

  it('rejects a malformed duration with the value received', () => {
    assert.throws(() => parseDurationFlag('stuck-after', 'ten minutes'), /--stuck-after must be a duration such as 90s, 10m, 1h30m or 7d \(got "ten minutes"\)/);
    assert.throws(() => parseReconcileArgs(['--default-ttl', '0']), /--default-ttl must be longer than 0/);
    assert.equal(parseDurationFlag('finished-job-retention', '0'), 0);
  });

  it('--cleanup-orphan-pods deletes a pod whose Job is gone, in enforce mode only', async () => {
    const emu = await startEmulator({ clock: new ManualClock() });
    try {
      // A Job and its pod, then the Job deleted without cascade: the pod loses its ownerReference.
      const job = emu.store.create({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'deleted', namespace: 'default' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
      } as never);
      const uid = job.metadata.uid;
      emu.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'left-behind',
          namespace: 'default',
          labels: { 'batch.kubernetes.io/job-name': 'deleted', 'batch.kubernetes.io/controller-uid': uid },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'deleted', uid, controller: true }],
        },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
        status: { phase: 'Running' },
      } as never);
      emu.store.delete('Job', 'default', 'deleted', { propagationPolicy: 'Orphan' });
      assert.equal(emu.store.get('Pod', 'default', 'left-behind')?.metadata.ownerReferences, undefined);
      const kubeconfig = join(dir, 'kc.yaml');
      writeFileSync(kubeconfig, emu.kubeconfigYaml());
      const run = (...args: string[]): Promise<number> =>
        new Promise((resolve) => {
          execFile('node', ['--import', 'tsx', 'src/main.ts', 'reconcile', '--kubeconfig', kubeconfig, '--once', '--log-level', 'silent', ...args], { cwd: ROOT, timeout: 60_000 }, (err) =>
            resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
          );
        });
      await run('--cleanup-orphan-pods');
      assert.ok(emu.store.get('Pod', 'default', 'left-behind'), 'audit mode reports and keeps the pod');
      await run('--mode', 'enforce', '--cleanup-orphan-pods');
      assert.equal(emu.store.get('Pod', 'default', 'left-behind'), undefined, 'enforce mode deletes it');
    } finally {
      await emu.close();
    }
  });
});
