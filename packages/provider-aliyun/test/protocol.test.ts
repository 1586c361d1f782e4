import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { validate, type IncomingResponse } from '@mixtask/core/adapter';
import { aliyunProtocol, aliyunProviderOptionsCodec, safeProviderMessage } from '@mixtask/provider-aliyun/signing';

const protocol = aliyunProtocol('app');
const read = (status: number, body: unknown, headers: IncomingResponse['headers'] = {}) =>
  protocol.readResponse({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('readResponse', () => {
  it('2xx with a RequestId and no Code is success', () => {
    expect(read(200, { RequestId: 'R' })).toEqual(E.right({ requestId: 'R' }));
    // Only the body's RequestId proves the API answered; the header one is kept on the error.
    expect(read(200, {}, { 'x-acs-request-id': 'H' })).toEqual(
      E.left({
        tag: 'MalformedResponse',
        reason: 'an answer without a Code or a RequestId',
        httpStatus: 200,
        requestId: 'H',
      }),
    );
    expect(E.isLeft(read(200, { RequestId: '' }))).toBe(true);
    expect(E.isLeft(read(200, { RequestId: '  ' }))).toBe(true);
  });

  it('classifies by Code whatever the status, keeping the raw fields and the diagnostics', () => {
    const envelope = {
      RequestId: 'R',
      HostId: 'live.aliyuncs.com',
      Code: 'Forbidden.RAM',
      Message: 'no',
      Recommend: 'https://x',
    };
    for (const status of [200, 400, 403, 500]) {
      expect(read(status, envelope)).toEqual(
        E.left({
          tag: 'PermissionDenied',
          providerCode: 'Forbidden.RAM',
          providerMessage: 'no',
          requestId: 'R',
          httpStatus: status,
          details: { recommend: 'https://x', hostId: 'live.aliyuncs.com' },
        }),
      );
    }
    expect(read(400, { Code: 'SignatureNonceUsed' })).toEqual(
      E.left({ tag: 'AuthenticationFailed', retryable: true, providerCode: 'SignatureNonceUsed', httpStatus: 400 }),
    );
  });

  it("reads x-acs-retry-after as ms (positive integers only); the standard Retry-After is the runner's", () => {
    const throttled = (headers: IncomingResponse['headers']) => {
      const result = read(400, { Code: 'Throttling.User', RequestId: 'R' }, headers);
      return E.isLeft(result) ? result.left.retryAfterMs : 'success';
    };
    expect(throttled({ 'x-acs-retry-after': '1200' })).toBe(1200);
    expect(throttled({ 'x-acs-retry-after': ['800', '900'] })).toBe(800);
    expect(throttled({ 'x-acs-retry-after': '0' })).toBeUndefined();
    expect(throttled({ 'x-acs-retry-after': '-1' })).toBeUndefined();
    expect(throttled({ 'x-acs-retry-after': '1.5' })).toBeUndefined();
    expect(throttled({ 'x-acs-retry-after': 'soon', 'retry-after': '2' })).toBeUndefined();
    expect(throttled({})).toBeUndefined();
    // Reported on any answer: whether a wait counts (RateLimited, ProviderUnavailable only) is the runner's rule.
    const forbidden = read(403, { Code: 'Forbidden' }, { 'x-acs-retry-after': '100' });
    expect(E.isLeft(forbidden) && forbidden.left.retryAfterMs).toBe(100);
  });

  it('a body that is not the envelope is classified by status, never thrown', () => {
    const tag = (status: number, body: string) => {
      const result = read(status, body);
      return E.isLeft(result) ? result.left.tag : 'success';
    };
    expect(tag(503, '<html>down</html>')).toBe('ProviderUnavailable');
    expect(tag(429, '')).toBe('RateLimited');
    expect(tag(408, 'timeout')).toBe('Timeout');
    expect(tag(200, '<?xml version="1.0"?><Response/>')).toBe('MalformedResponse');
    expect(tag(200, 'null')).toBe('MalformedResponse');
    expect(tag(200, '"RequestId"')).toBe('MalformedResponse');
    expect(tag(400, '{"Code":{"nested":true}}')).toBe('MalformedResponse');
    const proxy = read(503, '<html>busy</html>', { 'x-acs-retry-after': '700', 'x-acs-request-id': 'H' });
    expect(proxy).toEqual(
      E.left({
        tag: 'ProviderUnavailable',
        reason: 'the body is not JSON',
        httpStatus: 503,
        requestId: 'H',
        retryAfterMs: 700,
      }),
    );
  });
});

describe('safeProviderMessage', () => {
  it('withholds a string-to-sign, signatures and long tokens, and keeps the rest', () => {
    expect(
      safeProviderMessage('Specified signature does not match. server string to sign is:ACS3-HMAC-SHA256\nabc'),
    ).toBe('Specified signature does not match. server string to sign is: [withheld]');
    expect(safeProviderMessage(`sig ${'a1'.repeat(32)} bad`)).toBe('sig [withheld] bad');
    expect(safeProviderMessage(`token ${'Ab+/'.repeat(30)} bad`)).toBe('token [withheld] bad');
    expect(safeProviderMessage('word '.repeat(150))).toHaveLength(501);
    expect(safeProviderMessage('The specified task does not exist.')).toBe('The specified task does not exist.');
  });
});

describe('aliyunProviderOptionsCodec', () => {
  const base = { credentials: { accessKeyId: 'ak', accessKeySecret: 'sk' }, appId: 'app' };

  it('accepts the documented shapes, STS and credential functions included', () => {
    expect(E.isRight(validate(aliyunProviderOptionsCodec, base))).toBe(true);
    expect(E.isRight(validate(aliyunProviderOptionsCodec, { ...base, credentials: () => base.credentials }))).toBe(
      true,
    );
    const sts = { ...base, credentials: { ...base.credentials, securityToken: 't' }, appId: 'A-z_0'.repeat(12) };
    expect(E.isRight(validate(aliyunProviderOptionsCodec, sts))).toBe(true);
  });

  it('names the bad field by path and never echoes its value', () => {
    const problems = (input: unknown) => {
      const result = validate(aliyunProviderOptionsCodec, input);
      return E.isLeft(result) ? result.left : [];
    };
    expect(problems({ ...base, appId: 'a&TaskId=x' })).toEqual([
      'appId: expected an AppId of 1 to 64 letters, digits, _ or -, got a string',
    ]);
    expect(problems({ credentials: base.credentials })[0]).toMatch(/^appId: /);
    const badSecret = problems({ ...base, credentials: { accessKeyId: 'ak', accessKeySecret: 'with space-SECRET' } });
    expect(badSecret.join('\n')).toContain('credentials.accessKeySecret');
    expect(badSecret.join('\n')).not.toContain('SECRET');
    expect(problems({ ...base, endpoint: 'http://live.aliyuncs.com' })[0]).toMatch(/^endpoint: /);
  });
});
