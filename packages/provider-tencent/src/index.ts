export { createTencentProvider } from './provider.js';
export { tencentProvider } from './descriptor.js';
export { fromTencentCloudCredential } from './credential-source.js';
export type { TencentCredentials, TencentLanguage, TencentProviderOptions } from './options.js';
export { tencentCodeRules } from './errors.js';
