/**
 * `cdk8s-batch check [paths…|-]`: validates Job and CronJob manifests offline with the same
 * rules the constructs apply at synth and the reconciler applies to live objects.
 *
 * Exit codes: 0 no errors; 1 error violations (or warnings with --strict); 2 unusable input
 * (unreadable path, invalid YAML, no objects, bad flag or version). Every readable input is
 * reported before an exit 2, so one bad file never hides the results of the others.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSION_ANNOTATION, SUPPORTED_VERSIONS, UnsupportedVersionError, formatVersion, parseVersion } from 'cdk8s-batch/rules';
import type { Command, CommandIo } from '../commands.ts';
import { UsageError } from '../cli/usage-error.ts';
import { checkSources, exitCode } from './check.ts';
import { formatJson } from './format-json.ts';
import { formatSarif } from './format-sarif.ts';
import { formatText } from './format-text.ts';
import { parseManifests } from './parse.ts';
import { printable } from './printable.ts';
import { MAX_INPUT_BYTES, isInputText, readInputs } from './sources.ts';
import type { CheckReport, InputProblem, SourceObject } from './types.ts';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `usage: cdk8s-batch check [options] <path…|->

Checks Kubernetes batch/v1 Job and CronJob manifests offline against the rules the
API server applies (plus hygiene warnings). Paths are files, directories (searched
recursively for *.yaml, *.yml and *.json, skipping hidden directories and node_modules)
or - for stdin. Multi-document YAML, JSON and List objects are accepted; objects of
other kinds are counted and skipped.

options:
  --kubernetes-version <v>  target version for every object, one of ${SUPPORTED_VERSIONS.join(', ')}
                            (default: the version each object records in its
                            ${KUBERNETES_VERSION_ANNOTATION} annotation,
                            written by the constructs; ${DEFAULT_KUBERNETES_VERSION} for objects without one)
  --format <f>              text (default), json or sarif
  --strict                  warnings fail too (exit 1)
  -h, --help                show this help

exit codes: 0 no errors, 1 violations (errors, or warnings with --strict),
            2 unusable input (unreadable or invalid file, bad option); inputs are
            limited to ${MAX_INPUT_BYTES / 1024 / 1024} MiB each

examples:
  cdk8s-batch check dist/
  cdk8s-batch check --kubernetes-version 1.31 --strict dist/app.k8s.yaml
  kubectl get jobs,cronjobs -A -o yaml | cdk8s-batch check -
  cdk8s-batch check --format sarif dist/ > cdk8s-batch.sarif   # for github/codeql-action/upload-sarif`;

interface CheckArgs {
  readonly paths: string[];
  /** The `--kubernetes-version` override; undefined: each object's recorded version, else the default. */
  readonly kubernetesVersion?: string;
  readonly format: Format;
  readonly strict: boolean;
  readonly help: boolean;
}

/** Parses the command line; throws `UsageError` with a one-line reason. */
export function parseCheckArgs(args: string[]): CheckArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'kubernetes-version': { type: 'string' },
        format: { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(argumentReason(err));
  }
  const { values, positionals } = parsed;
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(values.format)}); e.g. --format sarif`);
  }
  let kubernetesVersion = values['kubernetes-version'];
  try {
    if (kubernetesVersion !== undefined) kubernetesVersion = formatVersion(parseVersion(kubernetesVersion));
  } catch (err) {
    if (err instanceof UnsupportedVersionError) throw new UsageError(`--kubernetes-version: ${err.message}`);
    throw err;
  }
  return { paths: positionals, kubernetesVersion, format, strict: values.strict, help: values.help };
}

/** One line from a `node:util` parseArgs error, naming the option and pointing to --help. */
function argumentReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const option = /'([^']+)'/.exec(message)?.[1];
  const code = (err as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}; run 'cdk8s-batch check --help' for the options`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option ${option} needs a value; run 'cdk8s-batch check --help'`;
  return `${message.split('\n')[0]}; run 'cdk8s-batch check --help'`;
}

/** Reads, parses and checks the inputs; never throws for bad input. */
export async function runCheck(options: Omit<CheckArgs, 'help'>, io: Pick<CommandIo, 'cwd' | 'stdin'>): Promise<CheckReport> {
  const read = await readInputs(options.paths, io);
  const problems: InputProblem[] = [];
  const objects: SourceObject[] = [];
  for (const item of read.items) {
    if (!isInputText(item)) {
      problems.push(item);
      continue;
    }
    const parsed = parseManifests(item.text, item.file, { positions: options.format === 'sarif' });
    // Loops, not push(...spread): a 64 MiB input can hold millions of small objects.
    for (const o of parsed.objects) objects.push(o);
    for (const p of parsed.problems) problems.push(p);
  }
  if (objects.length === 0 && problems.length === 0) {
    problems.push({ file: options.paths.join(' '), message: 'no Kubernetes objects found; pass the synthesized manifests (e.g. dist/)' });
  }
  return checkSources(objects, { kubernetesVersion: options.kubernetesVersion }, problems);
}

function render(report: CheckReport, format: Format, io: CommandIo): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report);
  return formatText(report, { colour: io.stdout.isTTY === true && !io.env.NO_COLOR });
}

/** One line on stderr per unusable input; the file name and message are shown escaped. */
function problemLine(p: InputProblem): string {
  return `cdk8s-batch check: ${printable(p.file)}${p.line !== undefined ? `:${p.line}` : ''}: ${printable(p.message)}\n`;
}

export const checkCommand: Command = {
  summary: 'check Job and CronJob manifests offline (text, JSON or SARIF report)',
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = parseCheckArgs(args);
    if (options.help) {
      io.stdout.write(`${CHECK_USAGE}\n`);
      return 0;
    }
    if (options.paths.length === 0) throw new UsageError("no input; pass files, directories or - for stdin (see 'cdk8s-batch check --help')");
    const report = await runCheck(options, io);
    for (const p of report.problems) io.stderr.write(problemLine(p));
    io.stdout.write(render(report, options.format, io));
    return exitCode(report, options.strict);
  },
};
