import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/cli/usage-error.ts';
import { checkCommand } from '../../src/check/command.ts';
import type { SarifLog } from '../../src/check/format-sarif.ts';
import { MAX_INPUT_BYTES } from '../../src/check/sources.ts';
import type { CommandIo } from '../../src/commands.ts';

const RECONCILER = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = 'test/check/fixtures';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI end to end, as a user would. */
function cli(args: string[], input?: string, stdin?: number): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'check', ...args], {
    cwd: RECONCILER,
    input,
    stdio: stdin === undefined ? 'pipe' : [stdin, 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command in-process with injected streams. */
async function inProcess(args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv; stdin?: Readable } = {}): Promise<Run> {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty });
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c) => (chunks.out += c));
  stderr.on('data', (c) => (chunks.err += c));
  const io: CommandIo = { stdout, stderr, stdin: options.stdin ?? new PassThrough(), env: options.env ?? {}, cwd: RECONCILER };
  const code = await checkCommand.run(args, io);
  return { code, stdout: chunks.out, stderr: chunks.err };
}

const SUMMARY = /^(\d+) objects checked \((\d+) Jobs, (\d+) CronJobs, (\d+) skipped\), (\d+) errors, (\d+) warnings/m;

describe('cdk8s-batch check (end to end)', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cdk8s-batch-check-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 1 on error violations and prints the object, the violation and the summary', () => {
    const r = cli([`${FIXTURES}/job-invalid.yaml`]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^test\/check\/fixtures\/job-invalid\.yaml: Job shop\/migrate$/m);
    assert.match(r.stdout, /error +RestartPolicyNotAllowed +spec\.template\.spec\.restartPolicy/);
    assert.match(r.stdout, /1 objects checked \(1 Jobs, 0 CronJobs, 0 skipped\), 1 errors, \d+ warnings/);
  });

  it('exits 0 with warnings only, and 1 with --strict', () => {
    const loose = cli([`${FIXTURES}/job-warnings.yaml`]);
    assert.equal(loose.code, 0);
    assert.match(loose.stdout, /warning +TtlSecondsAfterFinishedMissing/);
    assert.equal(cli(['--strict', `${FIXTURES}/job-warnings.yaml`]).code, 1);
  });

  it('reads a directory recursively (yaml, yml, json; not hidden directories or other files)', () => {
    const r = cli(['--format', 'json', `${FIXTURES}/dir`]);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.objects, 4);
    const files = [...new Set(json.violations.map((v: { file: string }) => v.file))];
    assert.deepEqual(files, ['test/check/fixtures/dir/a-job.yaml', 'test/check/fixtures/dir/nested/b-mixed.yml']);
  });

  it('reads stdin with -', () => {
    const r = cli(['--format', 'json', '-'], '{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "s"}, "spec": {"parallelism": -1}}');
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.objects, 1);
    const v = json.violations.find((x: { code: string }) => x.code === 'ParallelismNegative');
    assert.equal(v.file, '<stdin>');
    assert.equal(v.name, 's');
  });

  it('checks kubectl get -o yaml output (a List with status and managedFields) item by item', () => {
    const r = cli(['--format', 'json', '--kubernetes-version', '1.31', `${FIXTURES}/kubectl-get-jobs.yaml`]);
    const json = JSON.parse(r.stdout);
    assert.equal(json.objects, 2);
    const errors = json.violations.filter((v: { severity: string }) => v.severity === 'error');
    assert.deepEqual(errors.map((v: { name: string; code: string }) => [v.name, v.code]), [['broken', 'ParallelismNegative']]);
    assert.equal(r.code, 1);
  });

  it('writes SARIF with lines of the offending fields', () => {
    const r = cli(['--format', 'sarif', `${FIXTURES}/mixed.yaml`, `${FIXTURES}/job.json`]);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout);
    const located = (sarif as SarifLog).runs[0].results
      .filter((x) => x.ruleId === 'RestartPolicyNotAllowed')
      .map((x) => [x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]);
    assert.deepEqual(located, [
      ['test/check/fixtures/mixed.yaml', 19],
      ['test/check/fixtures/job.json', 8],
    ]);
  });

  it('reports wrongly typed fields as violations at their lines, with exit 1 and nothing on stderr', () => {
    const r = cli(['--format', 'sarif', `${FIXTURES}/job-wrong-types.yaml`]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    const results = (JSON.parse(r.stdout) as SarifLog).runs[0].results.filter((x) => x.ruleId === 'FieldTypeInvalid');
    const lines = Object.fromEntries(results.map((x) => [x.message.text.split(' ')[1], x.locations[0].physicalLocation.region.startLine]));
    assert.equal(lines['spec.parallelism'], 8);
    assert.equal(lines['spec.template.spec.containers'], 18);
    assert.equal(lines['spec.schedule'], 25);
  });

  it('reports every unusable input, still reports the good ones, and exits 2', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: batch/v1\nkind: Job\nspec: [1, 2\n');
    const r = cli([`${FIXTURES}/job-invalid.yaml`, bad, join(tmp, 'missing.yaml')]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], new RegExp(`^cdk8s-batch check: ${bad}:4: invalid YAML: `));
    assert.match(lines[1], /missing\.yaml.*no such file or directory; check the path$/);
    assert.match(r.stdout, /RestartPolicyNotAllowed/);
    assert.match(r.stdout, /1 objects checked .*; 2 unusable inputs/);
    assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  });

  it('reports an unreadable stdin like an unreadable file, naming <stdin>, and still checks the other inputs', () => {
    // GIVEN stdin open for writing only: every read fails with EBADF
    const fd = openSync(join(tmp, 'write-only'), 'w');
    try {
      // WHEN
      const r = cli(['-', `${FIXTURES}/job-invalid.yaml`], undefined, fd);
      // THEN
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'cdk8s-batch check: <stdin>: cannot read: not open for reading (bad file descriptor); pipe or redirect a manifest file into it\n');
      assert.match(r.stdout, /^test\/check\/fixtures\/job-invalid\.yaml: Job shop\/migrate$/m);
      assert.match(r.stdout, /1 objects checked .*; 1 unusable inputs/);
    } finally {
      closeSync(fd);
    }
  });

  it('escapes control characters from manifests and file names in text output, so the terminal shows them inert', () => {
    // GIVEN a file whose name holds an ANSI sequence, with a Job whose name and namespace hold
    // a title-setting OSC sequence, a forged line, C1 controls and a bidi override
    const file = join(tmp, 'evil\u001b[2J.yaml');
    const name = 'x\u001b]0;pwned\u0007\nerror  Forged\u009b31m\u202egpj.exe\u007f';
    writeFileSync(file, JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'ns\u001b[1m' }, spec: { parallelism: -1 } }));
    // WHEN
    const r = cli([file, join(tmp, 'missing\u001b[31m\u0085.yaml')]);
    // THEN nothing from the inputs reaches the terminal raw
    assert.equal(r.code, 2);
    const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    assert.doesNotMatch(r.stdout, unsafe);
    assert.doesNotMatch(r.stderr, unsafe);
    assert.match(r.stdout, /evil\\x1b\[2J\.yaml: Job ns\\x1b\[1m\/x\\x1b\]0;pwned\\x07\\x0aerror {2}Forged\\x9b31m\\u202egpj\.exe\\x7f$/m);
    assert.doesNotMatch(r.stdout, /^error {2}Forged/m, 'no forged line');
    assert.match(r.stderr, /^cdk8s-batch check: .*missing\\x1b\[31m\\x85\.yaml: .*no such file or directory/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('keeps names with control characters JSON-escaped in JSON and SARIF: valid JSON, the exact values, nothing raw', () => {
    const file = join(tmp, 'bidi\u202e.json');
    const name = 'job\u001b[31m\u009b\u202e\u2028\u007f';
    writeFileSync(file, JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { parallelism: -1 } }));
    for (const format of ['json', 'sarif']) {
      const r = cli(['--format', format, file]);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202a-\u202e]/, format);
      const parsed = JSON.parse(r.stdout);
      if (format === 'json') {
        assert.equal(parsed.violations[0].name, name);
        assert.match(parsed.violations[0].file, /bidi\u202e\.json$/);
      } else {
        assert.ok(parsed.runs[0].results.some((x: { message: { text: string } }) => x.message.text.includes(name)));
      }
    }
  });

  it('rejects binary data, empty input, alias bombs, deep nesting and huge files with exit 2 and one line each', () => {
    const files = {
      binary: join(tmp, 'binary.yaml'),
      empty: join(tmp, 'empty.yaml'),
      bomb: join(tmp, 'bomb.yaml'),
      deep: join(tmp, 'deep.json'),
      huge: join(tmp, 'huge.yaml'),
      latin1: join(tmp, 'latin1.yaml'),
    };
    writeFileSync(files.binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    writeFileSync(files.empty, '');
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h'], ['h', 'i']]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(files.bomb, bomb.join('\n'));
    writeFileSync(files.deep, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    writeFileSync(files.huge, '');
    truncateSync(files.huge, MAX_INPUT_BYTES + 1); // sparse: no 64 MiB written
    writeFileSync(files.latin1, Buffer.from('kind: Caf\xe9\n', 'latin1'));
    for (const [what, file] of Object.entries(files)) {
      const r = cli([file]);
      assert.equal(r.code, 2, what);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
      assert.ok(lines[0].startsWith(`cdk8s-batch check: ${file}`), `${what}: ${lines[0]}`);
    }
    assert.match(cli([files.binary]).stderr, /is binary data/);
    assert.match(cli([files.empty]).stderr, /no Kubernetes objects found/);
    assert.match(cli([files.bomb]).stderr, /YAML bomb/);
    assert.match(cli([files.deep]).stderr, /nesting deeper than 100 levels/);
    assert.match(cli([files.huge]).stderr, /over the 64\.0 MiB limit; split the manifests/);
    assert.match(cli([files.latin1]).stderr, /not valid UTF-8/);
  });

  it('exits 2 with a one-line reason for an unknown flag, a bad format or an unsupported version', () => {
    for (const [args, reason] of [
      [['--colour', 'x.yaml'], /^cdk8s-batch check: unknown option --colour; run 'cdk8s-batch check --help' for the options\n$/],
      [['--format', 'xml', 'x.yaml'], /^cdk8s-batch check: --format must be one of text, json, sarif \(got "xml"\)/],
      [['--kubernetes-version', '1.20', 'x.yaml'], /^cdk8s-batch check: --kubernetes-version: kubernetesVersion must be one of 1\.28,.* \(got "1\.20"\)/],
      [[], /^cdk8s-batch check: no input; pass files, directories or - for stdin/],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, reason);
      assert.equal(r.stdout, '');
    }
  });

  it('prints help with the options and exits 0', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--kubernetes-version', '--format', '--strict', '--help']) assert.ok(r.stdout.includes(flag), flag);
  });

  it('counts objects per kind in the summary', () => {
    const r = cli([`${FIXTURES}/mixed.yaml`]);
    const m = SUMMARY.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.deepEqual(m.slice(1, 5), ['3', '1', '1', '1']);
  });
});

