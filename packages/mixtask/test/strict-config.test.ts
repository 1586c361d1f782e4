import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import type { MixError, MixTaskProvider } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import {
  createMixTaskProvider,
  createMixTaskRegistry,
  mixTaskConfigFromEnv,
  parseMixTaskConfig,
  type MixTaskConfig,
} from 'mixtask';

/**
 * Issue 11, items 1–4: a config is exact (an unknown key is refused with the field it probably meant), every
 * problem reads as one line in words, and no input — a Proxy, a getter that throws, null — makes construction throw.
 * Inputs are built as a JavaScript caller would, hence the casts.
 */

const secret = 'STRICT_CONFIG_SECRET_canary_7d21';
const tencent = { credentials: { secretId: 'AKIDstrict', secretKey: secret } };
const aliyun = { appId: 'app_1', credentials: { accessKeyId: 'LTAIstrict', accessKeySecret: secret } };

/** The reason of the ConfigurationError every call of a refusing provider returns. */
async function refusal(provider: MixTaskProvider): Promise<MixError> {
  const result = await provider.stopMix('room_1')();
  if (E.isRight(result)) throw new Error('expected a ConfigurationError');
  return result.left;
}

function parsed(input: unknown): MixError {
  const result = parseMixTaskConfig(input);
  if (E.isRight(result)) throw new Error(`expected a ConfigurationError for ${inspect(input)}`);
  return result.left;
}

const any = (u: unknown) => u as never;

describe('unknown keys are refused, with the field meant', () => {
  it.each([
    [
      'the Tencent SDK token',
      { ...tencent, credentials: { ...tencent.credentials, token: 't' } },
      'credentials.token: unknown field; did you mean sessionToken?',
    ],
    ['timeoutMS', { ...tencent, timeoutMS: 5000 }, 'timeoutMS: unknown field; did you mean timeoutMs?'],
    [
      'retry.attempts',
      { ...tencent, retry: { attempts: 5 } },
      'retry.attempts: unknown field; did you mean maxAttempts?',
    ],
    [
      'region',
      { ...tencent, region: 'ap-guangzhou' },
      'region: unknown field; there is no region option: the endpoint decides the region',
    ],
    [
      'rateLimit.rps',
      { ...tencent, rateLimit: { requestsPerSecond: 5, rps: 5 } },
      'rateLimit.rps: unknown field; did you mean requestsPerSecond?',
    ],
    ['telemetry object', { ...tencent, telemetry: { tracer: {} } }, 'telemetry.tracer: unknown field'],
    ['flat keys', { secretId: 'a', secretKey: secret }, 'secretId: unknown field; did you mean credentials?'],
    [
      'a near miss',
      { ...tencent, endpont: 'https://live.tencentcloudapi.com' },
      'endpont: unknown field; did you mean endpoint?',
    ],
    [
      'Aliyun key on Tencent',
      { ...tencent, appId: 'app_1' },
      'appId: unknown field; only the Aliyun provider takes appId',
    ],
  ])('tencent: %s', async (_name, options, line) => {
    const error = await refusal(createTencentProvider(any(options)));
    expect(error._tag).toBe('ConfigurationError');
    expect(error.message).toContain(line);
    expect(error.message).not.toContain(secret);
  });

  it.each([
    [
      'the AWS name',
      { ...aliyun, credentials: { accessKeyId: 'a', secretAccessKey: secret } },
      'credentials.secretAccessKey: unknown field; did you mean accessKeySecret?',
    ],
    [
      'a Tencent name',
      { ...aliyun, credentials: { ...aliyun.credentials, sessionToken: 't' } },
      'credentials.sessionToken: unknown field; did you mean securityToken?',
    ],
    ['language', { ...aliyun, language: 'en-US' }, 'language: unknown field; only the Tencent provider takes language'],
    ['appID', { ...aliyun, appID: 'x' }, 'appID: unknown field; did you mean appId?'],
  ])('aliyun: %s', async (_name, options, line) => {
    const error = await refusal(createAliyunProvider(any(options)));
    expect(error.message).toContain(line);
    expect(error.message).not.toContain(secret);
  });

  it('parseMixTaskConfig refuses them too, umbrella fields included', () => {
    expect(parsed({ provider: 'tencent', ...tencent, timeoutMS: 1 }).message).toContain(
      'timeoutMS: unknown field; did you mean timeoutMs?',
    );
    expect(parsed({ provider: 'tencent', ...tencent, redisURL: 'redis://127.0.0.1' }).message).toContain(
      'redisURL: unknown field; did you mean redisUrl?',
    );
  });

  it('accepts no alias silently: a config that passes holds only the documented keys', () => {
    const valid = parseMixTaskConfig({
      provider: 'tencent',
      ...tencent,
      credentials: { ...tencent.credentials, sessionToken: 'tok' },
    });
    expect(E.isRight(valid) && Object.keys(valid.right.credentials as object).sort()).toEqual([
      'secretId',
      'secretKey',
      'sessionToken',
    ]);
  });
});

