import { ExitCodeOperator, PodFailurePolicy, PodFailurePolicyAction, PodFailurePolicyRule } from '../src';

describe('PodFailurePolicy', () => {
  test('renders rules in order', () => {
    const policy = PodFailurePolicy.of(
      PodFailurePolicyRule.onPodConditions({ action: PodFailurePolicyAction.IGNORE, conditions: [{ type: 'DisruptionTarget', status: 'True' }] }),
      PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.COUNT, operator: ExitCodeOperator.NOT_IN, values: [0] }),
    );
    expect(policy._toKube()).toEqual({
      rules: [
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        { action: 'Count', onExitCodes: { operator: 'NotIn', values: [0] } },
      ],
    });
    expect(policy.rules.map((r) => r.action)).toEqual(['Ignore', 'Count']);
  });

  test('pod conditions default to status True', () => {
    const rule = PodFailurePolicyRule.onPodConditions({ action: PodFailurePolicyAction.IGNORE, conditions: [{ type: 'DisruptionTarget' }] });
    expect(rule._toKube().onPodConditions).toEqual([{ type: 'DisruptionTarget', status: 'True' }]);
  });

  test('fails if an exit code is negative', () => {
    expect(() => PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [1, -1] })).toThrow(
      /^ExitCodeOutOfRange: onExitCodes\.values\[1\] must be a whole number from 0 to 255 \(got -1\); /,
    );
  });

  test('fails if an exit code is above 255 or fractional', () => {
    expect(() => PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [256] })).toThrow(/ExitCodeOutOfRange/);
    expect(() => PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [1.5] })).toThrow(/ExitCodeOutOfRange/);
  });
});
