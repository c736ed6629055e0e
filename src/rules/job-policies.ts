/**
 * podFailurePolicy (R047–R063) and successPolicy (R066–R075) rules, with API-server parity, plus
 * the stricter warnings the research recommends where the docs and the server disagree.
 */
import { apiRule, int, isIndexed, podSpec, when } from './job-rule-kit';
import { byteLength, parseIndexIntervals, qualifiedNameErrors } from './job-validators';
import { arrayOf, isInt32, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';

/** `maxPodFailurePolicyRules`. */
export const MAX_POD_FAILURE_POLICY_RULES = 20;
/** `maxPodFailurePolicyOnExitCodesValues`. */
export const MAX_ON_EXIT_CODES_VALUES = 255;
/** `maxPodFailurePolicyOnPodConditionsPatterns`. */
export const MAX_ON_POD_CONDITIONS = 20;
/** `maxSuccessPolicyRule`. */
export const MAX_SUCCESS_POLICY_RULES = 20;
/** `maxJobSuccessPolicySucceededIndexesLimit` (bytes). */
export const MAX_SUCCEEDED_INDEXES_BYTES = 65536;

const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

interface PfpRule {
  readonly rule: Record<string, any>;
  readonly i: number;
}

/** No pod failure rules (most Jobs): one shared empty list. */
const NO_RULES: readonly PfpRule[] = [];

/** One shared empty list for every helper and rule that finds nothing to look at (most Jobs have no policies). */
const NO_FINDINGS_OF: readonly never[] = Object.freeze([]);

/**
 * `items.flatMap(each)`, or the shared empty list when there are no items: the rules of this file
 * run on every Job, and most have no podFailurePolicy or successPolicy.
 */
function each<T>(items: readonly T[], fn: (item: T) => readonly Finding[]): readonly Finding[] {
  return items.length === 0 ? NO_FINDINGS_OF : items.flatMap(fn);
}

function pfpRules(ctx: RuleContext): readonly PfpRule[] {
  const policy = ctx.jobSpec.podFailurePolicy;
  if (!isObject(policy)) return NO_RULES;
  return ruleItems(policy.rules);
}

/** A list's rule objects with their indexes; a null item decodes as an empty rule on the server. */
function ruleItems(rules: unknown): PfpRule[] {
  return arrayOf(rules).flatMap((rule, i) => (rule === null ? [{ rule: {}, i }] : isObject(rule) ? [{ rule, i }] : []));
}

/** onExitCodes.values as the server decodes them: a null item is 0. */
function exitCodeValues(values: unknown): unknown[] {
  return arrayOf(values).map((v) => (v === null ? 0 : v));
}

function onExitCodes(ctx: RuleContext): ReadonlyArray<{ req: Record<string, any>; i: number; values: number[] }> {
  const rules = pfpRules(ctx);
  if (rules.length === 0) return NO_FINDINGS_OF;
  return rules.flatMap(({ rule, i }) =>
    isObject(rule.onExitCodes) ? [{ req: rule.onExitCodes, i, values: exitCodeValues(rule.onExitCodes.values).filter(isInt32) }] : [],
  );
}

function onPodConditions(ctx: RuleContext): ReadonlyArray<{ patterns: any[]; i: number }> {
  const rules = pfpRules(ctx);
  if (rules.length === 0) return NO_FINDINGS_OF;
  return rules.flatMap(({ rule, i }) =>
    (Array.isArray(rule.onPodConditions) && rule.onPodConditions.length > 0 ? [{ patterns: rule.onPodConditions, i }] : []));
}

function containerNames(ctx: RuleContext): Set<string> {
  const pod = podSpec(ctx);
  const names = new Set<string>();
  for (const c of [...arrayOf(pod.containers), ...arrayOf(pod.initContainers)]) if (isObject(c) && typeof c.name === 'string') names.add(c.name);
  return names;
}

const pfp = (ctx: RuleContext, ...rest: Array<string | number>) => ctx.at('podFailurePolicy', 'rules', ...rest);

/** podFailurePolicy rules. */
export const POD_FAILURE_POLICY_RULES: Rule[] = [
  apiRule({
    code: 'PodFailurePolicyRequiresRestartPolicyNever',
    scope: 'JobSpec',
    path: 'spec.template.spec.restartPolicy',
    summary: 'With a podFailurePolicy the pod restartPolicy must be Never (R047).',
    fix: 'set restartPolicy to Never',
    check: (ctx) => {
      const rp = podSpec(ctx).restartPolicy;
      return when(ctx.jobSpec.podFailurePolicy !== undefined && rp === 'OnFailure', () => ({
        path: ctx.at('template', 'spec', 'restartPolicy'),
        problem: 'must be Never when podFailurePolicy is set',
        got: rp,
      }));
    },
  }),
  apiRule({
    code: 'PodFailurePolicyTooManyRules',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules',
    summary: 'A podFailurePolicy has at most 20 rules; an empty list is accepted (R048).',
    fix: 'merge rules so there are 20 or fewer',
    check: (ctx) => {
      const n = isObject(ctx.jobSpec.podFailurePolicy) ? arrayOf(ctx.jobSpec.podFailurePolicy.rules).length : 0;
      return when(n > MAX_POD_FAILURE_POLICY_RULES, () => ({
        path: ctx.at('podFailurePolicy', 'rules'),
        problem: `must have at most ${MAX_POD_FAILURE_POLICY_RULES} items (${n})`,
        got: n,
      }));
    },
  }),
  apiRule({
    code: 'PodFailurePolicyActionInvalid',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].action',
    summary: 'Each pod failure rule has an action: Count, FailIndex, FailJob or Ignore (R049, R050).',
    fix: 'set action to Count, FailIndex, FailJob or Ignore',
    check: (ctx) =>
      each(pfpRules(ctx), ({ rule, i }): Finding[] => {
        const a = rule.action;
        if (a === undefined || a === '') return [{ path: pfp(ctx, i, 'action'), problem: 'is required (Count, FailIndex, FailJob or Ignore)' }];
        if (!ACTIONS.includes(a)) return [{ path: pfp(ctx, i, 'action'), problem: 'must be "Count", "FailIndex", "FailJob" or "Ignore"', got: a }];
        return [];
      }),
  }),
  apiRule({
    code: 'FailIndexRequiresBackoffLimitPerIndex',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].action',
    since: '1.29',
    templateSince: '1.28',
    summary: 'The FailIndex action needs backoffLimitPerIndex (R051).',
    fix: 'set backoffLimitPerIndex or use another action',
    check: (ctx) =>
      each(pfpRules(ctx), ({ rule, i }) =>
        when(rule.action === 'FailIndex' && ctx.jobSpec.backoffLimitPerIndex === undefined, () => ({
          path: pfp(ctx, i, 'action'),
          problem: 'FailIndex requires backoffLimitPerIndex to be set',
          got: rule.action,
        })),
      ),
  }),
  apiRule({
    code: 'PodFailurePolicyRuleRequirementInvalid',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*]',
    summary: 'Each pod failure rule has exactly one of onExitCodes and a non-empty onPodConditions (R052).',
    fix: 'give the rule either onExitCodes or onPodConditions, not both',
    check: (ctx) =>
      each(pfpRules(ctx), ({ rule, i }): Finding[] => {
        const exit = rule.onExitCodes !== undefined;
        const cond = Array.isArray(rule.onPodConditions) && rule.onPodConditions.length > 0;
        if (exit && cond) return [{ path: pfp(ctx, i), problem: 'specifies both onExitCodes and onPodConditions, which is not supported' }];
        if (!exit && !cond) return [{ path: pfp(ctx, i), problem: 'specifies neither onExitCodes nor onPodConditions; one of them is required' }];
        return [];
      }),
  }),
  apiRule({
    code: 'OnExitCodesOperatorInvalid',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.operator',
    summary: 'onExitCodes.operator is required and is In or NotIn (R053).',
    fix: 'set operator to In or NotIn',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ req, i }): Finding[] => {
        const op = req.operator;
        if (op === undefined || op === '') return [{ path: pfp(ctx, i, 'onExitCodes', 'operator'), problem: 'is required (In or NotIn)' }];
        if (op !== 'In' && op !== 'NotIn') return [{ path: pfp(ctx, i, 'onExitCodes', 'operator'), problem: 'must be "In" or "NotIn"', got: op }];
        return [];
      }),
  }),
  apiRule({
    code: 'OnExitCodesContainerNameUnknown',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.containerName',
    summary: 'onExitCodes.containerName names one of the containers or initContainers of the pod template (R054).',
    fix: 'use the name of a container or initContainer in the pod template',
    check: (ctx) => {
      const reqs = onExitCodes(ctx);
      if (reqs.length === 0) return [];
      const names = containerNames(ctx);
      return reqs.flatMap(({ req, i }) =>
        when(typeof req.containerName === 'string' && !names.has(req.containerName), () => ({
          path: pfp(ctx, i, 'onExitCodes', 'containerName'),
          problem: `must be one of the container or initContainer names in the pod template (${[...names].join(', ') || 'none'})`,
          got: req.containerName,
        })),
      );
    },
  }),
  apiRule({
    code: 'OnExitCodesValuesCount',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.values',
    summary: 'onExitCodes.values has between 1 and 255 items (R055, R056).',
    fix: 'list between 1 and 255 exit codes',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ req, i }): Finding[] => {
        const n = arrayOf(req.values).length;
        if (n === 0) return [{ path: pfp(ctx, i, 'onExitCodes', 'values'), problem: 'must have at least one value', got: req.values ?? [] }];
        if (n > MAX_ON_EXIT_CODES_VALUES) return [{ path: pfp(ctx, i, 'onExitCodes', 'values'), problem: `must have at most ${MAX_ON_EXIT_CODES_VALUES} items (${n})`, got: n }];
        return [];
      }),
  }),
  apiRule({
    code: 'OnExitCodesZeroWithIn',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.values[*]',
    summary: 'With the In operator, exit code 0 is not allowed (R057).',
    fix: 'remove 0 from the values, or use NotIn',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ req, i }) => {
        // Every value is checked, also in a list that is too long (the server reports both).
        const values = exitCodeValues(req.values);
        if (req.operator !== 'In') return [];
        return values.flatMap((v, j) => when(v === 0, () => ({ path: pfp(ctx, i, 'onExitCodes', 'values', j), problem: 'must not be 0 for the In operator', got: 0 })));
      }),
  }),
  apiRule({
    code: 'OnExitCodesValuesDuplicate',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.values[*]',
    summary: 'onExitCodes.values are unique (R058).',
    fix: 'remove the duplicate exit code',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ req, i }) => {
        const values = exitCodeValues(req.values);
        const seen = new Set<unknown>();
        const out: Finding[] = [];
        values.forEach((v, j) => {
          if (seen.has(v)) out.push({ path: pfp(ctx, i, 'onExitCodes', 'values', j), problem: 'is a duplicate value', got: v });
          seen.add(v);
        });
        return out;
      }),
  }),
  apiRule({
    code: 'OnExitCodesValuesNotOrdered',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.values',
    summary: 'onExitCodes.values are in ascending order (R059).',
    fix: 'sort the exit codes in ascending order',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ i, values }) => {
        const ordered = values.every((v, j) => j === 0 || values[j - 1] <= v);
        return when(!ordered, () => ({ path: pfp(ctx, i, 'onExitCodes', 'values'), problem: 'must be ordered ascending', got: values }));
      }),
  }),
  apiRule({
    code: 'ExitCodeOutOfRange',
    scope: 'JobSpec',
    severity: 'warning',
    source: 'misconception',
    path: 'spec.podFailurePolicy.rules[*].onExitCodes.values[*]',
    summary: 'Linux exit codes are 0..255; the server accepts any int32 (negative values only make sense for Windows containers) (R060).',
    fix: 'use exit codes between 0 and 255',
    check: (ctx) =>
      each(onExitCodes(ctx), ({ req, i }) =>
        arrayOf(req.values).flatMap((v, j) =>
          when(isInt32(v) && (v < 0 || v > 255), () => ({ path: pfp(ctx, i, 'onExitCodes', 'values', j), problem: 'is outside the exit code range 0..255', got: v })),
        ),
      ),
  }),
  apiRule({
    code: 'OnPodConditionsTooMany',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onPodConditions',
    summary: 'A pod failure rule has at most 20 onPodConditions patterns (R061).',
    fix: 'use 20 or fewer onPodConditions patterns',
    check: (ctx) =>
      each(onPodConditions(ctx), ({ patterns, i }) =>
        when(patterns.length > MAX_ON_POD_CONDITIONS, () => ({
          path: pfp(ctx, i, 'onPodConditions'),
          problem: `must have at most ${MAX_ON_POD_CONDITIONS} items (${patterns.length})`,
          got: patterns.length,
        })),
      ),
  }),
  apiRule({
    code: 'OnPodConditionTypeInvalid',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onPodConditions[*].type',
    summary: 'onPodConditions[].type is a qualified name such as DisruptionTarget (R062).',
    fix: 'use a pod condition type such as DisruptionTarget',
    check: (ctx) =>
      each(onPodConditions(ctx), ({ patterns, i }) =>
        patterns.flatMap((item, k) => {
          const p = item === null ? {} : item; // a null pattern decodes as an empty one, whose type is ""
          if (!isObject(p)) return [];
          const t = typeof p.type === 'string' ? p.type : '';
          return qualifiedNameErrors(t).map((e) => ({ path: pfp(ctx, i, 'onPodConditions', k, 'type'), problem: e, got: t }));
        }),
      ),
  }),
  apiRule({
    code: 'OnPodConditionStatusInvalid',
    scope: 'JobSpec',
    path: 'spec.podFailurePolicy.rules[*].onPodConditions[*].status',
    summary: 'onPodConditions[].status is True, False or Unknown; it defaults to True in Jobs, but in CronJob templates only from 1.34 (R063, R007).',
    fix: 'set status to True, False or Unknown',
    check: (ctx) =>
      each(onPodConditions(ctx), ({ patterns, i }) =>
        patterns.flatMap((item, k): readonly Finding[] => {
          const p = item === null ? {} : item; // not defaulted (a CronJob template before 1.34): an empty pattern
          if (!isObject(p)) return [];
          const at = pfp(ctx, i, 'onPodConditions', k, 'status');
          if (p.status === undefined || p.status === '') {
            return [{ path: at, problem: 'is required here (True, False or Unknown); it is not defaulted in CronJob job templates before Kubernetes 1.34' }];
          }
          return when(!CONDITION_STATUSES.includes(p.status), () => ({ path: at, problem: 'must be "True", "False" or "Unknown"', got: p.status }));
        }),
      ),
  }),
];

