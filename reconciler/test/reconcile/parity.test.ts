import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { CLUSTER_FINDINGS } from 'cdk8s-batch/rules';
import { startEmulator } from '../../src/emulator/server.ts';
import { ManualClock } from '../../src/sim/clock.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('fixtures/parity.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reconcile-parity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  kind: string;
  namespace: string | null;
  name: string | null;
  code: string;
  severity: string;
  path: string;
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, KUBECONFIG: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const key = (r: Row): string => `${r.kind} ${r.namespace ?? 'default'}/${r.name} ${r.code} ${r.severity} ${r.path}`;

it('reconcile --once reports on live objects exactly what check reports on their manifests, plus cluster findings', async () => {
  // GIVEN the manifests, checked offline for the emulator's version
  const checked = await cli('check', '--kubernetes-version', '1.31', '--format', 'json', FIXTURE);
  assert.equal(checked.stderr, '');
  const offline = (JSON.parse(checked.stdout) as { violations: Row[] }).violations.map(key).sort();
  assert.ok(offline.length >= 8, `the fixture exercises several rules (got ${offline.length})`);

  // AND the same objects created in an emulated 1.31 cluster (defaulted, with uids and generated selectors)
  const emu = await startEmulator({ clock: new ManualClock(), kubernetesVersion: '1.31' });
  try {
    for (const doc of jsyaml.loadAll(readFileSync(FIXTURE, 'utf8'))) emu.store.create(doc as never);
    const kubeconfig = join(dir, 'kc.yaml');
    writeFileSync(kubeconfig, emu.kubeconfigYaml());

    // WHEN the reconciler audits the cluster once
    const run = await cli('reconcile', '--kubeconfig', kubeconfig, '--once', '--output', 'json', '--log-level', 'silent');
    const report = JSON.parse(run.stdout) as { objects: number; violations: Row[] };

    // THEN the rule violations are the same, and anything else is a cluster-context finding
    const findingCodes = new Set(CLUSTER_FINDINGS.map((f) => f.code));
    const live = report.violations.filter((v) => !findingCodes.has(v.code)).map(key).sort();
    assert.deepEqual(live, offline);
    assert.equal(report.objects, 4);
  } finally {
    await emu.close();
  }
});
