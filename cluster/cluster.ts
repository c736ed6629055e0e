/**
 * A real Kubernetes control plane on 127.0.0.1, built from the upstream Go modules.
 *
 *   node --import tsx cluster/cluster.ts up [--kubernetes-version 1.37] [--feature-gates A=true,B=false]
 *                                            [--runtime-config api/version=true] [--name default]
 *   node --import tsx cluster/cluster.ts down [--name default] [--keep-data]
 *   node --import tsx cluster/cluster.ts restart --component kube-apiserver [--name default]
 *   node --import tsx cluster/cluster.ts build [--kubernetes-version 1.37 | all]
 *   node --import tsx cluster/cluster.ts module --kubernetes-version 1.37
 *
 * The projen tasks cluster:up, cluster:down, cluster:restart, cluster:build and cluster:module
 * run these. See docs/adr/0004-real-control-plane.md for the design.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const CLUSTER_DIR = __dirname;
const MODULES_DIR = path.join(CLUSTER_DIR, 'modules');
const VERSIONS_FILE = path.join(CLUSTER_DIR, 'versions.json');
const MODULE_PATH = 'cdk8s-batch.local/cluster';

/** The components in start order; `down` stops them in reverse. */
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
type Component = (typeof COMPONENTS)[number];

/** The controllers Jobs and CronJobs need, and the few a namespace needs to work as on a real cluster. */
const CONTROLLERS = [
  'job-controller',
  'cronjob-controller',
  'ttl-after-finished-controller',
  'garbage-collector-controller',
  'pod-garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'clusterrole-aggregation-controller',
  'root-ca-certificate-publisher-controller',
];

/** One entry of cluster/versions.json: how to build one Kubernetes minor version. */
interface VersionEntry {
  /** The k8s.io/kubernetes module version, e.g. v1.37.2. */
  readonly kubernetes: string;
  /** GOTOOLCHAIN for the build (default: the local go). */
  readonly toolchain?: string;
  /** Extra linker flags, e.g. -checklinkname=0 for versions with old go:linkname uses. */
  readonly ldflags?: string;
}

/** What `up` started, written to <cluster dir>/cluster.json. */
interface ClusterState {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly binary: string;
  readonly dir: string;
  readonly featureGates: string;
  readonly runtimeConfig: string;
  readonly controllers: string[];
  readonly components: Record<Component, { pid: number; log: string; args: string[]; url: string }>;
  readonly startedAt: string;
  readonly startSeconds: number;
}

/** A user error: printed as one line, without a stack trace. */
class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Paths

function cacheRoot(): string {
  if (process.env.CDK8S_BATCH_CACHE) return path.resolve(process.env.CDK8S_BATCH_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cdk8s-batch');
}

function clusterDir(name: string): string {
  return path.join(cacheRoot(), 'clusters', name);
}

// ---------------------------------------------------------------------------------------------
// Versions and module files

function readVersions(): Record<string, VersionEntry> {
  return JSON.parse(fs.readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, VersionEntry>;
}

function newestMinor(versions: Record<string, VersionEntry>): string {
  return Object.keys(versions).sort(compareMinor).at(-1)!;
}

function compareMinor(a: string, b: string): number {
  return Number(a.split('.')[1]) - Number(b.split('.')[1]);
}

/** Accepts 1.37, v1.37 or the exact patch version (1.37.2) that versions.json pins. */
function resolveMinor(requested: string | undefined, versions: Record<string, VersionEntry>): string {
  const supported = Object.keys(versions).sort(compareMinor);
  if (requested === undefined) return newestMinor(versions);
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(requested.trim());
  const minor = match ? `${match[1]}.${match[2]}` : undefined;
  if (!minor || !versions[minor]) {
    throw new UsageError(`--kubernetes-version is not a version this project builds (got ${requested}); use one of ${supported.join(', ')}`);
  }
  if (match![3] !== undefined && versions[minor].kubernetes !== `v${minor}.${match![3]}`) {
    throw new UsageError(`--kubernetes-version ${requested} is not the pinned patch release (got ${requested}); use ${minor} (builds ${versions[minor].kubernetes})`);
  }
  return minor;
}

function goEnv(entry: VersionEntry, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: '0', ...extra };
  if (entry.toolchain) env.GOTOOLCHAIN = entry.toolchain;
  return env;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(missing ? `${command} is not installed or not on PATH; install Go 1.26 or newer` : `${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const output = (result.stderr || result.stdout).split('\n').filter((line) => !line.startsWith('go: downloading ')).join('\n');
    throw new UsageError(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${output.trim()}`);
  }
  return result.stdout;
}

