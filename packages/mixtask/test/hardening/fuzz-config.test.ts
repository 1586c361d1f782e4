import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { createMixTaskProvider, isMixError, parseMixTaskConfig, type MixTaskConfig } from 'mixtask';
import { closedPort, settle } from './support/helpers.js';

/**
 * Random config objects through parseMixTaskConfig: it never throws; a valid config comes back as it went in (and
 * parses again to itself); an invalid one is a ConfigurationError naming the bad field and never echoing a value.
 */

const day = 86_400_000;
/** Recognisable credential values: a message that echoed one would be caught. */
const credential = fc.stringMatching(/^[\x21-\x7e]{0,24}$/).map((s) => `CRED_${s}`);
const port = fc.integer({ min: 1, max: 65535 });
const endpoint = fc.oneof(
  fc.constantFrom('https://live.tencentcloudapi.com', 'https://live.aliyuncs.com', 'https://live.aliyuncs.com/'),
  fc.domain().map((d) => `https://${d}`),
  fc.tuple(fc.constantFrom('127.0.0.1', 'localhost', '[::1]', '127.1.2.3'), port).map(([h, p]) => `http://${h}:${p}`),
);
const common = {
  endpoint,
  timeoutMs: fc.integer({ min: 1, max: day }),
  deadlineMs: fc.integer({ min: 1, max: day }),
  retry: fc.oneof(
    fc.constant(false as const),
    fc.record(
      {
        maxAttempts: fc.integer({ min: 1, max: 10 }),
        baseDelayMs: fc.integer({ min: 0, max: day }),
        maxDelayMs: fc.integer({ min: 0, max: day }),
      },
      { requiredKeys: [] },
    ),
  ),
  rateLimit: fc.oneof(
    fc.constant(false as const),
    fc.record({ requestsPerSecond: fc.integer({ min: 1, max: 100_000 }) }),
  ),
  notFound: fc.constantFrom('error' as const, 'already-stopped' as const),
};
const commonKeys = Object.keys(common);

const tencentConfig = fc.record(
  {
    provider: fc.constant('tencent' as const),
    credentials: fc.record(
      { secretId: credential, secretKey: credential, sessionToken: credential },
      { requiredKeys: ['secretId', 'secretKey'] },
    ),
    language: fc.constantFrom('zh-CN' as const, 'en-US' as const),
    ...common,
  },
  { requiredKeys: ['provider', 'credentials'] },
);
const aliyunConfig = fc.record(
  {
    provider: fc.constant('aliyun' as const),
    credentials: fc.record(
      { accessKeyId: credential, accessKeySecret: credential, securityToken: credential },
      { requiredKeys: ['accessKeyId', 'accessKeySecret'] },
    ),
    appId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    ...common,
  },
  { requiredKeys: ['provider', 'credentials', 'appId'] },
);
const validConfig: fc.Arbitrary<MixTaskConfig> = fc.oneof(tencentConfig, aliyunConfig) as fc.Arbitrary<MixTaskConfig>;

/** Values each field must refuse. */
const invalid: Record<string, fc.Arbitrary<unknown>> = {
  endpoint: fc.constantFrom(
    'http://live.tencentcloudapi.com',
    'ftp://127.0.0.1',
    'https://user:pw@live.aliyuncs.com',
    'https://live.aliyuncs.com/path',
    'https://live.aliyuncs.com/?q=1',
    'not a url',
    '',
    42,
    null,
  ),
  timeoutMs: fc.oneof(fc.constantFrom(0, -1, 1.5, day + 1, Number.NaN, Infinity, '1000', null), fc.double({ max: 0 })),
  deadlineMs: fc.constantFrom(0, -5, 0.5, day * 2, '30000', true),
  retry: fc.constantFrom(
    true,
    'no',
    { maxAttempts: 0 },
    { maxAttempts: 11 },
    { baseDelayMs: -1 },
    { maxAttempts: 2.5 },
  ),
  rateLimit: fc.constantFrom(true, {}, { requestsPerSecond: 0 }, { requestsPerSecond: 100_001 }, 100),
  notFound: fc.constantFrom('ignore', '', true, null),
};

