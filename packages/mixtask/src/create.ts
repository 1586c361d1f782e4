import * as E from 'fp-ts/lib/Either.js';
import type { MixTaskProvider } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { configurationError, type MixTaskConfig } from './config.js';

/**
 * The provider the config names. Like the providers' own factories it never throws: a config that does not hold
 * gives a provider whose calls return the ConfigurationError (parse it first with parseMixTaskConfig to fail at
 * start-up instead).
 */
export function createMixTaskProvider(config: MixTaskConfig): MixTaskProvider {
  const { provider, ...options } = (config ?? {}) as Partial<MixTaskConfig>;
  switch (provider) {
    case 'tencent':
      return createTencentProvider(options as Parameters<typeof createTencentProvider>[0]);
    case 'aliyun':
      return createAliyunProvider(options as Parameters<typeof createAliyunProvider>[0]);
    default: {
      const error = configurationError('unknown', ["provider: expected 'tencent' or 'aliyun'"]);
      return { name: 'unknown', stopMix: () => () => Promise.resolve(E.left(error)) };
    }
  }
}
