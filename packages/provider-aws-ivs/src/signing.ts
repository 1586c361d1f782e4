/**
 * @mixtask/provider-aws-ivs/signing — AWS Signature Version 4 step by step, and the protocol that uses it. For the
 * emulator, tests and tools that verify requests; apps need none of it.
 */
export {
  ivsSigningName,
  parseSigV4Authorization,
  parseSigV4Date,
  signSigV4,
  sigV4Algorithm,
  sigV4Authorization,
  sigV4CanonicalHeaders,
  sigV4CanonicalQuery,
  sigV4CanonicalRequest,
  sigV4CredentialScope,
  sigV4Date,
  sigV4Signature,
  sigV4SigningKey,
  sigV4StringToSign,
  sigV4UriEncode,
  SigV4KeyCache,
  type ParsedSigV4Authorization,
  type SigV4Headers,
  type SigV4Input,
  type SigV4Request,
  type SigV4Signature,
} from './sign.js';
export {
  awsErrorCode,
  awsIvsDefaultEndpoint,
  awsIvsOperation,
  awsIvsPath,
  awsIvsProtocol,
  awsIvsRequestsPerSecond,
  bareErrorName,
  compositionArnMaxLength,
  compositionArnPattern,
  parseCompositionArn,
  safeAwsMessage,
  type AwsIvsProtocolSettings,
} from './protocol.js';
export { awsCredentialsCodec, awsIvsProviderOptionsCodec, awsRegionCodec, awsRegionPattern } from './options.js';
