/**
 * How a simulated pod behaves, read from the sandbox annotations of its pod template
 * (`sandbox.batch.cdk8s.io/*`). Absent or unreadable values fall back to the defaults.
 */
import {
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAIL_AFTER_ANNOTATION,
  SANDBOX_FAIL_INDEXES_ANNOTATION,
  SANDBOX_FAILURE_RATE_ANNOTATION,
} from 'cdk8s-batch/rules';
import { parseIndexes } from './indexes.ts';
import { keyedUnit } from './random.ts';

/** What a simulated pod does once it runs. */
export interface PodBehaviour {
  /** How long each run of the pod's containers takes. */
  readonly durationMs: number;
  /** How long a run that fails takes (the `duration` when not given). */
  readonly failAfterMs: number;
  /** Probability in [0, 1] that a run fails. */
  readonly failureRate: number;
  /** Exit code of the first container when a run fails. */
  readonly exitCode: number;
  /** Completion indexes whose pods always fail (Indexed Jobs). */
  readonly failIndexes: ReadonlySet<number>;
}

export const DEFAULT_BEHAVIOUR: PodBehaviour = { durationMs: 20_000, failAfterMs: 20_000, failureRate: 0, exitCode: 1, failIndexes: new Set() };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`30s`, `2m`, `1m30s`, `500ms`, `1h`; a bare number is seconds). */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return Math.round(total);
}

function parseRate(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function parseExitCode(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 255 ? n : undefined;
}

/** Reads the sandbox annotations; every missing or invalid value takes its default. */
export function podBehaviour(annotations: Record<string, string> | undefined): PodBehaviour {
  const a = annotations ?? {};
  const durationMs = parseDuration(a[SANDBOX_DURATION_ANNOTATION]) ?? DEFAULT_BEHAVIOUR.durationMs;
  return {
    durationMs,
    failAfterMs: parseDuration(a[SANDBOX_FAIL_AFTER_ANNOTATION]) ?? durationMs,
    failureRate: parseRate(a[SANDBOX_FAILURE_RATE_ANNOTATION]) ?? DEFAULT_BEHAVIOUR.failureRate,
    exitCode: parseExitCode(a[SANDBOX_EXIT_CODE_ANNOTATION]) ?? DEFAULT_BEHAVIOUR.exitCode,
    failIndexes: parseIndexes(a[SANDBOX_FAIL_INDEXES_ANNOTATION]),
  };
}

/**
 * Whether run `attempt` of pod `podName` fails: always for a fail-index, otherwise with the
 * failure rate, decided by the seed and the pod name (reproducible, order-independent).
 */
export function runFails(behaviour: PodBehaviour, seed: number, run: { podName: string; attempt: number; index?: number }): boolean {
  if (run.index !== undefined && behaviour.failIndexes.has(run.index)) return true;
  if (behaviour.failureRate <= 0) return false;
  return keyedUnit(seed, `${run.podName}#${run.attempt}`) < behaviour.failureRate;
}