// ---------------------------------------------------------------------------------------------
// successPolicy

function successRules(ctx: RuleContext): ReadonlyArray<{ rule: Record<string, any>; i: number }> {
  const policy = ctx.jobSpec.successPolicy;
  if (!isObject(policy)) return NO_FINDINGS_OF;
  return ruleItems(policy.rules);
}

const sp = (ctx: RuleContext, ...rest: Array<string | number>) => ctx.at('successPolicy', 'rules', ...rest);

/** The number of indexes in a rule's succeededIndexes, `0` when it does not parse (as upstream). */
function indexCount(text: string, completions: number): number {
  const parsed = parseIndexIntervals(text, completions);
  return 'error' in parsed ? 0 : parsed.count;
}

/** successPolicy rules (Kubernetes 1.31+, where JobSuccessPolicy is on). */
export const SUCCESS_POLICY_RULES: Rule[] = [
  apiRule({
    code: 'SuccessPolicyRequiresIndexed',
    scope: 'JobSpec',
    path: 'spec.successPolicy',
    since: '1.31',
    templateSince: '1.30',
    summary: 'successPolicy is only valid when completionMode is Indexed (R066).',
    fix: 'use completionMode Indexed (IndexedJob) or remove successPolicy',
    check: (ctx) =>
      when(ctx.jobSpec.successPolicy !== undefined && !isIndexed(ctx), () => ({
        path: ctx.at('successPolicy'),
        problem: 'is only valid when completionMode is Indexed',
        got: ctx.jobSpec.completionMode ?? 'NonIndexed',
      })),
  }),
  apiRule({
    code: 'SuccessPolicyRulesCount',
    scope: 'JobSpec',
    path: 'spec.successPolicy.rules',
    since: '1.31',
    templateSince: '1.30',
    summary: 'A successPolicy has between 1 and 20 rules (R067, R068).',
    fix: 'give successPolicy between 1 and 20 rules',
    check: (ctx) => {
      const policy = ctx.jobSpec.successPolicy;
      if (!isObject(policy)) return [];
      const n = arrayOf(policy.rules).length;
      if (n === 0) return [{ path: ctx.at('successPolicy', 'rules'), problem: 'must have at least one rule when successPolicy is set' }];
      return when(n > MAX_SUCCESS_POLICY_RULES, () => ({ path: ctx.at('successPolicy', 'rules'), problem: `must have at most ${MAX_SUCCESS_POLICY_RULES} items (${n})`, got: n }));
    },
  }),
  apiRule({
    code: 'SuccessPolicyRuleEmpty',
    scope: 'JobSpec',
    path: 'spec.successPolicy.rules[*]',
    since: '1.31',
    templateSince: '1.30',
    summary: 'Each successPolicy rule sets succeededCount, succeededIndexes or both (R069).',
    fix: 'set succeededCount or succeededIndexes',
    check: (ctx) =>
      each(successRules(ctx), ({ rule, i }) =>
        when(rule.succeededCount === undefined && rule.succeededIndexes === undefined, () => ({
          path: sp(ctx, i),
          problem: 'must set at least one of succeededCount and succeededIndexes',
        })),
      ),
  }),
  apiRule({
    code: 'SucceededIndexesInvalid',
    scope: 'JobSpec',
    path: 'spec.successPolicy.rules[*].succeededIndexes',
    since: '1.31',
    templateSince: '1.30',
    summary: 'succeededIndexes is at most 64 KiB of comma-separated increasing indexes or ranges ("0,2-4"), each below completions (R070, R071).',
    fix: 'write increasing indexes or ranges below completions, e.g. "0,2-4"',
    check: (ctx) => {
      const completions = int(ctx.jobSpec, 'completions');
      return each(successRules(ctx), ({ rule, i }): Finding[] => {
        const s = rule.succeededIndexes;
        if (typeof s !== 'string') return [];
        const at = sp(ctx, i, 'succeededIndexes');
        const out: Finding[] = [];
        if (byteLength(s) > MAX_SUCCEEDED_INDEXES_BYTES) out.push({ path: at, problem: `may not be more than ${MAX_SUCCEEDED_INDEXES_BYTES} bytes`, got: `${byteLength(s)} bytes` });
        if (completions === undefined) return out;
        const parsed = parseIndexIntervals(s, completions);
        if ('error' in parsed) out.push({ path: at, problem: `cannot be parsed: ${parsed.error}`, got: s });
        return out;
      });
    },
  }),
  apiRule({
    code: 'SucceededCountNegative',
    scope: 'JobSpec',
    path: 'spec.successPolicy.rules[*].succeededCount',
    since: '1.31',
    templateSince: '1.30',
    summary: 'succeededCount is 0 or more (R072).',
    fix: 'set succeededCount to 1 or more',
    check: (ctx) =>
      each(successRules(ctx), ({ rule, i }) =>
        when(isInt32(rule.succeededCount) && rule.succeededCount < 0, () => ({
          path: sp(ctx, i, 'succeededCount'),
          problem: 'must be greater than or equal to 0',
          got: rule.succeededCount,
        })),
      ),
  }),
  apiRule({
    code: 'SucceededCountTooHigh',
    scope: 'JobSpec',
    path: 'spec.successPolicy.rules[*].succeededCount',
    since: '1.31',
    templateSince: '1.30',
    summary: 'succeededCount is at most completions and, with succeededIndexes, at most the number of indexes listed (R073, R074).',
    fix: 'lower succeededCount to what the rule can reach',
    check: (ctx) => {
      const completions = int(ctx.jobSpec, 'completions');
      if (completions === undefined) return [];
      return each(successRules(ctx), ({ rule, i }): Finding[] => {
        const c = rule.succeededCount;
        if (!isInt32(c)) return [];
        const at = sp(ctx, i, 'succeededCount');
        const out: Finding[] = [];
        if (c > completions) out.push({ path: at, problem: `must be less than or equal to ${completions} (completions)`, got: c });
        if (typeof rule.succeededIndexes === 'string') {
          const n = indexCount(rule.succeededIndexes, completions);
          if (c > n) out.push({ path: at, problem: `must be less than or equal to ${n} (the number of indexes in succeededIndexes)`, got: c });
        }
        return out;
      });
    },
  }),
  apiRule({
    code: 'SucceededCountZero',
    scope: 'JobSpec',
    severity: 'warning',
    source: 'misconception',
    path: 'spec.successPolicy.rules[*].succeededCount',
    since: '1.31',
    templateSince: '1.30',
    summary: 'The API documents succeededCount as a positive integer; the server accepts 0, which a rule without succeededIndexes meets at once.',
    fix: 'set succeededCount to 1 or more',
    check: (ctx) =>
      each(successRules(ctx), ({ rule, i }) =>
        when(rule.succeededCount === 0, () => ({ path: sp(ctx, i, 'succeededCount'), problem: 'is 0, which the docs do not allow', got: 0 })),
      ),
  }),
  apiRule({
    code: 'SucceededIndexesEmpty',
    scope: 'JobSpec',
    severity: 'warning',
    source: 'misconception',
    path: 'spec.successPolicy.rules[*].succeededIndexes',
    since: '1.31',
    templateSince: '1.30',
    summary: 'The API documents succeededIndexes as non-empty; the server accepts "" (no indexes) (R075).',
    fix: 'list at least one index or remove succeededIndexes',
    check: (ctx) =>
      each(successRules(ctx), ({ rule, i }) =>
        when(rule.succeededIndexes === '', () => ({ path: sp(ctx, i, 'succeededIndexes'), problem: 'is empty, so the rule names no index', got: '' })),
      ),
  }),
];
