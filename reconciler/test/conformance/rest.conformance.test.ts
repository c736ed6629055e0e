/**
 * REST conformance: the same requests against the API emulator and — when `KUBECONFIG` is set —
 * a real kube-apiserver, each compared with the answers recorded from a real API server
 * (`expected.json`). `CONFORMANCE_RECORD=1` with `KUBECONFIG` rewrites that file from the cluster.
 * Every scenario runs in a fresh namespace `conformance-<random>`, deleted afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { clusterTarget, emulatorTarget, type Target } from './client.ts';
import { KNOWN_DIFFERENCES, withoutPath } from './known-differences.ts';
import { normalise } from './normalise.ts';
import { POD_SCENARIOS, SCENARIOS } from './scenarios.ts';

const EXPECTED_FILE = new URL('./expected.json', import.meta.url);
const expected = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, unknown>;
/** The newest minor the rules engine (and so the emulator's validation) knows. */
const EMULATED_VERSION = '1.35';
const recording = process.env.CONFORMANCE_RECORD === '1' && !!process.env.KUBECONFIG;

async function withNamespace(t: Target): Promise<string> {
  const ns = `conformance-${randomBytes(3).toString('hex')}`;
  const a = await t.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  return ns;
}

/** Both observations without the emulator's known differences (the real API server is compared whole). */
function comparable(target: string, scenario: string, observed: unknown, wanted: unknown): [unknown, unknown] {
  if (target !== 'emulator') return [observed, wanted];
  let [a, b] = [observed, wanted];
  for (const d of KNOWN_DIFFERENCES.filter((k) => k.scenario === scenario)) [a, b] = [withoutPath(a, d.path), withoutPath(b, d.path)];
  return [a, b];
}

function suite(name: string, connect: () => Promise<{ target: Target; close: () => Promise<void> }>): void {
  describe(`REST conformance (${name})`, () => {
    let target: Target;
    let close: () => Promise<void>;
    const namespaces: string[] = [];
    before(async () => {
      ({ target, close } = await connect());
    });
    after(async () => {
      for (const ns of namespaces) await target.call('DELETE', `/api/v1/namespaces/${ns}`);
      if (recording && name === 'kube-apiserver') writeFileSync(EXPECTED_FILE, `${JSON.stringify(expected, null, 2)}\n`);
      await close();
    });
    for (const [scenario, run] of Object.entries({ ...SCENARIOS, ...POD_SCENARIOS })) {
      it(scenario, async () => {
        const ns = await withNamespace(target);
        namespaces.push(ns);
        const observed = normalise(await run(target, ns), ns);
        if (recording && name === 'kube-apiserver') expected[scenario] = observed;
        assert.deepEqual(...comparable(name, scenario, observed, expected[scenario]));
      });
    }
  });
}

suite('emulator', async () => {
  const emulator: Emulator = await startEmulator({ kubernetesVersion: EMULATED_VERSION });
  return { target: emulatorTarget(emulator.url), close: () => emulator.close() };
});

if (process.env.KUBECONFIG) {
  const file = process.env.KUBECONFIG;
  suite('kube-apiserver', async () => ({ target: await clusterTarget(file), close: async () => {} }));
}
