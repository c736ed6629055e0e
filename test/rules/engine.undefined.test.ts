import { validate } from '../../src/rules';

describe('rules engine on JavaScript objects', () => {
  test('a field set to undefined is treated as not set, like a field JSON leaves out', () => {
    // GIVEN a Job built in JavaScript with optional fields left undefined
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', labels: undefined },
      spec: {
        parallelism: undefined,
        completions: 1,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'migrate:1' }] } },
      },
    };
    // WHEN / THEN it is valid, exactly like its JSON form
    expect(validate(job, { minSeverity: 'error' })).toEqual([]);
    expect(validate(job)).toEqual(validate(JSON.parse(JSON.stringify(job))));
  });
});
