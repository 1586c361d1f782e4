import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { parseMixTaskConfig, type MixError } from 'mixtask';

const secret = 'SUPERSECRET-0123456789abcdef';
const tencent = { provider: 'tencent', credentials: { secretId: 'AKIDexample', secretKey: secret } };
const aliyun = {
  provider: 'aliyun',
  appId: 'app_1',
  credentials: { accessKeyId: 'LTAIexample', accessKeySecret: secret },
};

function problem(input: unknown): MixError {
  const result = parseMixTaskConfig(input);
  if (E.isRight(result)) throw new Error(`expected a ConfigurationError for ${inspect(input)}`);
  return result.left;
}

describe('parseMixTaskConfig', () => {
  it('accepts a valid config of each provider', () => {
    expect(E.isRight(parseMixTaskConfig(tencent))).toBe(true);
    expect(E.isRight(parseMixTaskConfig(aliyun))).toBe(true);
    const full = parseMixTaskConfig({
      ...tencent,
      endpoint: 'https://live.intl.tencentcloudapi.com',
      timeoutMs: 5000,
      deadlineMs: 20000,
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2000 },
      rateLimit: false,
      notFound: 'already-stopped',
      language: 'en-US',
      onEvent: () => undefined,
    });
    expect(E.isRight(full) && full.right).toMatchObject({ provider: 'tencent', language: 'en-US', rateLimit: false });
  });

  it.each([
    ['null', null, '(root)'],
    ['a string', 'tencent', '(root)'],
    ['an array', [tencent], '(root)'],
    ['no provider', { credentials: tencent.credentials }, 'provider'],
    ['an unknown provider', { ...tencent, provider: 'aws' }, 'provider'],
    ['no credentials', { provider: 'tencent' }, 'credentials'],
    ['a missing secretKey', { ...tencent, credentials: { secretId: 'AKIDexample' } }, 'credentials.secretKey'],
    [
      'an empty secretKey',
      { ...tencent, credentials: { secretId: 'AKIDexample', secretKey: '' } },
      'credentials.secretKey',
    ],
    ['a numeric secretId', { ...tencent, credentials: { secretId: 42, secretKey: secret } }, 'credentials.secretId'],
    [
      'a mistyped accessKeySecret',
      { ...aliyun, credentials: { accessKeyId: 'LTAI', accessKeySecret: ['x'] } },
      'credentials.accessKeySecret',
    ],
    ['no appId', { ...aliyun, appId: undefined }, 'appId'],
    ['a bad appId', { ...aliyun, appId: 'app id with spaces' }, 'appId'],
    ['a non-http endpoint', { ...tencent, endpoint: 'ftp://live.tencentcloudapi.com' }, 'endpoint'],
    ['plain http to a remote host', { ...aliyun, endpoint: 'http://live.aliyuncs.com' }, 'endpoint'],
    ['a negative timeout', { ...tencent, timeoutMs: -1 }, 'timeoutMs'],
    ['a string deadline', { ...tencent, deadlineMs: '30s' }, 'deadlineMs'],
    ['zero attempts', { ...tencent, retry: { maxAttempts: 0 } }, 'retry'],
    ['a bad rate limit', { ...aliyun, rateLimit: { requestsPerSecond: 'lots' } }, 'rateLimit'],
    ['an unknown notFound policy', { ...tencent, notFound: 'ignore' }, 'notFound'],
    ['an unknown language', { ...tencent, language: 'fr-FR' }, 'language'],
    ['onEvent not a function', { ...tencent, onEvent: 'log' }, 'onEvent'],
  ])('refuses %s, naming %s', (_name, input, path) => {
    const error = problem(input);
    expect(error._tag).toBe('ConfigurationError');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`${path}`);
    for (const text of [error.message, JSON.stringify(error), inspect(error, { showHidden: true, depth: 10 })]) {
      expect(text).not.toContain(secret);
    }
  });

  it('never throws, whatever it is given', () => {
    const odd: unknown[] = [
      undefined,
      0,
      Symbol('x'),
      () => 1,
      new Proxy({}, {}),
      Object.create(null),
      { provider: {} },
    ];
    for (const input of odd) expect(() => parseMixTaskConfig(input)).not.toThrow();
  });
});
