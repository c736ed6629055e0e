/**
 * The core pod validation the API server runs on a Job's pod template
 * (`ValidatePodTemplateSpec` → `ValidatePodSpec` in pkg/apis/core/validation/validation.go), for
 * the parts real manifests get wrong: service account and DNS names, volumes and their mounts,
 * container ports, environment variable names (per version), resource quantities, probes and
 * lifecycle handlers, and security contexts. Paths are the server's, including its quirks (a
 * second `downwardAPI` source is reported at `downwarAPI`, a bad `subPath` without the mount's
 * index). Container names, images and restart policies are in `pod-template.ts`.
 */
import { apiRule, labelFindings, podSpec } from './job-rule-kit';
import { structFields } from './job-shape';
import { dns1123LabelErrors, dns1123SubdomainErrors, qualifiedNameErrors } from './job-validators';
import { isObject } from './json';
import { envFindings } from './pod-env';
import { ContainerAt, atLeast, containers, items, podAt, str } from './pod-kit';
import { portNameErrors, probeFindings } from './pod-probes';
import { affinityFindings, dnsConfigFindings, isIp, tolerationFindings, topologySpreadFindings } from './pod-scheduling';
import { localPathErrors, volumeSourceFindings } from './pod-volumes';
import { compareQuantities, isWholeQuantity, parseQuantity } from './quantity';
import { Finding, Rule, RuleContext } from './types';

// ---------------------------------------------------------------------------------------------
// Names

const NAME_FIELDS: ReadonlyArray<{ key: string; label: boolean }> = [
  { key: 'hostname', label: true },
  { key: 'subdomain', label: true },
  { key: 'nodeName', label: false },
  { key: 'priorityClassName', label: false },
];

/** `runtimeClassName`: a DNS-1123 subdomain whenever it is set, even to "". */
function runtimeClassFindings(ctx: RuleContext, v: unknown): Finding[] {
  if (typeof v !== 'string') return [];
  return dns1123SubdomainErrors(v).map((e) => ({ path: podAt(ctx, 'runtimeClassName'), problem: e, got: v }));
}

const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];
const OS_NAMES = ['linux', 'windows'];

/** preemptionPolicy (when set) and os.name. */
function podEnumFindings(ctx: RuleContext, pod: Record<string, any>): Finding[] {
  const out: Finding[] = [];
  if (pod.preemptionPolicy === '') out.push({ path: podAt(ctx, 'preemptionPolicy'), problem: 'is required when set (PreemptLowerPriority or Never)' });
  else out.push(...enumFinding(pod.preemptionPolicy, PREEMPTION_POLICIES, () => podAt(ctx, 'preemptionPolicy')));
  if (isObject(pod.os)) {
    if (!str(pod.os.name)) out.push({ path: podAt(ctx, 'os', 'name'), problem: 'is required', fix: 'set os.name to linux or windows, or remove os' });
    // The server reports an unknown name at `os`.
    else if (!OS_NAMES.includes(pod.os.name)) out.push({ path: podAt(ctx, 'os'), problem: 'name must be one of "linux", "windows"', got: pod.os.name });
  }
  return out;
}

/** hostAliases, readinessGates, schedulingGates and shareProcessNamespace with hostPID. */
function otherPodFindings(ctx: RuleContext, pod: Record<string, any>): Finding[] {
  const out: Finding[] = [];
  // Before 1.30 the server names hostAliases.ip and hostAliases.hostnames without indexes.
  const indexed = atLeast(ctx, 30);
  items(pod.hostAliases).forEach((a, i) => {
    const ip = typeof a.ip === 'string' ? a.ip : '';
    const at = indexed ? podAt(ctx, 'hostAliases', i) : podAt(ctx, 'hostAliases');
    if (!isIp(ip)) out.push({ path: `${at}.ip`, problem: 'must be a valid IP address', got: ip, fix: 'use an IPv4 or IPv6 address' });
    (Array.isArray(a.hostnames) ? a.hostnames : []).forEach((h: unknown, j: number) => {
      if (typeof h === 'string') for (const e of dns1123SubdomainErrors(h)) out.push({ path: indexed ? `${at}.hostnames[${j}]` : `${at}.hostnames`, problem: e, got: h });
    });
  });
  items(pod.readinessGates).forEach((g, i) => {
    const t = typeof g.conditionType === 'string' ? g.conditionType : '';
    for (const e of qualifiedNameErrors(t)) out.push({ path: podAt(ctx, 'readinessGates', i, 'conditionType'), problem: e, got: t });
  });
  const gates = new Set<string>();
  items(pod.schedulingGates).forEach((g, i) => {
    const n = typeof g.name === 'string' ? g.name : '';
    for (const e of qualifiedNameErrors(n)) out.push({ path: podAt(ctx, 'schedulingGates', i), problem: `name ${e}`, got: n });
    if (gates.has(n)) out.push({ path: podAt(ctx, 'schedulingGates', i), problem: 'is a duplicate scheduling gate', got: n });
    gates.add(n);
  });
  if (pod.shareProcessNamespace === true && pod.hostPID === true) {
    // Reported under securityContext (where the internal type keeps it) before 1.37.
    const at = atLeast(ctx, 37) ? podAt(ctx, 'shareProcessNamespace') : podAt(ctx, 'securityContext', 'shareProcessNamespace');
    out.push({ path: at, problem: 'and hostPID cannot both be enabled', got: true, fix: 'turn off shareProcessNamespace or hostPID' });
  }
  return out;
}

function hasHostPort({ c }: ContainerAt): boolean {
  return Array.isArray(c.ports) && c.ports.some((p: unknown) => isObject(p) && typeof p.hostPort === 'number' && p.hostPort !== 0);
}

const RESIZE_RESOURCES = ['cpu', 'memory'];
const RESIZE_RESTART_POLICIES = ['NotRequired', 'RestartContainer'];

/**
 * `validateResizePolicy` (InPlacePodVerticalScaling on by default from 1.33; dropped before): cpu
 * and memory once each, NotRequired or RestartContainer (NotRequired when the pod restartPolicy is
 * Never), and from 1.36 no RestartContainer on an init container that is not a sidecar.
 */
