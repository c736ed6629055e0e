/**
 * `decide(observed, now, config)`: the reconciler's pure core. From what the caches show about one
 * Job, CronJob or Pod, the time and the configuration, it computes the violations, the
 * cluster-context findings, the actions to take and when to look again. No I/O, no clock, no env.
 *
 * Writes, by kind of object:
 * - enforce mode (namespace enabled): one merge patch of mutable Job fields; reruns of stuck
 *   Jobs; catch-up runs of CronJobs; deletes of orphaned pods and expired finished Jobs.
 * - both modes, with `admissionGate`: the gate's release patch (opt-in per Job).
 * - never: objects being deleted (nothing at all), and Jobs that are hands off (`scope.ts`),
 *   which are audited but never written to.
 */
import type { Violation } from 'cdk8s-batch/rules';
import { AUDIT_ACTION, audit, warningEvents, type AuditResult } from './audit.ts';
import { checkOrphanPod, checkRetention } from './cleanup.ts';
import { checkCronJobSchedule } from './cronjob.ts';
import { enforceFixes } from './enforce.ts';
import { JOB_STUCK } from './findings.ts';
import { checkGate, gateOff } from './gate.ts';
import { dig, isDeleting, refOf, stringOf } from './kube.ts';
import type { Outcome, PatchPart } from './outcome.ts';
import { rerunBlocker, rerunManifest } from './rerun.ts';
import { enforcedIn, handsOffReason } from './scope.ts';
import { detectStuckJob } from './stuck.ts';
import type { Action, Decision, KubeObject, Observed, ObjectRef, PatchAction, ReconcilerConfig } from './types.ts';

/** The Event `action` of a stuck Job's rerun. */
export const RERUN_ACTION = 'Rerun';

const NO_DECISION: Decision = { violations: [], findings: [], actions: [] };

/** What the Job's parts need to know. */
interface JobContext {
  readonly observed: Observed;
  readonly job: KubeObject;
  readonly ref: ObjectRef;
  readonly now: number;
  readonly config: ReconcilerConfig;
  /** Audit errors (rule violations and engine failures) that hold the gate. */
  readonly errors: readonly Violation[];
  /** Not hands off. */
  readonly writable: boolean;
  /** Enforce mode applies: writable and enabled for the namespace. */
  readonly enforce: boolean;
}

function rerun(ctx: JobContext, stuck: Outcome): Outcome {
  if (!stuck.findings?.length || !ctx.enforce || !ctx.config.rerunStuckJobs) return {};
  if (rerunBlocker(ctx.job, ctx.observed.ownedJobs) !== undefined) return {};
  const manifest = rerunManifest(ctx.job, ctx.ref.namespace);
  const note = `${JOB_STUCK}: creating ${String(manifest.metadata?.name)} from the stuck Job's spec`;
  // The Event goes first: once the rerun exists no decision asks for it again, so an Event
  // after a create whose answer was lost (or a restart right after it) would never be written.
  return {
    actions: [
      { type: 'event', regarding: ctx.ref, eventType: 'Normal', reason: JOB_STUCK, action: RERUN_ACTION, note },
      { type: 'create', manifest, reason: JOB_STUCK },
    ],
  };
}

function jobParts(ctx: JobContext): Outcome[] {
  const stuck = detectStuckJob(ctx.observed, ctx.now, ctx.config);
  const retention = checkRetention(ctx.observed, ctx.now, ctx.config, ctx.enforce);
  const parts = [stuck, rerun(ctx, stuck), retention];
  const quotas = ctx.observed.unavailable?.includes('resourcequotas') ? undefined : ctx.observed.quotas;
  if (ctx.writable) parts.push(ctx.config.admissionGate ? checkGate(ctx.job, ctx.ref, ctx.errors, quotas) : gateOff(ctx.job));
  const deleting = retention.actions?.some((a) => a.type === 'delete') === true;
  if (ctx.enforce && !deleting) parts.push({ patch: enforceFixes(ctx.job, ctx.ref, ctx.now, ctx.config) });
  return parts;
}

