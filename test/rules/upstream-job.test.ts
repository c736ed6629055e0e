import { CRONJOB_STATUS_CASE, SERVER_STEP_VARIANTS, UPSTREAM_ERRORS, UPSTREAM_SUCCESS, UpstreamCase } from './upstream-job.cases';
import { Violation, validate, validateUpdate } from '../../src/rules';
import { compareVersions, parseVersion } from '../../src/rules/versions';

// Parity with Kubernetes' own TestValidateJob cases, at both ends of the supported range:
// zero false accepts and zero false rejects (errors only; warnings never reject).

const errors = (found: Violation[]) => found.filter((v) => v.severity === 'error');
const VERSIONS = ['1.28', '1.35', '1.37'];
const ALL: UpstreamCase[] = [...UPSTREAM_SUCCESS, ...UPSTREAM_ERRORS, ...SERVER_STEP_VARIANTS];

function available(c: UpstreamCase, version: string): boolean {
  return !c.since || compareVersions(parseVersion(version), parseVersion(c.since)) >= 0;
}

const table = VERSIONS.flatMap((version) => ALL.map((c) => [version, c.expect, c.upstream, c] as [string, string, string, UpstreamCase]));

describe('parity with the upstream TestValidateJob cases', () => {
  test('ports every upstream success and error case', () => {
    expect(UPSTREAM_SUCCESS).toHaveLength(17);
    expect(UPSTREAM_ERRORS).toHaveLength(58);
  });

  test.each(table)('on %s the server would %s: %s', (version, _expect, _name, c) => {
    const found = errors(validate(c.manifest, { kubernetesVersion: version }));
    if (!available(c, version)) {
      // The case uses a field the version lacks (unknown under strict field validation) or has off
      // (rejected here rather than silently dropped).
      expect(found.map((v) => v.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(FieldRequiresNewerKubernetes|FieldUnknown)$/)]));
      return;
    }
    if (c.expect === 'accept') {
      expect(found.map((v) => `${v.code} ${v.message}`)).toEqual([]);
    } else {
      expect(found.length).toBeGreaterThan(0);
      expect(found.map((v) => v.path)).toContain(c.path);
    }
  });

  const updates = VERSIONS.flatMap((version) =>
    ALL.filter((c) => c.update).map((c) => [version, c.update, c.upstream, c] as [string, string, string, UpstreamCase]),
  );
  test.each(updates)('on %s an update of the object to itself would %s: %s', (version, _u, _name, c) => {
    const found = errors(validateUpdate(c.manifest, c.manifest, { kubernetesVersion: version }));
    if (c.update === 'accept') expect(found.map((v) => v.message)).toEqual([]);
    else expect(found.length).toBeGreaterThan(0);
  });

  test('the onPodConditions status case is rejected in a CronJob job template before 1.34 and accepted from 1.34', () => {
    const path = 'spec.jobTemplate.spec.podFailurePolicy.rules[0].onPodConditions[0].status';
    expect(errors(validate(CRONJOB_STATUS_CASE, { kubernetesVersion: '1.28' })).map((v) => v.path)).toEqual([path]);
    expect(errors(validate(CRONJOB_STATUS_CASE, { kubernetesVersion: '1.33' })).map((v) => v.path)).toEqual([path]);
    expect(errors(validate(CRONJOB_STATUS_CASE, { kubernetesVersion: '1.34' }))).toEqual([]);
    expect(errors(validate(CRONJOB_STATUS_CASE, { kubernetesVersion: '1.35' }))).toEqual([]);
  });
});
