/**
 * @mixtask/provider-tencent/signing — TC3-HMAC-SHA256 step by step, and the protocol that uses it. For the emulator,
 * tests and tools that verify requests; apps need none of it.
 */
export {
  hashedPayload,
  liveService,
  parseTc3Authorization,
  signTc3,
  tc3Algorithm,
  tc3Authorization,
  tc3CanonicalHeaders,
  tc3CanonicalRequest,
  tc3CredentialScope,
  tc3Date,
  tc3Signature,
  tc3SigningKey,
  tc3StringToSign,
  type ParsedTc3Authorization,
  type Tc3Input,
  type Tc3Request,
  type Tc3Signature,
} from './sign.js';
export {
  mixStreamSessionIdPattern,
  tencentAction,
  tencentDefaultEndpoint,
  tencentProtocol,
  tencentRequestsPerSecond,
  tencentVersion,
  type TencentProtocolSettings,
} from './protocol.js';
export { tencentCredentialsCodec, tencentLanguageCodec, tencentProviderOptionsCodec } from './options.js';
