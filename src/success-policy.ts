/**
 * One rule of an Indexed Job's `successPolicy`. The Job succeeds as soon as any rule is met.
 */
export interface SuccessPolicyRule {
  /**
   * Completion indexes that must all succeed, as a comma-separated list of indexes and
   * ranges, e.g. `"0,2-4"`, sorted and not overlapping.
   *
   * @default - any indexes count (then `succeededCount` is required)
   */
  readonly succeededIndexes?: string;

  /**
   * How many indexes must succeed: of `succeededIndexes` when given, of all indexes otherwise.
   *
   * @default - all of `succeededIndexes` (then `succeededIndexes` is required)
   */
  readonly succeededCount?: number;
}

/**
 * An Indexed Job's `successPolicy` (Kubernetes 1.31+, where the JobSuccessPolicy gate is on by
 * default; alpha and off in 1.30): declare the Job succeeded before every
 * index has finished, for example "leader index 0 succeeded" or "any 1 index succeeded" (the
 * real way to let the first finisher win).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#success-policy
 */
export class SuccessPolicy {
  /**
   * A policy with these rules (at most 20); the Job succeeds when any rule is met.
   *
   * The rules are checked at synth with the rules the API server applies, as in
   * `cdk8s-batch check`: a negative `succeededCount` fails synth (`SucceededCountNegative`), a
   * count of 0, which the API server accepts, is a `SucceededCountZero` warning.
   */
  public static of(...rules: SuccessPolicyRule[]): SuccessPolicy {
    return new SuccessPolicy(rules.map((r) => ({ ...r })));
  }

  /**
   * The Job succeeds once `count` indexes, any of them, succeeded.
   */
  public static succeededCount(count: number): SuccessPolicy {
    return SuccessPolicy.of({ succeededCount: count });
  }

  /**
   * The Job succeeds once the given indexes succeeded (`count` of them when given).
   *
   * @param indexes comma-separated indexes and ranges, e.g. `"0"` or `"0,2-4"`
   * @param count how many of `indexes` must succeed; all when omitted
   */
  public static succeededIndexes(indexes: string, count?: number): SuccessPolicy {
    return SuccessPolicy.of({ succeededIndexes: indexes, succeededCount: count });
  }

  private constructor(private readonly _rules: SuccessPolicyRule[]) {}

  /** The rules of this policy. */
  public get rules(): SuccessPolicyRule[] {
    return this._rules.map((r) => ({ ...r }));
  }

  /**
   * The policy as batch/v1 JSON.
   *
   * @internal
   */
  public _toKube(): any {
    return {
      rules: this._rules.map((r) => ({
        ...(r.succeededIndexes !== undefined ? { succeededIndexes: r.succeededIndexes } : {}),
        ...(r.succeededCount !== undefined ? { succeededCount: r.succeededCount } : {}),
      })),
    };
  }
}

