import * as t from 'io-ts';
import { commonOptionsCodec, createProvider, credentialsSourceCodec } from '@mixtask/core/adapter';
import { type CommonProviderOptions, type MixTaskProvider } from '@mixtask/core';
import { testProtocol, type TestCredentials } from '@mixtask/test-kit';

export type TestOptions = CommonProviderOptions<TestCredentials>;

const optionsCodec = t.intersection([
  t.type({ credentials: credentialsSourceCodec(testProtocol.credentialsCodec) }),
  commonOptionsCodec,
]) as unknown as t.Type<TestOptions, unknown, unknown>;

export const credentials: TestCredentials = { key: 'key-1', secret: 'SUPERSECRET-test-secret' };

export function testProvider(endpoint: string, options: Partial<TestOptions> = {}): MixTaskProvider {
  return createProvider({ name: 'test', optionsCodec, protocol: () => testProtocol }, {
    credentials,
    endpoint,
    rateLimit: false,
    ...options,
  } as TestOptions);
}
