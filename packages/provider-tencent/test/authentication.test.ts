import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider, type TencentCredentials, type TencentProviderOptions } from '@mixtask/provider-tencent';
import { skewedClock } from '@mixtask/test-kit';

let em: Emulator;
let sessions = 0;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});
beforeEach(() => em.clearRequests());

async function stopNewSession(options: Partial<TencentProviderOptions> & Pick<TencentProviderOptions, 'credentials'>) {
  const id = `room_auth_${++sessions}`;
  await em.tencent.createSession(id);
  const provider = createTencentProvider({ endpoint: em.url, retry: false, ...options });
  return { id, result: await provider.stopMix(id)() };
}

function leftOf(result: E.Either<unknown, unknown>) {
  if (E.isRight(result)) throw new Error('expected a failure');
  return result.left;
}

describe('authentication against the emulator', () => {
  it('a wrong secret key is AuthenticationFailed with AuthFailure.SignatureFailure', async () => {
    const { result } = await stopNewSession({ credentials: { ...em.tencent.credentials, secretKey: 'wrong-secret' } });
    expect(leftOf(result)).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'AuthFailure.SignatureFailure',
      retryable: false,
      requestId: em.requests()[0]?.requestId,
    });
  });

  it('an unknown SecretId is AuthenticationFailed with AuthFailure.SecretIdNotFound', async () => {
    const { result } = await stopNewSession({ credentials: { secretId: 'AKIDnobody', secretKey: 'x' } });
    expect(leftOf(result)).toMatchObject({
      _tag: 'AuthenticationFailed',
      providerCode: 'AuthFailure.SecretIdNotFound',
    });
  });

  it.each([
    ['behind', -6 * 60_000],
    ['ahead', 6 * 60_000],
  ])('a client clock 6 minutes %s is AuthenticationFailed with AuthFailure.SignatureExpire', async (_, skewMs) => {
    const { result } = await stopNewSession({ credentials: em.tencent.credentials, clock: skewedClock(skewMs) });
    expect(leftOf(result)).toMatchObject({ _tag: 'AuthenticationFailed', providerCode: 'AuthFailure.SignatureExpire' });
  });

  it('a client clock 4 minutes off still works', async () => {
    const { result } = await stopNewSession({ credentials: em.tencent.credentials, clock: skewedClock(-4 * 60_000) });
    expect(E.isRight(result)).toBe(true);
  });

  describe('temporary (STS) credentials', () => {
    it('stop a mix, sending X-TC-Token', async () => {
      const temporary = em.tencent.issueTemporaryCredentials();
      const { result } = await stopNewSession({ credentials: temporary });
      expect(E.isRight(result)).toBe(true);
      // The token is a secret header: the emulator saw it but does not record it.
      expect(em.requests()[0]?.headers['x-tc-token']).toBeUndefined();
    });

    it('come from an async function, called before every attempt', async () => {
      let calls = 0;
      const rotating = async (): Promise<TencentCredentials> => {
        calls += 1;
        return em.tencent.issueTemporaryCredentials();
      };
      const id = `room_auth_${++sessions}`;
      await em.tencent.createSession(id);
      em.inject({ vendor: 'tencent', action: { type: 'code', code: 'InternalError' } });
      const provider = createTencentProvider({
        credentials: rotating,
        endpoint: em.url,
        retry: { maxAttempts: 2, baseDelayMs: 0 },
      });
      const result = await provider.stopMix(id)();
      expect(E.isRight(result) && result.right.attempts).toBe(2);
      expect(calls).toBe(2);
    });

    it('without their token are AuthFailure.TokenFailure', async () => {
      const { secretId, secretKey } = em.tencent.issueTemporaryCredentials();
      const { result } = await stopNewSession({ credentials: { secretId, secretKey } });
      expect(leftOf(result)).toMatchObject({ _tag: 'AuthenticationFailed', providerCode: 'AuthFailure.TokenFailure' });
    });

    it('with a token the emulator never issued are AuthFailure.TokenFailure', async () => {
      const temporary = em.tencent.issueTemporaryCredentials();
      const { result } = await stopNewSession({ credentials: { ...temporary, sessionToken: 'forged-token' } });
      expect(leftOf(result)).toMatchObject({ _tag: 'AuthenticationFailed', providerCode: 'AuthFailure.TokenFailure' });
    });

    it('that a function returns in the wrong shape are a ConfigurationError naming the field', async () => {
      const { result } = await stopNewSession({
        credentials: async () => ({ secretId: 'AKIDx' }) as unknown as TencentCredentials,
      });
      const error = leftOf(result) as { _tag: string; message: string };
      expect(error._tag).toBe('ConfigurationError');
      expect(error.message).toContain('credentials.secretKey');
      expect(em.requests()).toHaveLength(0);
    });
  });
});
