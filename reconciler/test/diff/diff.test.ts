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
// SIMDIFF_RECORDING names a recording of a live server instead (CI: record-real.ts --out).
const recordingFile = process.env.SIMDIFF_RECORDING ?? new URL(`./recorded/${RECORDING}`, import.meta.url);
const recording = JSON.parse(readFileSync(recordingFile, 'utf8')) as Recording;
/** The simulated side runs as the recording's Kubernetes version. */
const SIM_VERSION = recordingMinor();

function recordingMinor(): string {
  const match = /^v?(\d+)\.(\d+)/.exec(recording.kubernetesVersion);
  if (!match) throw new Error(`the recording names no Kubernetes version (got ${recording.kubernetesVersion})`);
  return `${match[1]}.${match[2]}`;
}

interface KnownDifference {
  /** The differing fields exactly as `differences()` lists them. */
  readonly fields: readonly string[];
  readonly reason: string;
}

const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {};

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