/** About thirty configs a person gets wrong, each with the line it must produce. */
const badConfigs: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'tencent'],
  ['an array', []],
  ['a number', 5],
  ['empty', {}],
  ['credentials missing', { timeoutMs: 5 }],
  ['credentials a string', { credentials: 'AKID:secret' }],
  ['credentials empty', { credentials: {} }],
  ['secretKey a number', { credentials: { secretId: 'a', secretKey: 5 } }],
  ['secretKey with a space', { credentials: { secretId: 'a', secretKey: `${secret} ` } }],
  ['credentials token', { credentials: { secretId: 'a', secretKey: 'b', token: 'c' } }],
  ['endpoint a number', { ...tencent, endpoint: 5 }],
  ['endpoint http', { ...tencent, endpoint: 'http://example.com' }],
  ['timeoutMs a string', { ...tencent, timeoutMs: '5000' }],
  ['timeoutMs negative', { ...tencent, timeoutMs: -1 }],
  ['deadlineMs a float', { ...tencent, deadlineMs: 1.5 }],
  ['retry a number', { ...tencent, retry: 3 }],
  ['retry.maxAttempts 99', { ...tencent, retry: { maxAttempts: 99 } }],
  ['retry.attempts', { ...tencent, retry: { attempts: 5 } }],
  ['rateLimit a string', { ...tencent, rateLimit: 'fast' }],
  ['rateLimit empty', { ...tencent, rateLimit: {} }],
  ['notFound wrong', { ...tencent, notFound: 'ignore' }],
  ['onEvent a string', { ...tencent, onEvent: 'log' }],
  ['clock empty', { ...tencent, clock: {} }],
  ['transport fetch', { ...tencent, transport: 'fetch' }],
  ['proxy a number', { ...tencent, proxy: 8080 }],
  ['ca a number', { ...tencent, ca: 5 }],
  ['ca an array of numbers', { ...tencent, ca: [1] }],
  ['telemetry true', { ...tencent, telemetry: true }],
  ['language fr', { ...tencent, language: 'fr-FR' }],
  ['region', { ...tencent, region: 'ap-guangzhou' }],
  ['everything at once', { credentials: 5, endpoint: 5, retry: 'x', rateLimit: 'x', transport: 5, telemetry: 1, x: 1 }],
];

describe('messages read as one line per field, in words', () => {
  it.each(badConfigs)('%s', async (_name, options) => {
    const error = await refusal(createTencentProvider(any(options)));
    expect(error._tag).toBe('ConfigurationError');
    const problems = error.message.replace(/^.*?invalid tencent options: /, '').split('; ');
    for (const problem of problems) {
      // A problem line starts with a path, or continues the hint of the line before it.
      expect(problem.length).toBeLessThanOrEqual(300);
      for (const dump of ['Partial<', '{|', '|}', 'Exact<', 'Readonly<', 'Array<']) expect(problem).not.toContain(dump);
    }
    expect(error.message).not.toContain(secret);
  });

  it('says what the root should be in words', async () => {
    expect((await refusal(createTencentProvider(any(undefined)))).message).toContain(
      '(root): expected an options object, got nothing',
    );
    expect((await refusal(createAliyunProvider(any(null)))).message).toContain(
      '(root): expected an options object, got null',
    );
  });

  it('names the field and the kind of value, never the value', async () => {
    const error = await refusal(createTencentProvider(any({ credentials: { secretId: 'a', secretKey: 5 } })));
    expect(error.message).toContain(
      'credentials.secretKey: expected a non-empty string without spaces or line breaks, got a number',
    );
  });
});

