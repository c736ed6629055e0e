import { parseWarnings } from './client';
import { compare } from './compare';
import { applyOps, diffOps } from './corpus';
import { decodeCauses, pathMatches, verdictOf } from './verdict';

describe('golden verdicts', () => {
  test('a strict decoding error becomes one unknown-field cause per field', () => {
    // GIVEN the message of a 400 for two unknown fields
    const message = 'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"';
    // THEN
    expect(decodeCauses(message).map((c) => [c.path, c.type])).toEqual([
      ['spec.foo', 'FieldValueUnknown'],
      ['spec.template.spec.containers[0].bar', 'FieldValueUnknown'],
    ]);
  });

  test('a JSON type error becomes a type cause at the struct path the server names', () => {
    const message = 'Job in version "v1" cannot be handled as a Job: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32';
    expect(decodeCauses(message).map((c) => [c.path, c.type])).toEqual([['spec.template.spec.containers.ports.containerPort', 'FieldValueTypeInvalid']]);
  });

  test('any other 400 is a cause without a path', () => {
    expect(decodeCauses("quantities must match the regular expression '^([+-]?[0-9.]+)'").map((c) => [c.path, c.type])).toEqual([['', 'BadRequest']]);
  });

  test('a 422 keeps every cause and the warnings', () => {
    // GIVEN an Invalid status with two causes and a warning header
    const verdict = verdictOf({
      status: 422,
      warnings: parseWarnings('299 - "spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use \\"kubernetes.io/os\\" instead"'),
      body: {
        reason: 'Invalid',
        details: {
          causes: [
            { reason: 'FieldValueInvalid', field: 'spec.parallelism', message: 'Invalid value: -1' },
            { reason: 'FieldValueRequired', field: 'spec.template.spec.restartPolicy', message: 'Required value' },
          ],
        },
      },
    });
    // THEN
    expect(verdict.accepted).toBe(false);
    expect(verdict.causes.map((c) => `${c.type}@${c.path}`)).toEqual(['FieldValueInvalid@spec.parallelism', 'FieldValueRequired@spec.template.spec.restartPolicy']);
    expect(verdict.warnings).toEqual(['spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead']);
  });

  test('paths match across syntax, map keys and index-free type paths, and nowhere else', () => {
    const cause = (path: string, type = 'FieldValueInvalid'): any => ({ path, type, message: '' });
    expect(pathMatches(cause('spec.template.spec.containers[0].name'), 'spec.template.spec.containers[0].name')).toBe(true);
    expect(pathMatches(cause('spec.template.spec.containers[0].name'), 'spec.template.spec.containers[1].name')).toBe(false);
    expect(pathMatches(cause('metadata.labels'), 'metadata.labels[bad key!]')).toBe(true);
    expect(pathMatches(cause('spec.template'), 'spec.template.spec')).toBe(false);
    expect(pathMatches(cause('spec.template.spec'), 'spec.template')).toBe(false);
    expect(pathMatches(cause('spec.template.spec.containers.ports.containerPort', 'FieldValueTypeInvalid'), 'spec.template.spec.containers[0].ports[1].containerPort')).toBe(true);
    expect(pathMatches(cause('spec.parallelism', 'FieldValueTypeInvalid'), 'spec.completions')).toBe(false);
  });

  test('the comparison names false accepts, false rejects and wrong paths', () => {
    const error = (path: string): any => ({ code: 'X', severity: 'error', path, message: '', fix: '' });
    const rejected = { accepted: false, causes: [{ path: 'spec.parallelism', type: 'FieldValueInvalid', message: '' }], warnings: [] };
    const accepted = { accepted: true, causes: [], warnings: [] };
    expect(compare(rejected, []).category).toBe('falseAccept');
    expect(compare(accepted, [error('spec.parallelism')]).category).toBe('falseReject');
    expect(compare(rejected, [error('spec.completions')]).category).toBe('wrongPath');
    expect(compare(rejected, [error('spec.parallelism'), error('spec.completions')]).category).toBe('agree');
    expect(compare(accepted, []).category).toBe('agree');
  });

  test('update ops turn one object into the other', () => {
    const a = { spec: { parallelism: 1, suspend: true, template: { spec: { containers: [{ name: 'a' }] } } } };
    const b = { spec: { parallelism: 2, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } }, status: {} };
    expect(applyOps(a, diffOps(a, b))).toEqual(b);
  });
});
