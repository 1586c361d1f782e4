export { createAwsIvsProvider } from './provider.js';
export { awsIvsProvider } from './descriptor.js';
export {
  fromAwsCredentialProvider,
  type AwsCredentialIdentityLike,
  type AwsCredentialProvider,
} from './credential-source.js';
export type { AwsCredentials, AwsIvsProviderOptions } from './options.js';
export { awsIvsCodeRules } from './errors.js';
