import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { describeValidationErrors } from '@mixtask/core/adapter';
import { createTencentProvider, type TencentProviderOptions } from '@mixtask/provider-tencent';
import { tencentProviderOptionsCodec } from '@mixtask/provider-tencent/signing';

const credentials = { secretId: 'AKIDexample', secretKey: 'example-key' };

async function configurationError(options: unknown) {
  let provider;
  expect(() => {
    provider = createTencentProvider(options as TencentProviderOptions);
  }).not.toThrow();
  const result = await provider!.stopMix('room_1')();
  if (E.isRight(result)) throw new Error('expected a failure');
  expect(result.left).toMatchObject({ _tag: 'ConfigurationError', provider: 'tencent', attempts: 0 });
  return result.left.message;
}

describe('createTencentProvider options', () => {
  it('is named tencent', () => {
    expect(createTencentProvider({ credentials }).name).toBe('tencent');
  });

  it.each([
    ['credentials', {}],
    ['credentials.secretKey', { credentials: { secretId: 'AKIDx' } }],
    ['credentials.secretId', { credentials: { secretId: 'has space', secretKey: 'k' } }],
    ['credentials.sessionToken', { credentials: { ...credentials, sessionToken: '' } }],
    ['endpoint', { credentials, endpoint: 'http://live.tencentcloudapi.com' }],
    ['endpoint', { credentials, endpoint: 'https://live.tencentcloudapi.com/v3' }],
    ['language', { credentials, language: 'fr-FR' }],
    ['retry.maxAttempts', { credentials, retry: { maxAttempts: 0 } }],
    ['rateLimit.requestsPerSecond', { credentials, rateLimit: { requestsPerSecond: -1 } }],
    ['timeoutMs', { credentials, timeoutMs: '10s' }],
    ['notFound', { credentials, notFound: 'ignore' }],
  ])('names %s when it is wrong, on every call and without throwing', async (path, options) => {
    expect(await configurationError(options)).toContain(`${path}: expected`);
  });

  it('never echoes a bad value, which may be a secret', async () => {
    const message = await configurationError({ credentials: { secretId: 'AKIDx', secretKey: 'SECRET WITH SPACE' } });
    expect(message).not.toContain('SECRET WITH SPACE');
  });

  it('turns a non-object into a ConfigurationError too', async () => {
    await configurationError(undefined);
    await configurationError('tencent');
  });

  it('accepts the documented shape, with a credentials function and every option', () => {
    const options: TencentProviderOptions = {
      credentials: async () => ({ ...credentials, sessionToken: 'token' }),
      endpoint: 'https://live.ap-guangzhou.tencentcloudapi.com',
      timeoutMs: 5000,
      deadlineMs: 20_000,
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2000 },
      rateLimit: { requestsPerSecond: 20 },
      notFound: 'already-stopped',
      onEvent: () => undefined,
      language: 'zh-CN',
    };
    const decoded = tencentProviderOptionsCodec.decode(options);
    expect(E.isRight(decoded) ? [] : describeValidationErrors(decoded.left)).toEqual([]);
    expect(E.isRight(decoded) && decoded.right.language).toBe('zh-CN');
  });
});
