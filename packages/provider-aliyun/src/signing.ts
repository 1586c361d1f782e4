/**
 * @mixtask/provider-aliyun/signing — ACS3-HMAC-SHA256 (signature V3) step by step, and the protocol that uses it.
 * For the emulator, tests and tools that verify requests; apps need none of it.
 */
export {
  acs3Algorithm,
  acs3Authorization,
  acs3CanonicalHeaders,
  acs3CanonicalRequest,
  acs3Date,
  acs3HeadersToSign,
  acs3Signature,
  acs3SignedHeaders,
  acs3StringToSign,
  canonicalQueryString,
  emptyBodySha256,
  hashedCanonicalRequest,
  isSignedHeaderName,
  parseAcs3Authorization,
  parseAcs3Date,
  percentEncode,
  signAcs3,
  type Acs3Input,
  type Acs3Signature,
  type CanonicalRequestParts,
  type ParsedAcs3Authorization,
} from './sign.js';
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
export { aliyunCredentialsCodec, aliyunProviderOptionsCodec, appIdCodec, appIdPattern } from './options.js';
