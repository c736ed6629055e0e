/**
 * Rules that can only find something when the Job spec they check has a certain optional field.
 * Most Jobs have no pod failure or success policy and no per-index back-off, so the engine skips
 * these rules for them: one read per field per object instead of a call per rule.
 *
 * A rule is listed here only when it returns no finding whenever its field is not set in the Job
 * spec it checks (`ctx.jobSpec`, after defaulting, and `ctx.originalJobSpec`, as submitted).
 * `test/rules/triggers.test.ts` holds the engine with these skips to the engine without them on
 * the recorded golden corpus.
 */

/** The Job spec fields rules are triggered by. */
export const TRIGGER_FIELDS = ['podFailurePolicy', 'successPolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy', 'managedBy'] as const;

export type TriggerField = (typeof TRIGGER_FIELDS)[number];

/**
 * For each of `TRIGGER_FIELDS`, in that order, whether Job spec `a` or `b` has it (not `undefined`).
 * One named read per field and spec: the same few property reads on every object.
 */
export function presentTriggers(a: Record<string, unknown>, b: Record<string, unknown>): boolean[] {
  return [
    a.podFailurePolicy !== undefined || b.podFailurePolicy !== undefined,
    a.successPolicy !== undefined || b.successPolicy !== undefined,
    a.backoffLimitPerIndex !== undefined || b.backoffLimitPerIndex !== undefined,
    a.maxFailedIndexes !== undefined || b.maxFailedIndexes !== undefined,
    a.podReplacementPolicy !== undefined || b.podReplacementPolicy !== undefined,
    a.managedBy !== undefined || b.managedBy !== undefined,
  ];
}

const POD_FAILURE_POLICY: TriggerField = 'podFailurePolicy';
const SUCCESS_POLICY: TriggerField = 'successPolicy';
const PER_INDEX: TriggerField = 'backoffLimitPerIndex';
const MAX_FAILED: TriggerField = 'maxFailedIndexes';

/** The field each `JobSpec` rule needs; a rule not listed always runs. */
export const RULE_TRIGGERS: Readonly<Record<string, TriggerField>> = {
  // podFailurePolicy: every rule reads ctx.jobSpec.podFailurePolicy first.
  PodFailurePolicyRequiresRestartPolicyNever: POD_FAILURE_POLICY,
  PodFailurePolicyTooManyRules: POD_FAILURE_POLICY,
  PodFailurePolicyActionInvalid: POD_FAILURE_POLICY,
  FailIndexRequiresBackoffLimitPerIndex: POD_FAILURE_POLICY,
  PodFailurePolicyRuleRequirementInvalid: POD_FAILURE_POLICY,
  OnExitCodesOperatorInvalid: POD_FAILURE_POLICY,
  OnExitCodesContainerNameUnknown: POD_FAILURE_POLICY,
  OnExitCodesValuesCount: POD_FAILURE_POLICY,
  OnExitCodesZeroWithIn: POD_FAILURE_POLICY,
  OnExitCodesValuesDuplicate: POD_FAILURE_POLICY,
  OnExitCodesValuesNotOrdered: POD_FAILURE_POLICY,
  ExitCodeOutOfRange: POD_FAILURE_POLICY,
  OnPodConditionsTooMany: POD_FAILURE_POLICY,
  OnPodConditionTypeInvalid: POD_FAILURE_POLICY,
  OnPodConditionStatusInvalid: POD_FAILURE_POLICY,
  PodReplacementPolicyMustBeFailed: POD_FAILURE_POLICY,
  // successPolicy
  SuccessPolicyRequiresIndexed: SUCCESS_POLICY,
  SuccessPolicyRulesCount: SUCCESS_POLICY,
  SuccessPolicyRuleEmpty: SUCCESS_POLICY,
  SucceededIndexesInvalid: SUCCESS_POLICY,
  SucceededCountNegative: SUCCESS_POLICY,
  SucceededCountTooHigh: SUCCESS_POLICY,
  SucceededCountZero: SUCCESS_POLICY,
  SucceededIndexesEmpty: SUCCESS_POLICY,
  // per-index back-off
  BackoffLimitPerIndexNegative: PER_INDEX,
  BackoffLimitPerIndexRequiresIndexed: PER_INDEX,
  BackoffLimitPerIndexWithoutNever: PER_INDEX,
  MaxFailedIndexesRequiredForLargeJob: PER_INDEX,
  ParallelismTooHighForLargePerIndexJob: PER_INDEX,
  MaxFailedIndexesNegative: MAX_FAILED,
  MaxFailedIndexesExceedsCompletions: MAX_FAILED,
  MaxFailedIndexesTooHigh: MAX_FAILED,
  MaxFailedIndexesTooHighForLargeJob: MAX_FAILED,
  MaxFailedIndexesRequiresBackoffLimitPerIndex: MAX_FAILED,
  MaxFailedIndexesRequiresIndexed: MAX_FAILED,
  // single fields
  PodReplacementPolicyUnsupported: 'podReplacementPolicy',
  ManagedByInvalid: 'managedBy',
  ManagedByTooLong: 'managedBy',
};

/** The index in `TRIGGER_FIELDS` of the field rule `code` needs, `-1` when it always runs. */
export function triggerOf(code: string): number {
  return Object.prototype.hasOwnProperty.call(RULE_TRIGGERS, code) ? TRIGGER_FIELDS.indexOf(RULE_TRIGGERS[code]) : -1;
}
