import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { CommonProviderOptions } from '@mixtask/core';
import { createProvider, providerOptionsCodec, type ProviderDescriptor } from '@mixtask/core/adapter';
import { conformanceCases } from '@mixtask/core/testing';
import { testProtocol, type TestCredentials } from '../../core/test/support/test-protocol.js';
import { startScriptedServer, type ScriptedServer } from '../../core/test/support/scripted-server.js';
import { parseConfigWith } from '../src/config.js';
import { createProviderWith } from '../src/create.js';
import { configFromEnvWith } from '../src/env.js';
import { providerDescriptors } from '../src/providers.js';
import { createRegistryWith } from '../src/registry.js';

/**
 * A third provider, added the way docs/adding-a-provider.md says: its package exports one descriptor, and the
 * umbrella's list gains one entry. Nothing else in the umbrella knows about it.
 */
type KiwiOptions = CommonProviderOptions<TestCredentials>;
const kiwiDefinition = {
  name: 'kiwi',
  optionsCodec: providerOptionsCodec<KiwiOptions>(testProtocol.credentialsCodec),
  protocol: () => ({ ...testProtocol, name: 'kiwi' }),
};
const kiwiProvider: ProviderDescriptor<KiwiOptions, TestCredentials, 'kiwi'> = {
  name: 'kiwi',
  definition: kiwiDefinition,
  quota: 1000,
  create: (options) => createProvider(kiwiDefinition, options),
  env: [
    { name: 'KIWI_KEY', path: 'credentials.key', description: 'the key' },
    { name: 'KIWI_SECRET', path: 'credentials.secret', description: 'the secret' },
  ],
  cliFlags: [],
};
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

it('the umbrella lists its three clouds by their descriptors', () => {
  expect(providerDescriptors.map((d) => d.name)).toEqual(['tencent', 'aliyun', 'aws-ivs']);
});