/**
 * Regenerates cluster/modules/<minor>.mod and .sum from the k8s.io/kubernetes go.mod of the
 * pinned release: a require of k8s.io/kubernetes and etcd's server module, a replace for every
 * staging module that go.mod requires at the unpublished v0.0.0, its godebug settings, then
 * `go mod tidy`.
 */
function generateModule(minor: string, entry: VersionEntry): void {
  const env = goEnv(entry, { GOFLAGS: '' });
  const download = JSON.parse(run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${entry.kubernetes}`], { cwd: os.tmpdir(), env })) as { GoMod: string };
  const upstream = JSON.parse(run('go', ['mod', 'edit', '-json', download.GoMod], { cwd: os.tmpdir(), env })) as {
    Go: string;
    GoDebug?: { Key: string; Value: string }[];
    Require: { Path: string; Version: string }[];
  };
  const stagingVersion = entry.kubernetes.replace(/^v1\./, 'v0.');
  const staging = upstream.Require.filter((r) => r.Version === 'v0.0.0' && r.Path.startsWith('k8s.io/')).map((r) => r.Path);
  const etcd = upstream.Require.find((r) => r.Path === 'go.etcd.io/etcd/server/v3') ?? upstream.Require.find((r) => r.Path === 'go.etcd.io/etcd/client/v3');
  if (!etcd) throw new UsageError(`k8s.io/kubernetes ${entry.kubernetes} requires no go.etcd.io/etcd module; cannot pick an etcd server version`);
  const lines = [
    `// Code generated by "npx projen cluster:module -- --kubernetes-version ${minor}"; DO NOT EDIT.`,
    `// k8s.io/kubernetes ${entry.kubernetes}, with a replace for each staging module its go.mod requires at v0.0.0.`,
    `module ${MODULE_PATH}`,
    '',
    `go ${upstream.Go}`,
    '',
    ...(upstream.GoDebug ?? []).map((d) => `godebug ${d.Key}=${d.Value}`),
    '',
    'require (',
    `\tgo.etcd.io/etcd/server/v3 ${etcd.Version}`,
    `\tk8s.io/kubernetes ${entry.kubernetes}`,
    ')',
    '',
    'replace (',
    ...staging.sort().map((p) => `\t${p} => ${p} ${stagingVersion}`),
    ')',
    '',
  ];
  fs.mkdirSync(MODULES_DIR, { recursive: true });
  // Tidy a temporary pair (go derives the .sum name from the .mod name), then rename both.
  const tmp = path.join(MODULES_DIR, `.${minor}.tmp-${process.pid}`);
  const modFile = path.join(MODULES_DIR, `${minor}.mod`);
  fs.writeFileSync(`${tmp}.mod`, lines.join('\n'));
  const start = Date.now();
  try {
    run('go', ['mod', 'tidy'], { cwd: CLUSTER_DIR, env: goEnv(entry, { GOFLAGS: `-modfile=${tmp}.mod` }) });
  } finally {
    if (!fs.existsSync(`${tmp}.sum`)) fs.rmSync(`${tmp}.mod`, { force: true });
  }
  fs.renameSync(`${tmp}.sum`, path.join(MODULES_DIR, `${minor}.sum`));
  fs.renameSync(`${tmp}.mod`, modFile);
  console.log(`wrote ${path.relative(process.cwd(), modFile)} and .sum (${staging.length} staging modules, etcd ${etcd.Version}, tidy ${seconds(start)} s)`);
}