describe('parseMixTaskConfig', () => {
  it('valid configs round-trip: the same config back, and parsing it again changes nothing', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const parsed = parseMixTaskConfig(config);
        expect(E.isRight(parsed) ? parsed.right : parsed.left.message).toEqual(config);
        const again = parseMixTaskConfig(JSON.parse(JSON.stringify(config)));
        expect(E.isRight(again) ? again.right : again.left.message).toEqual(config);
      }),
      { numRuns: 500 },
    );
  });

  it('any value at all: never throws, always an Either, a Left is a ConfigurationError', () => {
    const anything = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }),
      fc.record({ provider: fc.constantFrom('tencent', 'aliyun', 'azure', ''), rest: fc.anything() }).map((r) => ({
        provider: r.provider,
        ...(typeof r.rest === 'object' && r.rest !== null ? r.rest : { credentials: r.rest }),
      })),
    );
    fc.assert(
      fc.property(anything, (input) => {
        let parsed: ReturnType<typeof parseMixTaskConfig> | undefined;
        expect(() => (parsed = parseMixTaskConfig(input))).not.toThrow();
        if (parsed !== undefined && E.isLeft(parsed)) {
          expect(isMixError(parsed.left)).toBe(true);
          expect(parsed.left).toMatchObject({ _tag: 'ConfigurationError', retryable: false, attempts: 0 });
        }
        if (parsed !== undefined && E.isRight(parsed)) {
          const again = parseMixTaskConfig(parsed.right);
          expect(E.isRight(again) ? again.right : again.left.message).toEqual(parsed.right);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('one bad field: refused, named by its path, and no value of the config echoed', () => {
    const broken = fc
      .tuple(validConfig, fc.constantFrom(...commonKeys))
      .chain(([config, key]) =>
        (invalid[key] as fc.Arbitrary<unknown>).map((value) => ({ config: { ...config, [key]: value }, key })),
      );
    const brokenCredential = fc
      .tuple(validConfig, credential, fc.constantFrom(' ', '\n', '\t', 'é'))
      .map(([config, secret, bad]) => {
        const credentials = config.credentials as unknown as Record<string, string>;
        const key = Object.keys(credentials)[0] as string;
        return {
          config: { ...config, credentials: { ...credentials, [key]: `${secret}${bad}` } },
          key: `credentials.${key}`,
        };
      });
    fc.assert(
      fc.property(fc.oneof(broken, brokenCredential), ({ config, key }) => {
        const parsed = parseMixTaskConfig(config);
        if (E.isRight(parsed)) throw new Error(`accepted a bad ${key}: ${JSON.stringify(config)}`);
        expect(parsed.left._tag).toBe('ConfigurationError');
        expect(parsed.left.message).toContain(key);
        for (const value of Object.values(config.credentials as Record<string, string>)) {
          expect(parsed.left.message.includes(value) ? value : 'not echoed').toBe('not echoed');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('createMixTaskProvider with random configs', () => {
  let refused: string;
  beforeAll(async () => {
    refused = `http://127.0.0.1:${await closedPort()}`;
  });

  it('never throws; a config parseMixTaskConfig refuses gives ConfigurationError, one it accepts does not', async () => {
    // The endpoint is always a closed loopback port (or broken): nothing leaves the machine. One attempt each.
    const input = fc.oneof(
      validConfig.map((c) => ({ ...c, endpoint: refused, retry: false })),
      fc.tuple(validConfig, fc.constantFrom(...commonKeys)).chain(([c, key]) =>
        (invalid[key] as fc.Arbitrary<unknown>).map((value) => ({
          ...c,
          endpoint: refused,
          retry: false,
          [key]: value,
        })),
      ),
      fc.anything().map((rest) => (typeof rest === 'object' && rest !== null ? { ...rest, endpoint: refused } : rest)),
    );
    await fc.assert(
      fc.asyncProperty(input, async (config) => {
        let provider: ReturnType<typeof createMixTaskProvider> | undefined;
        expect(() => (provider = createMixTaskProvider(config as MixTaskConfig))).not.toThrow();
        const { result } = await settle(provider as unknown as ReturnType<typeof createMixTaskProvider>, 'room_1', {
          timeoutMs: 2000,
        });
        const error = E.isLeft(result) ? result.left : undefined;
        expect(error).toBeDefined();
        const accepted = E.isRight(parseMixTaskConfig(config));
        expect(error?._tag === 'ConfigurationError').toBe(!accepted);
      }),
      { numRuns: 200 },
    );
  });
});
