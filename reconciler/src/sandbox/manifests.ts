/**
 * Where the sandbox's manifests come from: files and directories given on the command line
 * (read and parsed like `cdk8s-batch check` does), or — with none given — the cdk8s app in
 * the working directory, synthesized first by running the `app` command of its `cdk8s.yaml`
 * into a temporary output directory (as `cdk8s synth` does).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { parseManifests } from '../check/parse.ts';
import { isInputText, readInputs } from '../check/sources.ts';
import type { InputProblem, SourceObject } from '../check/types.ts';
import { UsageError } from '../cli/usage-error.ts';
import type { CommandIo } from '../commands.ts';

export interface LoadedManifests {
  /** Every object read, in input order. */
  readonly objects: SourceObject[];
  /** Inputs or documents that could not be used. */
  readonly problems: InputProblem[];
  /** Where they came from, for the banner: the paths, or `cdk8s synth (<app>)`. */
  readonly origin: string;
}

/** Reads manifests from `paths` (files, directories, `-`), or synthesizes the cdk8s app in `io.cwd`. */
export async function loadManifests(paths: readonly string[], io: CommandIo): Promise<LoadedManifests> {
  if (paths.length > 0) return { ...(await readManifests(paths, io)), origin: paths.join(' ') };
  const config = join(io.cwd, 'cdk8s.yaml');
  if (!existsSync(config)) {
    throw new UsageError('no manifests given and no cdk8s.yaml in the working directory; pass manifest files or run it in a cdk8s app');
  }
  const app = await readAppCommand(config);
  const outdir = await mkdtemp(join(tmpdir(), 'cdk8s-batch-sandbox-'));
  try {
    await runApp(app, { cwd: io.cwd, outdir, env: io.env });
    return { ...(await readManifests([outdir], { ...io, cwd: outdir })), origin: `cdk8s synth (${app})` };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

async function readManifests(paths: readonly string[], io: Pick<CommandIo, 'cwd' | 'stdin'>): Promise<Omit<LoadedManifests, 'origin'>> {
  const read = await readInputs(paths, io);
  const objects: SourceObject[] = [];
  const problems: InputProblem[] = [];
  for (const item of read.items) {
    if (!isInputText(item)) {
      problems.push(item);
      continue;
    }
    const parsed = parseManifests(item.text, item.file);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  return { objects, problems };
}

async function readAppCommand(config: string): Promise<string> {
  let parsed: unknown;
  try {
    parsed = YAML.parse(await readFile(config, 'utf8'));
  } catch (err) {
    throw new UsageError(`cdk8s.yaml is not valid YAML (${(err as Error).message.split('\n')[0]}); fix the file or pass manifests`);
  }
  const app = (parsed as { app?: unknown } | null)?.app;
  if (typeof app !== 'string' || app.trim() === '') {
    throw new UsageError(`cdk8s.yaml has no "app" command (got ${JSON.stringify(app ?? null)}); set app: to the command that synthesizes the app`);
  }
  return app;
}

/** Runs the app with `CDK8S_OUTDIR` set, like `cdk8s synth`; its output is shown only on failure. */
function runApp(app: string, opts: { cwd: string; outdir: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(app, { cwd: opts.cwd, shell: true, env: { ...opts.env, CDK8S_OUTDIR: opts.outdir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new UsageError(`could not run the cdk8s app "${app}": ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new UsageError(`synthesizing the cdk8s app failed ("${app}" exited ${code}):\n${output.trim()}`));
    });
  });
}
