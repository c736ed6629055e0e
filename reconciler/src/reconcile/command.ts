/**
 * `cdk8s-batch reconcile`: runs the reconciler against a live cluster, either as a long-running
 * controller (health and metrics endpoints, optional leader election) or as one pass (`--once`)
 * that prints a report and exits 0 (no error violations), 1 (some) or 2 (could not run).
 */
import { parseArgs } from 'node:util';
import type { Command, CommandIo } from '../commands.ts';
import { UsageError } from '../cli/usage-error.ts';
import { rulesVersion, rulesVersionNotice } from '../core/audit.ts';
import { defaultConfig } from '../core/config.ts';
import type { Mode, ReconcilerConfig } from '../core/types.ts';
import { KubeApiError, toKubeApiError } from '../adapters/errors.ts';
import { KubeClient, KubeConfigError, loadKubeConfig } from '../adapters/kube-client.ts';
import { Controller } from '../runtime/controller.ts';
import { startHealthServer, type HealthServer } from '../runtime/http-server.ts';
import { LOG_LEVELS, createLogger, type Logger } from '../runtime/logger.ts';
import { DEFAULT_LEASE_NAME, type LeaderElectionTimings } from '../runtime/leader-election.ts';
import { BEHAVIOUR_FLAGS, BEHAVIOUR_USAGE, behaviourOverrides, parseDurationFlag } from './behaviour-flags.ts';
import { formatJsonClusterReport, formatTextClusterReport, severityCounts } from './report.ts';

const USAGE = `usage: cdk8s-batch reconcile [options]

Reconciles live Jobs and CronJobs with the cdk8s-batch rules: audits them (Events, metrics),
and in enforce mode fixes mutable fields, cleans up and reruns where configured. The rules run
for the cluster's own version (from /version); an object that records another version in its
batch.cdk8s.io/kubernetes-version annotation gets a KubernetesVersionMismatch warning.

options:
  --kubeconfig <file>         kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context <name>            kubeconfig context
  --namespace <ns>            namespace in scope; repeatable (default: all namespaces)
  --selector <labels>         label selector for Jobs and CronJobs, e.g. team=data
  --mode audit|enforce        audit reports only; enforce also writes fixes (default: audit)
  --enforce-namespace <ns>    restrict enforce-mode writes to this namespace; repeatable
  --once                      one pass, print a report, exit 0 (no errors), 1 (errors) or 2
  --output text|json          report format for --once (default: text)
  --dry-run                   send every write with dryRun=All (nothing is persisted)
  --metrics-port <port>       serve /healthz, /readyz and /metrics on this port
  --leader-elect              act only while holding a coordination.k8s.io/v1 Lease
  --lease-namespace <ns>      namespace of the Lease (default: default)
  --lease-name <name>         name of the Lease, one per deployment (default: ${DEFAULT_LEASE_NAME})
  --lease-duration <d>        how long a Lease holds without renewal (default 15s)
  --renew-deadline <d>        a leader stops writing when it could not renew for this long (default 10s)
  --retry-period <d>          how often the Lease is renewed or tried (default 2s)
  --watch-stall-timeout <d>   restart a watch that sent no event or bookmark for this long (default 90s)
  --shutdown-grace <d>        on SIGTERM, abort requests still in flight after this long (default 5s)
  --kube-api-qps <n>          requests per second to the API server at most (default 20)
  --kube-api-burst <n>        requests at once above that rate (default 40)
  --log-level <level>         ${LOG_LEVELS.join('|')} (default: info); JSON logs on stderr
  --help                      show this help

${BEHAVIOUR_USAGE}`;

const FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  selector: { type: 'string' },
  mode: { type: 'string', default: 'audit' },
  'enforce-namespace': { type: 'string', multiple: true },
  once: { type: 'boolean', default: false },
  output: { type: 'string', default: 'text' },
  'dry-run': { type: 'boolean', default: false },
  'metrics-port': { type: 'string' },
  'leader-elect': { type: 'boolean', default: false },
  'lease-namespace': { type: 'string', default: 'default' },
  'lease-name': { type: 'string', default: DEFAULT_LEASE_NAME },
  'lease-duration': { type: 'string', default: '15s' },
  'renew-deadline': { type: 'string', default: '10s' },
  'retry-period': { type: 'string', default: '2s' },
  'watch-stall-timeout': { type: 'string', default: '90s' },
  'shutdown-grace': { type: 'string', default: '5s' },
  'kube-api-qps': { type: 'string', default: '20' },
  'kube-api-burst': { type: 'string', default: '40' },
  'log-level': { type: 'string', default: 'info' },
  help: { type: 'boolean', default: false },
  ...BEHAVIOUR_FLAGS,
} as const;

