/**
 * Scheduling and DNS fields of the pod template (`ValidateTolerations`, `validateAffinity`,
 * `validatePodDNSConfig` in pkg/apis/core/validation/validation.go): toleration operators and
 * effects, node affinity terms and requirements, pod (anti-)affinity weights and terms, and the
 * DNS configuration a `None` DNS policy needs.
 */
import { podSpec } from './job-rule-kit';
import { dns1123SubdomainErrors, labelSelectorProblems, labelValueErrors, qualifiedNameErrors } from './job-validators';
import { isObject } from './json';
import { items, podAt, str } from './pod-kit';
import { Finding, RuleContext } from './types';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `ValidateTolerations` (the Lt and Gt operators are not on by default in any supported version). */
export function tolerationFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  items(podSpec(ctx).tolerations).forEach((t, i) => {
    const at = (k: string): string => podAt(ctx, 'tolerations', i, k);
    const key = typeof t.key === 'string' ? t.key : '';
    const op = typeof t.operator === 'string' ? t.operator : '';
    const value = typeof t.value === 'string' ? t.value : '';
    const effect = typeof t.effect === 'string' ? t.effect : '';
    if (key !== '') for (const e of qualifiedNameErrors(key)) out.push({ path: at('key'), problem: e, got: key });
    if (key === '' && op !== 'Exists') {
      out.push({ path: at('operator'), problem: 'must be Exists when key is empty (which matches all keys and values)', got: op || 'Equal', fix: 'set a key, or use operator Exists without a value' });
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      out.push({ path: at('effect'), problem: "must be 'NoExecute' when tolerationSeconds is set", got: effect, fix: 'set effect NoExecute or remove tolerationSeconds' });
    }
    if (op === '' || op === 'Equal') {
      for (const e of labelValueErrors(value)) out.push({ path: at('operator'), problem: `value ${e}`, got: value });
    } else if (op === 'Exists') {
      if (value !== '') out.push({ path: at('operator'), problem: "value must be empty when operator is 'Exists'", got: value, fix: 'remove the value, or use operator Equal' });
    } else {
      out.push({ path: at('operator'), problem: 'must be one of "Equal", "Exists"', got: op });
    }
    if (effect !== '' && !EFFECTS.includes(effect)) out.push({ path: at('effect'), problem: `must be one of ${EFFECTS.map((x) => `"${x}"`).join(', ')}`, got: effect });
  });
  return out;
}

const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

/** `ValidateNodeSelectorRequirement` (label values checked where `values` must be valid labels). */
function nodeRequirementFindings(rq: Record<string, any>, at: string, checkValues: boolean, out: Finding[]): void {
  const values = Array.isArray(rq.values) ? rq.values : [];
  const op = rq.operator;
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) out.push({ path: `${at}.values`, problem: `must be specified when operator is '${op}'`, fix: 'list at least one value' });
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length > 0) out.push({ path: `${at}.values`, problem: `may not be specified when operator is '${op}'`, got: values });
  } else if (op === 'Gt' || op === 'Lt') {
    if (values.length !== 1) out.push({ path: `${at}.values`, problem: `must be a single value when operator is '${op}'`, got: values });
  } else {
    out.push({ path: `${at}.operator`, problem: `is not a valid selector operator (one of ${NODE_OPERATORS.join(', ')})`, got: op ?? '' });
  }
  const key = typeof rq.key === 'string' ? rq.key : '';
  for (const e of qualifiedNameErrors(key)) out.push({ path: `${at}.key`, problem: e, got: key });
  if (!checkValues) return;
  values.forEach((v: unknown, j: number) => {
    if (typeof v === 'string') for (const e of labelValueErrors(v)) out.push({ path: `${at}.values[${j}]`, problem: e, got: v });
  });
}

/** `ValidateNodeFieldSelectorRequirement`: only `metadata.name`, with In or NotIn and one value. */
function nodeFieldFindings(rq: Record<string, any>, at: string, out: Finding[]): void {
  const values = Array.isArray(rq.values) ? rq.values : [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (values.length !== 1) out.push({ path: `${at}.values`, problem: "must be exactly one value when operator is 'In' or 'NotIn' for a node field selector", got: values });
  } else {
    out.push({ path: `${at}.operator`, problem: 'is not a valid selector operator for a node field selector (In or NotIn)', got: rq.operator ?? '' });
  }
  if (rq.key !== 'metadata.name') {
    out.push({ path: `${at}.key`, problem: 'is not a valid field selector key (metadata.name)', got: rq.key ?? '' });
  } else {
    values.forEach((v: unknown, j: number) => {
      if (typeof v === 'string') for (const e of dns1123SubdomainErrors(v)) out.push({ path: `${at}.values[${j}]`, problem: e, got: v });
    });
  }
}

