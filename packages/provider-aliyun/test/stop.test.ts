import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixEvent, StopMixSuccess } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider, type AliyunProviderOptions } from '@mixtask/provider-aliyun';

const left = (result: E.Either<MixError, StopMixSuccess>): MixError => {
  if (E.isRight(result)) throw new Error(`expected a Left, got ${JSON.stringify(result.right)}`);
  return result.left;
};
const right = (result: E.Either<MixError, StopMixSuccess>): StopMixSuccess => {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${result.left.message}`);
  return result.right;
};

let taskSeq = 0;
const nextTaskId = () => `task-${Date.now().toString(36)}-${++taskSeq}`;

describe('createAliyunProvider against the emulator', () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator();
  });
  afterAll(async () => {
    await em.close();
  });

  const provider = (overrides: Partial<AliyunProviderOptions> = {}) =>
    createAliyunProvider({
      credentials: em.aliyun.credentials,
      appId: em.aliyun.appId,
      endpoint: em.url,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...overrides,
    });
  const running = async () => {
    const id = nextTaskId();
    await em.aliyun.startTask(id);
    return id;
  };
  const aliyunRequests = () => em.requests().filter((r) => r.vendor === 'aliyun');
  const sentSince = (before: number) => aliyunRequests().slice(before);

  it('sends POST / with AppId and TaskId in the query, an empty body and every x-acs header', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    right(await provider().stopMix(id)());
    const [sent] = sentSince(before);
    expect(sent).toMatchObject({ method: 'POST', body: '', status: 200 });
    expect(new URL(sent?.url ?? '', em.url).search).toBe(`?AppId=${em.aliyun.appId}&TaskId=${id}`);
    expect(sent?.headers).toMatchObject({
      accept: 'application/json',
      'x-acs-action': 'StopLiveMPUTask',
      'x-acs-version': '2016-11-01',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(sent?.headers['x-acs-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(sent?.headers['x-acs-signature-nonce']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ); // a random UUID
  });

  it('re-signs every attempt with a fresh nonce: a retried call never reuses one', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'InternalError' }, times: 2 });
    const success = right(await provider().stopMix(id)());
    expect(success).toMatchObject({ outcome: 'stopped', attempts: 3 });
    const nonces = sentSince(before).map((r) => r.headers['x-acs-signature-nonce']);
    expect(nonces).toHaveLength(3);
    expect(new Set(nonces).size).toBe(3);
  });

  it('retries SignatureNonceUsed with a fresh nonce, and succeeds', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'SignatureNonceUsed' } });
    expect(right(await provider().stopMix(id)())).toMatchObject({ outcome: 'stopped', attempts: 2 });
    const [first, second] = sentSince(before);
    expect(first?.code).toBe('SignatureNonceUsed');
    expect(second?.headers['x-acs-signature-nonce']).not.toBe(first?.headers['x-acs-signature-nonce']);
  });

  it('a stop whose answer was lost, retried, is already-stopped', async () => {
    const id = await running();
    em.inject({ vendor: 'aliyun', action: { type: 'reset' }, afterApplying: true });
    expect(right(await provider().stopMix(id)())).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
    expect(em.aliyun.tasks()).not.toContain(id);
  });

  it("notFound: 'already-stopped' turns an unknown task into success", async () => {
    const result = right(await provider({ notFound: 'already-stopped' }).stopMix(nextTaskId())());
    expect(result).toMatchObject({ outcome: 'already-stopped', attempts: 1 });
    expect(result.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('Throttling: x-acs-retry-after is read as milliseconds, Retry-After as seconds', async () => {
    em.inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling.User', headers: { 'x-acs-retry-after': '1500' } },
    });
    const acs = left(await provider({ retry: false }).stopMix(nextTaskId())());
    expect(acs).toMatchObject({ _tag: 'RateLimited', retryable: true, retryAfterMs: 1500, httpStatus: 400 });
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'Throttling', headers: { 'retry-after': '2' } } });
    expect(left(await provider({ retry: false }).stopMix(nextTaskId())())).toMatchObject({ retryAfterMs: 2000 });
    em.inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling', headers: { 'x-acs-retry-after': '0' } },
    });
    expect(left(await provider({ retry: false }).stopMix(nextTaskId())()).retryAfterMs).toBeUndefined();
  });

  it('over the emulator’s quota → RateLimited (Throttling.User)', async () => {
    const strict = await startEmulator({ quota: { aliyun: 2 } });
    try {
      const p = createAliyunProvider({
        credentials: strict.aliyun.credentials,
        appId: strict.aliyun.appId,
        endpoint: strict.url,
        retry: false,
        rateLimit: false,
      });
      const results = await Promise.all([1, 2, 3, 4].map(() => p.stopMix(nextTaskId())()));
      const tags = results.map((r) => left(r)._tag).sort();
      expect(tags).toEqual(['RateLimited', 'RateLimited', 'SessionNotFound', 'SessionNotFound']);
      const throttled = results.map(left).find((e) => e._tag === 'RateLimited');
      expect(throttled).toMatchObject({ providerCode: 'Throttling.User', retryable: true });
    } finally {
      await strict.close();
    }
  });

  it('a bad appId is a ConfigurationError naming appId, before any request', async () => {
    const before = em.requests().length;
    for (const appId of ['a&TaskId=x', '', 'x'.repeat(65), 42]) {
      const error = left(await provider({ appId: appId as string }).stopMix('task')());
      expect(error).toMatchObject({ _tag: 'ConfigurationError', attempts: 0, retryable: false });
      expect(error.message).toContain('appId');
    }
    const missing = createAliyunProvider({
      credentials: em.aliyun.credentials,
      endpoint: em.url,
    } as AliyunProviderOptions);
    expect(left(await missing.stopMix('task')()).message).toContain('appId');
    expect(em.requests().length).toBe(before);
  });

  it('a malformed TaskId is InvalidArgument before any request', async () => {
    const before = em.requests().length;
    for (const id of ['a&AppId=x', 'x'.repeat(56), 'a b', 'ü', '', 7]) {
      expect(left(await provider().stopMix(id as string)())).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
    }
    expect(em.requests().length).toBe(before);
  });

  it('a wrong secret → AuthenticationFailed (SignatureDoesNotMatch), the string-to-sign withheld', async () => {
    const wrong = { ...em.aliyun.credentials, accessKeySecret: 'wrong-secret' };
    const error = left(await provider({ credentials: wrong }).stopMix(await running())());
    expect(error).toMatchObject({ _tag: 'AuthenticationFailed', providerCode: 'SignatureDoesNotMatch', attempts: 1 });
    expect(error.providerMessage).toContain('[withheld]');
    expect(error.providerMessage).not.toMatch(/ACS3-HMAC-SHA256|[0-9a-f]{64}/);
    expect(error.message).not.toMatch(/[0-9a-f]{64}/);
  });

  it('an unknown AccessKey → AuthenticationFailed (InvalidAccessKeyId.NotFound, 404)', async () => {
    const unknown = { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' };
    expect(left(await provider({ credentials: unknown }).stopMix('t')())).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'InvalidAccessKeyId.NotFound',
      httpStatus: 404,
    });
  });

  it('a clock over 15 minutes off → AuthenticationFailed (InvalidTimeStamp.Expired)', async () => {
    const skewed = await startEmulator({ now: () => Date.now() + 20 * 60_000 });
    try {
      const p = createAliyunProvider({
        credentials: skewed.aliyun.credentials,
        appId: skewed.aliyun.appId,
        endpoint: skewed.url,
      });
      expect(left(await p.stopMix('t')())).toMatchObject({
        _tag: 'AuthenticationFailed',
        providerCode: 'InvalidTimeStamp.Expired',
        retryable: false,
        attempts: 1,
      });
    } finally {
      await skewed.close();
    }
  });

  it('STS: a credentials function per attempt, the token sent and signed; an expired token is refused', async () => {
    const id = await running();
    let calls = 0;
    const rotating = () => {
      calls += 1;
      return Promise.resolve(em.aliyun.issueTemporaryCredentials());
    };
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'ServiceUnavailable' } });
    const before = aliyunRequests().length;
    expect(right(await provider({ credentials: rotating }).stopMix(id)())).toMatchObject({ attempts: 2 });
    expect(calls).toBe(2);
    // The token itself is never recorded, but its being signed shows in what the emulator accepted.
    expect(sentSince(before).map((r) => r.status)).toEqual([503, 200]);

    const expired = em.aliyun.issueTemporaryCredentials({ ttlMs: -1 });
    expect(left(await provider({ credentials: expired }).stopMix(await running())())).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'InvalidSecurityToken.Expired',
    });
    const { securityToken: _dropped, ...noToken } = em.aliyun.issueTemporaryCredentials();
    expect(left(await provider({ credentials: noToken }).stopMix('t')())).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'InvalidSecurityToken.Malformed',
    });
  });

  it('an HTML 503 from a proxy → ProviderUnavailable; an HTML 429 → RateLimited with Retry-After', async () => {
    em.inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 503, body: '<html><h1>503 Service Unavailable</h1></html>' },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryable: true,
    });
    em.inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 429, body: '<html>slow down</html>', headers: { 'retry-after': '3' } },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'RateLimited',
      retryAfterMs: 3000,
    });
  });

  it('a 200 with garbage, XML or a wrong shape → MalformedResponse; an error status without a code → by status', async () => {
    const bodies = [
      '{"RequestId":',
      '<?xml version="1.0"?><Response><RequestId>x</RequestId></Response>',
      '[]',
      '{}',
      '{"Code":7}',
    ];
    for (const body of bodies) {
      em.inject({ vendor: 'aliyun', action: { type: 'body', status: 200, body } });
      expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
        _tag: 'MalformedResponse',
        httpStatus: 200,
        retryable: false,
      });
    }
    em.inject({
      vendor: 'aliyun',
      action: {
        type: 'body',
        status: 502,
        body: '{"RequestId":"R-1"}',
        headers: { 'content-type': 'application/json' },
      },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'ProviderUnavailable',
      requestId: 'R-1',
      httpStatus: 502,
    });
    em.inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 404, body: 'Not Found', headers: { 'x-acs-request-id': 'R-2' } },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'MalformedResponse',
      requestId: 'R-2',
    });
  });

  it('Recommend and HostId are on the error (details) and on the failure event', async () => {
    const events: MixEvent[] = [];
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'Forbidden.RAM' } });
    const error = left(await provider({ onEvent: (e) => events.push(e) }).stopMix('t')());
    expect(error.details?.hostId).toBe('live.aliyuncs.com');
    expect(error.details?.recommend).toMatch(/^https:\/\/api\.aliyun\.com\/troubleshoot\?q=Forbidden\.RAM/);
    const failure = events.find((e) => e.type === 'failure');
    expect(failure).toMatchObject({ type: 'failure', providerCode: 'Forbidden.RAM', details: error.details });
  });
});
