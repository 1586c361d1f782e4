import { describe, expect, it } from '@jest/globals';
import { signTc3, tencentProtocol } from '@mixtask/provider-tencent/signing';
import { type TencentCredentials } from '@mixtask/provider-tencent';
import { createTencentHalf, type VendorContext } from '../src/tencent.js';
import type { ReceivedRequest, VendorResponse } from '../src/vendor.js';

const endpoint = new URL('http://127.0.0.1:4321');
const start = Date.UTC(2025, 0, 1, 12, 0, 0);

function setup(context: Partial<VendorContext> = {}) {
  let time = start;
  const { half, api } = createTencentHalf({ now: () => time, requestsPerSecond: 100, ...context });
  /** A request exactly as the adapter would send it, received at the emulator's current time. */
  const signed = (
    id: string,
    options: { credentials?: TencentCredentials; signedAt?: number; language?: 'zh-CN' | 'en-US' } = {},
  ): ReceivedRequest => {
    const built = tencentProtocol(options.language === undefined ? {} : { language: options.language }).buildRequest({
      id,
      credentials: options.credentials ?? api.credentials,
      endpoint,
      timestampMs: options.signedAt ?? time,
      nonce: '0'.repeat(32),
    });
    return received(built.headers, built.body);
  };
  const received = (headers: Readonly<Record<string, string>>, body: string, method = 'POST'): ReceivedRequest => ({
    method,
    url: '/',
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body,
    receivedAt: time,
  });
  return {
    half,
    api,
    signed,
    received,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

function envelope(answer: VendorResponse): {
  Response: { RequestId: string; Error?: { Code: string; Message: string } };
} {
  return JSON.parse(answer.body) as { Response: { RequestId: string; Error?: { Code: string; Message: string } } };
}

function codeOf(answer: VendorResponse): string | undefined {
  expect(answer.status).toBe(200);
  const body = envelope(answer);
  expect(body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.requestId).toBe(body.Response.RequestId);
  expect(answer.code).toBe(body.Response.Error?.Code);
  return body.Response.Error?.Code;
}

describe('the Tencent half of the emulator', () => {
  it('recognises Tencent requests by X-TC-Action or a TC3 Authorization, and nothing else', () => {
    const { half, signed, received } = setup();
    expect(half.matches(signed('room_1'))).toBe(true);
    expect(half.matches(received({ 'X-TC-Action': 'Anything' }, ''))).toBe(true);
    expect(half.matches(received({ Authorization: 'TC3-HMAC-SHA256 Credential=x' }, ''))).toBe(true);
    expect(half.matches(received({ 'x-acs-action': 'StopLiveMPUTask', Authorization: 'ACS3-HMAC-SHA256 x' }, ''))).toBe(
      false,
    );
    expect(half.secretHeaders).toEqual(['authorization', 'x-tc-token']);
  });

  it('cancels a running session once, then answers FailedOperation.CancelSessionNotExist', async () => {
    const { half, api, signed } = setup();
    await api.createSession('room_1');
    expect(api.sessions()).toEqual(['room_1']);
    const first = half.handle(signed('room_1'));
    expect(codeOf(first)).toBeUndefined();
    expect(api.sessions()).toEqual([]);
    expect(codeOf(half.handle(signed('room_1')))).toBe('FailedOperation.CancelSessionNotExist');
    expect(envelope(first).Response.RequestId).not.toBe(envelope(half.handle(signed('room_1'))).Response.RequestId);
  });

  it('refuses to start a session the API could not name', async () => {
    const { api } = setup();
    await expect(api.createSession('room 1')).rejects.toThrow();
  });

  it('verifies TC3 as the cloud does', async () => {
    const { half, api, signed, received } = setup();
    await api.createSession('room_1');
    const good = signed('room_1');
    const without = (name: string) =>
      received(
        Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== name)) as Record<string, string>,
        good.body,
      );
    const withHeader = (name: string, value: string) =>
      received({ ...(good.headers as Record<string, string>), [name]: value }, good.body);

    expect(codeOf(half.handle(without('authorization')))).toBe('AuthFailure.InvalidAuthorization');
    expect(codeOf(half.handle(withHeader('authorization', 'TC3-HMAC-SHA256 garbage')))).toBe(
      'AuthFailure.InvalidAuthorization',
    );
    expect(codeOf(half.handle(signed('room_1', { credentials: { secretId: 'AKIDunknown', secretKey: 'x' } })))).toBe(
      'AuthFailure.SecretIdNotFound',
    );
    expect(codeOf(half.handle(signed('room_1', { credentials: { ...api.credentials, secretKey: 'wrong' } })))).toBe(
      'AuthFailure.SignatureFailure',
    );
    // The body is signed: changing it breaks the signature.
    expect(
      codeOf(half.handle(received(good.headers as Record<string, string>, '{"MixStreamSessionId":"room_2"}'))),
    ).toBe('AuthFailure.SignatureFailure');
    // So is the Host, port included.
    expect(codeOf(half.handle(withHeader('host', '127.0.0.1:9999')))).toBe('AuthFailure.SignatureFailure');
    expect(codeOf(half.handle(without('x-tc-timestamp')))).toBe('MissingParameter');
    expect(codeOf(half.handle(withHeader('x-tc-token', 'not-issued')))).toBe('AuthFailure.TokenFailure');
    expect(api.sessions()).toEqual(['room_1']);
    expect(codeOf(half.handle(good))).toBeUndefined();
  });

  it('refuses a signature more than 5 minutes from its clock, either way', async () => {
    const { half, api, signed } = setup();
    for (const id of ['a', 'b', 'c', 'd']) await api.createSession(id);
    expect(codeOf(half.handle(signed('a', { signedAt: start - 5 * 60_000 - 1000 })))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(half.handle(signed('b', { signedAt: start + 5 * 60_000 + 1000 })))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(half.handle(signed('c', { signedAt: start - 4 * 60_000 })))).toBeUndefined();
    expect(codeOf(half.handle(signed('d', { signedAt: start + 4 * 60_000 })))).toBeUndefined();
  });

  it('accepts issued temporary credentials only with their token', async () => {
    const { half, api, signed } = setup();
    await api.createSession('room_1');
    const temporary = api.issueTemporaryCredentials();
    const other = api.issueTemporaryCredentials();
    const { sessionToken: _, ...keysOnly } = temporary;
    expect(codeOf(half.handle(signed('room_1', { credentials: keysOnly })))).toBe('AuthFailure.TokenFailure');
    expect(
      codeOf(half.handle(signed('room_1', { credentials: { ...temporary, sessionToken: other.sessionToken } }))),
    ).toBe('AuthFailure.TokenFailure');
    expect(
      codeOf(
        half.handle(signed('room_1', { credentials: { ...api.credentials, sessionToken: temporary.sessionToken } })),
      ),
    ).toBe('AuthFailure.TokenFailure');
    expect(codeOf(half.handle(signed('room_1', { credentials: temporary })))).toBeUndefined();
  });

  it('accepts extra key pairs', async () => {
    const { half, api, signed } = setup();
    await api.createSession('room_1');
    api.acceptCredentials({ secretId: 'AKIDextra', secretKey: 'extra-secret' });
    expect(
      codeOf(half.handle(signed('room_1', { credentials: { secretId: 'AKIDextra', secretKey: 'extra-secret' } }))),
    ).toBeUndefined();
  });

  it('checks method, action, version and language', () => {
    const { half, signed, received } = setup();
    const good = signed('room_1');
    const headers = good.headers as Record<string, string>;
    expect(codeOf(half.handle(received(headers, good.body, 'GET')))).toBe('UnsupportedProtocol');
    expect(codeOf(half.handle(received({ ...headers, 'x-tc-action': 'CreateCommonMixStream' }, good.body)))).toBe(
      'InvalidAction',
    );
    expect(codeOf(half.handle(received({ ...headers, 'x-tc-version': '2017-03-12' }, good.body)))).toBe(
      'NoSuchVersion',
    );
    const { 'x-tc-version': _, ...noVersion } = headers;
    expect(codeOf(half.handle(received(noVersion, good.body)))).toBe('MissingParameter');
    expect(codeOf(half.handle(received({ ...headers, 'x-tc-language': 'fr-FR' }, good.body)))).toBe(
      'InvalidParameterValue',
    );
    expect(codeOf(half.handle(signed('room_1', { language: 'en-US' })))).toBe('FailedOperation.CancelSessionNotExist');
  });

  it('checks the body: JSON object, MixStreamSessionId present and well-formed, nothing else', () => {
    const { half, api } = setup();
    const protocol = tencentProtocol();
    // Bodies the adapter would never send, signed properly so the body check is what answers.
    const withBody = (body: string) => {
      const built = protocol.buildRequest({
        id: 'x',
        credentials: api.credentials,
        endpoint,
        timestampMs: start,
        nonce: '',
      });
      const resigned = signTc3({
        method: 'POST',
        path: '/',
        query: '',
        signedHeaders: { 'content-type': 'application/json', host: endpoint.host },
        payload: body,
        secretId: api.credentials.secretId,
        secretKey: api.credentials.secretKey,
        timestamp: Math.floor(start / 1000),
        service: 'live',
      });
      const headers = Object.fromEntries(Object.entries(built.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return {
        method: 'POST',
        url: '/',
        headers: { ...headers, authorization: resigned.authorization },
        body,
        receivedAt: start,
      };
    };
    expect(codeOf(half.handle(withBody('{"MixStreamSessionId":')))).toBe('InvalidParameter');
    expect(codeOf(half.handle(withBody('[]')))).toBe('InvalidParameter');
    expect(codeOf(half.handle(withBody('{}')))).toBe('MissingParameter');
    expect(codeOf(half.handle(withBody('{"MixStreamSessionId":42}')))).toBe('InvalidParameter');
    expect(codeOf(half.handle(withBody('{"MixStreamSessionId":"a b"}')))).toBe('InvalidParameter');
    expect(codeOf(half.handle(withBody('{"MixStreamSessionId":"ok","Extra":1}')))).toBe('UnknownParameter');
  });

  it('enforces the per-second quota with RequestLimitExceeded, and frees it a second later', async () => {
    const { half, api, signed, advance } = setup({ requestsPerSecond: 3 });
    for (const id of ['a', 'b', 'c', 'd']) await api.createSession(id);
    expect(['a', 'b', 'c'].map((id) => codeOf(half.handle(signed(id))))).toEqual([undefined, undefined, undefined]);
    expect(codeOf(half.handle(signed('d')))).toBe('RequestLimitExceeded');
    advance(1000);
    expect(codeOf(half.handle(signed('d')))).toBeUndefined();
  });

  it('has no quota with requestsPerSecond: false', () => {
    const { half, signed } = setup({ requestsPerSecond: false });
    for (let i = 0; i < 500; i++)
      expect(codeOf(half.handle(signed('gone')))).toBe('FailedOperation.CancelSessionNotExist');
  });

  it('builds error envelopes for any code, with a status when asked', () => {
    const { half } = setup();
    const answer = half.errorResponse('InternalError', 'boom');
    expect(codeOf(answer)).toBe('InternalError');
    expect(envelope(answer).Response.Error?.Message).toBe('boom');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(half.errorResponse('ServiceUnavailable', undefined, 503).status).toBe(503);
  });
});
