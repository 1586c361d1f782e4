import { describe, expect, it } from '@jest/globals';
import { startEmulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { againstEmulator, left, right } from './support/against-emulator.js';

describe('authentication against the emulator', () => {
  const { emulator, provider, running, aliyunRequests, sentSince } = againstEmulator();

  it('a wrong secret → AuthenticationFailed (SignatureDoesNotMatch), the string-to-sign withheld', async () => {
    const wrong = { ...emulator().aliyun.credentials, accessKeySecret: 'wrong-secret' };
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
      return Promise.resolve(emulator().aliyun.issueTemporaryCredentials());
    };
    emulator().inject({ vendor: 'aliyun', action: { type: 'code', code: 'ServiceUnavailable' } });
    const before = aliyunRequests().length;
    expect(right(await provider({ credentials: rotating }).stopMix(id)())).toMatchObject({ attempts: 2 });
    expect(calls).toBe(2);
    // The token itself is never recorded, but its being signed shows in what the emulator accepted.
    expect(sentSince(before).map((r) => r.status)).toEqual([503, 200]);

    const expired = emulator().aliyun.issueTemporaryCredentials({ ttlMs: -1 });
    expect(left(await provider({ credentials: expired }).stopMix(await running())())).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'InvalidSecurityToken.Expired',
    });
    const { securityToken: _dropped, ...noToken } = emulator().aliyun.issueTemporaryCredentials();
    expect(left(await provider({ credentials: noToken }).stopMix('t')())).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'InvalidSecurityToken.Malformed',
    });
  });
});
