export { createTencentProvider } from './provider.js';
export {
  tencentCredentialsCodec,
  tencentLanguageCodec,
  tencentProviderOptionsCodec,
  type TencentCredentials,
  type TencentLanguage,
  type TencentProviderOptions,
} from './options.js';
export { tencentCodeRules } from './errors.js';
export {
  mixStreamSessionIdPattern,
  tencentAction,
  tencentDefaultEndpoint,
  tencentProtocol,
  tencentRequestsPerSecond,
  tencentVersion,
  type TencentProtocolSettings,
} from './protocol.js';
export {
  authorizationHeader,
  canonicalHeaders,
  canonicalRequest,
  credentialScope,
  hashedPayload,
  liveService,
  parseTc3Authorization,
  signature,
  signingKey,
  signTc3,
  stringToSign,
  tc3Algorithm,
  utcDate,
  type ParsedTc3Authorization,
  type Tc3Input,
  type Tc3Request,
  type Tc3Signature,
} from './sign.js';
export { fromTencentCloudCredential } from './credential-source.js';
