import { CASES, DEFAULT_CASE_VERSION, cronJob, indexed, job, pod } from './job.cases';
import { MAX_INT32, applyDefaults, prepareForCreate, validate, validateUpdate } from '../../src/rules';
import { defaultedView } from '../../src/rules/defaults';
import { checkObject } from '../../src/rules/job-shape';
import { cloneJson } from '../../src/rules/json';

const v = (minor: number) => ({ major: 1, minor });

describe('applyDefaults (Job)', () => {
  test('R001: parallelism and completions both unset become 1 and 1', () => {
    const spec = applyDefaults('Job', job(), v(28)).spec;
    expect([spec.parallelism, spec.completions]).toEqual([1, 1]);
  });

  test('R001: parallelism set and completions unset keeps completions unset (work queue)', () => {
    const spec = applyDefaults('Job', job({ parallelism: 4 }), v(28)).spec;
    expect(spec.parallelism).toBe(4);
    expect('completions' in spec).toBe(false);
  });

  test('R001: completions set and parallelism unset gives parallelism 1', () => {
    expect(applyDefaults('Job', job({ completions: 5 }), v(28)).spec.parallelism).toBe(1);
  });

  test('R002: backoffLimit defaults to 6, or to MaxInt32 with backoffLimitPerIndex (on every version)', () => {
    expect(applyDefaults('Job', job(), v(28)).spec.backoffLimit).toBe(6);
    expect(applyDefaults('Job', indexed(3, { backoffLimitPerIndex: 1 }), v(28)).spec.backoffLimit).toBe(MAX_INT32);
    expect(applyDefaults('Job', indexed(3, { backoffLimitPerIndex: 1, backoffLimit: 2 }), v(35)).spec.backoffLimit).toBe(2);
  });

  test('R003–R005: completionMode NonIndexed, suspend false, manualSelector false', () => {
    const spec = applyDefaults('Job', job(), v(28)).spec;
    expect([spec.completionMode, spec.suspend, spec.manualSelector]).toEqual(['NonIndexed', false, false]);
  });

  test('R006: podReplacementPolicy is defaulted from 1.29 only, Failed with a podFailurePolicy', () => {
    expect('podReplacementPolicy' in applyDefaults('Job', job(), v(28)).spec).toBe(false);
    expect(applyDefaults('Job', job(), v(29)).spec.podReplacementPolicy).toBe('TerminatingOrFailed');
    expect(applyDefaults('Job', job({ podFailurePolicy: { rules: [] } }), v(29)).spec.podReplacementPolicy).toBe('Failed');
  });

  test('R007: onPodConditions status defaults to True in Jobs on every version', () => {
    const m = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
    expect(applyDefaults('Job', m, v(28)).spec.podFailurePolicy.rules[0].onPodConditions[0].status).toBe('True');
  });

  test('R008: a Job without labels takes the template labels', () => {
    const out = applyDefaults('Job', job({ template: pod({}, { labels: { app: 'x' } }) }), v(28));
    expect(out.metadata.labels).toEqual({ app: 'x' });
    const own = applyDefaults('Job', job({ template: pod({}, { labels: { app: 'x' } }) }, { labels: { team: 'y' } }), v(28));
    expect(own.metadata.labels).toEqual({ team: 'y' });
  });

  test('R009: pod defaults, restartPolicy Always when unset', () => {
    const out = applyDefaults('Job', job({ template: { spec: { containers: [{ name: 'c', image: 'busybox' }, { name: 'd', image: 'busybox:1.36' }] } } }), v(28));
    const podSpec = out.spec.template.spec;
    expect(podSpec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(podSpec.containers.map((c: any) => c.imagePullPolicy)).toEqual(['Always', 'IfNotPresent']);
    expect(podSpec.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
  });

  test('never modifies the input and tolerates wrong types', () => {
    const m = job({ parallelism: 'x', template: 5 });
    const copy = JSON.parse(JSON.stringify(m));
    const out = applyDefaults('Job', m, v(35));
    expect(m).toEqual(copy);
    expect(out.spec.template).toBe(5);
    expect(applyDefaults('Job', { kind: 'Job', spec: 'nope' }, v(35)).spec).toBe('nope');
    expect(applyDefaults('Job', null, v(35))).toBeNull();
  });
});

describe('applyDefaults (CronJob)', () => {
  test('R014: concurrencyPolicy Allow, suspend false, history limits 3 and 1', () => {
    const spec = applyDefaults('CronJob', cronJob(), v(28)).spec;
    expect(spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  test('R014: the job template spec is not Job-defaulted, but its pod template is', () => {
    const tpl = applyDefaults('CronJob', cronJob(), v(35)).spec.jobTemplate.spec;
    expect(tpl.parallelism).toBeUndefined();
    expect(tpl.backoffLimit).toBeUndefined();
    expect(tpl.completionMode).toBeUndefined();
    expect(tpl.template.spec.dnsPolicy).toBe('ClusterFirst');
  });

  test('R007: onPodConditions status is defaulted in CronJob templates from 1.34 only', () => {
    const m = cronJob({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
    const status = (minor: number) => applyDefaults('CronJob', m, v(minor)).spec.jobTemplate.spec.podFailurePolicy.rules[0].onPodConditions[0].status;
    expect(status(33)).toBeUndefined();
    expect(status(34)).toBe('True');
  });
});

describe('prepareForCreate', () => {
  test('R010: generates the selector and the four template labels from the name and uid', () => {
    const out = prepareForCreate('Job', job(), v(35), { uid: 'u-1' });
    expect(out.metadata.uid).toBe('u-1');
    expect(out.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
    expect(out.spec.template.metadata.labels).toEqual({
      'controller-uid': 'u-1', 'job-name': 'work', 'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'work',
    });
    // R008 on read-back: the generated labels reach a Job that had none.
    expect(out.metadata.labels['batch.kubernetes.io/job-name']).toBe('work');
  });

  test('R010: leaves a manual selector alone', () => {
    const m = job({ manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: pod({}, { labels: { a: 'b' } }) });
    const out = prepareForCreate('Job', m, v(35), { uid: 'u-1' });
    expect(out.spec.selector).toEqual({ matchLabels: { a: 'b' } });
    expect(out.spec.template.metadata.labels).toEqual({ a: 'b' });
  });

  test('R012: on 1.28 drops backoffLimitPerIndex, maxFailedIndexes, FailIndex rules and podReplacementPolicy, keeping backoffLimit MaxInt32', () => {
    const m = indexed(3, {
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 1,
      podReplacementPolicy: 'Failed',
      podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }, { action: 'Ignore', onExitCodes: { operator: 'In', values: [2] } }] },
    });
    const spec = prepareForCreate('Job', m, v(28), { uid: 'u' }).spec;
    expect(spec.backoffLimitPerIndex).toBeUndefined();
    expect(spec.maxFailedIndexes).toBeUndefined();
    expect(spec.podReplacementPolicy).toBeUndefined();
    expect(spec.podFailurePolicy.rules.map((r: any) => r.action)).toEqual(['Ignore']);
    expect(spec.backoffLimit).toBe(MAX_INT32);
    expect(prepareForCreate('Job', m, v(29), { uid: 'u' }).spec.backoffLimitPerIndex).toBe(1);
  });

  test('R012: drops successPolicy before 1.31 and managedBy before 1.32', () => {
    const m = indexed(3, { successPolicy: { rules: [{ succeededCount: 1 }] }, managedBy: 'example.com/x' });
    expect(prepareForCreate('Job', m, v(30), { uid: 'u' }).spec.successPolicy).toBeUndefined();
    expect(prepareForCreate('Job', m, v(31), { uid: 'u' }).spec).toMatchObject({ successPolicy: { rules: [{ succeededCount: 1 }] } });
    expect(prepareForCreate('Job', m, v(31), { uid: 'u' }).spec.managedBy).toBeUndefined();
    expect(prepareForCreate('Job', m, v(32), { uid: 'u' }).spec.managedBy).toBe('example.com/x');
  });

  const validRows = CASES.filter((e) => !e.update && !e.code.startsWith('Field'))
    .flatMap((e) => e.valid.map((row) => [e.code, e.version ?? DEFAULT_CASE_VERSION, row] as [string, string, any]))
    .filter(([, , row]) => row.kind === 'Job' && !row.metadata?.uid);

  test.each(validRows)('a stored %s valid row (%s) passes validate and a no-op validateUpdate', (_code, version, row) => {
    const storedJob = prepareForCreate('Job', row, { major: 1, minor: Number(version.split('.')[1]) }, { uid: '5f0c7a9e-1d2b-4c3d-8e9f-001122334455' });
    expect(validate(storedJob, { kubernetesVersion: version, minSeverity: 'error' })).toEqual([]);
    expect(validateUpdate(storedJob, storedJob, { kubernetesVersion: version, minSeverity: 'error' })).toEqual([]);
  });
});

describe('applyDefaults is idempotent', () => {
  const rows = CASES.filter((e) => !e.update).flatMap((e) => [...e.valid, ...e.invalid]);
  test.each(rows.map((row, i) => [i, row]))('row %d: defaulting a stored object again changes nothing', (_i, row) => {
    const kind = row?.kind === 'CronJob' ? 'CronJob' : 'Job';
    for (const minor of [28, 34, 35]) {
      const once = applyDefaults(kind, row, v(minor));
      expect(applyDefaults(kind, once, v(minor))).toEqual(once);
    }
  });
});

/** Freezes every object and list of `value`, so that any write into it throws (test modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const x of Object.values(value)) deepFreeze(x);
    Object.freeze(value);
  }
  return value;
}

describe('defaulting without copying the whole object (the engine view)', () => {
  const rows = CASES.flatMap((e) => [...e.valid, ...e.invalid]);

  test.each(rows.map((row, i) => [i, row]))('row %d: defaultedView gives what applyDefaults gives, key order included, and never writes its input', (_i, row) => {
    const kind = row?.kind === 'CronJob' ? 'CronJob' : 'Job';
    for (const minor of [28, 29, 34, 35, 37]) {
      const shape = checkObject(cloneJson(row), kind, v(minor));
      expect(shape.plain).toBe(true);
      const input = deepFreeze(shape.clean);
      const view = defaultedView(kind, input, v(minor));
      expect(JSON.stringify(view)).toBe(JSON.stringify(applyDefaults(kind, input, v(minor))));
      expect(view).toEqual(applyDefaults(kind, input, v(minor)));
    }
  });

  test.each(rows.map((row, i) => [i, row]))('row %d: validate never writes its input (frozen input, same violations)', (_i, row) => {
    for (const version of ['1.28', '1.31', '1.35', '1.37']) {
      const expected = validate(cloneJson(row), { kubernetesVersion: version });
      expect(validate(deepFreeze(cloneJson(row)), { kubernetesVersion: version })).toEqual(expected);
    }
  });

  test('a decoded object that a JSON copy would change is not plain, so the engine copies it as before', () => {
    // Built with object literals of this realm (`job()` takes its pod from `structuredClone`, whose
    // objects have another realm's prototype and are therefore not plain either).
    const base = cloneJson(job());
    const plain = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): boolean =>
      checkObject({ ...base, metadata: { ...base.metadata, ...metadata }, spec: { ...base.spec, ...spec } }, 'Job', v(35)).plain;
    expect(plain({ parallelism: 2 })).toBe(true);
    expect(plain({ parallelism: -0 })).toBe(false);
    expect(plain({ parallelism: undefined })).toBe(false);
    expect(plain({ unknownField: { at: new Date(0) } })).toBe(false);
    expect(plain({ unknownField: [1, undefined] })).toBe(false);
    expect(plain({ unknownField: { n: Number.NaN } })).toBe(false);
    expect(plain({}, { labels: Object.assign(Object.create(null), { app: 'a' }) })).toBe(false);
    expect(plain({}, { labels: { app: 'a', toJSON: () => ({}) } })).toBe(false);
    expect(plain({ template: { ...base.spec.template, toJSON: () => ({}) } })).toBe(false);
    expect(plain({ template: job().spec.template })).toBe(false);
  });

  test('FailIndex rules dropped for 1.28 leave the input policy untouched', () => {
    const m = deepFreeze(indexed(3, { backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }));
    expect(() => validate(m, { kubernetesVersion: '1.28' })).not.toThrow();
    expect(m.spec.podFailurePolicy.rules).toHaveLength(2);
  });
});
