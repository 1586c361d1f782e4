/**
 * @mixtask/core/adapter — what an adapter author needs to add a provider: the definition and protocol types,
 * `createProvider` (which runs the shared runner: rate limit, credentials, retries, deadline), the code-table
 * classifier, signing and HTTP helpers, the option codecs and the transport contract. docs/adding-a-provider.md
 * walks through it. Apps import `@mixtask/core`.
 */
export { createProvider, refusingProvider, type ProviderDefinition } from './create-provider.js';
export { awaitableTask } from './awaitable-task.js';
export type { AttemptInput, IncomingResponse, OutgoingRequest, ProviderFailure, ProviderProtocol } from './protocol.js';
export { codeClassifier, renderCodeTable, type CodeMatch, type CodeRule } from './code-table.js';
export {
  canonicalHeaderBlock,
  canonicalRequest,
  hmacSha256,
  hmacSha256Hex,
  sha256Hex,
  type CanonicalRequestParts,
} from './signing.js';
export { classifyByStatus, firstHeader, parseRetryAfter, retryAfterFromHeaders } from './http-status.js';
export { parseJsonBody } from './json-body.js';
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
} from './options.js';
export { defaultRetryable, mixError, type MixErrorInput } from './errors.js';
export { describeId } from './describe-id.js';
export {
  nearestField,
  strictFieldPaths,
  strictObject,
  StrictObjectType,
  unknownKeyProblems,
  type FieldAliases,
  type StrictFields,
} from './strict-object.js';
export { userCodeCause } from './user-code-error.js';
export {
  abortedError,
  markSendError,
  maxResponseBytes,
  responseTooLarge,
  responseTooLargeCode,
  type SendOptions,
  type Transport,
} from './transport-contract.js';
// The app-side types an adapter's own signatures mention, so an adapter imports from one entry point.
export type { MixTaskProvider, ProviderName } from './provider.js';
export type { CommonProviderOptions, CredentialsSource } from './options.js';
export type { MixError, MixErrorTag } from './errors.js';
export type { CliFlag, EnvVariable, ProviderDescriptor } from './descriptor.js';
export {
  CredentialSourceError,
  credentialsFromSource,
  isCredentialSourceError,
  type CredentialFieldMapping,
  type CredentialObject,
  type CredentialSourceAdapter,
  type CredentialSourceErrorCode,
  type CredentialSourceInput,
} from './credential-source.js';
export type { ProtocolTelemetry } from './protocol.js';
