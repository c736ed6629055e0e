import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RULES, UnsupportedVersionError } from 'cdk8s-batch/rules';
import { checkDocuments, checkSources, exitCode } from '../../src/check/check.ts';
import { formatJson, type JsonViolation } from '../../src/check/format-json.ts';
import { artifactUri, formatSarif, type SarifLog } from '../../src/check/format-sarif.ts';
import { formatText, summaryLine } from '../../src/check/format-text.ts';
import { parseManifests } from '../../src/check/parse.ts';
import type { CheckReport } from '../../src/check/types.ts';

const container = { name: 'main', image: 'busybox:1.36' };
const job = (name: string, podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'shop' },
  spec: { ...extra, template: { spec: { containers: [container], ...podSpec } } },
});
const badJob = job('bad', { restartPolicy: 'Always' });
const okJob = job('ok', { restartPolicy: 'Never' });
const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly' },
  spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Always', containers: [container] } } } } },
};
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };

describe('checkDocuments', () => {
  it('checks Jobs and CronJobs, counts and skips other kinds', () => {
    const report = checkDocuments([badJob, okJob, cronJob, configMap], { kubernetesVersion: '1.31' });
    assert.equal(report.objects, 4);
    assert.equal(report.jobs, 2);
    assert.equal(report.cronJobs, 1);
    assert.equal(report.skipped, 1);
    assert.deepEqual(report.results.map((r) => r.name), ['bad', 'ok', 'nightly']);
    assert.equal(report.kubernetesVersion, '1.31');
  });

  it('checks each object for the version it records, and the flag overrides them all', () => {
    // GIVEN a successPolicy (Kubernetes 1.31+) on Jobs recording 1.31 and 1.28, and one recording none
    const policy = { completionMode: 'Indexed', completions: 2, successPolicy: { rules: [{ succeededCount: 1 }] } };
    const recording = (name: string, version: string): Record<string, unknown> => {
      const j = job(name, { restartPolicy: 'Never' }, policy);
      return { ...j, metadata: { ...(j.metadata as object), annotations: { 'batch.cdk8s.io/kubernetes-version': version } } };
    };
    const objects = [recording('new', '1.31'), recording('old', '1.28'), job('plain', { restartPolicy: 'Never' }, policy)];
    // WHEN no flag is given
    const report = checkDocuments(objects);
    // THEN each is checked for its own version, the plain one for the default (1.28)
    // (a version whose served schema lacks the field reports it unknown, as the API server does)
    const newer = (name: string): boolean =>
      report.results.find((r) => r.name === name)!.violations.some((v) => ['FieldRequiresNewerKubernetes', 'FieldUnknown'].includes(v.code) && v.path === 'spec.successPolicy' && v.severity === 'error');
    assert.deepEqual(report.results.map((r) => [r.name, r.kubernetesVersion]), [['new', '1.31'], ['old', '1.28'], ['plain', '1.28']]);
    assert.equal(newer('new'), false);
    assert.equal(newer('old'), true);
    assert.equal(newer('plain'), true);
    assert.match(summaryLine(report), /, for Kubernetes 1\.28 \(2 objects\) and 1\.31 \(1 object\)$/);
    // WHEN the flag is given, it applies to every object
    const flagged = checkDocuments(objects, { kubernetesVersion: '1.31' });
    assert.deepEqual(flagged.results.map((r) => r.kubernetesVersion), ['1.31', '1.31', '1.31']);
    assert.equal(flagged.errors, 0);
  });

  it('fails if an unusable recorded version is used instead of the default, and reports it', () => {
    const j = job('odd', { restartPolicy: 'Never' });
    const report = checkDocuments([{ ...j, metadata: { name: 'odd', annotations: { 'batch.cdk8s.io/kubernetes-version': '1.99' } } }]);
    assert.equal(report.results[0].kubernetesVersion, '1.28');
    const v = report.results[0].violations.find((x) => x.code === 'KubernetesVersionAnnotationInvalid');
    assert.ok(v);
    assert.equal(v.severity, 'warning');
    assert.match(v.message, /\(got 1\.99\)$/);
  });

  it('reports the violations of each object with code, severity, path, message and fix', () => {
    const report = checkDocuments([badJob]);
    const v = report.results[0].violations.find((x) => x.code === 'RestartPolicyNotAllowed');
    assert.ok(v);
    assert.equal(v.severity, 'error');
    assert.equal(v.path, 'spec.template.spec.restartPolicy');
    assert.match(v.message, /\(got Always\)/);
    assert.ok(v.fix.length > 0);
    assert.equal(report.errors, report.results[0].violations.filter((x) => x.severity === 'error').length);
    assert.equal(report.warnings, report.results[0].violations.filter((x) => x.severity === 'warning').length);
  });

  it("checks a CronJob's job template as part of the CronJob", () => {
    const report = checkDocuments([cronJob]);
    const paths = report.results[0].violations.map((v) => v.path);
    assert.ok(paths.includes('spec.jobTemplate.spec.template.spec.restartPolicy'));
  });

  it('expands Lists and reports values that are not objects', () => {
    const report = checkDocuments([{ apiVersion: 'v1', kind: 'List', items: [okJob, configMap] }, 42], { file: 'synth' });
    assert.equal(report.objects, 2);
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0].file, 'synth');
    assert.match(report.problems[0].message, /is not a Kubernetes object \(got 42\)/);
  });

  it('counts a Job of another API group as skipped', () => {
    const report = checkDocuments([{ ...badJob, apiVersion: 'example.com/v1' }]);
    assert.equal(report.skipped, 1);
    assert.equal(report.jobs, 0);
  });

  it('reports wrongly typed fields as violations, never as a crash', () => {
    const weird = { apiVersion: 'batch/v1', kind: 'Job', metadata: 'x', spec: { parallelism: 'four', template: [1, 2], completions: { a: 1 } } };
    const report = checkDocuments([weird, { apiVersion: 'batch/v1', kind: 'CronJob', spec: 7 }]);
    assert.equal(report.results.length, 2);
    assert.ok(report.errors >= 2);
    assert.deepEqual(report.problems, []);
  });

  it('reports any JSON in any field as violations or problems, never by throwing (property)', () => {
    const fields = ['metadata', 'metadata.name', 'spec', 'spec.parallelism', 'spec.template', 'spec.template.spec', 'spec.template.spec.containers', 'spec.podFailurePolicy', 'spec.jobTemplate', 'spec.schedule', 'spec.selector'];
    const setAt = (obj: Record<string, unknown>, path: string, value: unknown): void => {
      const keys = path.split('.');
      let cur = obj;
      for (const k of keys.slice(0, -1)) {
        if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
        cur = cur[k] as Record<string, unknown>;
      }
      cur[keys.at(-1)!] = value;
    };
    fc.assert(
      fc.property(fc.constantFrom('Job', 'CronJob'), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 3 })), (kind, values) => {
        const object: Record<string, unknown> = { ...structuredClone(okJob), kind };
        for (const [path, value] of Object.entries(values)) setAt(object, path, value);
        const report = checkDocuments([object], { kubernetesVersion: '1.31' });
        assert.equal(report.results.length + report.problems.length >= 1, true);
        for (const v of report.results.flatMap((r) => r.violations)) assert.ok(v.code && v.path !== undefined && v.message && v.fix);
      }),
      { numRuns: 200 },
    );
  });

  it('throws UnsupportedVersionError for an unknown version', () => {
    assert.throws(() => checkDocuments([okJob], { kubernetesVersion: '1.12' }), UnsupportedVersionError);
  });
});

