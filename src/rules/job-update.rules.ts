/**
 * The Job update rules (R087–R097): immutable fields and the elastic Indexed Job rule. They run
 * only for an update (`validateUpdate`), on top of every create rule.
 */
import { apiRule, int } from './job-rule-kit';
import { isObject } from './json';
import { Finding, Rule, RuleContext } from './types';
import { compareVersions, parseVersion } from './versions';

/** Immutable Job fields whose feature is off by default before a version (the server drops them then). */
const DROPPED_BEFORE: Record<string, string> = { backoffLimitPerIndex: '1.29', successPolicy: '1.31', managedBy: '1.32' };

/** Deep equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

function oldSpec(ctx: RuleContext): Record<string, any> | undefined {
  const old = ctx.oldObject;
  return isObject(old) && isObject(old.spec) ? old.spec : undefined;
}

/** The template without the scheduling directives, for comparing while they may change. */
function withoutSchedulingDirectives(template: unknown): unknown {
  if (!isObject(template)) return template;
  const t: any = JSON.parse(JSON.stringify(template));
  if (isObject(t.metadata)) {
    delete t.metadata.labels;
    delete t.metadata.annotations;
  }
  if (isObject(t.spec)) {
    delete t.spec.nodeSelector;
    delete t.spec.tolerations;
    delete t.spec.schedulingGates;
    if (isObject(t.spec.affinity)) {
      delete t.spec.affinity.nodeAffinity;
      if (Object.keys(t.spec.affinity).length === 0) delete t.spec.affinity;
    }
  }
  return t;
}

/** The pod spec without the containers' and init containers' resources that match `next` by index and name. */
function withoutMatchingResources(podSpec: unknown, next: unknown): unknown {
  if (!isObject(podSpec) || !isObject(next)) return podSpec;
  const out: any = { ...podSpec };
  for (const list of ['containers', 'initContainers']) {
    const a = out[list];
    const b = next[list];
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) continue;
    out[list] = a.map((c, i) => (isObject(c) && isObject(b[i]) && c.name === b[i].name ? { ...c, resources: b[i].resources } : c));
  }
  return out;
}

/**
 * From 1.36 (MutablePodResourcesForSuspendedJobs and MutableSchedulingDirectivesForSuspendedJobs
 * beta, on): a suspended Job with no active pods that never started or carries the Suspended
 * condition may change its scheduling directives and its containers' resources
 * (`shouldAllowMutablePodTemplate` in pkg/registry/batch/job/strategy.go). Before 1.36: the
 * scheduling directives only, while suspended and never started.
 */
function templateFindings(ctx: RuleContext, old: Record<string, any>): Finding[] {
  const status = isObject(ctx.oldObject.status) ? ctx.oldObject.status : {};
  const suspended = old.suspend === true;
  const started = Boolean(status.startTime);
  const modern = compareVersions(ctx.version, { major: 1, minor: 36 }) >= 0;
  const suspendedCondition = Array.isArray(status.conditions) && status.conditions.some((c: any) => isObject(c) && c.type === 'Suspended' && c.status === 'True');
  const allow = modern
    ? suspended && (!started || suspendedCondition) && (typeof status.active === 'number' ? status.active : 0) === 0
    : suspended && !started;
  if (modern && allow) {
    const before: any = withoutSchedulingDirectives(old.template);
    const after: any = withoutSchedulingDirectives(ctx.jobSpec.template);
    const beforeSpec = withoutMatchingResources(isObject(before) ? before.spec : undefined, isObject(after) ? after.spec : undefined);
    if (jsonEqual(beforeSpec, isObject(after) ? after.spec : undefined)) return [];
    return [{
      path: ctx.at('template', 'spec'),
      problem: 'is immutable except the scheduling directives and the containers\' resources while the Job is suspended',
      fix: 'change only labels, annotations, nodeSelector, tolerations, schedulingGates, nodeAffinity or container resources, or recreate the Job',
    }];
  }
  const same = allow
    ? jsonEqual(withoutSchedulingDirectives(old.template), withoutSchedulingDirectives(ctx.jobSpec.template))
    : jsonEqual(old.template, ctx.jobSpec.template);
  if (same) return [];
  return [{
    path: ctx.at('template'),
    problem: allow
      ? 'is immutable except labels, annotations, nodeSelector, tolerations, schedulingGates and nodeAffinity'
      : modern
        ? 'is immutable unless the Job is suspended with no active pods (and never started or marked Suspended)'
        : 'is immutable unless the Job is suspended and has never started, and then only its scheduling directives',
    fix: allow ? 'change only the scheduling directives, or recreate the Job' : 'delete and recreate the Job to change its pod template',
  }];
}

