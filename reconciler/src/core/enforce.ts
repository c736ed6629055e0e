/**
 * Enforce mode's fixes: mutable Job spec fields only, each answering a hygiene rule.
 * - `ttlSecondsAfterFinished` missing → the configured default (not on CronJob-owned Jobs: the
 *   CronJob's history limits clean those up). A negative default disables the fix.
 * - `activeDeadlineSeconds` missing → the configured default, only on a Job that is not finished
 *   and has not already run that long (the deadline would fail it at once). A default ≤ 0
 *   disables the fix.
 * - `parallelism` above a set `completions` → `completions` (the controller never runs more).
 * What was fixed is recorded, as a JSON list of rule codes, in `ENFORCED_ANNOTATION`.
 */
import { ENFORCED_ANNOTATION } from 'cdk8s-batch/rules';
import { annotationsOf, dig, isFinishedJob, isOwnedByCronJob, timeOf } from './kube.ts';
import type { PatchPart } from './outcome.ts';
import type { EventAction, KubeObject, ObjectRef, ReconcilerConfig } from './types.ts';

/** The Event `action` of enforce Events. */
export const ENFORCE_ACTION = 'Enforce';

/** The rule codes enforce mode fixes, and the Job spec field each one sets. */
export const ENFORCED_FIXES = [
  { code: 'TtlSecondsAfterFinishedMissing', field: 'ttlSecondsAfterFinished' },
  { code: 'ActiveDeadlineSecondsMissing', field: 'activeDeadlineSeconds' },
  { code: 'ParallelismExceedsCompletions', field: 'parallelism' },
] as const;

type Fix = { readonly code: string; readonly field: string; readonly value: number };

function isUnset(v: unknown): boolean {
  return v === undefined || v === null;
}

function ttlFix(job: KubeObject, config: ReconcilerConfig): Fix[] {
  const ttl = config.defaultTtlSecondsAfterFinished;
  if (!isUnset(dig(job, 'spec', 'ttlSecondsAfterFinished')) || isOwnedByCronJob(job) || ttl < 0) return [];
  return [{ code: ENFORCED_FIXES[0].code, field: 'ttlSecondsAfterFinished', value: ttl }];
}

function deadlineFix(job: KubeObject, now: number, config: ReconcilerConfig): Fix[] {
  const deadline = config.defaultActiveDeadlineSeconds;
  if (!isUnset(dig(job, 'spec', 'activeDeadlineSeconds')) || deadline <= 0 || isFinishedJob(job)) return [];
  const started = timeOf(dig(job, 'status', 'startTime'));
  if (started !== undefined && now - started >= deadline * 1000) return [];
  return [{ code: ENFORCED_FIXES[1].code, field: 'activeDeadlineSeconds', value: deadline }];
}

function parallelismFix(job: KubeObject): Fix[] {
  const completions = dig(job, 'spec', 'completions');
  const parallelism = dig(job, 'spec', 'parallelism');
  if (!Number.isSafeInteger(completions) || !Number.isSafeInteger(parallelism)) return [];
  if (parallelism <= completions || completions < 0) return [];
  return [{ code: ENFORCED_FIXES[2].code, field: 'parallelism', value: completions }];
}

/** The codes already recorded in the object's `ENFORCED_ANNOTATION`. */
export function enforcedCodes(obj: KubeObject): string[] {
  try {
    const parsed: unknown = JSON.parse(annotationsOf(obj)[ENFORCED_ANNOTATION] ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** The fixes enforce mode applies to a Job (which must be writable): a patch part with its Normal Events. */
export function enforceFixes(job: KubeObject, regarding: ObjectRef, now: number, config: ReconcilerConfig): PatchPart | undefined {
  const fixes = [...ttlFix(job, config), ...deadlineFix(job, now, config), ...parallelismFix(job)];
  if (fixes.length === 0) return undefined;
  const codes = fixes.map((f) => f.code);
  const recorded = [...new Set([...enforcedCodes(job), ...codes])].sort();
  const events: EventAction[] = fixes.map((f) => ({
    type: 'event',
    regarding,
    eventType: 'Normal',
    reason: f.code,
    action: ENFORCE_ACTION,
    note: `${f.code}: set spec.${f.field} to ${f.value}`,
  }));
  return {
    spec: Object.fromEntries(fixes.map((f) => [f.field, f.value])),
    annotations: { [ENFORCED_ANNOTATION]: JSON.stringify(recorded) },
    reasons: codes,
    events,
  };
}
