/**
 * Versioned rules: a Job spec field the target Kubernetes version lacks, or keeps behind an
 * off-by-default feature gate, is an error. The API server would reject an unknown field under
 * strict field validation (R013) or, worse, silently drop a gated one (R012) — a
 * `backoffLimitPerIndex` on 1.28 vanishes and leaves the Job with backoffLimit 2147483647.
 */
import { apiRule, podSpec } from './job-rule-kit';
import { arrayOf, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';
import { formatVersion, versionInRange } from './versions';

/** When a Job spec field became usable (on by default), and the gate that controls it. */
export interface FieldAvailability {
  /** Path below the Job spec, e.g. `backoffLimitPerIndex` or `podFailurePolicy.rules[*].action=FailIndex`. */
  readonly field: string;
  /** First Kubernetes minor version where the field is on by default. */
  readonly since: string;
  /** The feature gate. */
  readonly gate: string;
  /** What happens on older versions. */
  readonly before: string;
}

/** The Job spec fields that are off or absent on some supported versions (section 7 of the research). */
export const JOB_FIELD_AVAILABILITY: readonly FieldAvailability[] = [
  { field: 'backoffLimitPerIndex', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: silently dropped (backoffLimit stays 2147483647)' },
  { field: 'maxFailedIndexes', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: silently dropped' },
  { field: 'podFailurePolicy.rules[*].action=FailIndex', since: '1.29', gate: 'JobBackoffLimitPerIndex', before: 'alpha, off: the rule is silently removed' },
  { field: 'podReplacementPolicy', since: '1.29', gate: 'JobPodReplacementPolicy', before: 'alpha, off: silently dropped' },
  { field: 'successPolicy', since: '1.31', gate: 'JobSuccessPolicy', before: '1.30 alpha (dropped); 1.28–1.29 unknown field' },
  { field: 'managedBy', since: '1.32', gate: 'JobManagedBy', before: '1.30–1.31 alpha (dropped); 1.28–1.29 unknown field' },
  { field: 'template.spec.initContainers[*].restartPolicy', since: '1.29', gate: 'SidecarContainers', before: 'alpha, off: silently dropped, so the sidecar becomes an init container that never exits' },
  { field: 'template.spec.containers[*].restartPolicy', since: '1.29', gate: 'SidecarContainers', before: 'alpha, off: silently dropped' },
];

function find(field: string): FieldAvailability {
  return JOB_FIELD_AVAILABILITY.find((f) => f.field === field)!;
}

function unavailable(ctx: RuleContext, a: FieldAvailability): boolean {
  return !versionInRange(ctx.version, a.since);
}

function finding(ctx: RuleContext, at: string, a: FieldAvailability): Finding {
  return {
    path: at,
    problem: `requires Kubernetes ${a.since} or later, where ${a.gate} is on`,
    got: `target ${formatVersion(ctx.version)}`,
    fix: `target Kubernetes ${a.since} or later, or remove the field`,
  };
}

/** Versioned rules. */
export const FEATURE_RULES: readonly Rule[] = [
  apiRule({
    code: 'FieldRequiresNewerKubernetes',
    scope: 'JobSpec',
    path: 'spec.<field>',
    until: '1.31',
    summary: 'A Job spec field is used only on versions where it exists and is on by default: backoffLimitPerIndex, maxFailedIndexes, FailIndex, podReplacementPolicy and sidecar restartPolicy from 1.29, successPolicy from 1.31, managedBy from 1.32.',
    fix: 'target a Kubernetes version that has the field, or remove it',
    check: (ctx) => {
      const out: Finding[] = [];
      for (const key of ['backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy', 'successPolicy', 'managedBy']) {
        const a = find(key);
        if (ctx.originalJobSpec[key] !== undefined && unavailable(ctx, a)) out.push(finding(ctx, ctx.at(key), a));
      }
      const failIndex = find('podFailurePolicy.rules[*].action=FailIndex');
      if (unavailable(ctx, failIndex) && isObject(ctx.jobSpec.podFailurePolicy)) {
        arrayOf(ctx.jobSpec.podFailurePolicy.rules).forEach((r, i) => {
          if (isObject(r) && r.action === 'FailIndex') out.push(finding(ctx, ctx.at('podFailurePolicy', 'rules', i, 'action'), failIndex));
        });
      }
      const pod = podSpec(ctx);
      for (const list of ['initContainers', 'containers'] as const) {
        const a = find(`template.spec.${list}[*].restartPolicy`);
        if (!unavailable(ctx, a)) continue;
        arrayOf(pod[list]).forEach((c, i) => {
          if (isObject(c) && c.restartPolicy !== undefined) out.push(finding(ctx, ctx.at('template', 'spec', list, i, 'restartPolicy'), a));
        });
      }
      return out;
    },
  }),
];
