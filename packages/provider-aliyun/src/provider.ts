import type { MixTaskProvider } from '@mixtask/core/adapter';
import { aliyunProvider } from './descriptor.js';
import type { AliyunProviderOptions } from './options.js';

/**
 * A MixTaskProvider that stops Alibaba Cloud ApsaraVideo Live MPU tasks (StopLiveMPUTask). It never throws:
 * options that do not validate (a bad `appId`, endpoint or credentials shape) make every call a
 * ConfigurationError naming the field, before any request.
 */
export function createAliyunProvider(options: AliyunProviderOptions): MixTaskProvider {
  return aliyunProvider.create(options);
}
