/**
 * @mixtask/core/adapter — what an adapter author needs to add a provider: the definition and protocol types,
 * `createProvider` (which runs the shared runner: rate limit, credentials, retries, deadline), the code-table
 * classifier, signing and HTTP helpers, the option codecs and the transport contract. docs/adding-a-provider.md
 * walks through it. Apps import `@mixtask/core`.
 */
export { createProvider, refusingProvider, type ProviderDefinition } from './runner/create-provider.js';
export { awaitableTask } from './runner/awaitable-task.js';
export type {
  AttemptInput,
  IncomingResponse,
  OutgoingRequest,
  ProviderFailure,
  ProviderProtocol,
} from './contract/protocol.js';
export { codeClassifier, renderCodeTable, type CodeMatch, type CodeRule } from './adapter-kit/code-table.js';
export {
  canonicalHeaderBlock,
  canonicalRequest,
  hmacSha256,
  hmacSha256Hex,
  sha256Hex,
  type CanonicalRequestParts,
} from './adapter-kit/signing.js';
export { classifyByStatus, firstHeader, parseRetryAfter, retryAfterFromHeaders } from './adapter-kit/http-status.js';
export { parseJsonBody } from './adapter-kit/json-body.js';
export {
  commonOptionsCodec,
  credentialsSourceCodec,
  credentialString,
  defaults,
  describeValidationErrors,
  endpointCodec,
  endpointProblem,
  isLoopbackHost,
  keyPairCodec,
  kindOf,
  providerOptionsCodec,
  validate,
} from './config/options.js';
export { defaultRetryable, mixError, type MixErrorInput } from './contract/errors.js';
export { describeId } from './contract/describe-id.js';
export { nearestField, strictFieldPaths, unknownKeyProblems } from './config/strict-object.js';
export { foreignErrorCause } from './runner/foreign-error-cause.js';
export {
  abortedError,
  markSendError,
  maxResponseBytes,
  responseTooLarge,
  responseTooLargeCode,
  type SendOptions,
  type Transport,
} from './transport/transport.js';
// The app-side types an adapter's own signatures mention, so an adapter imports from one entry point.
export type { MixTaskProvider, ProviderName } from './contract/provider.js';
export type { CommonProviderOptions, CredentialsSource } from './config/options.js';
export type { MixError, MixErrorTag } from './contract/errors.js';
export {
  defineProvider,
  type CliFlag,
  type DefaultCredentialChain,
  type EnvVariable,
  type ProtocolBody,
  type ProviderDescriptor,
  type ProviderSpec,
} from './contract/descriptor.js';
export {
  CredentialSourceError,
  credentialsFromSource,
  isCredentialSourceError,
  type CredentialFieldMapping,
  type CredentialObject,
  type CredentialSourceAdapter,
  type CredentialSourceErrorCode,
  type CredentialSourceInput,
} from './runner/credential-source.js';
export type { ProtocolTelemetry } from './contract/protocol.js';
