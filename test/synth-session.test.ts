import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart, Duration, JsonPatch, Lazy, Testing } from 'cdk8s';
import { IndexedJob, OneShotJob } from '../src';

const image = 'registry.example.com/job:1';
const clean = { containers: [{ image }], ttlAfterFinished: Duration.hours(1), activeDeadline: Duration.hours(1) };
const restartAlways = JsonPatch.replace('/spec/template/spec/restartPolicy', 'Always');

/** The message synth fails with, or `undefined` when it succeeds. */
function failure(synth: () => unknown): string | undefined {
  try {
    synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The message of the same app built broken from the start: what a changed object must report. */
function expectedFailure(build: (app: App) => Chart): string {
  const app = Testing.app();
  const chart = build(app);
  const message = failure(() => Testing.synth(chart));
  if (message === undefined) throw new Error('the reference app synthesizes');
  return message;
}

describe('one render per synth', () => {
  let renders: jest.SpyInstance;
  beforeEach(() => {
    renders = jest.spyOn(IndexedJob.prototype, '_toKube');
  });
  afterEach(() => renders.mockRestore());

  function jobsIn(charts: number, jobs: number): App {
    const app = Testing.app();
    const all = Array.from({ length: charts }, (_, i) => new Chart(app, `chart-${i}`));
    for (let i = 0; i < jobs; i++) new IndexedJob(all[i % charts], `job-${i}`, { ...clean, completions: 2 });
    return app;
  }

  test.each([1, 3])('synthYaml() renders each object once with %i chart(s), though cdk8s validates once per chart plus once', (charts) => {
    const app = jobsIn(charts, 6);
    const yaml = app.synthYaml();
    expect(renders).toHaveBeenCalledTimes(6);
    expect(yaml.match(/^kind: Job$/gm)).toHaveLength(6);
  });

  test('synth() writes what one render per object produced', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-session-'));
    try {
      const app = new App({ outdir });
      const charts = [new Chart(app, 'a'), new Chart(app, 'b')];
      charts.forEach((chart, i) => new IndexedJob(chart, `job-${i}`, { ...clean, completions: 2 }));
      app.synth();
      expect(renders).toHaveBeenCalledTimes(2);
      expect(readFileSync(join(outdir, 'b.k8s.yaml'), 'utf8')).toMatch(/name: b-job-1-/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('each synth renders again: Testing.synth() twice renders twice', () => {
    const app = jobsIn(1, 1);
    const chart = app.charts[0];
    Testing.synth(chart);
    Testing.synth(chart);
    expect(renders).toHaveBeenCalledTimes(2);
  });

  test('the written object is the very object the validation checked', () => {
    const app = jobsIn(1, 1);
    const validated: unknown[] = [];
    const job = app.charts[0].node.findChild('job-0');
    const resource = ApiObject.of(job) as ApiObject & { _render(): unknown };
    const render = resource._render.bind(resource);
    jest.spyOn(resource, '_render').mockImplementation(() => {
      const json = render();
      validated.push(json);
      return json;
    });
    const [written] = Testing.synth(app.charts[0]);
    expect(validated).toHaveLength(1);
    expect(written).toBe(validated[0]);
  });
});

describe('a change between two synths is caught', () => {
  test('an escape-hatch JSON patch added after a synth fails the next synth, with the message of an app built that way', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'job', { ...clean, completions: 2 });
    expect(Testing.synth(chart)[0].spec.template.spec.restartPolicy).toBe('Never');
    ApiObject.of(job).addJsonPatch(restartAlways);
    const expected = expectedFailure((app) => {
      const c = new Chart(app, 'test');
      ApiObject.of(new IndexedJob(c, 'job', { ...clean, completions: 2 })).addJsonPatch(restartAlways);
      return c;
    });
    expect(expected).toMatch(/^Validation failed with the following errors:\n {2}\[test\/job\] .*restartPolicy/);
    expect(failure(() => Testing.synth(chart))).toBe(expected);
    expect(failure(() => chart.toJson())).toBe(expected);
  });

  test('a collection changed through a mutator after synthYaml() fails the next synthYaml()', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const job = new OneShotJob(chart, 'job', clean);
    expect(app.synthYaml()).toContain('kind: Job');
    job.podMetadata.addLabel('not a label key!', 'x');
    expect(failure(() => app.synthYaml())).toBe(expectedFailure((a) => {
      const c = new Chart(a, 'test');
      new OneShotJob(c, 'job', clean).podMetadata.addLabel('not a label key!', 'x');
      return c;
    }));
  });

  test('a change to an object of another chart, between two charts\' toJson(), fails the second', () => {
    const app = Testing.app();
    const [first, second] = [new Chart(app, 'first'), new Chart(app, 'second')];
    new IndexedJob(first, 'job', { ...clean, completions: 2 });
    const other = new IndexedJob(second, 'job', { ...clean, completions: 2 });
    expect(first.toJson()).toHaveLength(1);
    ApiObject.of(other).addJsonPatch(restartAlways);
    // The whole app is validated before a chart is written: synthesizing either chart now fails.
    expect(failure(() => first.toJson())).toMatch(/\[second\/job\] .*restartPolicy/);
    expect(failure(() => second.toJson())).toMatch(/\[second\/job\] .*restartPolicy/);
  });

  test('every failure across the app is reported at once, also when the objects changed after a synth', () => {
    const app = Testing.app();
    const charts = [new Chart(app, 'a'), new Chart(app, 'b')];
    const jobs = charts.map((chart) => new IndexedJob(chart, 'job', { ...clean, completions: 2 }));
    app.synthYaml();
    jobs.forEach((job) => ApiObject.of(job).addJsonPatch(restartAlways));
    const message = failure(() => app.synthYaml()) ?? '';
    expect(message.split('\n').filter((l) => l.includes('restartPolicy')).map((l) => l.trim().split(' ')[0])).toEqual(['[a/job]', '[b/job]']);
  });

  test('a valid change after a synth is in the next synth\'s output', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const job = new IndexedJob(chart, 'job', { ...clean, completions: 2 });
    expect(app.synthYaml()).not.toContain('team: batch');
    ApiObject.of(job).metadata.addLabel('team', 'batch');
    expect(app.synthYaml()).toContain('team: batch');
  });

  test('node.validate() and toJson() called directly after a synth see the object as it is now', () => {
    const chart = Testing.chart();
    const job = new IndexedJob(chart, 'job', { ...clean, completions: 2 });
    Testing.synth(chart);
    ApiObject.of(job).addJsonPatch(restartAlways);
    expect(ApiObject.of(job).toJson().spec.template.spec.restartPolicy).toBe('Always');
    expect(job.node.validate().join('\n')).toMatch(/restartPolicy/);
  });
});

describe('a change made during a synth', () => {
  test('is not part of that synth\'s output, which is the object its validation checked; the next synth validates it', () => {
    // A Lazy value of an object written before the Job patches the Job while cdk8s writes the app.
    const app = Testing.app();
    const [first, second] = [new Chart(app, 'first'), new Chart(app, 'second')];
    const job = new IndexedJob(second, 'job', { ...clean, completions: 2 });
    let patched = false;
    new ApiObject(first, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: Lazy.any({
        produce: () => {
          if (!patched) ApiObject.of(job).addJsonPatch(restartAlways);
          patched = true;
          return { key: 'value' };
        },
      }),
    });
    const written = app.synthYaml();
    expect(written).toContain('restartPolicy: Never');
    expect(written).not.toContain('restartPolicy: Always');
    expect(failure(() => app.synthYaml())).toMatch(/\[second\/job\] .*restartPolicy/);
  });
});
