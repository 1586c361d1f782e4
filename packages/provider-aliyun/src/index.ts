export { createAliyunProvider } from './provider.js';
export { aliyunProvider } from './descriptor.js';
export { fromAlibabaCloudCredentials } from './credential-source.js';
export type { AliyunCredentials, AliyunProviderOptions } from './options.js';
export { aliyunCodeRules } from './errors.js';
