import { Testing } from 'cdk8s';
import { ExitCodeOperator, OneShotJob, PodFailurePolicy, PodFailurePolicyAction, PodFailurePolicyRule } from '../src';
import { validate } from '../src/rules';

describe('PodFailurePolicy', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
  afterEach(() => jest.restoreAllMocks());

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

  test('sorts and de-duplicates exit codes, as the API server requires', () => {
    const rule = PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [42, 3, 42] });
    expect(rule._toKube().onExitCodes.values).toEqual([3, 42]);
  });

  // The API server accepts any int32 exit code (validatePodFailurePolicyRuleOnExitCodes checks
  // operator, count, 0 with In, duplicates and order only), so an exit code above 255 is the
  // ExitCodeOutOfRange warning at synth, as in `check`, not an exception.
  test('fails if an exit code above 255 throws in the construct while check only warns', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [256] });
    new OneShotJob(chart, 'job', { containers: [{ image: 'x' }], podFailurePolicy: PodFailurePolicy.of(rule) });
    // WHEN
    const manifest = Testing.synth(chart)[0];
    // THEN the same severity as the rules give the same manifest in `check`
    const codes = validate(manifest, { kubernetesVersion: '1.28' }).map((v) => `${v.severity} ${v.code}`);
    expect(codes).toContain('warning ExitCodeOutOfRange');
    expect(stderr.mock.calls.map(([line]) => String(line)).join('')).toMatch(
      /\[test\/job\] warning ExitCodeOutOfRange: spec\.podFailurePolicy\.rules\[0\]\.onExitCodes\.values\[0\] is outside the exit code range 0\.\.255 \(got 256\)/,
    );
  });

  test('fails if a fractional exit code passes synth', () => {
    const chart = Testing.chart();
    const rule = PodFailurePolicyRule.onExitCodes({ action: PodFailurePolicyAction.FAIL_JOB, values: [1.5] });
    new OneShotJob(chart, 'job', { containers: [{ image: 'x' }], podFailurePolicy: PodFailurePolicy.of(rule) });
    expect(() => Testing.synth(chart)).toThrow(/FieldTypeInvalid: spec\.podFailurePolicy\.rules\[0\]\.onExitCodes\.values\[0\] must be /);
  });
});
