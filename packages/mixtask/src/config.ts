import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { mixError, validate, type ConfigurationError, type MixError } from '@mixtask/core';
import { aliyunProviderOptionsCodec, type AliyunProviderOptions } from '@mixtask/provider-aliyun';
import { tencentProviderOptionsCodec, type TencentProviderOptions } from '@mixtask/provider-tencent';

/** Which provider to use, with that provider's options beside it. */
export type MixTaskConfig =
  | ({ readonly provider: 'tencent' } & TencentProviderOptions)
  | ({ readonly provider: 'aliyun' } & AliyunProviderOptions);

export type ConfiguredProviderName = MixTaskConfig['provider'];

export const providerNames: readonly ConfiguredProviderName[] = ['tencent', 'aliyun'];

/** The providers' own option codecs: a config is checked by exactly the rules the provider applies. */
const optionCodecs: Record<ConfiguredProviderName, t.Type<unknown, unknown, unknown>> = {
  tencent: tencentProviderOptionsCodec as t.Type<unknown, unknown, unknown>,
  aliyun: aliyunProviderOptionsCodec as t.Type<unknown, unknown, unknown>,
};

/**
 * Checks an untrusted config (a parsed JSON file, an env mapping …). Every problem is a ConfigurationError whose
 * message names the path of each bad field; values are never echoed, as a bad field may hold a secret.
 */
export function parseMixTaskConfig(input: unknown): E.Either<MixError, MixTaskConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(configurationError('unknown', ['(root): expected an object with a "provider" field']));
  }
  const provider = (input as { provider?: unknown }).provider;
  if (provider !== 'tencent' && provider !== 'aliyun') {
    return E.left(
      configurationError('unknown', [`provider: expected ${providerNames.map((n) => `'${n}'`).join(' or ')}`]),
    );
  }
  const checked = validate(optionCodecs[provider], input);
  if (E.isLeft(checked)) return E.left(configurationError(provider, checked.left));
  return E.right({ ...(checked.right as object), provider } as MixTaskConfig);
}

export function configurationError(provider: string, problems: readonly string[]): ConfigurationError {
  return mixError('ConfigurationError', {
    provider,
    id: '',
    reason: `invalid mixtask config: ${problems.join('; ')}`,
  });
}
