// Compares the simulated controllers with the real ones: every scenario runs on the simulation and its
// outcome is compared with the outcome recorded on a real control plane (recorded/real-*.json, written
// by record-real.ts). Each difference that remains is listed in KNOWN_DIFFERENCES with its reason; the
// test fails when a difference appears or disappears.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { differences, type Recording } from './observe.ts';
import { runSimulated } from './run-sim.ts';
import { SCENARIOS } from './scenarios.ts';

/** The real control plane the outcomes were recorded on. */
const RECORDING = 'real-1.37.json';
/** The newest version the emulator serves (the recording's version is newer). */
const SIM_VERSION = '1.35';

interface KnownDifference {
  /** The differing fields exactly as `differences()` lists them. */
  readonly fields: readonly string[];
  readonly reason: string;
}

const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {};

const recording = JSON.parse(readFileSync(new URL(`./recorded/${RECORDING}`, import.meta.url), 'utf8')) as Recording;

describe(`simulated controllers against the real ${recording.kubernetesVersion} job controller (recorded ${recording.recordedAt})`, () => {
  it('has a recorded real outcome for every scenario and no recording without a scenario', () => {
    assert.deepEqual(Object.keys(recording.outcomes).sort(), SCENARIOS.map((s) => s.name).sort());
  });

  it('lists known differences only for scenarios that exist', () => {
    const names = new Set(SCENARIOS.map((s) => s.name));
    assert.deepEqual(Object.keys(KNOWN_DIFFERENCES).filter((n) => !names.has(n)), []);
  });

  for (const scenario of SCENARIOS) {
    const known = KNOWN_DIFFERENCES[scenario.name];
    it(`${scenario.name}: ${known ? `differs as known (${known.reason})` : 'agrees with the real controller'}`, () => {
      const real = recording.outcomes[scenario.name];
      assert.ok(real, `no recorded real outcome for ${scenario.name}; run test/diff/record-real.ts`);
      const sim = runSimulated(scenario, SIM_VERSION);
      assert.deepEqual(differences(real, sim), known?.fields ?? []);
    });
  }
});