// ---------------------------------------------------------------------------------------------
// Building the binary

interface Build {
  readonly dir: string;
  readonly binary: string;
}

/** The cache key: everything that goes into the binary. */
function buildKey(minor: string, entry: VersionEntry): string {
  if (!fs.existsSync(path.join(MODULES_DIR, `${minor}.sum`))) {
    throw new UsageError(`Kubernetes ${minor} has no module file (cluster/modules/${minor}.mod); run npx projen cluster:module -- --kubernetes-version ${minor}`);
  }
  const hash = crypto.createHash('sha256');
  hash.update(ldflags(entry));
  for (const file of [`${minor}.mod`, `${minor}.sum`]) hash.update(fs.readFileSync(path.join(MODULES_DIR, file)));
  for (const file of fs.readdirSync(path.join(CLUSTER_DIR, 'kube')).sort()) hash.update(fs.readFileSync(path.join(CLUSTER_DIR, 'kube', file)));
  hash.update(run('go', ['env', 'GOVERSION'], { cwd: os.tmpdir(), env: goEnv(entry) }));
  return `${entry.kubernetes}-${hash.digest('hex').slice(0, 12)}`;
}

function ldflags(entry: VersionEntry): string {
  const [major, minor] = entry.kubernetes.replace(/^v/, '').split('.');
  const pkg = 'k8s.io/component-base/version';
  const info = moduleInfo(entry);
  return [
    '-s -w',
    `-X ${pkg}.gitVersion=${entry.kubernetes}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    // The module proxy does not serve the commit a tag points to; leave it empty rather than "$Format:%H$".
    `-X ${pkg}.gitCommit=`,
    `-X ${pkg}.gitTreeState=clean`,
    info.Time ? `-X ${pkg}.buildDate=${info.Time.replace(/\.\d+Z$/, 'Z')}` : '',
    entry.ldflags ?? '',
  ].filter(Boolean).join(' ');
}

function moduleInfo(entry: VersionEntry): { Time?: string } {
  const out = run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${entry.kubernetes}`], { cwd: os.tmpdir(), env: goEnv(entry, { GOFLAGS: '' }) });
  const info = JSON.parse(out) as { Info?: string };
  return info.Info ? (JSON.parse(fs.readFileSync(info.Info, 'utf8')) as { Time?: string }) : {};
}

/** Returns the cached binary for a minor version, building it first when it is not cached. */
function ensureBuilt(minor: string, entry: VersionEntry): Build {
  const dir = path.join(cacheRoot(), 'kubernetes', buildKey(minor, entry));
  const binary = path.join(dir, 'bin', 'kube');
  if (fs.existsSync(binary)) return { dir, binary };
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  acquireLock(lock);
  try {
    if (fs.existsSync(binary)) return { dir, binary };
    buildInto(minor, entry, dir);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return { dir, binary };
}

function acquireLock(lock: string): void {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readOr(path.join(lock, 'pid'), '0'));
    if (!holder || !alive(holder)) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    console.log(`waiting for the build in process ${holder} (${lock})`);
    spawnSync('sleep', ['10']);
  }
}

