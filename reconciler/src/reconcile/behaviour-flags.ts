/**
 * The flags that switch on the reconciler's optional behaviours and tune its thresholds. They
 * map onto `ReconcilerConfig`; every write they enable but the admission gate's still needs
 * `--mode enforce`.
 */
import { UsageError } from '../cli/usage-error.ts';
import type { ReconcilerConfig } from '../core/types.ts';

export const BEHAVIOUR_FLAGS = {
  'cleanup-orphan-pods': { type: 'boolean', default: false },
  'finished-job-retention': { type: 'string' },
  'rerun-stuck-jobs': { type: 'boolean', default: false },
  'stuck-after': { type: 'string' },
  'node-lost-after': { type: 'string' },
  'catch-up-missed-cronjobs': { type: 'boolean', default: false },
  'admission-gate': { type: 'boolean', default: false },
  'default-ttl': { type: 'string' },
  'default-active-deadline': { type: 'string' },
} as const;

export const BEHAVIOUR_USAGE = `behaviours (writes need --mode enforce, but the admission gate's):
  --cleanup-orphan-pods       delete pods whose Job was deleted without cascade
  --finished-job-retention <d> delete finished Jobs without a TTL after this long (e.g. 7d; default: never)
  --rerun-stuck-jobs          create one rerun of a Job whose pods vanished or sit on lost nodes
  --stuck-after <d>           how long a Job may look stuck before it is reported (default 10m)
  --node-lost-after <d>       how long a node may be NotReady before its pods count as lost (default 5m)
  --catch-up-missed-cronjobs  create a catch-up run for a CronJob that stopped scheduling
  --admission-gate            release Jobs waiting at the admission gate, in either mode
                              (off: gated Jobs are reported as held and left alone)
  --default-ttl <d>           ttlSecondsAfterFinished set on Jobs without one (default 7d)
  --default-active-deadline <d> activeDeadlineSeconds set on Jobs without one (default 24h)`;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `10m`, `1h30m`, `7d` (and `0`) into milliseconds; throws `UsageError`. */
export function parseDurationFlag(flag: string, text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!/^(\d+[smhd])+$/.test(trimmed)) {
    throw new UsageError(`--${flag} must be a duration such as 90s, 10m, 1h30m or 7d (got ${JSON.stringify(text)})`);
  }
  let total = 0;
  for (const m of trimmed.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

type Values = { [K in keyof typeof BEHAVIOUR_FLAGS]?: string | boolean };

function duration(values: Values, flag: keyof typeof BEHAVIOUR_FLAGS): number | undefined {
  const text = values[flag];
  return typeof text === 'string' ? parseDurationFlag(flag, text) : undefined;
}

function seconds(values: Values, flag: keyof typeof BEHAVIOUR_FLAGS): number | undefined {
  const ms = duration(values, flag);
  if (ms === undefined) return undefined;
  if (ms === 0) throw new UsageError(`--${flag} must be longer than 0 (got "0")`);
  return Math.round(ms / 1000);
}

/** The configuration overrides the behaviour flags ask for (unset flags keep the defaults). */
export function behaviourOverrides(values: Values): Partial<ReconcilerConfig> {
  return {
    cleanupOrphanPods: values['cleanup-orphan-pods'] === true,
    finishedJobRetentionMs: duration(values, 'finished-job-retention'),
    rerunStuckJobs: values['rerun-stuck-jobs'] === true,
    stuckAfterMs: duration(values, 'stuck-after'),
    nodeLostAfterMs: duration(values, 'node-lost-after'),
    catchUpMissedCronJobs: values['catch-up-missed-cronjobs'] === true,
    admissionGate: values['admission-gate'] === true,
    defaultTtlSecondsAfterFinished: seconds(values, 'default-ttl'),
    defaultActiveDeadlineSeconds: seconds(values, 'default-active-deadline'),
  };
}