function immutable(ctx: RuleContext, key: string, old: Record<string, any>): Finding[] {
  const before = old[key];
  const after = ctx.jobSpec[key];
  if (jsonEqual(before, after)) return [];
  return [{ path: ctx.at(key), problem: `is immutable (was ${before === undefined ? 'unset' : JSON.stringify(before)})`, got: after }];
}

/** The update-only rules, evaluated by `validateUpdate` (never by `validate`). */
export const UPDATE_RULES: readonly Rule[] = [
  apiRule({
    code: 'FieldImmutable',
    scope: 'Job',
    updateOnly: true,
    path: 'spec.<field>',
    summary: 'On update, metadata.name/namespace/uid and the Job spec fields selector, completionMode, podFailurePolicy, backoffLimitPerIndex, successPolicy, managedBy, completions (NonIndexed) and template stay as they are (R087–R097). The template\'s scheduling directives may change while the Job is suspended and never started; from 1.36 they and the containers\' resources may change while it is suspended with no active pods and either never started or marked Suspended.',
    fix: 'delete and recreate the Job to change this field',
    check: (ctx) => {
      const old = oldSpec(ctx);
      if (!old) return [];
      const out: Finding[] = [];
      const oldMeta = isObject(ctx.oldObject.metadata) ? ctx.oldObject.metadata : {};
      const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
      for (const key of ['name', 'namespace', 'uid']) {
        if (oldMeta[key] !== undefined && meta[key] !== undefined && oldMeta[key] !== meta[key]) {
          out.push({ path: `metadata.${key}`, problem: `is immutable (was ${JSON.stringify(oldMeta[key])})`, got: meta[key] });
        }
      }
      for (const key of ['selector', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'successPolicy', 'managedBy']) {
        // A field whose feature is off at this version is dropped from the update unless the old Job
        // used it, so setting it is no change (recorded on the real 1.28 server).
        const since = DROPPED_BEFORE[key];
        if (since !== undefined && compareVersions(ctx.version, parseVersion(since)) < 0 && old[key] === undefined) continue;
        out.push(...immutable(ctx, key, old));
      }
      if (ctx.jobSpec.completionMode !== 'Indexed') out.push(...immutable(ctx, 'completions', old));
      out.push(...templateFindings(ctx, old));
      return out;
    },
  }),
  apiRule({
    code: 'CompletionsChangeRequiresParallelism',
    scope: 'Job',
    updateOnly: true,
    path: 'spec.completions',
    summary: 'An Indexed Job may change completions only to the new parallelism, scaling both in tandem (R090).',
    fix: 'set parallelism to the same value as the new completions',
    check: (ctx) => {
      const old = oldSpec(ctx);
      if (!old || ctx.jobSpec.completionMode !== 'Indexed') return [];
      const c = int(ctx.jobSpec, 'completions');
      const p = int(ctx.jobSpec, 'parallelism');
      if (c === undefined || jsonEqual(old.completions, ctx.jobSpec.completions) || c === p) return [];
      return [{ path: ctx.at('completions'), problem: `can only be changed together with spec.parallelism to the same value (parallelism ${p ?? 'unset'})`, got: c }];
    },
  }),
];