/** The parsed command line. */
export interface ReconcileOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespaces: string[];
  readonly selector?: string;
  readonly mode: Mode;
  readonly enforceNamespaces: string[];
  readonly once: boolean;
  readonly output: 'text' | 'json';
  readonly dryRun: boolean;
  readonly metricsPort?: number;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly leaseTimings: LeaderElectionTimings;
  readonly watchStallTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly kubeApiQps: number;
  readonly kubeApiBurst: number;
  readonly logLevel: string;
  readonly help: boolean;
  /** Optional behaviours and thresholds (`--cleanup-orphan-pods`, `--stuck-after`, …). */
  readonly behaviour: Partial<ReconcilerConfig>;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`--metrics-port must be a port number 0-65535 (got ${JSON.stringify(value)})`);
  return n;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new UsageError(`--${flag} must be a number above 0 (got ${JSON.stringify(value)})`);
  return n;
}

function positiveDuration(flag: string, value: string): number {
  const ms = parseDurationFlag(flag, value);
  if (ms <= 0) throw new UsageError(`--${flag} must be longer than 0 (got ${JSON.stringify(value)})`);
  return ms;
}

/** Lease timings from the flags, checked as client-go does. */
function leaseTimings(v: { 'lease-duration': string; 'renew-deadline': string; 'retry-period': string }): LeaderElectionTimings {
  const t = {
    leaseDurationMs: positiveDuration('lease-duration', v['lease-duration']),
    renewDeadlineMs: positiveDuration('renew-deadline', v['renew-deadline']),
    retryPeriodMs: positiveDuration('retry-period', v['retry-period']),
  };
  if (!(t.leaseDurationMs > t.renewDeadlineMs && t.renewDeadlineMs > 1.2 * t.retryPeriodMs)) {
    throw new UsageError(
      `--lease-duration must be longer than --renew-deadline, and --renew-deadline longer than 1.2 × --retry-period (got ${v['lease-duration']}, ${v['renew-deadline']}, ${v['retry-period']})`,
    );
  }
  return t;
}

/** A Lease name must be a DNS subdomain. */
function leaseName(value: string): string {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new UsageError(`--lease-name must be a DNS subdomain: lowercase letters, digits, '-' and '.', at most 253 characters (got ${JSON.stringify(value)})`);
  }
  return value;
}

function parse(args: string[]): ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}; see --help`);
  }
}

/** Parses and validates the flags; throws `UsageError`. */
export function parseReconcileArgs(args: string[]): ReconcileOptions {
  const v = parse(args);
  if (!LOG_LEVELS.includes(v['log-level'])) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(v['log-level'])})`);
  }
  if (v['enforce-namespace'] && v.mode !== 'enforce') throw new UsageError('--enforce-namespace needs --mode enforce');
  return {
    kubeconfig: v.kubeconfig,
    context: v.context,
    namespaces: v.namespace ?? [],
    selector: v.selector,
    mode: oneOf('mode', v.mode, ['audit', 'enforce'] as const),
    enforceNamespaces: v['enforce-namespace'] ?? [],
    once: v.once,
    output: oneOf('output', v.output, ['text', 'json'] as const),
    dryRun: v['dry-run'],
    metricsPort: port(v['metrics-port']),
    leaderElect: v['leader-elect'],
    leaseNamespace: v['lease-namespace'],
    leaseName: leaseName(v['lease-name']),
    leaseTimings: leaseTimings(v),
    watchStallTimeoutMs: positiveDuration('watch-stall-timeout', v['watch-stall-timeout']),
    shutdownGraceMs: positiveDuration('shutdown-grace', v['shutdown-grace']),
    kubeApiQps: positive('kube-api-qps', v['kube-api-qps']),
    kubeApiBurst: positive('kube-api-burst', v['kube-api-burst']),
    logLevel: v['log-level'],
    help: v.help,
    behaviour: behaviourOverrides(v),
  };
}

