/**
 * HTTP plumbing of the emulated API server: request-path parsing into API request info (as
 * the API server's RequestInfoFactory does), body decoding, and JSON / `Status` answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { findResource, type ResourceType } from './resources.ts';
import { StoreError, type StatusReason } from './types.ts';

/** The subresources served: `status` of kinds with a status, `eviction` of pods. */
export type Subresource = 'status' | 'eviction';

function servesSubresource(resource: ResourceType, sub: string | undefined): boolean {
  if (sub === undefined) return true;
  if (sub === 'status') return resource.status;
  return sub === 'eviction' && resource.kind === 'Pod' && resource.group === '';
}

/** A request for a resource, decoded from its path, method and query. */
export interface ResourceRequest {
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  /** `status`, or `eviction` (POST only, of pods). */
  readonly subresource?: Subresource;
  readonly verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  readonly query: URLSearchParams;
}

const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  406: 'NotAcceptable',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The Status reason the API server uses for an HTTP code. */
export function reasonFor(code: number): StatusReason {
  return REASON_BY_CODE[code] ?? 'InternalError';
}

/** A `metav1.Status` failure object. */
export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: ReadonlyArray<{ field: string; message: string; reason: string }>;
    retryAfterSeconds?: number;
  };
}

/** Reasons whose Status names the resource in `details` (the API server's NewNotFound, NewConflict, NewInvalid, ...). */
const QUALIFIED_REASONS = new Set<StatusReason>(['NotFound', 'AlreadyExists', 'Conflict', 'Invalid', 'Forbidden', 'Gone']);

/**
 * Builds the `Status` object for a `StoreError`, with details naming the request's resource
 * (or what the error is `about`); an empty group is left out, as the API server serialises it.
 * Plain bad requests carry no details.
 */
export function statusOf(err: StoreError, req?: Pick<ResourceRequest, 'resource' | 'name'>): StatusObject {
  const status: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code };
  // A Status a handler returned without a reason (metav1.StatusReasonUnknown) has none in JSON.
  if (!err.reason) delete (status as Partial<StatusObject>).reason;
  const details = detailsOf(err, req !== undefined && QUALIFIED_REASONS.has(err.reason) ? req : undefined);
  // The API server's 405 carries empty details.
  if (Object.keys(details).length > 0 || err.reason === 'MethodNotAllowed') status.details = details;
  return status;
}

/** The group and kind the details name: what the error is about, or the request's resource (its kind for Invalid, else its plural). */
function aboutOf(err: StoreError, req: Pick<ResourceRequest, 'resource' | 'name'> | undefined): { group: string; kind: string } | undefined {
  if (err.about) return err.about;
  if (!req) return undefined;
  return { group: req.resource.group, kind: err.reason === 'Invalid' ? req.resource.kind : req.resource.plural };
}

/** The Status details: name, group and kind (an empty group left out) and causes. */
function detailsOf(err: StoreError, req: Pick<ResourceRequest, 'resource' | 'name'> | undefined): NonNullable<StatusObject['details']> {
  const details: NonNullable<StatusObject['details']> = {};
  const name = err.about ? err.objectName : (req?.name ?? err.objectName);
  if (name) details.name = name;
  const about = aboutOf(err, req);
  if (about?.group) details.group = about.group;
  if (about?.kind) details.kind = about.kind;
  if (err.causes.length > 0) details.causes = err.causes;
  return details;
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers with a `Status` for `err` (a `StoreError`, or a 500 for anything else). */
export function sendError(
  res: ServerResponse,
  err: unknown,
  req?: Pick<ResourceRequest, 'resource' | 'name'>,
  extra: { retryAfterSeconds?: number } = {},
): void {
  const storeError = err instanceof StoreError ? err : new StoreError(500, 'InternalError', `an error on the server has prevented the request from succeeding: ${String(err)}`);
  const status = statusOf(storeError, req);
  const headers: Record<string, string> = {};
  const retryAfterSeconds = extra.retryAfterSeconds ?? storeError.retryAfterSeconds;
  if (retryAfterSeconds !== undefined) {
    status.details = { ...status.details, retryAfterSeconds };
    headers['Retry-After'] = String(retryAfterSeconds);
  }
  sendJson(res, storeError.code, status, headers);
}

/** Reads the whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Decodes a JSON (or YAML) request body; an empty body is `undefined`. Throws 400 on bad syntax. */
export function decodeBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined;
  try {
    return /yaml/i.test(contentType ?? '') && !/apply-patch/i.test(contentType ?? '') ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new StoreError(400, 'BadRequest', `the request body could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

type Verb = ResourceRequest['verb'];

const VERBS_BY_METHOD: Readonly<Record<string, [Verb, Verb]>> = {
  // [verb on a named object, verb on the collection]
  GET: ['get', 'list'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['delete', 'deletecollection'],
};

function verbOf(method: string, named: boolean, query: URLSearchParams): Verb | undefined {
  const verbs = VERBS_BY_METHOD[method];
  if (!verbs) return undefined;
  const verb = named ? verbs[0] : verbs[1];
  const watch = query.get('watch');
  return verb === 'list' && (watch === 'true' || watch === '1') ? 'watch' : verb;
}

function pathSegments(pathname: string): string[] {
  try {
    return pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  } catch {
    throw new StoreError(400, 'BadRequest', `the request path ${JSON.stringify(pathname)} is not valid percent-encoding`);
  }
}

/** `{group, version, rest}` of an `/api/v1/...` or `/apis/<group>/<version>/...` path. */
function splitApiPath(segments: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (segments[0] === 'api' && segments.length >= 2) return { group: '', version: segments[1], rest: segments.slice(2) };
  if (segments[0] === 'apis' && segments.length >= 3) return { group: segments[1], version: segments[2], rest: segments.slice(3) };
  return undefined;
}

/** Splits `rest` into namespace, plural, name and subresource. */
function splitResource(group: string, version: string, rest: string[]): { namespace?: string; parts: string[] } {
  if (rest[0] === 'namespaces' && rest.length >= 3 && findResource(group, version, rest[2])?.namespaced) {
    return { namespace: rest[1], parts: rest.slice(2) };
  }
  return { parts: rest };
}

/**
 * Decodes a resource request, or returns `undefined` for a non-resource path (discovery,
 * `/version`). Throws 404 for an unknown resource or subresource and 405 for an unknown method.
 */
export function parseResourceRequest(method: string, url: URL): ResourceRequest | undefined {
  const segments = pathSegments(url.pathname);
  const api = splitApiPath(segments);
  if (!api || api.rest.length === 0) return undefined;
  const { namespace, parts } = splitResource(api.group, api.version, api.rest);
  const resource = findResource(api.group, api.version, parts[0]);
  if (!resource || parts.length > 3 || !servesSubresource(resource, parts[2])) {
    throw new StoreError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const verb = verbOf(method, parts[1] !== undefined, url.searchParams);
  if (!verb || (parts[2] === 'eviction' && verb !== 'create')) {
    throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  return { resource, namespace, name: parts[1], subresource: parts[2] as Subresource | undefined, verb, query: url.searchParams };
}