describe('checkCommand (in process)', () => {
  it('colours text output on a TTY only, and not with NO_COLOR', async () => {
    const args = [`${FIXTURES}/job-invalid.yaml`];
    assert.match((await inProcess(args, { tty: true })).stdout, /\u001b\[31merror/);
    assert.doesNotMatch((await inProcess(args, { tty: false })).stdout, /\u001b\[/);
    assert.doesNotMatch((await inProcess(args, { tty: true, env: { NO_COLOR: '1' } })).stdout, /\u001b\[/);
  });

  it('reports a stdin stream that fails like an unreadable file and checks the other inputs', async () => {
    const failing = new Readable({
      read(): void {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      },
    });
    const r = await inProcess([`${FIXTURES}/job-invalid.yaml`, '-'], { stdin: failing });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'cdk8s-batch check: <stdin>: cannot read: EIO: i/o error, read; pipe or redirect a manifest file into it\n');
    assert.match(r.stdout, /RestartPolicyNotAllowed/);
  });

  it('throws UsageError for bad flags (main turns it into exit 2)', async () => {
    await assert.rejects(inProcess(['--nope']), UsageError);
  });

  it('passes --kubernetes-version to the engine: a field 1.28 lacks is an error there only', async () => {
    const file = `${FIXTURES}/job-pod-replacement-policy.yaml`;
    const codes = (run: Run): string[] => JSON.parse(run.stdout).violations.map((v: { code: string }) => v.code);
    const older = await inProcess(['--format', 'json', '--kubernetes-version', '1.28', file]);
    const newer = await inProcess(['--format', 'json', '--kubernetes-version', '1.31', file]);
    assert.equal(older.code, 1);
    assert.ok(codes(older).includes('FieldRequiresNewerKubernetes'));
    assert.equal(newer.code, 0);
    assert.ok(!codes(newer).includes('FieldRequiresNewerKubernetes'));
  });
});