function nodeTermFindings(term: Record<string, any>, at: string, checkValues: boolean, out: Finding[]): void {
  items(term.matchExpressions).forEach((rq, j) => nodeRequirementFindings(rq, `${at}.matchExpressions[${j}]`, checkValues, out));
  items(term.matchFields).forEach((rq, j) => nodeFieldFindings(rq, `${at}.matchFields[${j}]`, out));
}

function weightFinding(w: unknown, at: string, out: Finding[]): void {
  const n = typeof w === 'number' ? w : 0;
  if (n <= 0 || n > 100) out.push({ path: `${at}.weight`, problem: 'must be in the range 1-100', got: n, fix: 'use a weight from 1 to 100' });
}

/** `validatePodAffinityTerm`. */
function podTermFindings(term: Record<string, any>, at: string, out: Finding[]): void {
  for (const p of labelSelectorProblems(term.labelSelector)) out.push({ path: `${at}.labelSelector.${p.path.map(String).join('.')}`, problem: p.problem, got: p.value });
  for (const p of labelSelectorProblems(term.namespaceSelector)) out.push({ path: `${at}.namespaceSelector.${p.path.map(String).join('.')}`, problem: p.problem, got: p.value });
  for (const ns of Array.isArray(term.namespaces) ? term.namespaces : []) {
    if (typeof ns === 'string') for (const e of dns1123SubdomainErrors(ns).slice(0, 1)) out.push({ path: `${at}.namespace`, problem: e, got: ns });
  }
  const key = typeof term.topologyKey === 'string' ? term.topologyKey : '';
  if (key === '') out.push({ path: `${at}.topologyKey`, problem: 'can not be empty', fix: 'set topologyKey, e.g. kubernetes.io/hostname' });
  for (const e of qualifiedNameErrors(key)) out.push({ path: `${at}.topologyKey`, problem: e, got: key });
}

function podAffinityFindings(a: unknown, at: string, out: Finding[]): void {
  if (!isObject(a)) return;
  items(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, j) => podTermFindings(t, `${at}.requiredDuringSchedulingIgnoredDuringExecution[${j}]`, out));
  items(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, j) => {
    const here = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${j}]`;
    weightFinding(t.weight, here, out);
    podTermFindings(isObject(t.podAffinityTerm) ? t.podAffinityTerm : {}, `${here}.podAffinityTerm`, out);
  });
}

/** `validateAffinity`. */
export function affinityFindings(ctx: RuleContext): Finding[] {
  const affinity = podSpec(ctx).affinity;
  if (!isObject(affinity)) return [];
  const out: Finding[] = [];
  const base = podAt(ctx, 'affinity');
  const na = affinity.nodeAffinity;
  if (isObject(na)) {
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    const reqAt = `${base}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (isObject(req)) {
      const terms = items(req.nodeSelectorTerms);
      if (terms.length === 0) out.push({ path: `${reqAt}.nodeSelectorTerms`, problem: 'must have at least one node selector term', fix: 'add a nodeSelectorTerms entry or remove requiredDuringSchedulingIgnoredDuringExecution' });
      terms.forEach((t, j) => nodeTermFindings(t, `${reqAt}.nodeSelectorTerms[${j}]`, true, out));
    }
    items(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, j) => {
      const here = `${base}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${j}]`;
      weightFinding(t.weight, here, out);
      nodeTermFindings(isObject(t.preference) ? t.preference : {}, `${here}.preference`, false, out);
    });
  }
  podAffinityFindings(affinity.podAffinity, `${base}.podAffinity`, out);
  podAffinityFindings(affinity.podAntiAffinity, `${base}.podAntiAffinity`, out);
  return out;
}