function resizePolicyFindings(ctx: RuleContext, { c, list, i, sidecar }: ContainerAt): Finding[] {
  if (!atLeast(ctx, 33)) return [];
  const out: Finding[] = [];
  const at = podAt(ctx, list, i, 'resizePolicy');
  const never = podSpec(ctx).restartPolicy === 'Never';
  const seen = new Set<string>();
  items(c.resizePolicy).forEach((p, j) => {
    const name = typeof p.resourceName === 'string' ? p.resourceName : '';
    const policy = typeof p.restartPolicy === 'string' ? p.restartPolicy : '';
    if (seen.has(name)) out.push({ path: `${at}[${j}]`, problem: 'names a resource twice', got: name });
    seen.add(name);
    // The server reports these at the list, without the entry's index.
    if (name === '') out.push({ path: at, problem: 'resourceName is required (cpu or memory)' });
    else if (!RESIZE_RESOURCES.includes(name)) out.push({ path: at, problem: 'resourceName must be one of "cpu", "memory"', got: name });
    if (policy === '') out.push({ path: at, problem: 'restartPolicy is required (NotRequired or RestartContainer)' });
    else if (!RESIZE_RESTART_POLICIES.includes(policy)) out.push({ path: at, problem: 'restartPolicy must be one of "NotRequired", "RestartContainer"', got: policy });
    if (never && policy !== 'NotRequired') out.push({ path: at, problem: "restartPolicy must be 'NotRequired' when the pod restartPolicy is 'Never'", got: policy, fix: 'use NotRequired' });
    if (list === 'initContainers' && !sidecar && policy === 'RestartContainer' && atLeast(ctx, 36)) {
      out.push({ path: `${at}[${j}].restartPolicy`, problem: 'must not be RestartContainer for an init container that is not a sidecar', got: policy, fix: 'use NotRequired' });
    }
  });
  return out;
}

