import { createProvider, type MixTaskProvider, type ProviderDefinition } from '@mixtask/core/adapter';
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
 */
export function createAliyunProvider(options: AliyunProviderOptions): MixTaskProvider {
  return createProvider(aliyunDefinition, options);
}