/** Merges the patch parts into one merge patch with the object's resourceVersion as precondition. */
function mergePatches(object: KubeObject, target: ObjectRef, parts: readonly PatchPart[]): Action[] {
  const resourceVersion = stringOf(dig(object, 'metadata', 'resourceVersion'));
  if (parts.length === 0 || resourceVersion === undefined) return [];
  const spec = Object.assign({}, ...parts.map((p) => p.spec)) as Record<string, unknown>;
  const annotations = Object.assign({}, ...parts.map((p) => p.annotations)) as Record<string, string>;
  const patch: PatchAction = {
    type: 'patch',
    target,
    resourceVersion,
    patch: { metadata: { resourceVersion, annotations }, spec },
    reasons: parts.flatMap((p) => p.reasons),
  };
  return [patch, ...parts.flatMap((p) => p.events)];
}

function wakeOf(parts: readonly Outcome[], now: number): number | undefined {
  const times = parts.flatMap((p) => (p.wakeAt === undefined ? [] : [p.wakeAt]));
  return times.length === 0 ? undefined : Math.max(1, Math.min(...times) - now);
}

/** The object a decision is about, and what the rules said about it. */
interface Subject {
  readonly object: KubeObject;
  readonly ref: ObjectRef;
  readonly violations: readonly Violation[];
}

function assemble(subject: Subject, parts: readonly Outcome[], now: number): Decision {
  const { object, ref, violations } = subject;
  const findings = parts.flatMap((p) => p.findings ?? []);
  const patches = parts.flatMap((p) => (p.patch ? [p.patch] : []));
  const actions: Action[] = [
    ...warningEvents(ref, violations, AUDIT_ACTION),
    ...warningEvents(ref, findings, AUDIT_ACTION),
    ...parts.flatMap((p) => p.actions ?? []),
    ...mergePatches(object, ref, patches),
  ];
  const requeueAfterMs = wakeOf(parts, now);
  return { violations, findings, actions, ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}

/** The audit the caller already holds for this very object and version, or a new one. */
function auditOf(observed: Observed, object: KubeObject, clusterVersion: string): AuditResult {
  const known = observed.audited;
  return known !== undefined && known.object === object && known.clusterVersion === clusterVersion ? known.result : audit(object, clusterVersion);
}

function decideBatch(observed: Observed, object: KubeObject, now: number, config: ReconcilerConfig): Decision {
  const ref = refOf(object, observed.ref);
  const result = auditOf(observed, object, config.kubernetesVersion);
  const writable = ref.kind !== 'Job' || handsOffReason(object) === undefined;
  const enforce = writable && enforcedIn(ref.namespace, config);
  const parts: Outcome[] = [{ findings: result.findings }];
  if (ref.kind === 'CronJob') {
    parts.push(checkCronJobSchedule(observed, now, config, enforce));
  } else {
    const errors = [...result.violations, ...result.findings].filter((v) => v.severity === 'error');
    parts.push(...jobParts({ observed, job: object, ref, now, config, errors, writable, enforce }));
  }
  return assemble({ object, ref, violations: result.violations }, parts, now);
}

/**
 * Decides what to do about one observed object at time `now` (ms since the epoch). Pure and
 * total: any JSON in `observed` gives a decision, never an exception.
 */
export function decide(observed: Observed, now: number, config: ReconcilerConfig): Decision {
  const object = observed.object;
  if (!object || typeof object !== 'object' || isDeleting(object)) return NO_DECISION;
  if (observed.ref.kind === 'Pod') {
    const ref = refOf(object, observed.ref);
    const outcome = checkOrphanPod(observed, enforcedIn(ref.namespace, config) && config.cleanupOrphanPods);
    return assemble({ object, ref, violations: [] }, [outcome], now);
  }
  return decideBatch(observed, object, now, config);
}
