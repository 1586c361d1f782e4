export type { MixTaskProvider, ProviderName, StopMixOptions, StopMixSuccess } from './provider.js';
export {
  defaultRetryable,
  isMixError,
  matchMixError,
  mixError,
  mixErrorTags,
  withFields,
  type Aborted,
  type AuthenticationFailed,
  type ConfigurationError,
  type InvalidArgument,
  type MalformedResponse,
  type MixError,
  type MixErrorFields,
  type MixErrorHandlers,
  type MixErrorInput,
  type MixErrorOf,
  type MixErrorTag,
  type NetworkError,
  type OperationFailed,
  type PermissionDenied,
  type ProviderUnavailable,
  type RateLimited,
  type ServiceDisabled,
  type SessionNotFound,
  type Timeout,
  type Unknown,
} from './errors.js';
export type {
  AttemptEvent,
  AttemptResultEvent,
  FailureEvent,
  MixEvent,
  MixEventListener,
  RetryEvent,
  SuccessEvent,
} from './events.js';
export { systemClock, type Clock } from './clock.js';
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
  providerOptionsCodec,
  kindOf,
  validate,
  type CommonProviderOptions,
  type CredentialsSource,
  type RateLimitOptions,
  type RetryOptions,
} from './options.js';
export type { AttemptInput, IncomingResponse, OutgoingRequest, ProviderFailure, ProviderProtocol } from './protocol.js';
export { classifyByStatus, firstHeader, parseRetryAfter, retryAfterFromHeaders } from './http-status.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
export { RateLimiter, type RateLimitWait } from './rate-limiter.js';
export { createGotTransport, maxResponseBytes, type SendOptions, type Transport } from './transport.js';
export { classifyTransportError, type TransportFailure } from './transport-errors.js';
export { createStopMix, type RunnerConfig } from './runner.js';
export { createProvider, type ProviderDefinition } from './create-provider.js';
export { describeId } from './describe-id.js';
export { codeClassifier, renderCodeTable, type CodeMatch, type CodeRule } from './code-table.js';
export {
  canonicalHeaderBlock,
  canonicalRequest,
  hmacSha256,
  hmacSha256Hex,
  sha256Hex,
  type CanonicalRequestParts,
} from './signing.js';
export { parseJsonBody } from './json-body.js';
export {
  stopMixes,
  defaultStopMixesConcurrency,
  maxStopMixesConcurrency,
  type StopMixesOptions,
  type StopMixesReport,
  type StopMixesResult,
  type StopMixesFailure,
  type StopMixesTotals,
} from './stop-mixes.js';
