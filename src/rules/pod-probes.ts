/**
 * Probes and lifecycle hooks of the pod template's containers (`validateProbe`,
 * `validateLivenessProbe`/`Readiness`/`Startup`, `validateHandler` and `validateLifecycle` in
 * pkg/apis/core/validation/validation.go): exactly one handler, each handler's own fields (exec
 * command, HTTP and TCP ports as numbers or port names, gRPC port and mode, HTTP scheme and
 * header names), non-negative timings, successThreshold 1 except for readiness, a
 * terminationGracePeriodSeconds that is positive and never on a readiness probe. Init containers
 * other than sidecars take no probes and no lifecycle.
 */
import { podSpec } from './job-rule-kit';
import { isObject } from './json';
import { ContainerAt, atLeast, podAt } from './pod-kit';
import { Finding, RuleContext } from './types';

/** `validation.IsValidPortName` (an IANA service name). */
export function portNameErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen');
  return out;
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** `ValidatePortNumOrName`: a number 1–65535 or an IANA port name (an unset port is 0). */
function portFindings(port: unknown, at: string, out: Finding[]): void {
  if (typeof port === 'string') {
    for (const e of portNameErrors(port)) out.push({ path: at, problem: e, got: port, fix: 'use a port number from 1 to 65535 or the name of a container port' });
  } else if (port === undefined || (typeof port === 'number' && (port < 1 || port > 65535))) {
    out.push({ path: at, problem: PORT_RANGE, got: port ?? 0, fix: 'use a port number from 1 to 65535' });
  }
}

const HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** What a handler check needs beyond the handler: the pod's grace period and whether a zero sleep is allowed. */
interface HandlerEnv {
  readonly grace: unknown;
  readonly zeroSleep: boolean;
}

type HandlerCheck = (h: Record<string, any>, at: string, out: Finding[], env: HandlerEnv) => void;

const HANDLER_CHECKS: Readonly<Record<string, HandlerCheck>> = {
  exec: (h, at, out) => {
    if (!Array.isArray(h.command) || h.command.length === 0) out.push({ path: `${at}.command`, problem: 'is required', fix: 'set the command to run' });
  },
  httpGet: (h, at, out) => {
    // path defaults to "/" and scheme to HTTP (SetDefaults_HTTPGetAction).
    portFindings(h.port, `${at}.port`, out);
    if (typeof h.scheme === 'string' && h.scheme !== '' && h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') {
      out.push({ path: `${at}.scheme`, problem: 'must be one of "HTTP", "HTTPS"', got: h.scheme });
    }
    for (const header of Array.isArray(h.httpHeaders) ? h.httpHeaders : []) {
      const name = isObject(header) && typeof header.name === 'string' ? header.name : '';
      if (!HEADER_NAME.test(name)) out.push({ path: `${at}.httpHeaders`, problem: "header names must consist of alphanumeric characters or '-'", got: name });
    }
  },
  tcpSocket: (h, at, out) => portFindings(h.port, `${at}.port`, out),
  grpc: (h, at, out) => {
    portFindings(h.port, `${at}.port`, out);
  },
  sleep: (h, at, out, { grace, zeroSleep }) => {
    // validateSleepAction: 0 allowed from 1.33 (PodLifecycleSleepActionAllowZero on by default).
    const seconds = typeof h.seconds === 'number' ? h.seconds : 0;
    if (typeof grace !== 'number') return;
    if (seconds < (zeroSleep ? 0 : 1) || seconds > grace) {
      out.push({ path: at, problem: `seconds must be ${zeroSleep ? 'non-negative' : 'greater than 0'} and at most terminationGracePeriodSeconds (${grace})`, got: seconds, fix: 'sleep for less than the pod terminationGracePeriodSeconds' });
    }
  },
};

/** `validateHandler`: exactly one handler of `kinds`, and that handler's fields. */
function handlerFindings(h: Record<string, any>, kinds: readonly string[], at: string, out: Finding[], env: HandlerEnv): void {
  let first: string | undefined;
  for (const k of kinds) {
    if (h[k] === undefined || h[k] === null) continue;
    if (first !== undefined) {
      out.push({ path: `${at}.${k}`, problem: 'may not specify more than 1 handler type', got: [first, k], fix: `keep only ${first}` });
      continue;
    }
    first = k;
    HANDLER_CHECKS[k](isObject(h[k]) ? h[k] : {}, `${at}.${k}`, out, env);
  }
  if (first === undefined) out.push({ path: at, problem: `must specify a handler type (one of ${kinds.join(', ')})` });
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
/** Before 1.30 the sleep action is alpha (1.29, dropped) or absent (1.28). */
const LIFECYCLE_HANDLERS_OLD = ['exec', 'httpGet', 'tcpSocket'];
const PROBE_COUNTS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

function probeFieldFindings(kind: typeof PROBES[number], p: Record<string, any>, at: string, out: Finding[], env: HandlerEnv): void {
  handlerFindings(p, PROBE_HANDLERS, at, out, env);
  for (const key of PROBE_COUNTS) {
    if (typeof p[key] === 'number' && p[key] < 0) out.push({ path: `${at}.${key}`, problem: 'must be greater than or equal to 0', got: p[key] });
  }
  // successThreshold 0 is defaulted to 1 (SetDefaults_Probe).
  if (kind !== 'readinessProbe' && typeof p.successThreshold === 'number' && p.successThreshold !== 0 && p.successThreshold !== 1) {
    out.push({ path: `${at}.successThreshold`, problem: 'must be 1', got: p.successThreshold });
  }
  const grace = p.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace <= 0) out.push({ path: `${at}.terminationGracePeriodSeconds`, problem: 'must be greater than 0', got: grace });
  if (kind === 'readinessProbe' && typeof grace === 'number') {
    out.push({ path: `${at}.terminationGracePeriodSeconds`, problem: 'must not be set for readinessProbes', got: grace, fix: 'remove terminationGracePeriodSeconds from the readiness probe (a readiness failure never kills the container)' });
  }
}

/** The probe and lifecycle findings of one container (`ProbeInvalid`). */
export function probeFindings(ctx: RuleContext, { c, list, i, sidecar }: ContainerAt): Finding[] {
  const out: Finding[] = [];
  const initOnly = list === 'initContainers' && !sidecar;
  const env: HandlerEnv = { grace: podSpec(ctx).terminationGracePeriodSeconds, zeroSleep: atLeast(ctx, 33) };
  if (isObject(c.lifecycle)) {
    const at = podAt(ctx, list, i, 'lifecycle');
    if (initOnly) {
      out.push({ path: at, problem: 'may not be set for init containers without restartPolicy=Always', fix: 'remove lifecycle, or make the init container a sidecar (restartPolicy: Always)' });
    } else {
      for (const hook of ['postStart', 'preStop']) {
        if (isObject(c.lifecycle[hook])) handlerFindings(c.lifecycle[hook], atLeast(ctx, 30) ? LIFECYCLE_HANDLERS : LIFECYCLE_HANDLERS_OLD, `${at}.${hook}`, out, env);
      }
    }
  }
  for (const kind of PROBES) {
    const p = c[kind];
    if (!isObject(p)) continue;
    const at = podAt(ctx, list, i, kind);
    if (initOnly) out.push({ path: at, problem: 'may not be set for init containers without restartPolicy=Always', fix: 'remove the probe, or make the init container a sidecar (restartPolicy: Always)' });
    else probeFieldFindings(kind, p, at, out, env);
  }
  return out;
}
