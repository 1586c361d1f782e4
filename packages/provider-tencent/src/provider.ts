import { createProvider, type MixTaskProvider, type ProviderDefinition } from '@mixtask/core/adapter';
import { tencentProviderOptionsCodec, type TencentCredentials, type TencentProviderOptions } from './options.js';
import { tencentProtocol } from './protocol.js';

export const tencentDefinition: ProviderDefinition<TencentProviderOptions, TencentCredentials> = {
  name: 'tencent',
  optionsCodec: tencentProviderOptionsCodec,
  protocol: (options) => tencentProtocol(options.language === undefined ? {} : { language: options.language }),
};

/**
 * A MixTaskProvider for Tencent Cloud Live (CancelCommonMixStream). It never throws: options that do not
 * validate give a provider whose every call is a ConfigurationError naming the bad field.
 */
export function createTencentProvider(options: TencentProviderOptions): MixTaskProvider {
  return createProvider(tencentDefinition, options);
}
