import * as fc from 'fast-check';
import { cronJob, job } from './job.cases';
import {
  misplacedBatchKind,
  RULES,
  UnsupportedVersionError,
  batchKindOf,
  evaluate,
  formatViolation,
  parseVersion,
  validate,
  validateUpdate,
} from '../../src/rules';

describe('validate', () => {
  test('returns [] for objects that are not batch Jobs or CronJobs', () => {
    for (const m of [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
      { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', spec: { parallelism: -1 } },
      null,
      undefined,
      'Job',
      42,
      [job()],
    ]) {
      expect(validate(m)).toEqual([]);
    }
  });

  test('recognises Job and CronJob of the batch group', () => {
    expect(batchKindOf(job())).toBe('Job');
    expect(batchKindOf(cronJob())).toBe('CronJob');
    expect(batchKindOf({ apiVersion: 'v1', kind: 'Job' })).toBeUndefined();
    expect(batchKindOf({ apiVersion: 'batch/v1beta1', kind: 'CronJob' })).toBeUndefined();
  });

  test('reports a batch kind under another group version, and nothing else about it', () => {
    for (const apiVersion of ['v1', 'batch/v1beta1', 'batch/v2alpha1', 'apps/v1']) {
      const m = { ...cronJob(), apiVersion };
      expect(misplacedBatchKind(m)).toBe('CronJob');
      expect(validate(m, { kubernetesVersion: '1.37' }).map((v) => `${v.code} ${v.path}`)).toEqual(['ApiVersionUnsupported apiVersion']);
    }
    for (const apiVersion of [undefined, '']) {
      const m = { ...cronJob(), apiVersion };
      expect(misplacedBatchKind(m)).toBe('CronJob');
      expect(validate(m, { kubernetesVersion: '1.37' }).map((v) => `${v.code} ${v.path}`)).toEqual(['ApiVersionMissing apiVersion']);
    }
    expect(misplacedBatchKind({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job' })).toBeUndefined();
    expect(misplacedBatchKind(job())).toBeUndefined();
  });

  test('reports an object of batch/v1 whose kind is missing or not Job or CronJob, with the kind it stands for', () => {
    const codes = (m: unknown) => validate(m, { kubernetesVersion: '1.37' }).map((v) => `${v.code} ${v.path}`);
    expect(misplacedBatchKind({ ...job(), kind: 'job' })).toBe('Job');
    expect(codes({ ...job(), kind: 'job' })).toEqual(['KindUnknown kind']);
    expect(validate({ ...cronJob(), kind: 'cronjob' })[0].message).toBe('kind must be Job or CronJob for apiVersion batch/v1; did you mean CronJob? (got cronjob)');
    expect(misplacedBatchKind({ apiVersion: 'batch/v1', kind: 'Deployment' })).toBe('Job');
    expect(codes({ apiVersion: 'batch/v1', kind: 'Deployment' })).toEqual(['KindUnknown kind']);
    const { kind: _kind, ...noKind } = cronJob();
    expect(misplacedBatchKind(noKind)).toBe('CronJob');
    expect(codes(noKind)).toEqual(['KindMissing kind']);
    expect(codes({ ...job(), kind: '' })).toEqual(['KindMissing kind']);
  });

  test('accepts a version with a v prefix and a patch part', () => {
    expect(parseVersion('v1.31.4')).toEqual({ major: 1, minor: 31 });
    expect(validate(job(), { kubernetesVersion: 'v1.35.0' }).filter((v) => v.severity === 'error')).toEqual([]);
  });

  test.each(['1.27', '1.38', 'latest', '', '2.0'])('fails with a clear error for the unsupported version %j', (version) => {
    expect(() => validate(job(), { kubernetesVersion: version })).toThrow(UnsupportedVersionError);
    expect(() => validate(job(), { kubernetesVersion: version })).toThrow(/kubernetesVersion must be one of 1\.28, .*1\.37 \(got ".*"\); pass a supported minor version/);
  });

  test('checks the version even for objects it does not evaluate', () => {
    expect(() => validate({ kind: 'Pod' }, { kubernetesVersion: '9.9' })).toThrow(UnsupportedVersionError);
  });

  test('defaults to Kubernetes 1.28', () => {
    const m = job({ managedBy: 'example.com/x' });
    // managedBy is not in the 1.28 schema: strict field validation rejects it as unknown.
    expect(validate(m).map((v) => v.code)).toContain('FieldUnknown');
    expect(validate(m)[0].message).toMatch(/not a field of batch\/v1 JobSpec in Kubernetes 1\.28/);
    expect(validate(m)[0].fix).toMatch(/exists from Kubernetes 1\.30/);
  });

  test('minSeverity error drops warnings', () => {
    const m = job({ activeDeadlineSeconds: 0 });
    expect(validate(m, { kubernetesVersion: '1.35' }).some((v) => v.severity === 'warning')).toBe(true);
    expect(validate(m, { kubernetesVersion: '1.35', minSeverity: 'error' })).toEqual([]);
  });

  test('reports every violation, not the first', () => {
    const m = job({ parallelism: -1, completions: -1, backoffLimit: -1 });
    expect(validate(m, { kubernetesVersion: '1.35', minSeverity: 'error' }).map((v) => v.code)).toEqual([
      'ParallelismNegative',
      'CompletionsNegative',
      'BackoffLimitNegative',
    ]);
  });

  test('never modifies its input', () => {
    const m = job({ completionMode: 'Indexed', parallelism: 3, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
    const copy = JSON.parse(JSON.stringify(m));
    validate(m, { kubernetesVersion: '1.35' });
    validateUpdate(m, m, { kubernetesVersion: '1.35' });
    expect(m).toEqual(copy);
  });

  test('update-only rules do not run on create and create-only rules do not run on update', () => {
    expect(RULES.some((r) => r.updateOnly)).toBe(true);
    const found = evaluate(job({ completions: 3 }), { major: 1, minor: 35 }, { operation: 'create' });
    expect(found.map((v) => v.code)).not.toContain('FieldImmutable');
  });
});

// Generous time limits: these properties run many evaluations on a shared 2-core machine; they
// assert only that nothing throws.
describe('validate on any JSON', () => {
  const version = fc.constantFrom('1.28', '1.31', '1.35');
  const fieldPaths: Array<Array<string | number>> = [
    ['metadata'], ['metadata', 'name'], ['metadata', 'labels'], ['metadata', 'uid'], ['spec'],
    ['spec', 'parallelism'], ['spec', 'completions'], ['spec', 'completionMode'], ['spec', 'backoffLimitPerIndex'],
    ['spec', 'maxFailedIndexes'], ['spec', 'selector'], ['spec', 'selector', 'matchLabels'], ['spec', 'selector', 'matchExpressions'],
    ['spec', 'manualSelector'], ['spec', 'podFailurePolicy'], ['spec', 'podFailurePolicy', 'rules'],
    ['spec', 'successPolicy'], ['spec', 'successPolicy', 'rules'], ['spec', 'managedBy'], ['spec', 'podReplacementPolicy'],
    ['spec', 'template'], ['spec', 'template', 'metadata'], ['spec', 'template', 'metadata', 'labels'], ['spec', 'template', 'spec'],
    ['spec', 'template', 'spec', 'containers'], ['spec', 'template', 'spec', 'containers', 0], ['spec', 'template', 'spec', 'initContainers'],
    ['spec', 'template', 'spec', 'restartPolicy'], ['spec', 'template', 'spec', 'activeDeadlineSeconds'],
  ];
  const rich = () =>
    job({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 2,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 1,
      selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] },
      podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { containerName: 'main', operator: 'In', values: [1, 2] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }] },
    }, { labels: { a: 'b' } });

  function setAt(obj: any, path: Array<string | number>, value: unknown): any {
    let cur = obj;
    for (const key of path.slice(0, -1)) {
      if (typeof cur !== 'object' || cur === null) return obj;
      cur = cur[key as any];
    }
    if (typeof cur === 'object' && cur !== null) cur[path[path.length - 1] as any] = value;
    return obj;
  }

  test('arbitrary JSON in any field never throws, for Jobs and CronJob templates', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fieldPaths), fc.jsonValue(), version, fc.boolean(), (path, value, v, inCronJob) => {
        const m = setAt(rich(), path, value);
        const manifest = inCronJob ? { ...cronJob(), spec: { schedule: '@daily', jobTemplate: { spec: m.spec } } } : m;
        const found = validate(manifest, { kubernetesVersion: v });
        for (const x of found) expect(typeof formatViolation(x)).toBe('string');
        validateUpdate(rich(), manifest, { kubernetesVersion: v });
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  test('keys named like Object.prototype members are plain fields, never a crash', () => {
    const manifest = { ...job({}), metadata: { name: 'a', toString: { '': 0 } } };
    (manifest.spec as any).constructor = 1;
    (manifest.spec as any).hasOwnProperty = 'x';
    const found = validate(manifest, { kubernetesVersion: '1.31' });
    expect(found.filter((v) => v.code === 'FieldUnknown').map((v) => v.path).sort()).toEqual(['metadata.toString', 'spec.constructor', 'spec.hasOwnProperty']);
  });

  test('a "__proto__" member is an unknown field, never a way to supply other fields', () => {
    const manifest = JSON.parse(JSON.stringify(job({})).replace('"spec":{', '"spec":{"__proto__":{"parallelism":-1,"completions":-5,"managedBy":"example.com/other","successPolicy":{"rules":[]}},'));
    const found = validate(manifest, { kubernetesVersion: '1.31' });
    expect(found.filter((v) => v.severity === 'error').map((v) => `${v.code} ${v.path}`)).toEqual(['FieldUnknown spec.__proto__']);
  });

  test('an arbitrary object as metadata and spec never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), version, (metadata, spec, v) => {
        validate({ apiVersion: 'batch/v1', kind: 'Job', metadata, spec }, { kubernetesVersion: v });
        validate({ apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec }, { kubernetesVersion: v });
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
