/**
 * The admission gate. A Job created with `spec.suspend: true` and `GATE_ANNOTATION: GATE_PENDING`
 * waits for the reconciler: when it has no error violations on the live cluster's version and
 * the namespace's ResourceQuotas leave room for its first pods, it is released (`suspend: false`,
 * annotation `GATE_RELEASED`); otherwise it stays suspended and an `AdmissionGateHeld` finding
 * says why. The gate is opt-in per Job and switched on for the reconciler (`--admission-gate`);
 * it then acts in audit mode as well as in enforce mode. It never acts on a Job that is hands off
 * (Kueue, another manager or owner decides when it runs). With the gate switched off the
 * reconciler holds no permission to release a Job, so a gated Job is reported as held, saying so.
 */
import { ADMISSION_GATE_RELEASED, GATE_ANNOTATION, GATE_PENDING, GATE_RELEASED } from 'cdk8s-batch/rules';
import type { Violation } from 'cdk8s-batch/rules';
import { ADMISSION_GATE_HELD, clusterFinding } from './findings.ts';
import { annotationsOf, dig } from './kube.ts';
import type { Outcome } from './outcome.ts';
import { quotaShortfalls } from './quota.ts';
import type { EventAction, KubeObject, ObjectRef } from './types.ts';

/** Reason and action of the Normal Event emitted when a gated Job is released. */
export const GATE_RELEASED_REASON = ADMISSION_GATE_RELEASED;
export const GATE_RELEASE_ACTION = 'Release';

/** True when the Job waits at the gate. */
export function isGated(job: KubeObject): boolean {
  return annotationsOf(job)[GATE_ANNOTATION] === GATE_PENDING && dig(job, 'spec', 'suspend') === true;
}

/** Why the gate holds the Job: its error violations and quota shortfalls; empty when it may start. */
export function gateHolds(job: KubeObject, errors: readonly Violation[], quotas: readonly KubeObject[]): string[] {
  const codes = [...new Set(errors.map((v) => v.code))];
  const violations = codes.length === 0 ? [] : [`${errors.length} error violation(s) on the live cluster version: ${codes.join(', ')}`];
  return [...violations, ...quotaShortfalls(job, quotas)];
}

/**
 * The gate on a writable Job: release (a patch part and a Normal Event) or hold (a finding).
 * `errors` are the error-severity violations and findings of the Job's audit; `quotas`
 * undefined means they cannot be read, and the quota check is off (the API server's quota
 * admission still applies to the Job's pods).
 */
export function checkGate(job: KubeObject, regarding: ObjectRef, errors: readonly Violation[], quotas: readonly KubeObject[] | undefined): Outcome {
  if (!isGated(job)) return {};
  const holds = gateHolds(job, errors, quotas ?? []);
  return holds.length > 0 ? held(holds) : released(regarding, quotas !== undefined);
}

/** A gated Job while the reconciler runs without the gate: held until someone releases it. */
export function gateOff(job: KubeObject): Outcome {
  if (!isGated(job)) return {};
  return held(['the reconciler runs without --admission-gate'], 'run the reconciler with --admission-gate (BatchReconciler admissionGate: true), or set spec.suspend to false yourself');
}

function held(holds: readonly string[], fix?: string): Outcome {
  const finding = clusterFinding(ADMISSION_GATE_HELD, { path: 'spec.suspend', problem: `stays true: ${holds.join('; ')}`, got: 'true', fix });
  return { findings: [finding] };
}

function released(regarding: ObjectRef, quotaChecked: boolean): Outcome {
  const event: EventAction = {
    type: 'event',
    regarding,
    eventType: 'Normal',
    reason: GATE_RELEASED_REASON,
    action: GATE_RELEASE_ACTION,
    note:
      !quotaChecked
        ? `${GATE_RELEASED_REASON}: the Job passed the rules on the live cluster version (the namespace quota was not checked: ResourceQuotas cannot be read), so spec.suspend was set to false`
        : `${GATE_RELEASED_REASON}: the Job passed the rules on the live cluster version and fits the namespace quota, so spec.suspend was set to false`,
  };
  return { patch: { spec: { suspend: false }, annotations: { [GATE_ANNOTATION]: GATE_RELEASED }, reasons: [GATE_RELEASED_REASON], events: [event] } };
}
