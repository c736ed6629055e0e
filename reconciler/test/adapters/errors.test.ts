import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { KubeApiError, errorFromWatchStatus, parseRetryAfter, toKubeApiError } from '../../src/adapters/errors.ts';

function apiException(code: number, body: unknown, headers: Record<string, string> = {}): ApiException<unknown> {
  return new ApiException(code, 'Unknown API Status Code!', body, headers);
}

describe('toKubeApiError', () => {
  const cases: Array<[number, string, KubeApiError['kind']]> = [
    [400, 'BadRequest', 'BadRequest'],
    [401, 'Unauthorized', 'Unauthorized'],
    [403, 'Forbidden', 'Forbidden'],
    [404, 'NotFound', 'NotFound'],
    [409, 'Conflict', 'Conflict'],
    [409, 'AlreadyExists', 'AlreadyExists'],
    [410, 'Expired', 'Gone'],
    [415, 'UnsupportedMediaType', 'BadRequest'],
    [422, 'Invalid', 'Invalid'],
    [429, 'TooManyRequests', 'TooManyRequests'],
    [500, 'InternalError', 'ServerError'],
    [503, 'ServiceUnavailable', 'ServerError'],
  ];
  for (const [code, reason, kind] of cases) {
    it(`maps ${code} ${reason} to ${kind}`, () => {
      // GIVEN the Status body as client-node 1.x delivers it: a JSON string
      const err = apiException(code, JSON.stringify({ kind: 'Status', code, reason, message: `the message for ${code}` }));
      // WHEN
      const mapped = toKubeApiError(err);
      // THEN
      assert.equal(mapped.kind, kind);
      assert.equal(mapped.status, code);
      assert.equal(mapped.message, `${code} ${reason}: the message for ${code}`);
    });
  }

  it('reads Retry-After from a 429', () => {
    const mapped = toKubeApiError(apiException(429, '{"reason":"TooManyRequests"}', { 'Retry-After': '3' }));
    assert.equal(mapped.retryAfterMs, 3000);
    assert.equal(mapped.retryable, true);
  });

  it('keeps a non-JSON body as the message', () => {
    assert.equal(toKubeApiError(apiException(502, 'upstream connect error')).message, '502 ServerError: upstream connect error');
  });

  it('maps a watch error with statusCode', () => {
    const mapped = toKubeApiError(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    assert.equal(mapped.kind, 'Forbidden');
  });

  it('maps connection failures to Network', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND']) {
      const mapped = toKubeApiError(Object.assign(new Error(`connect ${code}`), { code }));
      assert.equal(mapped.kind, 'Network');
      assert.match(mapped.message, /^cannot reach the API server: connect /);
    }
    assert.equal(toKubeApiError(Object.assign(new Error('request failed'), { type: 'system', errno: 'ECONNREFUSED' })).kind, 'Network');
  });

  it('maps an abort to Aborted and anything else to Unknown', () => {
    assert.equal(toKubeApiError(Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' })).kind, 'Aborted');
    assert.equal(toKubeApiError('boom').kind, 'Unknown');
    assert.equal(toKubeApiError(new Error('odd')).message, 'odd');
  });

  it('does not treat client errors as retryable', () => {
    assert.equal(toKubeApiError(apiException(422, '{}')).retryable, false);
    assert.equal(toKubeApiError(apiException(404, '{}')).retryable, false);
  });
});

describe('errorFromWatchStatus', () => {
  it('turns an in-stream ERROR Status into Gone', () => {
    const err = errorFromWatchStatus({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' });
    assert.equal(err.kind, 'Gone');
    assert.equal(err.status, 410);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('1.5'), 1500);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
