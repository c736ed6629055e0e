import { indexed, job } from './job.cases';
import { STATUS_CODES, validateStatusUpdate } from '../../src/rules';

const T0 = '2026-03-01T10:00:00Z';
const T1 = '2026-03-01T10:05:00Z';
const cond = (...types: string[]) => types.map((type) => ({ type, status: 'True' }));
const withStatus = (base: any, status: Record<string, unknown>) => ({ ...base, status });
const check = (oldStatus: Record<string, unknown>, newStatus: Record<string, unknown>, version = '1.35', base: any = job()) =>
  validateStatusUpdate(withStatus(base, oldStatus), withStatus(base, newStatus), { kubernetesVersion: version });
const codes = (found: Array<{ code: string; path: string }>) => found.map((v) => `${v.code} ${v.path}`);

describe('validateStatusUpdate', () => {
  test('accepts the controller life cycle of a Job: start, run, succeed', () => {
    const running = { startTime: T0, active: 1, ready: 1, succeeded: 0, failed: 0 };
    expect(check({}, running)).toEqual([]);
    const done = { startTime: T0, active: 0, ready: 0, succeeded: 1, failed: 0, completionTime: T1, conditions: cond('SuccessCriteriaMet', 'Complete') };
    expect(check(running, done)).toEqual([]);
  });

  test('R104/R105: negative counters (upstream "negative counts")', () => {
    const found = check({ active: 1, succeeded: 2, failed: 3, terminating: 4 }, { active: -1, succeeded: -2, failed: -3, ready: -1, terminating: -2 }, '1.28');
    expect(codes(found)).toEqual([
      'StatusCountNegative status.active', 'StatusCountNegative status.succeeded', 'StatusCountNegative status.failed',
      'StatusCountNegative status.ready', 'StatusCountNegative status.terminating',
    ]);
  });

  test('R106: empty and duplicated uncounted pods (upstream case)', () => {
    const found = check({}, { uncountedTerminatedPods: { succeeded: ['a', 'b', 'c', 'a', ''], failed: ['c', 'd', 'e', 'd', ''] } }, '1.28');
    expect(codes(found)).toEqual([
      'UncountedTerminatedPodsInvalid status.uncountedTerminatedPods.succeeded[3]',
      'UncountedTerminatedPodsInvalid status.uncountedTerminatedPods.succeeded[4]',
      'UncountedTerminatedPodsInvalid status.uncountedTerminatedPods.failed[0]',
      'UncountedTerminatedPodsInvalid status.uncountedTerminatedPods.failed[3]',
      'UncountedTerminatedPodsInvalid status.uncountedTerminatedPods.failed[4]',
    ]);
  });

  test.each([
    ['Complete and Failed together', { startTime: T0, completionTime: T1, conditions: cond('Complete', 'FailureTarget', 'Failed') }, 'StatusConditionsConflict status.conditions'],
    ['Failed without FailureTarget', { startTime: T0, conditions: cond('Failed') }, 'StatusConditionsConflict status.conditions'],
    ['Complete without SuccessCriteriaMet', { startTime: T0, completionTime: T1, conditions: cond('Complete') }, 'StatusConditionsConflict status.conditions'],
    ['completionTime without Complete', { startTime: T0, completionTime: T1 }, 'CompletionTimeInvalid status.completionTime'],
    ['Complete without completionTime', { startTime: T0, conditions: cond('SuccessCriteriaMet', 'Complete') }, 'CompletionTimeInvalid status.completionTime'],
    ['completionTime before startTime', { startTime: T1, completionTime: T0, conditions: cond('SuccessCriteriaMet', 'Complete') }, 'CompletionTimeInvalid status.completionTime'],
    ['finished with active pods', { startTime: T0, active: 1, conditions: cond('FailureTarget', 'Failed') }, 'FinishedJobStatusInvalid status.active'],
    ['finished without startTime', { conditions: cond('FailureTarget', 'Failed') }, 'FinishedJobStatusInvalid status.startTime'],
    ['ready above active', { startTime: T0, active: 1, ready: 2 }, 'ReadyExceedsActive status.ready'],
    ['completedIndexes on a NonIndexed Job', { startTime: T0, completedIndexes: '0' }, 'StatusIndexesInvalid status.completedIndexes'],
  ])('1.32+: rejects %s', (_name, newStatus, expected) => {
    expect(codes(check({}, newStatus))).toContain(expected);
    expect(codes(check({}, newStatus, '1.32'))).toContain(expected);
    // Before JobManagedBy is on, the API server does not check these.
    expect(check({}, newStatus, '1.31')).toEqual([]);
  });

  test('R117–R121: completed and failed indexes of an Indexed Job', () => {
    const base = indexed(5, { backoffLimitPerIndex: 1 });
    expect(check({}, { startTime: T0, completedIndexes: '0-2', failedIndexes: '4' }, '1.35', base)).toEqual([]);
    expect(codes(check({}, { startTime: T0, completedIndexes: '0-5' }, '1.35', base))).toEqual(['StatusIndexesInvalid status.completedIndexes']);
    expect(codes(check({}, { startTime: T0, completedIndexes: '0-2', failedIndexes: '2' }, '1.35', base))).toEqual(['StatusIndexesInvalid status.failedIndexes']);
    expect(codes(check({}, { startTime: T0, failedIndexes: '1' }, '1.35', indexed(5)))).toEqual(['StatusIndexesInvalid status.failedIndexes']);
  });

  test('R127–R130: terminal conditions, counters and times never go back', () => {
    const done = { startTime: T0, succeeded: 2, failed: 1, completionTime: T1, conditions: cond('SuccessCriteriaMet', 'Complete') };
    expect(codes(check(done, { ...done, conditions: cond('SuccessCriteriaMet') }))).toContain('StatusTransitionInvalid status.conditions');
    expect(codes(check(done, { ...done, failed: 0 }))).toContain('StatusTransitionInvalid status.failed');
    expect(codes(check(done, { ...done, succeeded: 1 }))).toContain('StatusTransitionInvalid status.succeeded');
    expect(codes(check(done, { ...done, completionTime: '2026-03-01T11:00:00Z' }))).toContain('StatusTransitionInvalid status.completionTime');
    expect(codes(check({ startTime: T0, active: 1 }, { active: 1 }))).toContain('StatusTransitionInvalid status.startTime');
  });

  test('R124: SuccessCriteriaMet never goes with Failed, from 1.30', () => {
    const s = { startTime: T0, conditions: cond('SuccessCriteriaMet', 'FailureTarget', 'Failed') };
    expect(codes(check({}, s, '1.30'))).toContain('StatusConditionsConflict status.conditions');
    expect(check({}, s, '1.29')).toEqual([]);
  });

  test('an elastic Indexed Job may lower succeeded, and a suspended Job may clear startTime', () => {
    const elastic = indexed(3, { parallelism: 3 });
    expect(check({ startTime: T0, succeeded: 3 }, { startTime: T0, succeeded: 2 }, '1.35', elastic)).toEqual([]);
    expect(check({ startTime: T0 }, {}, '1.35', job({ suspend: true }))).toEqual([]);
  });

  test('a problem the stored status already had is not reported again', () => {
    const legacy = { startTime: T0, active: 1, ready: 2 };
    expect(check(legacy, { ...legacy, failed: 1 })).toEqual([]);
  });

  test('messages name the path, the value and a fix', () => {
    const [v] = check({}, { active: -1 });
    expect(v.message).toBe('status.active must be greater than or equal to 0 (got -1)');
    expect(v.fix).toBe(STATUS_CODES.StatusCountNegative);
  });

  test('ignores other kinds and tolerates any JSON', () => {
    expect(validateStatusUpdate({}, { kind: 'Pod', status: { active: -1 } })).toEqual([]);
    expect(() => validateStatusUpdate(null, { kind: 'Job', status: { conditions: 'x', uncountedTerminatedPods: 5, active: 'a' } }, { kubernetesVersion: '1.35' })).not.toThrow();
  });
});
