/**
 * What the Job controller does when a pod failure matches a `PodFailurePolicyRule`.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export enum PodFailurePolicyAction {
  /** Mark the whole Job as failed and terminate its running pods. */
  FAIL_JOB = 'FailJob',
  /** Do not count the failure towards `backoffLimit`; a replacement pod is created. */
  IGNORE = 'Ignore',
  /** Count the failure towards `backoffLimit` (what happens to failures no rule matches). */
  COUNT = 'Count',
  /**
   * Mark the pod's completion index as failed without retrying it
   * (Indexed Jobs with `backoffLimitPerIndex` only).
   */
  FAIL_INDEX = 'FailIndex',
}

/**
 * How a rule's exit codes are compared with a container's exit code.
 */
export enum ExitCodeOperator {
  /** The exit code is one of the values (the values may not include 0). */
  IN = 'In',
  /** The exit code is none of the values. */
  NOT_IN = 'NotIn',
}

/**
 * Options of `PodFailurePolicyRule.onExitCodes`.
 */
export interface PodFailurePolicyExitCodesOptions {
  /** What to do when the rule matches. */
  readonly action: PodFailurePolicyAction;

  /**
   * Container exit codes, whole numbers (0 to 255 on Linux), at most 255 of them. They are emitted
   * sorted and without duplicates, as the API server requires.
   */
  readonly values: number[];

  /**
   * How the values are compared with the exit code.
   *
   * @default ExitCodeOperator.IN
   */
  readonly operator?: ExitCodeOperator;

  /**
   * Only match the exit code of the container (or init container) with this name.
   *
   * @default - any container of the pod
   */
  readonly containerName?: string;
}

/**
 * One pod condition a `PodFailurePolicyRule.onPodConditions` rule matches.
 */
export interface PodFailurePolicyCondition {
  /** The pod condition type, e.g. `DisruptionTarget`. */
  readonly type: string;

  /**
   * The condition status that matches: `True`, `False` or `Unknown`.
   *
   * @default "True"
   */
  readonly status?: string;
}

/**
 * Options of `PodFailurePolicyRule.onPodConditions`.
 */
export interface PodFailurePolicyConditionsOptions {
  /** What to do when the rule matches. */
  readonly action: PodFailurePolicyAction;

  /** The rule matches a failed pod that has any of these conditions. */
  readonly conditions: PodFailurePolicyCondition[];
}

/**
 * One rule of a Job's `podFailurePolicy`: a requirement on exit codes or on pod conditions,
 * and the action taken when a failed pod meets it.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/#JobSpec
 */
export class PodFailurePolicyRule {
  /**
   * A rule that matches container exit codes.
   *
   * The values are sorted and de-duplicated, as the API server requires. Like every other field,
   * they are checked at synth with the rules the API server applies: a value that is not a whole
   * int32 number fails synth (`FieldTypeInvalid`), a value outside 0..255, which the API server
   * accepts, is an `ExitCodeOutOfRange` warning, the same as in `cdk8s-batch check`.
   */
  public static onExitCodes(options: PodFailurePolicyExitCodesOptions): PodFailurePolicyRule {
    const values = options.values ?? [];
    // Values of untyped callers that are not finite numbers are passed on as given for the rules to report.
    const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
    return new PodFailurePolicyRule({
      action: options.action,
      onExitCodes: {
        containerName: options.containerName,
        operator: options.operator ?? ExitCodeOperator.IN,
        values: numeric ? Array.from(new Set(values)).sort((a, b) => a - b) : [...values],
      },
    });
  }

  /**
   * A rule that matches pod conditions, e.g. `DisruptionTarget` for pods evicted by preemption
   * or node drain.
   */
  public static onPodConditions(options: PodFailurePolicyConditionsOptions): PodFailurePolicyRule {
    return new PodFailurePolicyRule({
      action: options.action,
      onPodConditions: (options.conditions ?? []).map((c) => ({ type: c.type, status: c.status ?? 'True' })),
    });
  }

  /** The action this rule takes. */
  public readonly action: PodFailurePolicyAction;

  private constructor(private readonly rule: { action: PodFailurePolicyAction; [k: string]: unknown }) {
    this.action = rule.action;
  }

  /**
   * The rule as batch/v1 JSON.
   *
   * @internal
   */
  public _toKube(): any {
    return JSON.parse(JSON.stringify(this.rule));
  }
}

/**
 * A Job's `podFailurePolicy`: rules evaluated in order against each failed pod; the first match
 * decides, and failures no rule matches count towards `backoffLimit`.
 *
 * Requires the pod `restartPolicy` `Never`; with it, `podReplacementPolicy` can only be `Failed`.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export class PodFailurePolicy {
  /**
   * A policy with these rules, in evaluation order (at most 20).
   */
  public static of(...rules: PodFailurePolicyRule[]): PodFailurePolicy {
    return new PodFailurePolicy(rules);
  }

  private constructor(private readonly _rules: PodFailurePolicyRule[]) {}

  /** The rules, in evaluation order. */
  public get rules(): PodFailurePolicyRule[] {
    return [...this._rules];
  }

  /**
   * The policy as batch/v1 JSON.
   *
   * @internal
   */
  public _toKube(): any {
    return { rules: this._rules.map((r) => r._toKube()) };
  }
}
