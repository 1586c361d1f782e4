import { createProvider, type MixTaskProvider, type ProviderDefinition, type Transport } from '@mixtask/core/adapter';
import { aliyunProviderOptionsCodec, type AliyunCredentials, type AliyunProviderOptions } from './options.js';
import { aliyunProtocol } from './protocol.js';

export const aliyunDefinition: ProviderDefinition<AliyunProviderOptions, AliyunCredentials> = {
  name: 'aliyun',
  optionsCodec: aliyunProviderOptionsCodec,
  protocol: (options) => aliyunProtocol(options.appId),
};

/**
 * A MixTaskProvider that stops Alibaba Cloud ApsaraVideo Live MPU tasks (StopLiveMPUTask). It never throws:
 * options that do not validate (a bad `appId`, endpoint or credentials shape) make every call a
 * ConfigurationError naming the field, before any request.
 *
 * `transport` is for tests and benchmarks that replace the HTTP layer; apps leave it out.
 */
export function createAliyunProvider(options: AliyunProviderOptions, transport?: Transport): MixTaskProvider {
  return createProvider(aliyunDefinition, options, transport);
}
