/**
 * Maps whatever the client library throws (an `ApiException` with a JSON `Status` body as a
 * string, a watch error carrying `statusCode`, a node-fetch `FetchError`, an in-stream watch
 * `ERROR` event) to one typed error the runtime can branch on.
 */

/** What went wrong, in the terms the runtime reacts to. */
export type KubeErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Gone'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'TooManyRequests'
  | 'ServerError'
  | 'Network'
  | 'Aborted'
  /** Not sent: the write fence (a leader lease no longer valid) refused it. */
  | 'Fenced'
  | 'Unknown';

/** A failed API call. `status` is the HTTP status (0 when no response arrived). */
export class KubeApiError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    readonly status: number,
    message: string,
    /** For 429 (and 503) responses: how long the server asked us to wait, from `Retry-After`. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** Worth retrying later without changing the request. */
  get retryable(): boolean {
    return ['TooManyRequests', 'ServerError', 'Network', 'Conflict', 'Gone', 'Unknown'].includes(this.kind);
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
  code?: number;
}

const KIND_BY_STATUS: Record<number, KubeErrorKind> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  415: 'BadRequest',
  422: 'Invalid',
  429: 'TooManyRequests',
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

function parseStatusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : { message: body };
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

function kindForStatus(status: number, reason?: string): KubeErrorKind {
  if (status === 409 && reason === 'AlreadyExists') return 'AlreadyExists';
  if (KIND_BY_STATUS[status]) return KIND_BY_STATUS[status];
  return status >= 500 ? 'ServerError' : 'Unknown';
}

/** Builds the error for an HTTP status with an optional `Status` body and headers. */
export function errorFromStatus(status: number, body?: unknown, headers?: unknown): KubeApiError {
  const parsed = parseStatusBody(body);
  const kind = kindForStatus(status, parsed.reason);
  const detail = parsed.message ?? parsed.reason ?? `HTTP ${status}`;
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'));
  return new KubeApiError(kind, status, `${status} ${parsed.reason ?? kind}: ${detail}`, retryAfter);
}

function isAbort(err: { name?: string; type?: string }): boolean {
  return err.name === 'AbortError' || err.type === 'aborted';
}

function networkError(err: { code?: string; errno?: string; message?: string; type?: string }): KubeApiError | undefined {
  const code = err.code ?? err.errno;
  if ((code && NETWORK_CODES.has(code)) || err.type === 'system' || err.type === 'request-timeout') {
    return new KubeApiError('Network', 0, `cannot reach the API server: ${err.message ?? code}`);
  }
  return undefined;
}

/** Turns anything thrown by the client library into a `KubeApiError`. */
export function toKubeApiError(err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (typeof err !== 'object' || err === null) return new KubeApiError('Unknown', 0, String(err));
  const e = err as { code?: unknown; statusCode?: number; body?: unknown; headers?: unknown; message?: string; name?: string };
  if (typeof e.code === 'number') return errorFromStatus(e.code, e.body, e.headers);
  if (typeof e.statusCode === 'number') return errorFromStatus(e.statusCode, e.body ?? e.message, e.headers);
  if (isAbort(e as { name?: string })) return new KubeApiError('Aborted', 0, 'request aborted');
  return networkError(e as { code?: string }) ?? new KubeApiError('Unknown', 0, e.message ?? String(err));
}

/** The error an in-stream watch `ERROR` event carries (e.g. 410 Expired). */
export function errorFromWatchStatus(object: unknown): KubeApiError {
  const status = parseStatusBody(object);
  return errorFromStatus(typeof status.code === 'number' ? status.code : 500, status);
}