/** `major.minor` from `/version` (`minor` may carry a suffix such as `31+`). */
export function clusterMinorVersion(major: string, minor: string): string {
  const m = /^\d+/.exec(minor);
  if (!/^\d+$/.test(major) || !m) throw new KubeApiError('Invalid', 0, `the API server reports an unusable version (major ${JSON.stringify(major)}, minor ${JSON.stringify(minor)})`);
  return `${major}.${m[0]}`;
}

interface Session {
  readonly client: KubeClient;
  readonly config: ReconcilerConfig;
  readonly logger: Logger;
}

async function connect(options: ReconcileOptions, io: CommandIo, logger: Logger): Promise<Session> {
  const kubeConfig = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: io.env });
  const client = new KubeClient(kubeConfig, { dryRun: options.dryRun, qps: options.kubeApiQps, burst: options.kubeApiBurst });
  let version;
  try {
    version = await client.serverVersion();
  } catch (err) {
    throw new KubeApiError('Network', 0, `cannot reach the API server at ${client.server}: ${toKubeApiError(err).message}`);
  }
  const kubernetesVersion = clusterMinorVersion(version.major, version.minor);
  logger.info({ server: client.server, version: version.gitVersion, mode: options.mode, dryRun: options.dryRun }, 'connected');
  const notice = rulesVersionNotice(kubernetesVersion);
  if (notice) logger.warn({ clusterVersion: kubernetesVersion, rulesVersion: rulesVersion(kubernetesVersion) }, notice);
  const config = defaultConfig({
    ...options.behaviour,
    mode: options.mode,
    kubernetesVersion,
    enforceNamespaces: options.enforceNamespaces,
    dryRun: options.dryRun,
  });
  return { client, config, logger };
}

function makeController(session: Session, options: ReconcileOptions): Controller {
  return new Controller({
    port: session.client,
    config: session.config,
    namespaces: options.namespaces,
    labelSelector: options.selector,
    logger: session.logger,
    leaderElection: options.leaderElect ? { namespace: options.leaseNamespace, name: options.leaseName, timings: options.leaseTimings } : undefined,
    reflectorTimings: { watchdogMs: options.watchStallTimeoutMs },
    shutdownGraceMs: options.shutdownGraceMs,
  });
}

async function runOnce(session: Session, options: ReconcileOptions, io: CommandIo): Promise<number> {
  const report = await makeController(session, options).runOnce();
  io.stdout.write(options.output === 'json' ? formatJsonClusterReport(report) : formatTextClusterReport(report, options.dryRun));
  if (severityCounts(report).errors > 0) return 1;
  return report.errors.length > 0 ? 2 : 0;
}

/** Resolves at the first SIGINT or SIGTERM; a second one aborts whatever is still in flight. */
function waitForTermination(client: KubeClient): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      const again = (): void => client.close();
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function runController(session: Session, options: ReconcileOptions): Promise<number> {
  const controller = makeController(session, options);
  let server: HealthServer | undefined;
  if (options.metricsPort !== undefined) {
    server = await startHealthServer({ port: options.metricsPort, registry: controller.metrics.registry, ready: () => controller.ready });
    session.logger.info({ port: server.port }, 'serving /healthz, /readyz and /metrics');
  }
  controller.start();
  const signal = await waitForTermination(session.client);
  session.logger.info({ signal, graceMs: options.shutdownGraceMs }, 'shutting down');
  await controller.stop();
  session.client.close();
  await server?.close();
  return 0;
}

function oneLine(err: unknown): string | undefined {
  if (err instanceof KubeConfigError || err instanceof KubeApiError) return err.message;
  if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') return `--metrics-port: ${err.message}`;
  return undefined;
}

export const reconcileCommand: Command = {
  summary: 'reconcile live Jobs and CronJobs with the rules (audit, enforce, --once report)',
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = parseReconcileArgs(args);
    if (options.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const logger = createLogger(options.logLevel, io.stderr);
    try {
      const session = await connect(options, io, logger);
      return await (options.once ? runOnce(session, options, io) : runController(session, options));
    } catch (err) {
      const message = oneLine(err);
      if (message === undefined) throw err;
      io.stderr.write(`cdk8s-batch reconcile: ${message}\n`);
      return 2;
    }
  },
};
