// Compares the simulated controllers with the real ones: every scenario runs on the simulation and its
// outcome is compared with the outcome recorded on a real control plane (recorded/real-<minor>.json,
// written by record-real.ts), once per recorded version, the simulation running as that version. Each
// difference that remains is listed in KNOWN_DIFFERENCES with its reason; the test fails when a
// difference appears or disappears. SIMDIFF_RECORDING=<file> compares one recording of a live server
// instead (CI: record-real.ts --out <file>).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { differences, type Recording } from './observe.ts';
import { runSimulated } from './run-sim.ts';
import { SCENARIOS, scenariosFor } from './scenarios.ts';

interface KnownDifference {
  /** The differing fields exactly as `differences()` lists them. */
  readonly fields: readonly string[];
  /** The real side varies between runs: agreeing is accepted too. */
  readonly alsoAgrees?: boolean;
  readonly reason: string;
}

/** Remaining differences, by `<minor>/<scenario>` (e.g. `1.28/active-deadline`). */
const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {};

const RECORDED = new URL('./recorded/', import.meta.url);

function recordings(): Recording[] {
  const live = process.env.SIMDIFF_RECORDING;
  const files = live ? [live] : readdirSync(RECORDED).filter((f) => /^real-\d+\.\d+\.json$/.test(f)).map((f) => new URL(f, RECORDED));
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Recording);
}

function minorOf(recording: Recording): string {
  const match = /^v?(\d+)\.(\d+)/.exec(recording.kubernetesVersion);
  if (!match) throw new Error(`the recording names no Kubernetes version (got ${recording.kubernetesVersion})`);
  return `${match[1]}.${match[2]}`;
}

const all = recordings();

it('lists known differences only for recorded versions and scenarios that exist', () => {
  const keys = new Set(all.flatMap((r) => SCENARIOS.map((s) => `${minorOf(r)}/${s.name}`)));
  if (process.env.SIMDIFF_RECORDING) return;
  assert.deepEqual(Object.keys(KNOWN_DIFFERENCES).filter((k) => !keys.has(k)), []);
});

for (const recording of all) {
  const version = minorOf(recording);
  const scenarios = scenariosFor(Number(version.split('.')[1]));
  describe(`simulated controllers as ${version} against the real ${recording.kubernetesVersion} controllers (recorded ${recording.recordedAt})`, () => {
    it('has a recorded real outcome for every scenario of the version and no recording without a scenario', () => {
      assert.deepEqual(Object.keys(recording.outcomes).sort(), scenarios.map((s) => s.name).sort());
    });

    for (const scenario of scenarios) {
      const known = KNOWN_DIFFERENCES[`${version}/${scenario.name}`];
      it(`${scenario.name}: ${known ? `differs as known (${known.reason})` : 'agrees with the real controller'}`, () => {
        const real = recording.outcomes[scenario.name];
        assert.ok(real, `no recorded real outcome for ${scenario.name}; run test/diff/record-real.ts`);
        const sim = runSimulated(scenario, version);
        const found = differences(real, sim);
        if (known?.alsoAgrees && found.length === 0) return;
        assert.deepEqual(found, known?.fields ?? []);
      });
    }
  });
}
