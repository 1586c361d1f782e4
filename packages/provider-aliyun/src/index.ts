export { createAliyunProvider } from './provider.js';
export {
  aliyunCredentialsCodec,
  aliyunProviderOptionsCodec,
  appIdCodec,
  appIdPattern,
  type AliyunCredentials,
  type AliyunProviderOptions,
} from './options.js';
export { aliyunCodeRules } from './errors.js';
export {
  acsRetryAfterMs,
  aliyunAction,
  aliyunDefaultEndpoint,
  aliyunProtocol,
  aliyunRequestsPerSecond,
  aliyunVersion,
  mpuTaskIdPattern,
  safeProviderMessage,
} from './protocol.js';
export {
  acs3Algorithm,
  acs3Authorization,
  acs3Date,
  acs3Signature,
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  emptyBodySha256,
  hashedCanonicalRequest,
  headersToSign,
  isSignedHeaderName,
  parseAcs3Authorization,
  parseAcs3Date,
  percentEncode,
  signAcs3,
  signedHeaders,
  stringToSign,
  type Acs3Input,
  type Acs3Signature,
  type CanonicalRequestParts,
  type ParsedAcs3Authorization,
} from './sign.js';
export { fromAlibabaCloudCredentials } from './credential-source.js';