describe('exitCode', () => {
  const report = (over: Partial<CheckReport>): CheckReport => ({ ...checkDocuments([]), ...over });
  it('is 0 without errors, also with warnings', () => {
    assert.equal(exitCode(report({ warnings: 3 }), false), 0);
  });
  it('is 1 with errors, or with warnings under strict', () => {
    assert.equal(exitCode(report({ errors: 1 }), false), 1);
    assert.equal(exitCode(report({ warnings: 1 }), true), 1);
  });
  it('is 2 when any input was unusable, whatever else was found', () => {
    assert.equal(exitCode(report({ errors: 5, problems: [{ file: 'a', message: 'x' }] }), false), 2);
  });
});

describe('formats', () => {
  const text = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bad\n  namespace: shop\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers:\n        - name: main\n          image: busybox:1.36\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
  const parsed = parseManifests(text, 'dist/app k8s.yaml', { positions: true });
  const report = checkSources(parsed.objects, { kubernetesVersion: '1.30' });

  it('text: one block per object with violations, then the summary line', () => {
    const out = formatText(report, { colour: false });
    const lines = out.split('\n');
    assert.equal(lines[0], 'dist/app k8s.yaml: Job shop/bad');
    assert.match(out, /\n {2}error {4}RestartPolicyNotAllowed +spec\.template\.spec\.restartPolicy\n {11}must be .*\(got Always\)\n {11}fix: /);
    assert.equal(lines.at(-2), summaryLine(report));
    assert.match(summaryLine(report), /^2 objects checked \(1 Jobs, 0 CronJobs, 1 skipped\), 1 errors, \d+ warnings, for Kubernetes 1\.30$/);
    assert.doesNotMatch(out, /\u001b\[/);
  });

  it('text: colour only when asked for', () => {
    assert.match(formatText(report, { colour: true }), /\u001b\[31merror/);
  });

  it('text: only the summary when nothing was found', () => {
    const clean = checkDocuments([configMap]);
    assert.equal(formatText(clean, { colour: false }), '1 objects checked (0 Jobs, 0 CronJobs, 1 skipped), 0 errors, 0 warnings\n');
  });

  it('json: exactly { objects, violations[] } with the documented fields', () => {
    const json = JSON.parse(formatJson(report));
    assert.deepEqual(Object.keys(json), ['objects', 'violations']);
    assert.equal(json.objects, 2);
    assert.ok(json.violations.length >= 1);
    for (const v of json.violations) {
      assert.deepEqual(Object.keys(v), ['file', 'kind', 'name', 'namespace', 'kubernetesVersion', 'code', 'severity', 'path', 'message', 'fix']);
    }
    const restart = (json.violations as JsonViolation[]).find((v) => v.code === 'RestartPolicyNotAllowed')!;
    const { message, fix, ...located } = restart;
    assert.deepEqual(located, {
      file: 'dist/app k8s.yaml',
      kind: 'Job',
      name: 'bad',
      namespace: 'shop',
      kubernetesVersion: '1.30',
      code: 'RestartPolicyNotAllowed',
      severity: 'error',
      path: 'spec.template.spec.restartPolicy',
    });
    assert.match(message, /^spec\.template\.spec\.restartPolicy .*\(got Always\)$/);
    assert.ok(fix.length > 0);
  });

  it('json: a missing namespace is null', () => {
    const json = JSON.parse(formatJson(checkDocuments([{ ...badJob, metadata: { name: 'n' } }])));
    assert.equal(json.violations[0].namespace, null);
  });

  it('sarif: a 2.1.0 log with the rules table and located results', () => {
    const sarif = JSON.parse(formatSarif(report)) as SarifLog;
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0].tool;
    assert.equal(driver.name, 'cdk8s-batch');
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(driver.rules.map((r) => r.id), RULES.map((r) => r.code));
    for (const rule of driver.rules) {
      assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text, rule.id);
      assert.ok(['error', 'warning'].includes(rule.defaultConfiguration.level), rule.id);
    }
    const { results } = sarif.runs[0];
    assert.equal(results.length, report.errors + report.warnings);
    for (const r of results) {
      assert.equal(driver.rules[r.ruleIndex].id, r.ruleId);
      assert.equal(r.level, RULES[r.ruleIndex].severity);
      assert.ok(r.message.text.startsWith(`${r.ruleId}: `));
      const loc = r.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, 'dist/app%20k8s.yaml');
      assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
    }
    const restart = results.find((r) => r.ruleId === 'RestartPolicyNotAllowed')!;
    assert.equal(restart.locations[0].physicalLocation.region.startLine, 9);
    const ttl = results.find((r) => r.ruleId === 'TtlSecondsAfterFinishedMissing');
    if (ttl) assert.equal(ttl.locations[0].physicalLocation.region.startLine, 6); // the spec the field is missing from
  });

  it('sarif: unusable inputs become tool execution notifications', () => {
    const clean = JSON.parse(formatSarif(report)) as SarifLog;
    assert.deepEqual(clean.runs[0].invocations, [{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    const broken = parseManifests('apiVersion: batch/v1\nkind: Job\nspec: [1\n', 'broken.yaml');
    const sarif = JSON.parse(formatSarif(checkSources(broken.objects, {}, broken.problems))) as SarifLog;
    const [invocation] = sarif.runs[0].invocations;
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications.length, 1);
    const [n] = invocation.toolExecutionNotifications;
    assert.match(n.message.text, /^invalid YAML: /);
    assert.deepEqual(n.locations[0].physicalLocation, { artifactLocation: { uri: 'broken.yaml' }, region: { startLine: 4 } });
  });

  it('sarif: objects without source lines are located at line 1', () => {
    const sarif = JSON.parse(formatSarif(checkDocuments([badJob], { file: 'memory.yaml' }))) as SarifLog;
    assert.ok(sarif.runs[0].results.every((r) => r.locations[0].physicalLocation.region.startLine === 1));
  });

  it('sarif: artifact URIs are relative and encoded, absolute paths become file URIs', () => {
    assert.equal(artifactUri('dist/a#b.yaml'), 'dist/a%23b.yaml');
    assert.equal(artifactUri('/tmp/x y.yaml'), 'file:///tmp/x%20y.yaml');
    assert.equal(artifactUri('<stdin>'), 'stdin');
  });
});
