import { createProvider, type MixTaskProvider, type Transport } from '@mixtask/core';
import { tencentProviderOptionsCodec, type TencentProviderOptions } from './options.js';
import { tencentProtocol } from './protocol.js';

/**
 * A MixTaskProvider for Tencent Cloud Live (CancelCommonMixStream). It never throws: options that do not
 * validate give a provider whose every call is a ConfigurationError naming the bad field.
 *
 * `transport` is for tests and benchmarks that replace the HTTP layer; apps leave it out.
 */
export function createTencentProvider(options: TencentProviderOptions, transport?: Transport): MixTaskProvider {
  return createProvider(
    {
      name: 'tencent',
      optionsCodec: tencentProviderOptionsCodec,
      protocol: (valid) => tencentProtocol(valid.language === undefined ? {} : { language: valid.language }),
    },
    options,
    transport,
  );
}
