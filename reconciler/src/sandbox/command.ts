/**
 * `cdk8s-batch sandbox [manifests…]`: the product running end to end with no cluster. With
 * no manifests it synthesizes the cdk8s app in the working directory first.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_KUBERNETES_VERSION, SANDBOX_DURATION_ANNOTATION, SANDBOX_FAILURE_RATE_ANNOTATION, SUPPORTED_VERSIONS } from 'cdk8s-batch/rules';
import { UsageError } from '../cli/usage-error.ts';
import type { Command, CommandIo } from '../commands.ts';
import { parseDuration } from '../sim/behaviour.ts';
import { loadManifests } from './manifests.ts';
import { loadKubeConfig } from '../adapters/kube-client.ts';
import { runSandboxOnCluster } from './cluster-run.ts';
import { runSandbox, type SandboxOptions } from './run.ts';

export const SANDBOX_USAGE = `usage: cdk8s-batch sandbox [options] [manifest files or directories…]

Applies the manifests to an emulated Kubernetes API server with simulated job, CronJob and
TTL controllers, runs the reconciler against it, and shows the Jobs running to completion.
With no manifests, synthesizes the cdk8s app in the working directory (its cdk8s.yaml) first.
Simulated pods follow the sandbox.batch.cdk8s.io/* annotations of the pod template
(duration, failure-rate, exit-code, fail-indexes, fail-after). The other objects of the app (Deployments,
Services, RBAC, …) are applied and stored, not run; custom resources are skipped with a note.
A CronJob whose next start lies beyond the run is listed with that start instead of waited for.

options:
  --speed <n>                 simulated seconds per wall-clock second (default 20)
  --timeout <seconds>         give up after this much wall-clock time (default 90)
  --kubernetes-version <v>    version the emulator serves and the manifests are checked for
                              (default: the version the manifests record in their
                              batch.cdk8s.io/kubernetes-version annotation, the newest
                              when they differ; ${DEFAULT_KUBERNETES_VERSION} when none records one)
  --mode audit|enforce        reconciler mode (default audit)
  --seed <n>                  seed of the simulated pod outcomes (default 1)
  --pod-duration <d>          how long pods run when their template does not say (e.g. 30s, 2m; default 20s)
  --failure-rate <r>          share of pods that fail when their template does not say (0 to 1; default 0)
  --kubeconfig <file>         run on the real cluster of this kubeconfig instead of the emulator:
                              its API server and controllers, pods on a simulated node, wall-clock
                              time (--speed and --serve do not apply); the run waits for and
                              reports only the objects it creates and the Jobs they start
  --context <name>            context of that kubeconfig
  --serve                     keep the emulator running afterwards and write a kubeconfig
  --kubeconfig-out <path>     where --serve writes the kubeconfig (default ./sandbox.kubeconfig)
  -h, --help                  show this help`;

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a positive number (got ${JSON.stringify(text)})`);
  return value;
}

function parseMode(text: string): SandboxOptions['mode'] {
  if (text !== 'audit' && text !== 'enforce') throw new UsageError(`--mode must be audit or enforce (got ${JSON.stringify(text)})`);
  return text;
}

function parseVersionFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!SUPPORTED_VERSIONS.includes(text)) {
    throw new UsageError(`--kubernetes-version must be one of ${SUPPORTED_VERSIONS.join(', ')} (got ${JSON.stringify(text)})`);
  }
  return text;
}

function parse(args: string[]): { help: boolean; paths: string[]; values: Record<string, string | boolean | undefined> } {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        speed: { type: 'string', default: '20' },
        timeout: { type: 'string', default: '90' },
        'kubernetes-version': { type: 'string' },
        mode: { type: 'string', default: 'audit' },
        seed: { type: 'string', default: '1' },
        'pod-duration': { type: 'string' },
        'failure-rate': { type: 'string' },
        serve: { type: 'boolean', default: false },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'kubeconfig-out': { type: 'string', default: 'sandbox.kubeconfig' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { help: values.help === true, paths: positionals, values };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; see 'cdk8s-batch sandbox --help'`);
  }
}

/** The parsed command line. */
export interface ParsedSandboxArgs {
  readonly help: boolean;
  readonly paths: string[];
  readonly options: Omit<SandboxOptions, 'untilStopped'>;
  /** `--kubeconfig`/`--context`: run on that real cluster instead of the emulator. */
  readonly cluster?: { readonly kubeconfig: string; readonly context?: string };
}

