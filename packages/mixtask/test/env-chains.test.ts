import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { mixTaskConfigFromEnv } from 'mixtask';

// Issue 23, item 14: an "empty" env object still reached the vendor's default chain, which reads process.env.
describe('mixTaskConfigFromEnv and the vendors default chains', () => {
  it.each(['tencent', 'aliyun'])(
    '%s: credentialChains false makes the env object the only source: no keys is a ConfigurationError',
    (provider) => {
      const env = { MIXTASK_PROVIDER: provider, ...(provider === 'aliyun' ? { MIXTASK_ALIYUN_APP_ID: 'app' } : {}) };
      const result = mixTaskConfigFromEnv(env, { credentialChains: false });
      expect(E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
      expect(E.isLeft(result) && result.left.message).toMatch(
        provider === 'tencent' ? /TENCENTCLOUD_SECRET_ID/ : /ALIBABA_CLOUD_ACCESS_KEY_ID/,
      );
    },
  );

  it('the default stays the chain (the vendor package is installed here), as documented', () => {
    const result = mixTaskConfigFromEnv({ MIXTASK_PROVIDER: 'tencent' });
    expect(E.isRight(result) && typeof result.right.credentials).toBe('function');
  });

  it('keys in the env object are used either way', () => {
    const env = { MIXTASK_PROVIDER: 'tencent', TENCENTCLOUD_SECRET_ID: 'id', TENCENTCLOUD_SECRET_KEY: 'key' };
    const result = mixTaskConfigFromEnv(env, { credentialChains: false });
    expect(E.isRight(result) && result.right.credentials).toEqual({ secretId: 'id', secretKey: 'key' });
  });

  it('its options are exact too', () => {
    const typo = mixTaskConfigFromEnv({ MIXTASK_PROVIDER: 'tencent' }, { credentialChain: false } as never);
    expect(E.isLeft(typo) && typo.left.message).toContain(
      'options.credentialChain: unknown field; did you mean credentialChains?',
    );
    const bad = mixTaskConfigFromEnv({ MIXTASK_PROVIDER: 'tencent' }, { credentialChains: 'off' } as never);
    expect(E.isLeft(bad) && bad.left.message).toContain('options.credentialChains: expected true or false');
  });
});