/** `checkHostPortConflicts`: a protocol/hostIP/hostPort used twice among the regular containers, or within one init container. */
function hostPortConflicts(ctx: RuleContext): readonly Finding[] {
  if (!containers(ctx).some(hasHostPort)) return NONE;
  const out: Finding[] = [];
  let seen = new Set<string>();
  for (const { c, list, i } of containers(ctx)) {
    if (list === 'initContainers') seen = new Set<string>();
    items(c.ports).forEach((p, j) => {
      if (typeof p.hostPort !== 'number' || p.hostPort === 0) return;
      const key = `${str(p.protocol) ? p.protocol : 'TCP'}/${typeof p.hostIP === 'string' ? p.hostIP : ''}/${p.hostPort}`;
      if (seen.has(key)) out.push({ path: podAt(ctx, list, i, 'ports', j, 'hostPort'), problem: 'is a duplicate host port (protocol/hostIP/port)', got: key, fix: 'use a different hostPort or remove it' });
      seen.add(key);
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Volumes

/** The order in which `validateVolumeSource` counts sources, with the path name it reports a second one at. */
const SOURCE_ORDER: ReadonlyArray<[string, string]> = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'], ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'],
  ['cinder', 'cinder'], ['cephfs', 'cephFS'], ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'],
  ['flexVolume', 'flexVolume'], ['configMap', 'configMap'], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'], ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'], ['projected', 'projected'], ['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

interface VolumeCheck {
  readonly findings: readonly Finding[];
  /** Names of the volumes without errors: only those can be mounted (`IsMatchedVolume`). */
  readonly valid: ReadonlySet<string>;
}

const volumeSources = new Map<string, ReadonlySet<string>>();

/** The volume source fields of the version's `core/v1 Volume`. */
function sourcesOf(ctx: RuleContext): ReadonlySet<string> {
  const key = `${ctx.version.major}.${ctx.version.minor}`;
  let set = volumeSources.get(key);
  if (!set) {
    set = new Set(structFields(ctx.version, 'core.v1.Volume').filter((k) => k !== 'name'));
    volumeSources.set(key, set);
  }
  return set;
}

/** The volume findings and mountable names (computed once per evaluation, read by two rules). */
function checkVolumes(ctx: RuleContext): VolumeCheck {
  return ctx.memo('pod-spec.volumes', volumeCheck);
}

/** A pod without volumes (most Jobs): nothing found, nothing to mount. Only read, never added to. */
const NO_VOLUMES: VolumeCheck = { findings: [], valid: new Set<string>() };

function volumeCheck(ctx: RuleContext): VolumeCheck {
  const volumes = items(podSpec(ctx).volumes);
  if (volumes.length === 0) return NO_VOLUMES;
  const findings: Finding[] = [];
  const valid = new Set<string>();
  const seen = new Set<string>();
  const sources = sourcesOf(ctx);
  const env = { localTokenPath: atLeast(ctx, 30) };
  volumes.forEach((v, i) => {
    const own: Finding[] = [];
    let count = 0;
    for (const [key, at] of SOURCE_ORDER) {
      if (!sources.has(key) || v[key] === undefined) continue;
      if (count++ > 0) own.push({ path: podAt(ctx, 'volumes', i, at), problem: 'may not specify more than 1 volume type', fix: 'give each volume exactly one source; split it into several volumes' });
      else own.push(...volumeSourceFindings(key, v[key], podAt(ctx, 'volumes', i, key), env));
    }
    // A volume with no source at all is defaulted to emptyDir: {} (SetDefaults_Volume).
    const name = v.name;
    if (!str(name)) own.push({ path: podAt(ctx, 'volumes', i, 'name'), problem: 'is required' });
    else for (const e of dns1123LabelErrors(name)) own.push({ path: podAt(ctx, 'volumes', i, 'name'), problem: e, got: name });
    if (str(name) && seen.has(name)) own.push({ path: podAt(ctx, 'volumes', i, 'name'), problem: 'is a duplicate volume name', got: name });
    if (own.length === 0 && str(name)) valid.add(name);
    if (str(name)) seen.add(name);
    findings.push(...own);
  });
  return { findings, valid };
}

/** `validateLocalDescendingPath`. */
function descendingPathErrors(p: string): string[] {
  const out: string[] = [];
  if (p.startsWith('/')) out.push('must be a relative path');
  if (p.split('/').includes('..')) out.push("must not contain '..'");
  return out;
}

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];

/** `validateMountPropagation` (reported at `volumeMounts.mountPropagation`, without the mount's index). */
function mountPropagationFindings(mode: string, c: Record<string, any>, at: string, out: Finding[]): void {
  if (!MOUNT_PROPAGATIONS.includes(mode)) out.push({ path: at, problem: 'must be one of "Bidirectional", "HostToContainer", "None"', got: mode });
  const privileged = isObject(c.securityContext) && c.securityContext.privileged === true;
  if (mode === 'Bidirectional' && !privileged) out.push({ path: at, problem: 'Bidirectional is available only to privileged containers', got: mode, fix: 'use HostToContainer, or make the container privileged' });
}

function mountFindings(ctx: RuleContext, { c, list, i }: ContainerAt, volumes: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const paths = new Set<string>();
  items(c.volumeMounts).forEach((m, j) => {
    const at = (...rest: Array<string | number>): string => podAt(ctx, list, i, 'volumeMounts', j, ...rest);
    const name = typeof m.name === 'string' ? m.name : '';
    if (name === '') out.push({ path: at('name'), problem: 'is required' });
    if (!volumes.has(name)) out.push({ path: at('name'), problem: 'does not name a volume of the pod (spec.template.spec.volumes)', got: name, fix: 'add a volume of that name to the pod template or fix the mount name' });
    const mountPath = typeof m.mountPath === 'string' ? m.mountPath : '';
    if (mountPath === '') out.push({ path: at('mountPath'), problem: 'is required' });
    if (paths.has(mountPath)) out.push({ path: at('mountPath'), problem: 'must be unique within the container', got: mountPath });
    paths.add(mountPath);
    // The server reports these at `volumeMounts.subPath`, without the mount's index.
    const base = podAt(ctx, list, i, 'volumeMounts');
    if (str(m.subPath)) for (const e of descendingPathErrors(m.subPath)) out.push({ path: `${base}.subPath`, problem: e, got: m.subPath });
    if (str(m.subPathExpr)) {
      if (str(m.subPath)) out.push({ path: at('subPathExpr'), problem: 'and subPath are mutually exclusive', got: m.subPathExpr });
      for (const e of descendingPathErrors(m.subPathExpr)) out.push({ path: `${base}.subPathExpr`, problem: e, got: m.subPathExpr });
    }
    if (typeof m.mountPropagation === 'string') mountPropagationFindings(m.mountPropagation, c, `${base}.mountPropagation`, out);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ports

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function portFindings(ctx: RuleContext, { c, list, i }: ContainerAt): Finding[] {
  const out: Finding[] = [];
  // validatePodHostNetworkDeps checks regular containers only.
  const hostNetwork = list === 'containers' && podSpec(ctx).hostNetwork === true;
  const names = new Set<string>();
  items(c.ports).forEach((p, j) => {
    const at = (key: string): string => podAt(ctx, list, i, 'ports', j, key);
    if (str(p.name)) {
      const errs = portNameErrors(p.name);
      for (const e of errs) out.push({ path: at('name'), problem: e, got: p.name });
      if (errs.length === 0 && names.has(p.name)) out.push({ path: at('name'), problem: 'is a duplicate port name in this container', got: p.name });
      names.add(p.name);
    }
    const cp = p.containerPort;
    if (cp === undefined || cp === 0) out.push({ path: at('containerPort'), problem: 'is required' });
    else if (typeof cp === 'number' && (cp < 1 || cp > 65535)) out.push({ path: at('containerPort'), problem: 'must be between 1 and 65535, inclusive', got: cp });
    const hp = p.hostPort;
    if (typeof hp === 'number' && hp !== 0 && (hp < 1 || hp > 65535)) out.push({ path: at('hostPort'), problem: 'must be between 1 and 65535, inclusive', got: hp });
    if (hostNetwork && typeof hp === 'number' && hp !== 0 && hp !== cp) {
      out.push({ path: at('hostPort'), problem: 'must match containerPort when hostNetwork is true', got: hp, fix: 'remove hostPort or set it to the containerPort' });
    }
    // protocol defaults to TCP.
    if (typeof p.protocol === 'string' && p.protocol !== '' && !PROTOCOLS.includes(p.protocol)) {
      out.push({ path: at('protocol'), problem: `must be one of ${PROTOCOLS.map((x) => `"${x}"`).join(', ')}`, got: p.protocol });
    } else if (p.protocol === '') {
      out.push({ path: at('protocol'), problem: 'is required' });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resources

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (n: string): boolean => n.startsWith('hugepages-');
const isNative = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
const overcommitAllowed = (n: string): boolean => isNative(n) && !isHugePages(n);

const resourceNameCache = new Map<string, readonly string[]>();

function resourceNameErrors(name: string): readonly string[] {
  let errs = resourceNameCache.get(name);
  if (!errs) {
    errs = computeResourceNameErrors(name);
    if (resourceNameCache.size < 1000) resourceNameCache.set(name, errs);
  }
  return errs;
}

function computeResourceNameErrors(name: string): readonly string[] {
  const errs = qualifiedNameErrors(name);
  if (errs.length > 0) return errs;
  if (!name.includes('/')) return STANDARD_CONTAINER_RESOURCES.has(name) || isHugePages(name) ? [] : ['must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-prefixed extended resource'];
  return [];
}

/** A quantity's sign without parsing it: `-` in front of a non-zero value. */
function isNegative(raw: unknown): boolean {
  if (typeof raw === 'number') return raw < 0;
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('-')) return false;
  const q = parseQuantity(raw);
  return q !== undefined && q.mantissa < 0n;
}

function quantityFindings(kind: 'limits' | 'requests', map: Record<string, unknown>, ctx: RuleContext, at: ContainerAt, out: Finding[]): void {
  // eslint-disable-next-line guard-for-in -- map is a plain JSON object: own keys only
  for (const name in map) {
    const raw = map[name];
    const nameErrors = resourceNameErrors(name);
    const negative = isNegative(raw);
    const fraction = !isNative(name) && !milliWhole(raw);
    const pages = isHugePages(name) && !hugePagesDivisible(name, raw);
    if (nameErrors.length === 0 && !negative && !fraction && !pages) continue;
    const p = `${resourcesAt(ctx, at)}.${kind}[${name}]`;
    for (const e of nameErrors) out.push({ path: p, problem: e, got: name });
    if (negative) out.push({ path: p, problem: 'must be greater than or equal to 0', got: raw });
    if (fraction) out.push({ path: p, problem: 'must be an integer', got: raw });
    if (pages) out.push({ path: p, problem: `must be a positive whole multiple of the page size of ${name}`, got: raw, fix: `use a multiple of ${name.slice('hugepages-'.length)}` });
  }
}

/** `ceil(value × 10^scale)` of a quantity, exactly (`Quantity.ScaledValue`, before it is cut to 64 bits). */
function scaledCeil(raw: unknown, scale: number): bigint | undefined {
  const q = parseQuantity(raw);
  if (!q) return undefined;
  const exp10 = q.exp10 + scale;
  const num = q.mantissa * 10n ** BigInt(Math.max(exp10, 0)) * 2n ** BigInt(q.exp2);
  const den = 10n ** BigInt(Math.max(-exp10, 0));
  const div = num / den;
  return num % den > 0n ? div + 1n : div;
}

/**
 * `Quantity.MilliValue() % 1000 == 0`, the server's test of an integer resource: the milli value
 * is cut to a signed 64-bit integer, so a huge quantity fails it too.
 */
function milliWhole(raw: unknown): boolean {
  const milli = scaledCeil(raw, 3);
  return milli === undefined || BigInt.asIntN(64, milli) % 1000n === 0n;
}

/** `IsHugePageResourceValueDivisible`: `Value()` (rounded up) is a multiple of the page size of `hugepages-<size>`. */
function hugePagesDivisible(name: string, raw: unknown): boolean {
  const size = scaledCeil(name.slice('hugepages-'.length), 0);
  const exactSize = parseQuantity(name.slice('hugepages-'.length));
  if (size === undefined || !exactSize || size <= 0n || !isWholeQuantity(exactSize)) return false;
  const value = scaledCeil(raw, 0);
  return value === undefined || value % size === 0n;
}

function hasHugePagesWithoutCpuOrMemory(limits: Record<string, unknown>, requests: Record<string, unknown>): boolean {
  const inLimits = hugePagesOnly(limits);
  if (inLimits === undefined) return false;
  const inRequests = hugePagesOnly(requests);
  return inRequests !== undefined && (inLimits || inRequests);
}

/** `undefined` when the map names cpu or memory, else whether it names a hugepages resource. */
function hugePagesOnly(map: Record<string, unknown>): boolean | undefined {
  let huge = false;
  // eslint-disable-next-line guard-for-in -- map is a plain JSON object: own keys only
  for (const n in map) {
    if (n === 'cpu' || n === 'memory') return undefined;
    if (isHugePages(n)) huge = true;
  }
  return huge;
}

/** A quick float reading of a quantity, for comparisons that are clear without exact arithmetic. */
function approx(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return NaN;
  let end = raw.length;
  while (end > 0 && !(raw.charCodeAt(end - 1) >= 48 && raw.charCodeAt(end - 1) <= 57) && raw.charCodeAt(end - 1) !== 46) end--;
  const suffix = raw.slice(end);
  const multiplier = suffix === '' ? 1 : MULTIPLIER[suffix];
  // Exponent forms (1e3) and anything unusual go to exact parsing.
  return multiplier === undefined || end === 0 ? NaN : Number(raw.slice(0, end)) * multiplier;
}

const MULTIPLIER: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * `Quantity.Cmp` of two raw values; `undefined` when either does not parse. Pairs of strings are
 * answered from a bounded table: containers repeat the same few requests and limits.
 */
function compareRaw(a: unknown, b: unknown): number | undefined {
  if (a === b) return 0;
  if (typeof a !== 'string' || typeof b !== 'string') return compareUncached(a, b);
  let row = compared.get(a);
  if (!row) {
    if (compared.size >= COMPARED_MAX) compared.clear();
    row = new Map();
    compared.set(a, row);
  }
  if (row.has(b)) return row.get(b);
  const cmp = compareUncached(a, b);
  if (row.size < COMPARED_MAX) row.set(b, cmp);
  return cmp;
}

const COMPARED_MAX = 256;
const compared = new Map<string, Map<string, number | undefined>>();

function compareUncached(a: unknown, b: unknown): number | undefined {
  const fa = approx(a);
  const fb = approx(b);
  // Clearly apart as floats: no need for exact arithmetic.
  if (Number.isFinite(fa) && Number.isFinite(fb) && Math.abs(fa - fb) > 1e-6 * Math.max(Math.abs(fa), Math.abs(fb))) return fa < fb ? -1 : 1;
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x && y ? compareQuantities(x, y) : undefined;
}

/** A container's `resources` path (built only for a finding). */
function resourcesAt(ctx: RuleContext, at: ContainerAt): string {
  return podAt(ctx, at.list, at.i, 'resources');
}

function resourceFindings(ctx: RuleContext, at: ContainerAt): Finding[] {
  const c = at.c;
  if (!isObject(c.resources)) return [];
  const limits: Record<string, unknown> = isObject(c.resources.limits) ? c.resources.limits : {};
  const requests: Record<string, unknown> = isObject(c.resources.requests) ? c.resources.requests : {};
  const out: Finding[] = [];
  quantityFindings('limits', limits, ctx, at, out);
  quantityFindings('requests', requests, ctx, at, out);
  for (const name of Object.keys(requests)) {
    const raw = requests[name];
    if (Object.prototype.hasOwnProperty.call(limits, name)) {
      const cmp = compareRaw(raw, limits[name]);
      if (cmp === undefined) continue;
      if (cmp !== 0 && !overcommitAllowed(name)) out.push({ path: `${resourcesAt(ctx, at)}.requests`, problem: `must be equal to ${name} limit of ${limits[name]}`, got: raw });
      else if (cmp > 0) out.push({ path: `${resourcesAt(ctx, at)}.requests`, problem: `must be less than or equal to ${name} limit of ${limits[name]}`, got: raw, fix: `lower the ${name} request or raise its limit` });
    } else if (!overcommitAllowed(name)) {
      out.push({ path: `${resourcesAt(ctx, at)}.limits`, problem: `must be set for ${name}: a non-overcommitable resource needs a limit equal to its request`, fix: `set limits[${name}] to the request` });
    }
  }
  if (hasHugePagesWithoutCpuOrMemory(limits, requests)) {
    out.push({ path: resourcesAt(ctx, at), problem: 'HugePages require cpu or memory', fix: 'add a cpu or memory request or limit' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Security contexts

const ID_RANGE = 'must be between 0 and 2147483647, inclusive';
const POD_IDS = ['runAsUser', 'runAsGroup', 'fsGroup'];
const CONTAINER_IDS = ['runAsUser', 'runAsGroup'];

const badId = (v: unknown): boolean => typeof v === 'number' && (v < 0 || v > 2147483647);

/** The path of the pod's security context, or of container `where`'s (built only for a finding). */
function securityAt(ctx: RuleContext, where?: ContainerAt): string {
  return where ? podAt(ctx, where.list, where.i, 'securityContext') : podAt(ctx, 'securityContext');
}

function idFindings(sc: Record<string, any>, keys: readonly string[], ctx: RuleContext, where: ContainerAt | undefined, out: Finding[]): void {
  for (const k of keys) if (badId(sc[k])) out.push({ path: `${securityAt(ctx, where)}.${k}`, problem: ID_RANGE, got: sc[k] });
}

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** `validateSeccompProfileField`. */
function seccompFindings(sp: unknown, at: string, out: Finding[]): void {
  if (!isObject(sp)) return;
  const type = typeof sp.type === 'string' ? sp.type : '';
  if (type === '') out.push({ path: `${at}.type`, problem: 'is required when seccompProfile is set', fix: 'set type RuntimeDefault, Localhost or Unconfined' });
  else if (!SECCOMP_TYPES.includes(type)) out.push({ path: `${at}.type`, problem: `must be one of ${SECCOMP_TYPES.map((x) => `"${x}"`).join(', ')}`, got: type });
  const profile = sp.localhostProfile;
  if (type === 'Localhost') {
    if (typeof profile !== 'string') out.push({ path: `${at}.localhostProfile`, problem: 'must be set when seccomp type is Localhost', fix: 'set localhostProfile to the profile file, relative to the kubelet seccomp directory' });
    else for (const e of localPathErrors(profile).filter((x) => !x.startsWith('must not start'))) out.push({ path: `${at}.localhostProfile`, problem: e, got: profile });
  } else if (profile !== undefined) {
    out.push({ path: `${at}.localhostProfile`, problem: 'can only be set when seccomp type is Localhost', got: profile });
  }
}

const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const IPC_SYSCTLS = new Set(['kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.shm', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.msg']);

/** The namespace of a sysctl (`sysctl.GetNamespace`): `net` and `ipc` matter here. */
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const sep = name.search(/[./]/);
  let n = sep >= 0 && name[sep] === '/' ? name.replace(/[./]/g, (ch) => (ch === '.' ? '/' : '.')) : name;
  const star = n.indexOf('*');
  if (star >= 0) n = n.slice(0, star);
  if (IPC_SYSCTLS.has(n) || n.startsWith('fs.mqueue.')) return 'ipc';
  return n.startsWith('net.') ? 'net' : undefined;
}

/** `validateSysctls`; namespaced sysctls are refused with the host's namespace from 1.29 (`ValidateHostSysctl`). */
function sysctlFindings(pod: Record<string, any>, list: unknown, at: string, hostCheck: boolean, out: Finding[]): void {
  const seen = new Set<string>();
  items(list).forEach((s, i) => {
    const here = `${at}[${i}].name`;
    const name = typeof s.name === 'string' ? s.name : '';
    if (name === '') out.push({ path: here, problem: 'is required' });
    else if (name.length > 253 || !SYSCTL_NAME.test(name)) out.push({ path: here, problem: 'must have at most 253 characters and be a sysctl name such as net.core.somaxconn', got: name });
    else if (seen.has(name)) out.push({ path: here, problem: 'is a duplicate sysctl', got: name });
    const ns = hostCheck ? sysctlNamespace(name) : undefined;
    if (ns === 'net' && pod.hostNetwork === true) out.push({ path: here, problem: "may not be specified when 'hostNetwork' is true", got: name, fix: 'remove the sysctl or turn off hostNetwork' });
    else if (ns === 'ipc' && pod.hostIPC === true) out.push({ path: here, problem: "may not be specified when 'hostIPC' is true", got: name, fix: 'remove the sysctl or turn off hostIPC' });
    seen.add(name);
  });
}

const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'];
const APPARMOR_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** `ValidateAppArmorProfileField` (appArmorProfile is beta, on by default, from 1.30). */
function appArmorFindings(p: unknown, at: string, out: Finding[]): void {
  if (!isObject(p)) return;
  const type = typeof p.type === 'string' ? p.type : '';
  const profile = p.localhostProfile;
  if (type === 'Localhost') {
    if (typeof profile !== 'string' || profile.trim() === '') out.push({ path: `${at}.localhostProfile`, problem: 'must be set when AppArmor type is Localhost', fix: 'name the AppArmor profile loaded on the node' });
    else if (profile.trim() !== profile) out.push({ path: `${at}.localhostProfile`, problem: 'must not be padded with whitespace', got: profile });
    if (typeof profile === 'string' && profile.length > 4095) out.push({ path: `${at}.localhostProfile`, problem: 'must have at most 4095 characters', got: profile.length });
  } else if (type === 'RuntimeDefault' || type === 'Unconfined') {
    if (profile !== undefined) out.push({ path: `${at}.localhostProfile`, problem: 'can only be set when AppArmor type is Localhost', got: profile });
  } else if (type === '') {
    out.push({ path: `${at}.type`, problem: 'is required when appArmorProfile is set', fix: 'set type RuntimeDefault, Localhost or Unconfined' });
  } else {
    out.push({ path: `${at}.type`, problem: `must be one of ${APPARMOR_TYPES.map((x) => `"${x}"`).join(', ')}`, got: type });
  }
}

/** An enum field of a security context that the server checks from version 1.`since` (dropped before). */
const SECURITY_ENUMS: ReadonlyArray<{ key: string; since: number; until?: number; allowed: readonly string[] }> = [
  { key: 'supplementalGroupsPolicy', since: 33, allowed: ['Merge', 'Strict'] },
  // MountOption needs the SELinuxMount gate, on by default from 1.37 (GA).
  { key: 'seLinuxChangePolicy', since: 33, until: 36, allowed: ['Recursive'] },
  { key: 'seLinuxChangePolicy', since: 37, allowed: ['MountOption', 'Recursive'] },
];

function isEmpty(o: Record<string, unknown>): boolean {
  // eslint-disable-next-line guard-for-in, no-unreachable-loop -- any own key means not empty
  for (const _ in o) return false;
  return true;
}

function podSecurityFindings(ctx: RuleContext, pod: Record<string, any>, out: Finding[]): void {
  const psc = pod.securityContext;
  // Every stored pod template has one (defaulted to {}): nothing to check in the usual empty one.
  if (!isObject(psc) || isEmpty(psc)) return;
  idFindings(psc, POD_IDS, ctx, undefined, out);
  const groups = psc.supplementalGroups;
  if (Array.isArray(groups)) {
    for (let k = 0; k < groups.length; k++) if (badId(groups[k])) out.push({ path: `${securityAt(ctx)}.supplementalGroups[${k}]`, problem: ID_RANGE, got: groups[k] });
  }
  if (psc.sysctls !== undefined) sysctlFindings(pod, psc.sysctls, `${securityAt(ctx)}.sysctls`, atLeast(ctx, 29), out);
  if (typeof psc.fsGroupChangePolicy === 'string' && !FS_GROUP_CHANGE_POLICIES.includes(psc.fsGroupChangePolicy)) {
    out.push({ path: `${securityAt(ctx)}.fsGroupChangePolicy`, problem: 'must be one of "Always", "OnRootMismatch"', got: psc.fsGroupChangePolicy });
  }
  if (psc.seccompProfile !== undefined) seccompFindings(psc.seccompProfile, `${securityAt(ctx)}.seccompProfile`, out);
  if (psc.appArmorProfile !== undefined && atLeast(ctx, 30)) appArmorFindings(psc.appArmorProfile, `${securityAt(ctx)}.appArmorProfile`, out);
  for (const { key, since, until, allowed } of SECURITY_ENUMS) {
    if (typeof psc[key] === 'string' && atLeast(ctx, since) && !(until !== undefined && atLeast(ctx, until + 1)) && !allowed.includes(psc[key])) {
      out.push({ path: `${securityAt(ctx)}.${key}`, problem: `must be one of ${allowed.map((x) => `"${x}"`).join(', ')}`, got: psc[key] });
    }
  }
}

/** procMount (ProcMountType on by default from 1.33): Default, or Unmasked with hostUsers false. */
function procMountFindings(ctx: RuleContext, mount: unknown, at: string, out: Finding[]): void {
  if (typeof mount !== 'string' || !atLeast(ctx, 33)) return;
  if (mount !== 'Default' && mount !== 'Unmasked') out.push({ path: at, problem: 'must be one of "Default", "Unmasked"', got: mount });
  else if (mount === 'Unmasked' && podSpec(ctx).hostUsers !== false) out.push({ path: at, problem: 'Unmasked needs hostUsers: false', got: mount, fix: 'set hostUsers: false on the pod or use procMount Default' });
}

function securityFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const pod = podSpec(ctx);
  podSecurityFindings(ctx, pod, out);
  for (const where of containers(ctx)) {
    const sc = where.c.securityContext;
    if (!isObject(sc)) continue;
    idFindings(sc, CONTAINER_IDS, ctx, where, out);
    if (sc.procMount !== undefined) procMountFindings(ctx, sc.procMount, `${securityAt(ctx, where)}.procMount`, out);
    if (sc.seccompProfile !== undefined) seccompFindings(sc.seccompProfile, `${securityAt(ctx, where)}.seccompProfile`, out);
    if (sc.appArmorProfile !== undefined && atLeast(ctx, 30)) appArmorFindings(sc.appArmorProfile, `${securityAt(ctx, where)}.appArmorProfile`, out);
    if (sc.allowPrivilegeEscalation !== false) continue;
    if (sc.privileged === true) {
      out.push({ path: securityAt(ctx, where), problem: 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true', got: { privileged: true, allowPrivilegeEscalation: false } });
    }
    const added = isObject(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add : [];
    if (added.includes('CAP_SYS_ADMIN')) {
      out.push({ path: securityAt(ctx, where), problem: 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN', got: added });
    }
  }
  return out;
}

const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];

/** Whether `v` is a string outside `allowed` (an empty string is defaulted by the server). */
function unsupported(v: unknown, allowed: readonly string[]): boolean {
  return typeof v === 'string' && v !== '' && !allowed.includes(v);
}

/** `field.NotSupported` for a string outside `allowed` (an empty string is defaulted by the server). */
function enumFinding(v: unknown, allowed: readonly string[], at: () => string): Finding[] {
  if (!unsupported(v, allowed)) return [];
  return [{ path: at(), problem: `must be one of ${allowed.map((x) => `"${x}"`).join(', ')}`, got: v }];
}

/** The codes of this file's rules, each with the findings of one pass over the pod spec. */
type PodCode =
  | 'PodFieldValueUnsupported' | 'ServiceAccountNameInvalid' | 'PodDnsNameInvalid' | 'VolumeInvalid' | 'VolumeMountInvalid' | 'ContainerPortInvalid'
  | 'EnvVarNameInvalid' | 'EnvVarSourceInvalid' | 'ResourceRequirementsInvalid' | 'ProbeInvalid' | 'SecurityContextInvalid'
  | 'TolerationInvalid' | 'AffinityInvalid' | 'PodDnsConfigInvalid' | 'TopologySpreadConstraintInvalid' | 'PodFieldInvalid'
  | 'ContainerResizePolicyInvalid';

type PodFindings = Partial<Record<PodCode, Finding[]>>;

const NONE: readonly Finding[] = [];

function add(out: PodFindings, code: PodCode, found: readonly Finding[]): void {
  if (found.length === 0) return;
  const list = out[code];
  if (list) list.push(...found);
  else out[code] = [...found];
}

/**
 * Every finding of this file's rules, from one pass over the pod spec, computed once per
 * evaluation; each rule reads its own code. Checks run only on the fields that are present.
 */
function podFindings(ctx: RuleContext): PodFindings {
  return ctx.memo('pod-spec.findings', computePodFindings);
}

function computePodFindings(ctx: RuleContext): PodFindings {
  const out: PodFindings = {};
  const pod = podSpec(ctx);
  if (str(pod.serviceAccountName)) {
    const n = pod.serviceAccountName;
    add(out, 'ServiceAccountNameInvalid', dns1123SubdomainErrors(n).map((e) => ({ path: podAt(ctx, 'serviceAccountName'), problem: e, got: n })));
  }
  for (const { key, label } of NAME_FIELDS) {
    const v = pod[key];
    if (str(v)) add(out, 'PodDnsNameInvalid', (label ? dns1123LabelErrors(v) : dns1123SubdomainErrors(v)).map((e) => ({ path: podAt(ctx, key), problem: e, got: v })));
  }
  const volumes = checkVolumes(ctx);
  add(out, 'VolumeInvalid', volumes.findings);
  if (unsupported(pod.dnsPolicy, DNS_POLICIES)) add(out, 'PodFieldValueUnsupported', enumFinding(pod.dnsPolicy, DNS_POLICIES, () => podAt(ctx, 'dnsPolicy')));
  if (pod.preemptionPolicy !== undefined || pod.os !== undefined) add(out, 'PodFieldValueUnsupported', podEnumFindings(ctx, pod));
  if (pod.runtimeClassName !== undefined) add(out, 'PodDnsNameInvalid', runtimeClassFindings(ctx, pod.runtimeClassName));
  const other = pod.hostAliases !== undefined || pod.readinessGates !== undefined || pod.schedulingGates !== undefined;
  if (other || pod.shareProcessNamespace !== undefined) add(out, 'PodFieldInvalid', otherPodFindings(ctx, pod));
  if (pod.topologySpreadConstraints !== undefined) add(out, 'TopologySpreadConstraintInvalid', topologySpreadFindings(ctx));
  if (isObject(pod.nodeSelector)) add(out, 'PodFieldValueUnsupported', labelFindings(pod.nodeSelector, podAt(ctx, 'nodeSelector')));
  for (const at of containers(ctx)) {
    const c = at.c;
    if (unsupported(c.imagePullPolicy, PULL_POLICIES)) add(out, 'PodFieldValueUnsupported', enumFinding(c.imagePullPolicy, PULL_POLICIES, () => podAt(ctx, at.list, at.i, 'imagePullPolicy')));
    if (unsupported(c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES)) {
      add(out, 'PodFieldValueUnsupported', enumFinding(c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES, () => podAt(ctx, at.list, at.i, 'terminationMessagePolicy')));
    }
    if (c.volumeMounts !== undefined) add(out, 'VolumeMountInvalid', mountFindings(ctx, at, volumes.valid));
    if (c.ports !== undefined) add(out, 'ContainerPortInvalid', portFindings(ctx, at));
    if (c.env !== undefined || c.envFrom !== undefined) {
      const env = envFindings(ctx, at);
      add(out, 'EnvVarNameInvalid', env.names);
      add(out, 'EnvVarSourceInvalid', env.sources);
    }
    if (c.resources !== undefined) add(out, 'ResourceRequirementsInvalid', resourceFindings(ctx, at));
    if (c.resizePolicy !== undefined) add(out, 'ContainerResizePolicyInvalid', resizePolicyFindings(ctx, at));
    if (c.livenessProbe !== undefined || c.readinessProbe !== undefined || c.startupProbe !== undefined || c.lifecycle !== undefined) {
      add(out, 'ProbeInvalid', probeFindings(ctx, at));
    }
  }
  add(out, 'ContainerPortInvalid', hostPortConflicts(ctx));
  add(out, 'SecurityContextInvalid', securityFindings(ctx));
  if (pod.tolerations !== undefined) add(out, 'TolerationInvalid', tolerationFindings(ctx));
  if (pod.affinity !== undefined) add(out, 'AffinityInvalid', affinityFindings(ctx));
  if (pod.dnsConfig !== undefined || pod.dnsPolicy === 'None') add(out, 'PodDnsConfigInvalid', dnsConfigFindings(ctx));
  return out;
}

const found = (code: PodCode) => (ctx: RuleContext): readonly Finding[] => podFindings(ctx)[code] ?? NONE;

/** Core pod-spec rules on the Job's pod template. */
export const POD_SPEC_RULES: readonly Rule[] = [
  apiRule({
    code: 'PodFieldValueUnsupported',
    scope: 'JobSpec',
    path: 'spec.template.spec.{dnsPolicy,nodeSelector,preemptionPolicy,os,containers[*].imagePullPolicy,containers[*].terminationMessagePolicy}',
    summary: 'dnsPolicy is ClusterFirst, ClusterFirstWithHostNet, Default or None; imagePullPolicy is Always, IfNotPresent or Never; terminationMessagePolicy is File or FallbackToLogsOnError; preemptionPolicy is PreemptLowerPriority or Never; os.name is linux or windows (all case-sensitive); nodeSelector keys and values are valid labels.',
    fix: 'use one of the listed values, spelled exactly',
    check: found('PodFieldValueUnsupported'),
  }),
  apiRule({
    code: 'ServiceAccountNameInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.serviceAccountName',
    summary: 'The pod serviceAccountName is a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters (ValidateServiceAccountName).',
    fix: "use the name of a ServiceAccount: lowercase letters, digits, '-' and '.'",
    check: found('ServiceAccountNameInvalid'),
  }),
  apiRule({
    code: 'PodDnsNameInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.{hostname,subdomain,nodeName,priorityClassName,runtimeClassName}',
    summary: 'The pod hostname and subdomain are DNS-1123 labels (at most 63 characters); nodeName, priorityClassName and runtimeClassName are DNS-1123 subdomains.',
    fix: "use lowercase letters, digits and '-', starting and ending with a letter or digit",
    check: found('PodDnsNameInvalid'),
  }),
  apiRule({
    code: 'VolumeInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.volumes[*]',
    summary: 'Every pod volume has a unique DNS-1123 label name and at most one source (a volume with none becomes emptyDir); a second source is reported at its own path.',
    fix: 'give each volume a unique lowercase name and exactly one source',
    check: found('VolumeInvalid'),
  }),
  apiRule({
    code: 'VolumeMountInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].volumeMounts[*]',
    summary: 'Every volumeMount names a valid volume of the pod and has a mountPath unique within its container; subPath and subPathExpr are relative paths without "..", and not both set; mountPropagation is None, HostToContainer or Bidirectional (privileged containers only).',
    fix: 'mount a volume declared in spec.template.spec.volumes at a distinct mountPath',
    check: found('VolumeMountInvalid'),
  }),
  apiRule({
    code: 'ContainerPortInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].ports[*]',
    summary: 'Container ports: containerPort 1–65535 (required), hostPort 1–65535 when set (equal to containerPort with hostNetwork, and each protocol/hostIP/hostPort once among the containers), protocol TCP, UDP or SCTP, and a name that is an IANA service name (at most 15 lowercase letters, digits and "-", at least one letter) unique within the container.',
    fix: 'use a port number between 1 and 65535 and a short lowercase port name',
    check: found('ContainerPortInvalid'),
  }),
  apiRule({
    code: 'EnvVarNameInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].env[*].name',
    summary: 'Environment variable names (and envFrom prefixes): from 1.32 (RelaxedEnvironmentVariableValidation on by default) any printable ASCII except "="; before 1.32 letters, digits, "_", "-" and ".", not starting with a digit, and not ".", ".." or "..…".',
    fix: "use letters, digits, '_', '-' or '.' and do not start with a digit",
    check: found('EnvVarNameInvalid'),
  }),
  apiRule({
    code: 'EnvVarSourceInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].{env[*].valueFrom,envFrom[*]}',
    summary: 'An env valueFrom has exactly one source (fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef; fileKeyRef from 1.35) and no value beside it; fieldRef reads metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP(s), status.podIP(s) or a label or annotation; resourceFieldRef a limits or requests resource of the container; ConfigMap and Secret key references name the object and a valid key; every envFrom entry names one ConfigMap or Secret.',
    fix: 'give each variable either a value or exactly one valueFrom source',
    check: found('EnvVarSourceInvalid'),
  }),
  apiRule({
    code: 'ResourceRequirementsInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].resources',
    summary: 'Container resources: standard names (cpu, memory, ephemeral-storage, hugepages-*) or domain-prefixed extended resources, non-negative quantities (whole numbers for extended resources), requests at most the limits, extended resources and hugepages with requests equal to limits, hugepages only together with cpu or memory.',
    fix: 'use non-negative quantities with requests no higher than the limits',
    check: found('ResourceRequirementsInvalid'),
  }),
  apiRule({
    code: 'ContainerResizePolicyInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].resizePolicy',
    since: '1.33',
    summary: 'A container resizePolicy (InPlacePodVerticalScaling, on by default from 1.33) names cpu and memory at most once each with restartPolicy NotRequired or RestartContainer, NotRequired when the pod restartPolicy is Never (so in most Jobs), and from 1.36 never RestartContainer on an init container that is not a sidecar.',
    fix: 'use restartPolicy NotRequired for cpu and memory, or remove resizePolicy',
    check: found('ContainerResizePolicyInvalid'),
  }),
  apiRule({
    code: 'ProbeInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].{livenessProbe,readinessProbe,startupProbe,lifecycle}',
    summary: 'Probes and lifecycle hooks have exactly one handler (an exec command; HTTP, TCP and gRPC ports 1–65535 or a port name), non-negative counts and timeouts, successThreshold 1 for liveness and startup probes, a positive terminationGracePeriodSeconds and none on readiness probes; init containers other than sidecars have no probes and no lifecycle.',
    fix: 'give each probe exactly one handler (exec, httpGet, tcpSocket or grpc) with non-negative timings',
    check: found('ProbeInvalid'),
  }),
  apiRule({
    code: 'SecurityContextInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.{securityContext,containers[*].securityContext}',
    summary: 'User and group ids are between 0 and 2147483647; a container cannot be privileged (or add CAP_SYS_ADMIN) with allowPrivilegeEscalation false; seccompProfile type is RuntimeDefault, Localhost (with a relative localhostProfile) or Unconfined, and appArmorProfile (1.30+) likewise; pod sysctls have valid unique names and no network (IPC) sysctls with hostNetwork (hostIPC, 1.29+); fsGroupChangePolicy is Always or OnRootMismatch; from 1.33 supplementalGroupsPolicy is Merge or Strict, seLinuxChangePolicy Recursive (and MountOption from 1.37, SELinuxMount on), and procMount Default or Unmasked (with hostUsers false).',
    fix: 'use ids from 0 to 2147483647 and drop allowPrivilegeEscalation: false from privileged containers',
    check: found('SecurityContextInvalid'),
  }),
  apiRule({
    code: 'TolerationInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.tolerations[*]',
    summary: 'A toleration has operator Equal (the default, with a valid label value) or Exists (without a value, required when the key is empty), an effect NoSchedule, PreferNoSchedule or NoExecute, and tolerationSeconds only with NoExecute.',
    fix: 'use operator Equal with a value or Exists without one, and effect NoExecute with tolerationSeconds',
    check: found('TolerationInvalid'),
  }),
  apiRule({
    code: 'AffinityInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.affinity',
    summary: 'Required node affinity has at least one node selector term; node selector requirements use In/NotIn with values, Exists/DoesNotExist without, Gt/Lt with one value, on qualified-name keys; preferred terms have a weight from 1 to 100; pod (anti-)affinity terms have a topologyKey and valid label selectors.',
    fix: 'give node affinity at least one term, values for In/NotIn, and weights from 1 to 100',
    check: found('AffinityInvalid'),
  }),
  apiRule({
    code: 'PodDnsConfigInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.dnsConfig',
    summary: 'dnsPolicy None needs a dnsConfig with at least one nameserver; dnsConfig has at most 3 nameservers (IP addresses), at most 32 search domains (2048 characters in all) and named options.',
    fix: 'add dnsConfig.nameservers for dnsPolicy None, or use another dnsPolicy',
    check: found('PodDnsConfigInvalid'),
  }),
  apiRule({
    code: 'TopologySpreadConstraintInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.topologySpreadConstraints[*]',
    summary: 'A topology spread constraint has maxSkew of at least 1, a topologyKey, whenUnsatisfiable DoNotSchedule or ScheduleAnyway (each topologyKey/whenUnsatisfiable pair once), minDomains of at least 1 and only with DoNotSchedule, nodeAffinityPolicy and nodeTaintsPolicy Honor or Ignore, and a valid labelSelector.',
    fix: 'set maxSkew, topologyKey and whenUnsatisfiable (DoNotSchedule or ScheduleAnyway)',
    check: found('TopologySpreadConstraintInvalid'),
  }),
  apiRule({
    code: 'PodFieldInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.{hostAliases,readinessGates,schedulingGates,shareProcessNamespace}',
    summary: 'hostAliases have an IP address and DNS-1123 subdomain hostnames; readinessGates condition types and schedulingGates names are qualified names (scheduling gates unique); shareProcessNamespace and hostPID are not both true.',
    fix: 'use an IP address and lowercase host names, qualified names for gates, and not both shareProcessNamespace and hostPID',
    check: found('PodFieldInvalid'),
  }),
];
