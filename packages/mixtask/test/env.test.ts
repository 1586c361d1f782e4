import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { mixTaskConfigFromEnv } from 'mixtask';

describe('mixTaskConfigFromEnv', () => {
  it('reads a Tencent config from the official variables', () => {
    const result = mixTaskConfigFromEnv({
      MIXTASK_PROVIDER: 'tencent',
      TENCENTCLOUD_SECRET_ID: 'AKIDexample',
      TENCENTCLOUD_SECRET_KEY: 'secret',
      TENCENTCLOUD_SESSION_TOKEN: 'token',
      MIXTASK_ENDPOINT: 'https://live.intl.tencentcloudapi.com',
      MIXTASK_TIMEOUT_MS: '5000',
      MIXTASK_MAX_ATTEMPTS: '4',
      MIXTASK_REQUESTS_PER_SECOND: '50',
      MIXTASK_TENCENT_LANGUAGE: 'en-US',
      MIXTASK_NOT_FOUND: 'already-stopped',
    });
    expect(E.isRight(result) && result.right).toEqual({
      provider: 'tencent',
      credentials: { secretId: 'AKIDexample', secretKey: 'secret', sessionToken: 'token' },
      endpoint: 'https://live.intl.tencentcloudapi.com',
      timeoutMs: 5000,
      retry: { maxAttempts: 4 },
      rateLimit: { requestsPerSecond: 50 },
      language: 'en-US',
      notFound: 'already-stopped',
    });
  });

  it('reads an Aliyun config from the official variables', () => {
    const result = mixTaskConfigFromEnv({
      MIXTASK_PROVIDER: 'aliyun',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIexample',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
      MIXTASK_ALIYUN_APP_ID: 'app_1',
      MIXTASK_REQUESTS_PER_SECOND: 'off',
    });
    expect(E.isRight(result) && result.right).toEqual({
      provider: 'aliyun',
      credentials: { accessKeyId: 'LTAIexample', accessKeySecret: 'secret' },
      appId: 'app_1',
      rateLimit: false,
    });
  });

  it.each([
    [{}, 'MIXTASK_PROVIDER: is not set'],
    [
      { MIXTASK_PROVIDER: 'aliyun', ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' },
      'MIXTASK_ALIYUN_APP_ID',
    ],
    [{ MIXTASK_PROVIDER: 'tencent', TENCENTCLOUD_SECRET_ID: 'a' }, 'TENCENTCLOUD_SECRET_KEY'],
    [
      {
        MIXTASK_PROVIDER: 'tencent',
        TENCENTCLOUD_SECRET_ID: 'a',
        TENCENTCLOUD_SECRET_KEY: 'b',
        MIXTASK_MAX_ATTEMPTS: '99',
      },
      'MIXTASK_MAX_ATTEMPTS',
    ],
    [
      {
        MIXTASK_PROVIDER: 'tencent',
        TENCENTCLOUD_SECRET_ID: 'a',
        TENCENTCLOUD_SECRET_KEY: 'b',
        MIXTASK_TIMEOUT_MS: '5s',
      },
      'MIXTASK_TIMEOUT_MS',
    ],
  ])('names the variable that is missing or bad, not a config path (%#)', (env, variable) => {
    const result = mixTaskConfigFromEnv(env);
    expect(E.isLeft(result) && result.left.message).toContain(variable);
  });

  it("without key variables, uses the vendor's default credential chain when its package is installed", () => {
    // tencentcloud-sdk-nodejs-common is a devDependency here: the chain (profile, CVM role, OIDC) becomes a function
    // called per attempt, loaded on the first stop, not now.
    const result = mixTaskConfigFromEnv({ MIXTASK_PROVIDER: 'tencent' });
    expect(E.isRight(result) && typeof result.right.credentials).toBe('function');
  });

  it('reads process.env by default', () => {
    expect(E.isLeft(mixTaskConfigFromEnv())).toBe(process.env.MIXTASK_PROVIDER === undefined);
  });
});

describe('MIXTASK_TRANSPORT', () => {
  const base = { MIXTASK_PROVIDER: 'tencent', TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b' };
  it('picks the lean transport', () => {
    const result = mixTaskConfigFromEnv({ ...base, MIXTASK_TRANSPORT: 'node' });
    expect(E.isRight(result) && result.right.transport).toBe('node');
  });
  it('names the variable when the value is not a transport', () => {
    const result = mixTaskConfigFromEnv({ ...base, MIXTASK_TRANSPORT: 'fetch' });
    expect(E.isLeft(result) && result.left.message).toContain('MIXTASK_TRANSPORT');
  });
});
