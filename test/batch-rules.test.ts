import { BatchRules } from '../src';

const job = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } }, ...spec },
});

describe('BatchRules', () => {
  test('validate returns plain violations with code, severity, path, message and fix', () => {
    // GIVEN
    const manifest = job({ backoffLimitPerIndex: 1 });
    // WHEN
    const found = BatchRules.validate(manifest, { kubernetesVersion: '1.31' }).filter((v) => v.severity === 'error');
    // THEN
    expect(found).toEqual([
      {
        code: 'BackoffLimitPerIndexRequiresIndexed',
        severity: 'error',
        path: 'spec.backoffLimitPerIndex',
        message: 'spec.backoffLimitPerIndex is only valid when completionMode is Indexed (got NonIndexed)',
        fix: 'use completionMode Indexed (IndexedJob) or remove backoffLimitPerIndex',
      },
    ]);
  });

  test('defaults to Kubernetes 1.28', () => {
    expect(BatchRules.DEFAULT_KUBERNETES_VERSION).toBe('1.28');
    expect(BatchRules.validate(job({ podReplacementPolicy: 'Failed' })).map((v) => v.code)).toContain('FieldRequiresNewerKubernetes');
  });

  test('lists the supported versions', () => {
    expect(BatchRules.SUPPORTED_KUBERNETES_VERSIONS).toEqual(['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37']);
  });

  test('formatViolation renders the one message format', () => {
    const [v] = BatchRules.validate(job({ parallelism: -1 }), { kubernetesVersion: '1.35' }).filter((x) => x.code === 'ParallelismNegative');
    expect(BatchRules.formatViolation(v)).toBe(
      'ParallelismNegative: spec.parallelism must be greater than or equal to 0 (got -1); set parallelism to 0 or more',
    );
  });

  test('returns [] for other kinds and fails with a clear error for an unsupported version', () => {
    expect(BatchRules.validate({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual([]);
    expect(() => BatchRules.validate(job(), { kubernetesVersion: '1.19' })).toThrow(/kubernetesVersion must be one of .* \(got "1.19"\)/);
  });

  test('never throws for a malformed manifest', () => {
    const found = BatchRules.validate({ apiVersion: 'batch/v1', kind: 'Job', metadata: 7, spec: { template: 'x' } }, { kubernetesVersion: '1.35' });
    expect(found.map((v) => v.code)).toEqual(expect.arrayContaining(['FieldTypeInvalid']));
  });
});