function buildInto(minor: string, entry: VersionEntry, dir: string): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, 'bin'), { recursive: true });
  const log = path.join(tmp, 'build.log');
  const modFile = path.join(MODULES_DIR, `${minor}.mod`);
  const args = ['build', '-o', path.join(tmp, 'bin', 'kube'), '-ldflags', ldflags(entry), './kube'];
  console.log(`building Kubernetes ${entry.kubernetes} from Go modules (first use of this version; a cold build takes tens of minutes on 2 cores)`);
  console.log(`  go ${args.join(' ')}   (GOFLAGS=-modfile=${path.relative(CLUSTER_DIR, modFile)}, CGO_ENABLED=0)`);
  console.log(`  log: ${path.join(dir, 'build.log')}`);
  const start = Date.now();
  const fd = fs.openSync(log, 'w');
  const result = spawnSync('go', args, { cwd: CLUSTER_DIR, env: goEnv(entry, { GOFLAGS: `-modfile=${modFile}` }), stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (result.error || result.status !== 0) {
    const text = readOr(log, String(result.error ?? ''));
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new UsageError(`building Kubernetes ${entry.kubernetes} failed:\n${tail(text, 40)}`);
  }
  const binary = path.join(tmp, 'bin', 'kube');
  for (const name of [...COMPONENTS, 'kubectl']) fs.symlinkSync('kube', path.join(tmp, 'bin', name));
  const record = {
    kubernetes: entry.kubernetes,
    go: run('go', ['env', 'GOVERSION'], { cwd: os.tmpdir(), env: goEnv(entry) }).trim(),
    ldflags: ldflags(entry),
    buildSeconds: seconds(start),
    binaryBytes: fs.statSync(binary).size,
    builtAt: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(tmp, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(tmp, dir);
  console.log(`built ${entry.kubernetes} in ${record.buildSeconds} s, ${(record.binaryBytes / 1e6).toFixed(1)} MB: ${path.join(dir, 'bin', 'kube')}`);
}

// ---------------------------------------------------------------------------------------------
// Processes

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when pid is still the process this tool started (guards against a reused pid). */
function ours(pid: number, binary: string): boolean {
  if (!alive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(binary)
      || fs.readlinkSync(`/proc/${pid}/exe`) === binary;
  } catch {
    return os.platform() !== 'linux';
  }
}

function startDetached(binary: string, component: Component, args: string[], log: string): ChildProcess {
  const fd = fs.openSync(log, 'a');
  const child = spawn(binary, [component, ...args], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.unref();
  return child;
}

/**
 * SIGTERM, then SIGKILL after 15 s (the API server waits up to its request timeout, 60 s, for
 * open watches to end); with kill, SIGKILL at once, as in a crash.
 */
async function stopPid(pid: number, binary: string, label: string, kill = false): Promise<void> {
  if (!ours(pid, binary)) return;
  const start = Date.now();
  process.kill(pid, kill ? 'SIGKILL' : 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    console.log(`${label} (pid ${pid}) did not stop within 15 s; killing it`);
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(100);
  }
  console.log(`stopped ${label} (pid ${pid}) in ${seconds(start)} s`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// HTTP checks

interface Tls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function get(url: string, tls?: Tls): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { timeout: 5000, ...(tls ?? {}) };
    const request = (url.startsWith('https:') ? https : http).get(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/** Polls until check returns true; fails early when the process exits, with its log tail. */
async function waitFor(what: string, child: ChildProcess | undefined, log: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  let exited: string | undefined;
  child?.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new UsageError(`${what} exited (${exited}) before it was ready; the end of ${log}:\n${tail(readOr(log, ''), 30)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new UsageError(`${what} was not ready after ${timeoutMs / 1000} s; the end of ${log}:\n${tail(readOr(log, ''), 30)}`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// up / down / restart

interface UpOptions {
  readonly minor: string;
  readonly name: string;
  readonly featureGates: string;
  readonly runtimeConfig: string;
  readonly timeoutSeconds: number;
}

function checkFeatureGates(value: string): string {
  const gates = value.split(',').map((g) => g.trim()).filter(Boolean);
  const bad = gates.find((g) => !/^[A-Za-z0-9]+=(true|false)$/.test(g));
  if (bad !== undefined) {
    throw new UsageError(`--feature-gates has an entry that is not Name=true|false (got ${bad}); write e.g. --feature-gates JobManagedBy=true,WorkloadWithJob=false`);
  }
  return gates.join(',');
}

function kubeconfig(server: string, pki: string, user: string): string {
  const b64 = (file: string): string => fs.readFileSync(path.join(pki, file)).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: cdk8s-batch',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64('ca.crt')}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(`${user}.crt`)}`,
    `    client-key-data: ${b64(`${user}.key`)}`,
    'contexts:',
    '- name: cdk8s-batch',
    '  context:',
    '    cluster: cdk8s-batch',
    `    user: ${user}`,
    'current-context: cdk8s-batch',
    '',
  ].join('\n');
}

function readState(name: string): ClusterState | undefined {
  const file = path.join(clusterDir(name), 'cluster.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

function runningPids(state: ClusterState): number[] {
  return COMPONENTS.map((c) => state.components[c]?.pid).filter((pid): pid is number => !!pid && ours(pid, state.binary));
}

function componentArgs(component: Component, dir: string, ports: Record<Component, number> & { peer: number }, options: UpOptions): string[] {
  const pki = (file: string): string => path.join(dir, 'pki', file);
  const gates = options.featureGates ? [`--feature-gates=${options.featureGates}`] : [];
  switch (component) {
    case 'etcd': {
      const client = `http://127.0.0.1:${ports.etcd}`;
      const peer = `http://127.0.0.1:${ports.peer}`;
      return [
        '--name=default', `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`,
        '--unsafe-no-fsync=true',
      ];
    }
    case 'kube-apiserver':
      return [
        '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${ports['kube-apiserver']}`,
        `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
        `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
        `--client-ca-file=${pki('ca.crt')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=true',
        // The only endpoint is 127.0.0.1, which Endpoints validation rejects for the kubernetes Service.
        '--endpoint-reconciler-type=none',
        ...gates,
        ...(options.runtimeConfig ? [`--runtime-config=${options.runtimeConfig}`] : []),
      ];
    case 'kube-controller-manager': {
      const kcmConfig = path.join(dir, 'controller-manager.kubeconfig');
      return [
        // No --authentication/authorization-kubeconfig: /healthz is always allowed, and without a
        // front proxy the delegated authentication would only log a missing requestheader CA.
        `--kubeconfig=${kcmConfig}`,
        '--bind-address=127.0.0.1', `--secure-port=${ports['kube-controller-manager']}`,
        `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
        `--root-ca-file=${pki('ca.crt')}`,
        `--controllers=${CONTROLLERS.join(',')}`,
        // Each controller runs as its own service account with the bootstrap RBAC role, as on a real cluster.
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        // The default client budget (20 requests/s) is sized for a shared production API server; here
        // test suites start dozens of Jobs at once, and the controllers' reactions would queue for
        // seconds behind it. Their decisions do not depend on it.
        '--kube-api-qps=200', '--kube-api-burst=400',
        ...gates,
      ];
    }
  }
}

/** Written by `down --keep-data`: only data kept on purpose is used again by the next `up`. */
const KEPT_MARKER = 'kept-by-down.json';

/**
 * Whether `up` starts on the etcd data of the last run: only when `down --keep-data` kept it.
 * Data left behind by a cluster whose processes died without `down` (a killed test run, a
 * rebooted machine) is removed, so that a new cluster never starts with another run's objects.
 */
function keptEtcdData(dir: string): boolean {
  const etcd = path.join(dir, 'etcd');
  if (!fs.existsSync(etcd)) return false;
  if (fs.existsSync(path.join(etcd, 'member')) && fs.existsSync(path.join(dir, KEPT_MARKER))) return true;
  console.log(`removing the etcd data left in ${etcd} by a cluster that was not stopped with cluster:down (only down --keep-data keeps data for the next up)`);
  return false;
}

async function up(options: UpOptions, entry: VersionEntry): Promise<void> {
  const previous = readState(options.name);
  if (previous && runningPids(previous).length > 0) {
    throw new UsageError(`cluster "${options.name}" is already running (Kubernetes ${previous.kubernetesVersion}, ${previous.server}); run npx projen cluster:down first, or pass --name for a second cluster`);
  }
  const build = ensureBuilt(options.minor, entry);
  const start = Date.now();
  const dir = clusterDir(options.name);
  const keptData = keptEtcdData(dir);
  for (const sub of ['logs', 'pids', ...(keptData ? [] : ['pki', 'etcd'])]) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  for (const sub of ['logs', 'pids']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.rmSync(path.join(dir, 'cluster.json'), { force: true });
  fs.rmSync(path.join(dir, KEPT_MARKER), { force: true });
  if (!keptData) run(build.binary, ['pki', path.join(dir, 'pki')]);

  const ports = { 'etcd': await freePort(), 'peer': await freePort(), 'kube-apiserver': await freePort(), 'kube-controller-manager': await freePort() };
  const server = `https://127.0.0.1:${ports['kube-apiserver']}`;
  const pkiDir = path.join(dir, 'pki');
  fs.writeFileSync(path.join(dir, 'kubeconfig'), kubeconfig(server, pkiDir, 'admin'), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'controller-manager.kubeconfig'), kubeconfig(server, pkiDir, 'controller-manager'), { mode: 0o600 });
  fs.rmSync(path.join(dir, 'bin'), { force: true });
  fs.symlinkSync(path.join(build.dir, 'bin'), path.join(dir, 'bin'));
  const tls: Tls = { ca: fs.readFileSync(path.join(pkiDir, 'ca.crt')), cert: fs.readFileSync(path.join(pkiDir, 'admin.crt')), key: fs.readFileSync(path.join(pkiDir, 'admin.key')) };

  const components = {} as ClusterState['components'];
  const urls: Record<Component, string> = {
    'etcd': `http://127.0.0.1:${ports.etcd}`,
    'kube-apiserver': server,
    'kube-controller-manager': `https://127.0.0.1:${ports['kube-controller-manager']}`,
  };
  const checks: Record<Component, () => Promise<boolean>> = {
    'etcd': async () => (await get(`${urls.etcd}/health`)).body.includes('"health":"true"'),
    'kube-apiserver': async () => (await get(`${server}/readyz`, tls)).status === 200,
    'kube-controller-manager': async () => {
      const health = await get(`${urls['kube-controller-manager']}/healthz?verbose`, tls);
      return health.status === 200 && CONTROLLERS.every((c) => health.body.includes(`[+]${c} ok`));
    },
  };
  try {
    for (const component of COMPONENTS) {
      const args = componentArgs(component, dir, ports, options);
      const log = path.join(dir, 'logs', `${component}.log`);
      const child = startDetached(build.binary, component, args, log);
      components[component] = { pid: child.pid!, log, args, url: urls[component] };
      fs.writeFileSync(path.join(dir, 'pids', `${component}.pid`), `${child.pid}\n`);
      await waitFor(component, child, log, options.timeoutSeconds * 1000, checks[component]);
    }
    // The ServiceAccount admission plugin needs each namespace's default ServiceAccount.
    await waitFor('the default ServiceAccount (serviceaccount-controller)', undefined, components['kube-controller-manager'].log, options.timeoutSeconds * 1000,
      async () => (await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, tls)).status === 200);
  } catch (e) {
    for (const component of [...COMPONENTS].reverse()) {
      if (components[component]) await stopPid(components[component].pid, build.binary, component);
    }
    if (!keptData) fs.rmSync(path.join(dir, 'etcd'), { recursive: true, force: true });
    throw e;
  }
  const version = JSON.parse((await get(`${server}/version`, tls)).body) as { gitVersion: string };
  const state: ClusterState = {
    name: options.name,
    kubernetesVersion: version.gitVersion,
    server,
    kubeconfig: path.join(dir, 'kubeconfig'),
    binary: build.binary,
    dir,
    featureGates: options.featureGates,
    runtimeConfig: options.runtimeConfig,
    controllers: CONTROLLERS,
    components,
    startedAt: new Date(start).toISOString(),
    startSeconds: seconds(start),
  };
  fs.writeFileSync(path.join(dir, 'cluster.json'), `${JSON.stringify(state, null, 2)}\n`);
  const current = path.join(cacheRoot(), 'current');
  fs.rmSync(current, { force: true });
  fs.symlinkSync(path.join('clusters', options.name), current);
  printState(state, keptData);
}

function printState(state: ClusterState, keptData: boolean): void {
  const current = path.join(cacheRoot(), 'current');
  console.log(`Kubernetes ${state.kubernetesVersion} is up: cluster "${state.name}", ready in ${state.startSeconds} s${keptData ? ' (etcd data kept from the last run)' : ''}`);
  console.log(`  API server      ${state.server}`);
  console.log(`  kubeconfig      ${state.kubeconfig}`);
  console.log(`                  ${path.join(current, 'kubeconfig')} (the cluster started last)`);
  console.log(`  kubectl         ${path.join(current, 'bin', 'kubectl')}`);
  console.log(`  feature gates   ${state.featureGates || "the version's defaults"}`);
  if (state.runtimeConfig) console.log(`  runtime config  ${state.runtimeConfig}`);
  console.log(`  controllers     ${state.controllers.join(', ')}`);
  for (const component of COMPONENTS) {
    const c = state.components[component];
    console.log(`  ${component.padEnd(24)} pid ${String(c.pid).padEnd(8)} ${c.url.padEnd(24)} log ${c.log}`);
  }
  console.log(`  state           ${path.join(state.dir, 'cluster.json')}`);
  console.log(`use it:  export KUBECONFIG=${state.kubeconfig} PATH=${path.join(current, 'bin')}:$PATH`);
  console.log(`stop it: npx projen cluster:down${state.name === 'default' ? '' : ` -- --name ${state.name}`}`);
}

async function down(name: string, keepData: boolean): Promise<void> {
  const dir = clusterDir(name);
  const state = readState(name);
  if (!state) {
    console.log(`no cluster "${name}" is running (no ${path.join(dir, 'cluster.json')})`);
    return;
  }
  for (const component of [...COMPONENTS].reverse()) {
    const c = state.components[component];
    if (c) await stopPid(c.pid, state.binary, component);
  }
  fs.rmSync(path.join(dir, 'cluster.json'), { force: true });
  fs.rmSync(path.join(dir, 'pids'), { recursive: true, force: true });
  if (keepData) fs.writeFileSync(path.join(dir, KEPT_MARKER), `${JSON.stringify({ keptAt: new Date().toISOString(), kubernetesVersion: state.kubernetesVersion })}\n`);
  else fs.rmSync(path.join(dir, 'etcd'), { recursive: true, force: true });
  console.log(`stopped cluster "${name}" (Kubernetes ${state.kubernetesVersion}); ${keepData ? `etcd data kept in ${path.join(dir, 'etcd')}` : 'etcd data removed'}; logs in ${path.join(dir, 'logs')}`);
}

async function restart(name: string, component: string, timeoutSeconds: number, kill: boolean): Promise<void> {
  if (!(COMPONENTS as readonly string[]).includes(component)) {
    throw new UsageError(`--component is not a control-plane component (got ${component || 'nothing'}); use one of ${COMPONENTS.join(', ')}`);
  }
  const state = readState(name);
  if (!state) throw new UsageError(`no cluster "${name}" is running; start one with npx projen cluster:up`);
  const c = state.components[component as Component];
  const start = Date.now();
  await stopPid(c.pid, state.binary, component, kill);
  const child = startDetached(state.binary, component as Component, c.args, c.log);
  const tls: Tls = {
    ca: fs.readFileSync(path.join(state.dir, 'pki', 'ca.crt')),
    cert: fs.readFileSync(path.join(state.dir, 'pki', 'admin.crt')),
    key: fs.readFileSync(path.join(state.dir, 'pki', 'admin.key')),
  };
  const readiness: Record<Component, string> = { 'etcd': '/health', 'kube-apiserver': '/readyz', 'kube-controller-manager': '/healthz' };
  await waitFor(component, child, c.log, timeoutSeconds * 1000, async () => (await get(`${c.url}${readiness[component as Component]}`, tls)).status === 200);
  const updated = { ...state, components: { ...state.components, [component]: { ...c, pid: child.pid! } } };
  fs.writeFileSync(path.join(state.dir, 'pids', `${component}.pid`), `${child.pid}\n`);
  fs.writeFileSync(path.join(state.dir, 'cluster.json'), `${JSON.stringify(updated, null, 2)}\n`);
  console.log(`restarted ${component} of cluster "${name}": pid ${child.pid}, ready in ${seconds(start)} s`);
}

// ---------------------------------------------------------------------------------------------
// Helpers and CLI

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

function seconds(start: number): number {
  return Math.round((Date.now() - start) / 100) / 10;
}

const USAGE = `usage: cluster.ts up|down|restart|build|module [options]
  up       [--kubernetes-version 1.37] [--feature-gates A=true,B=false] [--runtime-config R] [--name default] [--timeout 180]
  down     [--name default] [--keep-data]
  restart  --component etcd|kube-apiserver|kube-controller-manager [--kill] [--name default]
  build    [--kubernetes-version 1.37|all]
  module   --kubernetes-version 1.37`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'kubernetes-version': { type: 'string' },
      'feature-gates': { type: 'string', default: '' },
      'runtime-config': { type: 'string', default: '' },
      'name': { type: 'string', default: 'default' },
      'timeout': { type: 'string', default: '180' },
      'keep-data': { type: 'boolean', default: false },
      'kill': { type: 'boolean', default: false },
      'component': { type: 'string', default: '' },
      'help': { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument (got ${rest.join(' ')}); options start with --, see --help`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(values.name)) throw new UsageError(`--name must be lower-case letters, digits and dashes (got ${values.name})`);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds (got ${values.timeout})`);
  const versions = readVersions();
  switch (command) {
    case 'up': {
      const minor = resolveMinor(values['kubernetes-version'], versions);
      const options = { minor, name: values.name, featureGates: checkFeatureGates(values['feature-gates']), runtimeConfig: values['runtime-config'].trim(), timeoutSeconds };
      return up(options, versions[minor]);
    }
    case 'down':
      return down(values.name, values['keep-data']);
    case 'restart':
      return restart(values.name, values.component, timeoutSeconds, values.kill);
    case 'build': {
      const minors = values['kubernetes-version'] === 'all' ? Object.keys(versions).sort(compareMinor).reverse() : [resolveMinor(values['kubernetes-version'], versions)];
      for (const minor of minors) console.log(`${minor}: ${ensureBuilt(minor, versions[minor]).binary}`);
      return;
    }
    case 'module': {
      if (!values['kubernetes-version']) throw new UsageError('module needs --kubernetes-version (got nothing); e.g. --kubernetes-version 1.37');
      const minor = resolveMinor(values['kubernetes-version'], versions);
      return generateModule(minor, versions[minor]);
    }
    default:
      throw new UsageError(`unknown command (got ${command}); use up, down, restart, build or module`);
  }
}

// `npx projen cluster:up -- --kubernetes-version 1.37` passes the `--` through.
main(process.argv.slice(2).filter((arg) => arg !== '--')).catch((e: unknown) => {
  if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`cluster: ${(e as Error).message}`);
  } else {
    console.error(`cluster: unexpected failure: ${(e as Error).stack ?? String(e)}`);
  }
  process.exitCode = 1;
});