/** An IPv4 address as the legacy parser reads it (`netutils.ParseIPSloppy`: leading zeros allowed). */
const IPV4 = /^0*(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.0*(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `IsValidIPForLegacyField`: an IPv4 or IPv6 address. */
export function isIp(s: string): boolean {
  if (IPV4.test(s)) return true;
  // IPv6: hex groups with at most one '::', optionally an embedded IPv4 tail.
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  const tail = s.includes('.') ? s.slice(s.lastIndexOf(':') + 1) : '';
  if (tail !== '' && !IPV4.test(tail)) return false;
  const head = tail === '' ? s : s.slice(0, s.lastIndexOf(':') + 1) + '0:0';
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

/** `validatePodDNSConfig`. */
export function dnsConfigFindings(ctx: RuleContext): Finding[] {
  const pod = podSpec(ctx);
  const cfg = pod.dnsConfig;
  const at = podAt(ctx, 'dnsConfig');
  const nameservers: unknown[] = isObject(cfg) && Array.isArray(cfg.nameservers) ? cfg.nameservers : [];
  if (pod.dnsPolicy === 'None') {
    if (!isObject(cfg)) return [{ path: at, problem: 'is required when dnsPolicy is None', fix: 'add dnsConfig with at least one nameserver, or use another dnsPolicy' }];
    if (nameservers.length === 0) return [{ path: `${at}.nameservers`, problem: 'must list at least one DNS nameserver when dnsPolicy is None' }];
  }
  if (!isObject(cfg)) return [];
  const out: Finding[] = [];
  if (nameservers.length > 3) out.push({ path: `${at}.nameservers`, problem: 'must not have more than 3 nameservers', got: nameservers });
  nameservers.forEach((ns, i) => {
    if (typeof ns === 'string' && !isIp(ns)) out.push({ path: `${at}.nameservers[${i}]`, problem: 'must be a valid IP address', got: ns });
  });
  const searches: unknown[] = Array.isArray(cfg.searches) ? cfg.searches : [];
  if (searches.length > 32) out.push({ path: `${at}.searches`, problem: 'must not have more than 32 search paths', got: searches.length });
  if (searches.join(' ').length > 2048) out.push({ path: `${at}.searches`, problem: 'must not have more than 2048 characters (including spaces) in the search list' });
  searches.forEach((s, i) => {
    if (typeof s !== 'string' || s === '.') return;
    const name = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const e of dns1123SubdomainErrors(name.replace(/_/g, 'a'))) out.push({ path: `${at}.searches[${i}]`, problem: e, got: s });
  });
  items(cfg.options).forEach((o, i) => {
    if (!str(o.name)) out.push({ path: `${at}.options[${i}]`, problem: 'must not be empty (name is required)' });
  });
  return out;
}

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'];

/** `validateTopologySpreadConstraints` (without the matchLabelKeys merge rules). */
export function topologySpreadFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const list = items(podSpec(ctx).topologySpreadConstraints);
  list.forEach((c, i) => {
    const at = podAt(ctx, 'topologySpreadConstraints', i);
    const skew = typeof c.maxSkew === 'number' ? c.maxSkew : 0;
    if (skew <= 0) out.push({ path: `${at}.maxSkew`, problem: 'must be greater than 0', got: skew, fix: 'set maxSkew to 1 or more' });
    if (!str(c.topologyKey)) out.push({ path: `${at}.topologyKey`, problem: 'can not be empty', fix: 'set topologyKey, e.g. topology.kubernetes.io/zone' });
    const when = typeof c.whenUnsatisfiable === 'string' ? c.whenUnsatisfiable : '';
    if (!WHEN_UNSATISFIABLE.includes(when)) out.push({ path: `${at}.whenUnsatisfiable`, problem: 'must be one of "DoNotSchedule", "ScheduleAnyway"', got: when });
    if (list.slice(i + 1).some((o) => (o.topologyKey ?? '') === (c.topologyKey ?? '') && (o.whenUnsatisfiable ?? '') === when)) {
      out.push({ path: `${at}.{topologyKey, whenUnsatisfiable}`, problem: 'is a duplicate of a later constraint', got: `{${c.topologyKey ?? ''}, ${when}}`, fix: 'merge constraints with the same topologyKey and whenUnsatisfiable' });
    }
    if (typeof c.minDomains === 'number') {
      if (c.minDomains <= 0) out.push({ path: `${at}.minDomains`, problem: 'must be greater than 0', got: c.minDomains });
      if (when !== 'DoNotSchedule') out.push({ path: `${at}.minDomains`, problem: `can only be used with whenUnsatisfiable DoNotSchedule (got ${when})`, got: c.minDomains });
    }
    for (const key of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (typeof c[key] === 'string' && !NODE_INCLUSION_POLICIES.includes(c[key])) out.push({ path: `${at}.${key}`, problem: 'must be one of "Honor", "Ignore"', got: c[key] });
    }
    for (const p of labelSelectorProblems(c.labelSelector)) out.push({ path: `${at}.labelSelector.${p.path.map(String).join('.')}`, problem: p.problem, got: p.value });
  });
  return out;
}