function clusterOf(values: Record<string, string | boolean | undefined>, cwd: string): ParsedSandboxArgs['cluster'] {
  if (typeof values.kubeconfig !== 'string') {
    if (typeof values.context === 'string') throw new UsageError('--context needs --kubeconfig');
    return undefined;
  }
  if (values.serve === true) throw new UsageError('--serve keeps the emulator running; it does not apply with --kubeconfig (the cluster keeps running anyway)');
  return { kubeconfig: resolve(cwd, values.kubeconfig), ...(typeof values.context === 'string' ? { context: values.context } : {}) };
}

/** Parses the flags into options (without the stop signal). */
export function parseSandboxArgs(args: string[], cwd: string): ParsedSandboxArgs {
  const { help, paths, values } = parse(args);
  return {
    help,
    paths,
    cluster: clusterOf(values, cwd),
    options: {
      speed: positiveNumber('speed', String(values.speed)),
      timeoutMs: positiveNumber('timeout', String(values.timeout)) * 1000,
      kubernetesVersion: parseVersionFlag(values['kubernetes-version'] as string | undefined),
      mode: parseMode(String(values.mode)),
      seed: Math.trunc(positiveNumber('seed', String(values.seed))),
      serve: values.serve === true,
      kubeconfigPath: resolve(cwd, String(values['kubeconfig-out'])),
      podDefaults: podDefaults(values),
    },
  };
}

function podDefaults(values: Record<string, string | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const duration = values['pod-duration'];
  if (typeof duration === 'string') {
    if (parseDuration(duration) === undefined) throw new UsageError(`--pod-duration must be a duration such as 30s or 2m (got ${JSON.stringify(duration)})`);
    out[SANDBOX_DURATION_ANNOTATION] = duration;
  }
  const rate = values['failure-rate'];
  if (typeof rate === 'string') {
    const value = Number(rate);
    if (rate.trim() === '' || !(value >= 0 && value <= 1)) throw new UsageError(`--failure-rate must be a number from 0 to 1 (got ${JSON.stringify(rate)})`);
    out[SANDBOX_FAILURE_RATE_ANNOTATION] = rate;
  }
  return out;
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

export const sandboxCommand: Command = {
  summary: 'run manifests (default: the cdk8s app here) on an emulated cluster with the reconciler',
  async run(args: string[], io: CommandIo): Promise<number> {
    const parsed = parseSandboxArgs(args, io.cwd);
    if (parsed.help) {
      io.stdout.write(`${SANDBOX_USAGE}\n`);
      return 0;
    }
    const loaded = await loadManifests(parsed.paths, io);
    for (const p of loaded.problems) io.stderr.write(`cdk8s-batch sandbox: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
    if (loaded.objects.length === 0) throw new UsageError(`no Kubernetes objects found in ${loaded.origin}`);
    io.stdout.write(`sandbox: ${loaded.objects.length} objects from ${loaded.origin}\n`);
    const code = parsed.cluster
      ? await runSandboxOnCluster(loaded.objects, { ...parsed.options, kubeConfig: loadKubeConfig({ ...parsed.cluster, env: io.env }) }, io)
      : await runSandbox(loaded.objects, { ...parsed.options, untilStopped: untilSignal }, io);
    return loaded.problems.length > 0 ? Math.max(code, 2) : code;
  },
};
