import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import type { CommonProviderOptions } from '@mixtask/core';
import { defineProvider, providerOptionsCodec } from '@mixtask/core/adapter';
import { conformanceCases, createFakeProvider } from '@mixtask/core/testing';
import { testProtocol, type TestCredentials } from '@mixtask/test-kit';
import { startScriptedServer, type ScriptedServer } from '@mixtask/test-kit';
import { stopCommandWith, stopHelpFor } from '../src/cli/stop.js';
import { parseConfigWith } from '../src/config.js';
import { createProviderWith } from '../src/create.js';
import { configFromEnvWith } from '../src/env.js';
import { providerDescriptors } from '../src/providers.js';
import { createRegistryWith } from '../src/registry.js';

/**
 * A third provider, added the way docs/adding-a-provider.md says: its package describes it once, with
 * `defineProvider`, and the umbrella's list gains one entry. Nothing else in the umbrella knows about it.
 */
type KiwiOptions = CommonProviderOptions<TestCredentials>;
const kiwiProvider = defineProvider({
  name: 'kiwi',
  stops: 'a juicing job (Kiwi Cloud)',
  quota: 1000,
  defaultEndpoint: 'https://kiwi.invalid',
  optionsCodec: providerOptionsCodec<KiwiOptions>(testProtocol.credentialsCodec),
  protocol: () => testProtocol,
  idRule: /^[a-z0-9_]{1,20}$/,
  codeRules: [{ tag: 'SessionNotFound', codes: ['NotFound'] }],
  env: [
    { name: 'KIWI_KEY', path: 'credentials.key', description: 'the key' },
    { name: 'KIWI_SECRET', path: 'credentials.secret', description: 'the secret' },
  ],
  cliFlags: [{ name: 'kiwi-key', env: 'KIWI_KEY', valueName: 'key', description: 'the Kiwi key' }],
});
const descriptors = [...providerDescriptors, kiwiProvider];

/** A kiwi backend: sessions it knows are stopped once; anything else is NotFound. */
let server: ScriptedServer;
const sessions = new Set<string>();
let sequence = 0;
beforeAll(async () => {
  server = await startScriptedServer();
  server.fallback = (request) => {
    const { id } = JSON.parse(request.body) as { id: string };
    const requestId = `kiwi-${++sequence}`;
    return sessions.delete(id)
      ? { kind: 'json', body: { requestId } }
      : { kind: 'json', body: { requestId, code: 'NotFound' } };
  };
});
afterAll(() => server.close());

const kiwiConfig = () => ({
  provider: 'kiwi',
  credentials: { key: 'k1', secret: 'SUPERSECRET-kiwi' },
  endpoint: server.url,
  rateLimit: false,
});

describe('a third provider, through the descriptor list alone', () => {
  describe('passes the conformance suite through the config switch', () => {
    for (const c of conformanceCases({
      makeProvider: () => createProviderWith(descriptors, kiwiConfig()),
      createSession: () => {
        const id = `room_${++sequence}`;
        sessions.add(id);
        return Promise.resolve(id);
      },
      requestCount: () => server.seen.length,
      holdNextAnswer: () => server.script({ kind: 'hang' }),
    })) {
      it(c.name, c.run);
    }
  });

  it('is checked by parseMixTaskConfig with its own rules, and named among the providers', () => {
    expect(E.isRight(parseConfigWith(descriptors, kiwiConfig()))).toBe(true);
    const bad = parseConfigWith(descriptors, { ...kiwiConfig(), credentials: { key: 'k1' } });
    expect(E.isLeft(bad) && bad.left.message).toContain('credentials');
    const unknown = parseConfigWith(descriptors, { provider: 'mango' });
    expect(E.isLeft(unknown) && unknown.left.message).toContain("'kiwi'");
  });

  it('is read from the environment by its own variables', () => {
    const config = configFromEnvWith(descriptors, {
      MIXTASK_PROVIDER: 'kiwi',
      MIXTASK_ENDPOINT: server.url,
      KIWI_KEY: 'k1',
      KIWI_SECRET: 'SUPERSECRET-kiwi',
    });
    expect(E.isRight(config) && config.right).toMatchObject({ provider: 'kiwi', credentials: { key: 'k1' } });
    const missing = configFromEnvWith(descriptors, { MIXTASK_PROVIDER: 'kiwi', KIWI_KEY: 'k1' });
    expect(E.isLeft(missing) && missing.left.message).toContain('KIWI_SECRET');
  });

  it('is routed by the registry under its name', async () => {
    const registry = createRegistryWith(descriptors, { kiwi: kiwiConfig() });
    sessions.add('room_reg');
    const result = await registry.stopMix('kiwi:room_reg')();
    expect(E.isRight(result) && result.right).toMatchObject({ provider: 'kiwi', id: 'room_reg', outcome: 'stopped' });
    await registry.close();
  });
});

