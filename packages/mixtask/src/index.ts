export { parseMixTaskConfig, providerNames, type ConfiguredProviderName, type MixTaskConfig } from './config.js';
export { createMixTaskProvider } from './create.js';
export { envVariables, mixTaskConfigFromEnv, type Env } from './env.js';
export {
  isMixError,
  matchMixError,
  mixErrorTags,
  stopMixes,
  type StopMixesOptions,
  type StopMixesReport,
  type CommonProviderOptions,
  type MixError,
  type MixErrorHandlers,
  type MixErrorTag,
  type MixEvent,
  type MixTaskProvider,
  type ProviderName,
  type StopMixOptions,
  type StopMixSuccess,
} from '@mixtask/core';
export { createTencentProvider, type TencentCredentials, type TencentProviderOptions } from '@mixtask/provider-tencent';
export { createAliyunProvider, type AliyunCredentials, type AliyunProviderOptions } from '@mixtask/provider-aliyun';
