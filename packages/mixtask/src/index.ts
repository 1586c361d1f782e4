export { parseMixTaskConfig, providerNames, type ConfiguredProviderName, type MixTaskConfig } from './config.js';
export { createMixTaskProvider, fleetLimiterOf } from './create.js';
export type { FleetLimiterHandle, FleetLimiterStatus } from './fleet-status.js';
export { createMixTaskRegistry, type MixTaskRegistry, type MixTaskRegistryConfig } from './registry.js';
export { envVariables, mixTaskConfigFromEnv, type ConfigFromEnvOptions, type Env } from './env.js';
export { providerDescriptors } from './providers.js';
export {
  createRateLimiter,
  isMixError,
  matchMixError,
  matchMixErrorOrElse,
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
  type RateLimiter,
  type StopMixOptions,
  type StopMixSuccess,
} from '@mixtask/core';
export {
  createTencentProvider,
  tencentProvider,
  type TencentCredentials,
  type TencentProviderOptions,
} from '@mixtask/provider-tencent';
export {
  aliyunProvider,
  createAliyunProvider,
  type AliyunCredentials,
  type AliyunProviderOptions,
} from '@mixtask/provider-aliyun';
export {
  awsIvsProvider,
  createAwsIvsProvider,
  fromAwsCredentialProvider,
  type AwsCredentials,
  type AwsIvsProviderOptions,
} from '@mixtask/provider-aws-ivs';