describe('the CLI, over the same list', () => {
  it('names the provider, what its ids are, and its own flags in `mixtask stop --help`', () => {
    const help = stopHelpFor(descriptors);
    expect(help).toContain('--provider <tencent|aliyun|aws-ivs|kiwi>');
    expect(help).toContain('a juicing job (Kiwi Cloud)');
    expect(help).toContain("'kiwi:<id>'");
    expect(help).toMatch(/--kiwi-key <key> +overrides KIWI_KEY \(kiwi\): the Kiwi key/);
    expect(stopHelpFor(providerDescriptors)).not.toContain('kiwi');
  });

  it('stops a kiwi id, its flag overriding the environment', async () => {
    sessions.add('room_cli');
    const out: string[] = [];
    const code = await stopCommandWith(descriptors, ['room_cli', '--provider', 'kiwi', '--kiwi-key', 'k2', '--json'], {
      env: { MIXTASK_ENDPOINT: server.url, KIWI_KEY: 'k1', KIWI_SECRET: 'SUPERSECRET-kiwi' },
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      interrupted: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, provider: 'kiwi', id: 'room_cli' });
    expect(server.seen.at(-1)?.headers['x-key']).toBe('k2');
  });
});

describe('the descriptor is the one place', () => {
  it('runs its protocol with its own name, endpoint and quota', () => {
    const protocol = kiwiProvider.definition.protocol({ credentials: { key: 'k', secret: 's' } });
    expect(protocol).toMatchObject({
      name: 'kiwi',
      defaultEndpoint: 'https://kiwi.invalid',
      defaultRequestsPerSecond: 1000,
    });
  });

  /** Options every provider's protocol can be built from: `region` is Amazon IVS's, the others ignore it. */
  const options = { credentials: {}, region: 'us-east-1' } as never;
  /**
   * Where a valid id is refused for what the options say, not for its shape: the fake has no options, so its rule
   * is the shape only (each provider's own tests cover the narrowing).
   */
  const narrowedByOptions: Readonly<Record<string, string>> = {
    'aws-ivs': "an ARN of another region than the provider's is refused (provider-aws-ivs/test/protocol.test.ts)",
  };

  /**
   * Ids matching a rule, for fast-check (which cannot generate from a lookahead): a leading length lookahead, as
   * Amazon IVS's `^(?=[\s\S]{1,128}$)arn:…`, is dropped and then checked as a filter.
   */
  const matching = (rule: RegExp) =>
    fc
      .stringMatching(new RegExp(rule.source.replace(/^\^\(\?=[^()]*\)/, '^'), rule.flags))
      .filter((id) => rule.test(id));

  describe.each(providerDescriptors.map((d) => [d.name, d] as const))('%s', (name, descriptor) => {
    const protocol = () => descriptor.definition.protocol(options);

    it("its idRule accepts every id its protocol's validateId accepts, and (unless options narrow it) no other", () => {
      const ids = fc.oneof(
        matching(descriptor.idRule),
        fc.string({ maxLength: 90 }),
        fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', ' '), maxLength: 90 }),
      );
      const exact = narrowedByOptions[name] === undefined;
      fc.assert(
        fc.property(ids, (id) => {
          const valid = E.isRight(protocol().validateId(id));
          return exact ? valid === descriptor.idRule.test(id) : !valid || descriptor.idRule.test(id);
        }),
      );
    });

    it('a fake made like it refuses the same ids, under its name', async () => {
      const [good = ''] = fc.sample(matching(descriptor.idRule), { numRuns: 1, seed: 7 });
      const fake = createFakeProvider({ like: descriptor, sessions: [good] });
      expect(fake.name).toBe(descriptor.name);
      const tooLong = 'a'.repeat(200);
      const result = await fake.stopMix(tooLong)();
      expect(E.isLeft(result) && result.left._tag).toBe(E.isLeft(protocol().validateId(tooLong)) && 'InvalidArgument');
      expect(E.isRight(await fake.stopMix(good)())).toBe(true);
    });

    it('its protocol runs under its name, default endpoint and quota', () => {
      const endpoint = descriptor.defaultEndpoint;
      expect(protocol()).toMatchObject({
        name: descriptor.name,
        defaultEndpoint: typeof endpoint === 'string' ? endpoint : endpoint(options),
        defaultRequestsPerSecond: descriptor.quota,
      });
    });
  });
});

it('the umbrella lists its three clouds by their descriptors', () => {
  expect(providerDescriptors.map((d) => d.name)).toEqual(['tencent', 'aliyun', 'aws-ivs']);
});