/** Objects whose reading throws, each with the secret in what it throws. */
function hostile(): Record<string, unknown>[] {
  const throwing = () => {
    throw new Error(`getter failed: ${secret}`);
  };
  const proxy = new Proxy(
    {},
    { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing },
  );
  return [
    proxy,
    Object.defineProperty({ ...tencent }, 'endpoint', { get: throwing, enumerable: true }),
    { credentials: Object.defineProperty({ secretId: 'a' }, 'secretKey', { get: throwing, enumerable: true }) },
    { ...tencent, retry: proxy },
    { ...tencent, clock: proxy },
    { ...tencent, transport: Object.defineProperty({}, 'send', { get: throwing }) },
  ];
}

describe('construction never throws', () => {
  it.each(hostile().map((options, i) => [i, options]))('hostile options #%s', async (_i, options) => {
    const made: MixTaskProvider[] = [];
    expect(() => made.push(createTencentProvider(any(options)))).not.toThrow();
    expect(() => made.push(createAliyunProvider(any(options)))).not.toThrow();
    expect(() => made.push(createMixTaskProvider(any(options)))).not.toThrow();
    expect(() => parseMixTaskConfig(options)).not.toThrow();
    expect(() => made.push(createMixTaskRegistry(any({ tencent: options, aliyun: options })))).not.toThrow();
    for (const provider of made) {
      const error = await refusal(provider);
      expect(['ConfigurationError', 'InvalidArgument']).toContain(error._tag);
      expect(`${error.message} ${inspect(error, { showHidden: true, depth: Infinity })}`).not.toContain(secret);
    }
  });

  it('names the field whose getter threw', async () => {
    const endpoint = hostile()[1];
    expect((await refusal(createTencentProvider(any(endpoint)))).message).toContain(
      'endpoint: could not be read (its getter threw)',
    );
    expect((await refusal(createTencentProvider(any(hostile()[2])))).message).toContain(
      'credentials.secretKey: could not be read (its getter threw)',
    );
    expect((await refusal(createTencentProvider(any(hostile()[0])))).message).toContain('(root): could not be read');
  });

  it('a registry whose config is a Proxy refuses each provider, and parseMixTaskConfig returns a Left', async () => {
    const registry = createMixTaskRegistry(any(hostile()[0]));
    expect(E.isLeft(parseMixTaskConfig(hostile()[0]))).toBe(true);
    expect(E.isLeft(parseMixTaskConfig({ provider: 'tencent', ...hostile()[3] }))).toBe(true);
    const result = await registry.stopMix('tencent:room_1')();
    expect(E.isLeft(result)).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a Proxy', hostile()[0]],
    ['a number', 5],
  ])('mixTaskConfigFromEnv(%s) returns a Left', (_name, env) => {
    let result: E.Either<MixError, MixTaskConfig> | undefined;
    expect(() => (result = mixTaskConfigFromEnv(any(env)))).not.toThrow();
    expect(result !== undefined && E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
    expect(result !== undefined && E.isLeft(result) && result.left.message).not.toContain(secret);
  });

  it.each([
    [
      'throwing getters',
      Object.defineProperty({ MIXTASK_PROVIDER: 'tencent' }, 'TENCENTCLOUD_SECRET_ID', {
        get: () => {
          throw new Error(secret);
        },
        enumerable: true,
      }),
    ],
    [
      'values that are not strings',
      { MIXTASK_PROVIDER: 'tencent', TENCENTCLOUD_SECRET_ID: 5, TENCENTCLOUD_SECRET_KEY: {} },
    ],
  ])('mixTaskConfigFromEnv with %s does not throw; an unreadable variable counts as unset', (_name, env) => {
    let result: E.Either<MixError, MixTaskConfig> | undefined;
    expect(() => (result = mixTaskConfigFromEnv(any(env)))).not.toThrow();
    // Without readable keys the vendor's default chain (installed here) is used: a Right, or a Left naming variables.
    expect(result !== undefined && inspect(result, { showHidden: true, depth: Infinity })).not.toContain(secret);
  });
});
