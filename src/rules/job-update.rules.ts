/**
 * The Job update rules (R087–R097): immutable fields and the elastic Indexed Job rule. They run
 * only for an update (`validateUpdate`), on top of every create rule.
 */
import { apiRule, int } from './job-rule-kit';
import { isObject } from './json';
import { Finding, Rule, RuleContext } from './types';

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
    summary: 'On update, metadata.name/namespace/uid and the Job spec fields selector, completionMode, podFailurePolicy, backoffLimitPerIndex, successPolicy, managedBy, completions (NonIndexed) and template (outside the suspended-and-never-started scheduling directives) stay as they are (R087–R097).',
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
        out.push(...immutable(ctx, key, old));
      }
      if (ctx.jobSpec.completionMode !== 'Indexed') out.push(...immutable(ctx, 'completions', old));
      const directivesMayChange = old.suspend === true && !(isObject(ctx.oldObject.status) && ctx.oldObject.status.startTime);
      const same = directivesMayChange
        ? jsonEqual(withoutSchedulingDirectives(old.template), withoutSchedulingDirectives(ctx.jobSpec.template))
        : jsonEqual(old.template, ctx.jobSpec.template);
      if (!same) {
        out.push({
          path: ctx.at('template'),
          problem: directivesMayChange
            ? 'is immutable except labels, annotations, nodeSelector, tolerations, schedulingGates and nodeAffinity'
            : 'is immutable unless the Job is suspended and has never started, and then only its scheduling directives',
          fix: directivesMayChange ? 'change only the scheduling directives, or recreate the Job' : 'delete and recreate the Job to change its pod template',
        });
      }
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

