import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { IncomingResponse } from '@mixtask/core/adapter';
import { signTc3, tencentProtocol } from '@mixtask/provider-tencent/signing';

const credentials = { secretId: 'AKIDexample', secretKey: 'example-secret-key' };
const timestampMs = Date.UTC(2025, 2, 4, 23, 59, 59, 750);

describe('validateId', () => {
  const { validateId } = tencentProtocol();

  it('accepts 1 to 80 letters, digits and underscores', () => {
    for (const id of ['a', 'room_1', 'A_b_9', 'x'.repeat(80)]) expect(validateId(id)).toEqual(E.right(id));
  });

  it('refuses anything else, non-strings included, as InvalidArgument', () => {
    for (const id of [
      '',
      'x'.repeat(81),
      'room-1',
      'room 1',
      'a&b',
      '房间',
      'a\n',
      null,
      undefined,
      7,
      {},
      [],
      Symbol('s'),
    ]) {
      const result = validateId(id);
      expect(E.isLeft(result) && result.left.tag).toBe('InvalidArgument');
    }
  });
});

describe('buildRequest', () => {
  const build = (settings = {}, extra = {}) =>
    tencentProtocol(settings).buildRequest({
      id: 'room_1',
      credentials: { ...credentials, ...extra },
      endpoint: new URL('http://127.0.0.1:8080'),
      timestampMs,
      nonce: 'f'.repeat(32),
    });

  it('POSTs the JSON body to / with the API 3.0 headers, signing content-type and host (port included)', () => {
    const request = build();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://127.0.0.1:8080/');
    expect(request.body).toBe('{"MixStreamSessionId":"room_1"}');
    const timestamp = Math.floor(timestampMs / 1000);
    const expected = signTc3({
      method: 'POST',
      path: '/',
      query: '',
      signedHeaders: { 'content-type': 'application/json', host: '127.0.0.1:8080' },
      payload: request.body,
      ...credentials,
      timestamp,
      service: 'live',
    });
    expect(request.headers).toEqual({
      Host: '127.0.0.1:8080',
      'Content-Type': 'application/json',
      'X-TC-Action': 'CancelCommonMixStream',
      'X-TC-Version': '2018-08-01',
      'X-TC-Timestamp': String(timestamp),
      Authorization: expected.authorization,
    });
    // The scope's date is the UTC one and the service is live, whatever the host.
    expect(request.headers.Authorization).toContain('/2025-03-04/live/tc3_request, SignedHeaders=content-type;host,');
  });

  it('adds X-TC-Token only with a session token and X-TC-Language only when set; never X-TC-Region', () => {
    const plain = build();
    expect(Object.keys(plain.headers)).not.toContain('X-TC-Token');
    expect(Object.keys(plain.headers)).not.toContain('X-TC-Language');
    const full = build({ language: 'en-US' }, { sessionToken: 'token-1' });
    expect(full.headers['X-TC-Token']).toBe('token-1');
    expect(full.headers['X-TC-Language']).toBe('en-US');
    expect(Object.keys(full.headers).map((h) => h.toLowerCase())).not.toContain('x-tc-region');
  });

  it('uses the endpoint host without a port for the cloud', () => {
    const request = tencentProtocol().buildRequest({
      id: 'room_1',
      credentials,
      endpoint: new URL('https://live.intl.tencentcloudapi.com'),
      timestampMs,
      nonce: '',
    });
    expect(request.url).toBe('https://live.intl.tencentcloudapi.com/');
    expect(request.headers.Host).toBe('live.intl.tencentcloudapi.com');
  });
});

describe('readResponse', () => {
  const { readResponse } = tencentProtocol();
  const response = (body: string, status = 200, headers: IncomingResponse['headers'] = {}): IncomingResponse => ({
    status,
    headers,
    body,
  });
  const failure = (r: IncomingResponse) => {
    const read = readResponse(r);
    if (E.isRight(read)) throw new Error('expected a failure');
    return read.left;
  };

  it('reads the request id of a success', () => {
    expect(readResponse(response('{"Response":{"RequestId":"r-1"}}'))).toEqual(E.right({ requestId: 'r-1' }));
  });

  it('classifies an error envelope by code, keeping code, message and request id', () => {
    expect(
      failure(
        response(
          '{"Response":{"Error":{"Code":"FailedOperation.CancelSessionNotExist","Message":"gone"},"RequestId":"r-2"}}',
        ),
      ),
    ).toEqual({
      tag: 'SessionNotFound',
      providerCode: 'FailedOperation.CancelSessionNotExist',
      providerMessage: 'gone',
      requestId: 'r-2',
    });
    expect(
      failure(response('{"Response":{"Error":{"Code":"Brand.NewCode","Message":"?"},"RequestId":"r-3"}}')),
    ).toMatchObject({
      tag: 'Unknown',
      providerCode: 'Brand.NewCode',
    });
  });

  it("leaves a throttled answer's Retry-After to the runner (which reads it against its clock)", () => {
    const throttled = failure(
      response('{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r"}}', 200, {
        'retry-after': '2',
      }),
    );
    expect(throttled).toMatchObject({ tag: 'RateLimited' });
    expect(throttled).not.toHaveProperty('retryAfterMs');
  });

  it('classifies a non-200 carrying an envelope by its code, and keeps the status', () => {
    expect(
      failure(
        response('{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"x"},"RequestId":"r"}}', 403),
      ),
    ).toMatchObject({
      tag: 'AuthenticationFailed',
      httpStatus: 403,
      providerCode: 'AuthFailure.SignatureFailure',
    });
  });

  it('classifies a non-200 without an envelope by its status', () => {
    expect(failure(response('<html>Bad Gateway</html>', 502))).toMatchObject({
      tag: 'ProviderUnavailable',
      httpStatus: 502,
    });
    expect(failure(response('', 429, { 'retry-after': '1' }))).toMatchObject({ tag: 'RateLimited', httpStatus: 429 });
    expect(failure(response('{"Response":{"RequestId":"r"}}', 404))).toMatchObject({
      tag: 'MalformedResponse',
      httpStatus: 404,
    });
    expect(failure(response('nope', 401))).toMatchObject({ tag: 'AuthenticationFailed' });
  });

  it('calls a 200 that is not the envelope MalformedResponse', () => {
    for (const body of [
      '',
      '<html></html>',
      '{"Response":',
      'null',
      '[]',
      '{}',
      '{"Response":{}}',
      '{"Response":{"RequestId":7}}',
      '{"Response":{"Error":{"Message":"no code"},"RequestId":"r"}}',
    ]) {
      expect(failure(response(body))).toMatchObject({ tag: 'MalformedResponse', httpStatus: 200 });
    }
  });
});
