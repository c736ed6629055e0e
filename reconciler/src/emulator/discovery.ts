/**
 * Non-resource endpoints of the emulated API server: `/version`, legacy discovery
 * (`/api`, `/apis`, `/api/v1`, `/apis/<group>[/<version>]`) as kubectl and client-node
 * read it, a minimal OpenAPI v3 (operations without schemas: enough for kubectl to see that
 * the server validates fields itself), and health endpoints. Anything else (including
 * `/openapi/v2`) is 404.
 */
import { apiGroups, groupVersion, RESOURCES, VERBS, type ResourceType } from './resources.ts';

/** A non-resource answer: status, body and content type. */
export interface PlainAnswer {
  readonly code: number;
  readonly body: unknown;
  readonly text?: boolean;
}

/** The `/version` body for a minor version such as `"1.31"`. */
export function versionInfo(kubernetesVersion: string): Record<string, string> {
  const [major, minor] = kubernetesVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.0`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const STATUS_VERBS = ['get', 'patch', 'update'];

function resourceEntries(r: ResourceType): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS };
  if (r.shortNames) main.shortNames = r.shortNames;
  if (r.categories) main.categories = r.categories;
  const out = [main];
  if (r.status) out.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: STATUS_VERBS });
  if (r.kind === 'Pod' && r.group === '') out.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  return out;
}

function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const rows = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rows.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: rows.flatMap(resourceEntries) };
}

function groupEntry(group: { group: string; versions: string[] }): Record<string, unknown> {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.group}/${version}`, version }));
  return { name: group.group, versions, preferredVersion: versions[0] };
}

function notFound(): PlainAnswer {
  return {
    code: 404,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404, details: {} },
  };
}

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({ name, in: 'query', schema: { type: 'string' }, uniqueItems: true }));

function operation(r: ResourceType, action: string): Record<string, unknown> {
  return {
    operationId: `${action}${r.kind}`,
    parameters: action === 'get' || action === 'list' ? [] : WRITE_PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

function openApiPaths(r: ResourceType): Record<string, unknown> {
  const base = `/${r.group ? `apis/${r.group}` : 'api'}/${r.version}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  return {
    [base]: { get: operation(r, 'list'), post: operation(r, 'post'), delete: operation(r, 'deletecollection') },
    [`${base}/{name}`]: { get: operation(r, 'get'), put: operation(r, 'put'), patch: operation(r, 'patch'), delete: operation(r, 'delete') },
  };
}

/** `/openapi/v3` (the index) and `/openapi/v3/<api|apis/group>/<version>` (the operations of a group version). */
function openApiV3(pathname: string): PlainAnswer {
  const gvs = [...new Set(RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))];
  if (pathname === '/openapi/v3') {
    return { code: 200, body: { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=emulator` }])) } };
  }
  const gv = pathname.slice('/openapi/v3/'.length);
  if (!gvs.includes(gv)) return notFound();
  const paths = Object.assign({}, ...RESOURCES.filter((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gv).map(openApiPaths));
  return { code: 200, body: { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'emulator' }, paths, components: { schemas: {} } } };
}

function apisAnswer(segments: string[]): PlainAnswer {
  if (segments.length === 1) return { code: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map(groupEntry) } };
  const group = apiGroups().find((g) => g.group === segments[1]);
  if (!group) return notFound();
  if (segments.length === 2) return { code: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) } };
  const list = segments.length === 3 ? resourceList(segments[1], segments[2]) : undefined;
  return list ? { code: 200, body: list } : notFound();
}

/** Answers a GET of a non-resource path. */
export function discovery(pathname: string, kubernetesVersion: string, serverAddress: string): PlainAnswer {
  if (HEALTH.has(pathname)) return { code: 200, body: 'ok', text: true };
  if (pathname === '/version') return { code: 200, body: versionInfo(kubernetesVersion) };
  if (pathname.startsWith('/openapi/v3')) return openApiV3(pathname);
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (pathname === '/api') {
    return { code: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] } };
  }
  if (segments[0] === 'api' && segments.length === 2) {
    const list = resourceList('', segments[1]);
    return list ? { code: 200, body: list } : notFound();
  }
  if (segments[0] === 'apis') return apisAnswer(segments);
  return notFound();
}
