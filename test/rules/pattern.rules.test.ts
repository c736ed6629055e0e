import { cronJobWithTemplate, job } from './cronjob.cases';
import { formatViolation, PATTERN_ANNOTATION, validate, Violation } from '../../src/rules';

function patternFindings(obj: any): Violation[] {
  return validate(obj, { kubernetesVersion: '1.35' }).filter((v) => v.code.startsWith('Pattern'));
}

describe('pattern rules', () => {
  test('fails if a OneShotJob drifted to parallel pods, naming each field', () => {
    // GIVEN a Job synthesized as OneShotJob and edited by hand
    const obj = job({ completions: 3, parallelism: 3 }, { name: 'migrate', annotations: { [PATTERN_ANNOTATION]: 'OneShotJob' } });
    // WHEN
    const found = patternFindings(obj);
    // THEN
    expect(found.map(formatViolation)).toEqual([
      'PatternMismatch: spec.completions must be 1 for the OneShotJob pattern (got 3); ' +
        "restore the pattern's shape, or change the annotation to the pattern the object now follows",
      'PatternMismatch: spec.parallelism must be 1 for the OneShotJob pattern (got 3); ' +
        "restore the pattern's shape, or change the annotation to the pattern the object now follows",
    ]);
    expect(found.every((v) => v.severity === 'error')).toBe(true);
  });

  test('fails if a WorkQueueJob has no parallelism, as a required field', () => {
    const [v] = patternFindings(job({}, { name: 'q', annotations: { [PATTERN_ANNOTATION]: 'WorkQueueJob' } }));
    expect(v.message).toBe('spec.parallelism must be set (the number of workers) for the WorkQueueJob pattern');
  });

  test('fails if a mistyped parallelism is also reported as missing (one mistake, one finding)', () => {
    // GIVEN a WorkQueueJob whose parallelism is not a whole number
    const obj = job({ parallelism: 2.5 }, { name: 'q', annotations: { [PATTERN_ANNOTATION]: 'WorkQueueJob' } });
    // WHEN
    const found = validate(obj, { kubernetesVersion: '1.35' });
    // THEN only the type error is reported, on the field
    expect(found.map((v) => `${v.code} ${v.path}`)).toEqual(['FieldTypeInvalid spec.parallelism']);
  });

  test('fails if a mistyped count of a OneShotJob template is also reported as a pattern mismatch', () => {
    const obj = cronJobWithTemplate({ completions: '1' }, { name: 'nightly', annotations: { [PATTERN_ANNOTATION]: 'ScheduledJob' } }, {
      annotations: { [PATTERN_ANNOTATION]: 'OneShotJob' },
    });
    expect(validate(obj, { kubernetesVersion: '1.35' }).map((v) => v.code)).toEqual(['FieldTypeInvalid']);
  });

  test('checks the job template of a ScheduledJob under spec.jobTemplate', () => {
    const obj = cronJobWithTemplate({ completions: 4 }, { name: 'nightly', annotations: { [PATTERN_ANNOTATION]: 'ScheduledJob' } }, {
      annotations: { [PATTERN_ANNOTATION]: 'IndexedJob' },
    });
    expect(patternFindings(obj).map((v) => v.path)).toEqual(['spec.jobTemplate.spec.completionMode']);
  });

  test('fails on an unknown pattern, listing the known ones', () => {
    const [v] = patternFindings(job({}, { name: 'x', annotations: { [PATTERN_ANNOTATION]: 'BatchJob' } }));
    expect(v.code).toBe('PatternUnknown');
    expect(v.fix).toBe('set the annotation to one of OneShotJob, WorkQueueJob, IndexedJob, ScheduledJob, or remove it');
  });

  test('leaves objects without the annotation alone', () => {
    expect(patternFindings(job({ completions: 3, parallelism: 9, completionMode: 'Indexed' }))).toEqual([]);
  });
});
