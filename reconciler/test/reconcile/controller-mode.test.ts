/**
 * `reconcile` as a long-running controller, as a child process against the API emulator:
 * health, readiness and metrics endpoints, JSON logs on stderr, clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/emulator/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reconcile-controller-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('reconcile (controller mode)', () => {
  it('serves health and metrics, audits the cluster, logs JSON and exits 0 on SIGTERM', async () => {
    const emu = await startEmulator();
    const child = spawn('node', ['--import', 'tsx', 'src/main.ts', 'reconcile', '--kubeconfig', join(dir, 'kc.yaml'), '--metrics-port', '0', '--log-level', 'info'], {
      cwd: ROOT,
      env: { ...process.env, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      // GIVEN
      emu.store.create({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'sloppy', namespace: 'ns' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] } } },
      } as never);
      writeFileSync(join(dir, 'kc.yaml'), emu.kubeconfigYaml());
      // WHEN the controller is up
      const port = await until(() => {
        const line = stderr.split('\n').find((l) => l.includes('serving /healthz'));
        return line ? (JSON.parse(line) as { port: number }).port : undefined;
      });
      const base = `http://127.0.0.1:${port}`;
      // THEN
      assert.equal((await get(`${base}/healthz`)).status, 200);
      await until(async () => ((await get(`${base}/readyz`)).status === 200 ? true : undefined));
      const metrics = await until(async () => {
        const body = (await get(`${base}/metrics`)).body;
        return /actions_total\{type="event",outcome="created"\} 2/.test(body) ? body : undefined;
      });
      assert.match(metrics, /cdk8s_batch_reconciler_violations\{code="TtlSecondsAfterFinishedMissing",severity="warning"\} 1/);
      assert.match(metrics, /cdk8s_batch_reconciler_leader 1/);
      assert.equal(emu.store.list('Event', 'ns').length, 2);
      const connected = stderr.split('\n').find((l) => l.includes('"connected"'));
      assert.ok(connected, stderr);
      assert.equal(JSON.parse(connected).mode, 'audit');
      // WHEN stopped
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.doesNotMatch(stderr, /\n\s+at /);
    } finally {
      child.kill('SIGKILL');
      await emu.close();
    }
  });
});
