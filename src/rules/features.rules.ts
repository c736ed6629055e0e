/**
 * Versioned rules: a Job spec field that the target Kubernetes version has in its schema but keeps
 * behind an off-by-default feature gate is an error. The API server silently drops it (R012) — a
 * `backoffLimitPerIndex` on 1.28 vanishes and leaves the Job with backoffLimit 2147483647. A field
 * the version's schema lacks altogether is `FieldUnknown` (strict field validation rejects it),
 * so these rules skip it. Gate stages are those of `pkg/features/kube_features.go` at each tag.
 */
import { apiRule, podSpec } from './job-rule-kit';
import { arrayOf, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';
import { formatVersion, versionInRange } from './versions';

/** When a Job spec field became usable (on by default), and the gate that controls it. */
export interface FieldAvailability {
  /** Path below the Job spec, e.g. `backoffLimitPerIndex` or `podFailurePolicy.rules[*].action=FailIndex`. */
  readonly field: string;
  /** First Kubernetes minor version where the field is on by default; `never` while its gate is off by default in every supported version. */
  readonly since: string;
  /** The feature gate. */
  readonly gate: string;
  /** What happens on older versions. */
  readonly before: string;
  /**
   * First version where the server drops the field in silence; on versions before it, it rejects
   * the field (another rule reports that). Omitted: dropped on every version before `since`.
   */
  readonly droppedFrom?: string;
}

/** The Job spec fields that are off or absent on some supported versions (section 7 of the research). */
export const JOB_FIELD_AVAILABILITY: readonly FieldAvailability[] = [
  { field: 'backoffLimitPerIndex', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: silently dropped (backoffLimit stays 2147483647)' },
  { field: 'maxFailedIndexes', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: silently dropped' },
  { field: 'podFailurePolicy.rules[*].action=FailIndex', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: the rule is silently removed' },
  { field: 'podReplacementPolicy', since: '1.29', gate: 'JobPodReplacementPolicy', before: 'alpha, off: silently dropped' },
  { field: 'successPolicy', since: '1.31', gate: 'JobSuccessPolicy', before: '1.30 alpha, off: silently dropped; 1.28–1.29 not in the schema (FieldUnknown)' },
  { field: 'managedBy', since: '1.32', gate: 'JobManagedBy', before: '1.30–1.31 alpha, off: silently dropped; 1.28–1.29 not in the schema (FieldUnknown)' },
  { field: 'scheduling', since: 'never', gate: 'WorkloadWithJob', before: '1.37 alpha, off: silently dropped; 1.28–1.36 not in the schema (FieldUnknown)' },
  { field: 'template.spec.initContainers[*].restartPolicy', since: '1.29', gate: 'SidecarContainers', before: 'alpha, off: silently dropped, so the sidecar becomes an init container that never exits' },
  { field: 'template.spec.initContainers[*].restartPolicy≠Always', since: '1.35', droppedFrom: '1.34', gate: 'ContainerRestartRules', before: '1.34 alpha, off: silently dropped; 1.29–1.33 rejected (only Always)' },
  { field: 'template.spec.containers[*].restartPolicy', since: '1.35', droppedFrom: '1.34', gate: 'ContainerRestartRules', before: '1.34 alpha, off: silently dropped; 1.28–1.33 rejected (may not be set for non-init containers)' },
  { field: 'template.spec.containers[*].restartPolicyRules', since: '1.35', droppedFrom: '1.34', gate: 'ContainerRestartRules', before: '1.34 alpha, off: silently dropped; 1.28–1.33 not in the schema (FieldUnknown)' },
  { field: 'template.spec.containers[*].resizePolicy', since: '1.33', gate: 'InPlacePodVerticalScaling', before: '1.27–1.32 alpha, off: silently dropped' },
];

const SPEC_FIELDS = ['backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy', 'successPolicy', 'managedBy', 'scheduling'];

const FIELD: Readonly<Record<string, FieldAvailability>> = Object.fromEntries(JOB_FIELD_AVAILABILITY.map((f) => [f.field, f]));

function unavailable(ctx: RuleContext, a: FieldAvailability): boolean {
  if (a.droppedFrom !== undefined && !versionInRange(ctx.version, a.droppedFrom)) return false;
  return a.since === 'never' || !versionInRange(ctx.version, a.since);
}

/** `true` when the version's schema lacks the field at `path`: `FieldUnknown` reports it instead. */
function notInSchema(ctx: RuleContext, path: string): boolean {
  return (ctx.shapeProblems ?? []).some((p) => p.unknown && p.path === path);
}

function finding(ctx: RuleContext, at: string, a: FieldAvailability): Finding {
  if (a.since === 'never') {
    return {
      path: at,
      problem: `is dropped by the API server unless the ${a.gate} feature gate (alpha, off by default) is enabled`,
      got: `target ${formatVersion(ctx.version)}`,
      fix: `remove the field, or enable ${a.gate} on the API server and controller manager first`,
    };
  }
  return {
    path: at,
    problem: `requires Kubernetes ${a.since} or later, where ${a.gate} is on`,
    got: `target ${formatVersion(ctx.version)}`,
    fix: `target Kubernetes ${a.since} or later, or remove the field`,
  };
}

/** The container fields a gate keeps off: restartPolicy (sidecars, then restart rules) and restartPolicyRules. */
const SIDECAR = FIELD['template.spec.initContainers[*].restartPolicy'];
const INIT_RULES = FIELD['template.spec.initContainers[*].restartPolicy≠Always'];
const REGULAR = FIELD['template.spec.containers[*].restartPolicy'];
const RULE_LIST = FIELD['template.spec.containers[*].restartPolicyRules'];
const RESIZE = FIELD['template.spec.containers[*].resizePolicy'];
const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

function containerFieldFindings(ctx: RuleContext, out: Finding[]): void {
  const pod = podSpec(ctx);
  for (const list of CONTAINER_LISTS) {
    const cs = arrayOf(pod[list]);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      // Only the three fields below matter; most containers have none of them.
      if (!isObject(c) || (c.restartPolicy === undefined && c.restartPolicyRules === undefined && c.resizePolicy === undefined)) continue;
      const rp = c.restartPolicy;
      const a = list === 'containers' ? REGULAR : unavailable(ctx, SIDECAR) ? SIDECAR : rp !== 'Always' ? INIT_RULES : undefined;
      if (rp !== undefined && a !== undefined && unavailable(ctx, a)) report(ctx, ctx.at('template', 'spec', list, i, 'restartPolicy'), a, out);
      if (c.restartPolicyRules !== undefined && unavailable(ctx, RULE_LIST)) report(ctx, ctx.at('template', 'spec', list, i, 'restartPolicyRules'), RULE_LIST, out);
      if (c.resizePolicy !== undefined && unavailable(ctx, RESIZE)) report(ctx, ctx.at('template', 'spec', list, i, 'resizePolicy'), RESIZE, out);
    }
  }
}

function report(ctx: RuleContext, at: string, a: FieldAvailability, out: Finding[]): void {
  if (!notInSchema(ctx, at)) out.push(finding(ctx, at, a));
}

/** Versioned rules. */
export const FEATURE_RULES: readonly Rule[] = [
  apiRule({
    code: 'FieldRequiresNewerKubernetes',
    scope: 'JobSpec',
    path: 'spec.<field>',
    departure: 'dropped-field',
    summary: 'A Job spec field that the version\'s schema has but whose feature gate is off by default is not used, because the API server silently drops it: backoffLimitPerIndex, maxFailedIndexes, FailIndex, podReplacementPolicy and sidecar restartPolicy before 1.29 (alpha in 1.28), successPolicy before 1.31 (alpha in 1.30), managedBy before 1.32 (alpha in 1.30–1.31), a regular container\'s restartPolicy, an init container\'s restartPolicy other than Always and restartPolicyRules on 1.34 (ContainerRestartRules alpha), a container resizePolicy before 1.33 (InPlacePodVerticalScaling alpha), scheduling on every version (WorkloadWithJob, alpha in 1.36–1.37).',
    fix: 'target a Kubernetes version that has the field, or remove it',
    check: (ctx) => {
      const out: Finding[] = [];
      for (const key of SPEC_FIELDS) {
        if (ctx.originalJobSpec[key] === undefined) continue;
        const a = FIELD[key];
        if (!unavailable(ctx, a)) continue;
        const at = ctx.at(key);
        if (!notInSchema(ctx, at)) out.push(finding(ctx, at, a));
      }
      const failIndex = FIELD['podFailurePolicy.rules[*].action=FailIndex'];
      if (isObject(ctx.originalJobSpec.podFailurePolicy) && unavailable(ctx, failIndex)) {
        arrayOf(ctx.originalJobSpec.podFailurePolicy.rules).forEach((r, i) => {
          if (isObject(r) && r.action === 'FailIndex') out.push(finding(ctx, ctx.at('podFailurePolicy', 'rules', i, 'action'), failIndex));
        });
      }
      containerFieldFindings(ctx, out);
      return out;
    },
  }),
];
