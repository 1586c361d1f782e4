import type { MixTaskProvider } from '@mixtask/core/adapter';
import { tencentProvider } from './descriptor.js';
import type { TencentProviderOptions } from './options.js';

/**
 * A MixTaskProvider for Tencent Cloud Live (CancelCommonMixStream). It never throws: options that do not
 * validate give a provider whose every call is a ConfigurationError naming the bad field.
 */
export function createTencentProvider(options: TencentProviderOptions): MixTaskProvider {
  return tencentProvider.create(options);
}
