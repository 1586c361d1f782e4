/**
 * @mixtask/core — what apps use: the contract (`MixTaskProvider`, the `MixError` union, events, options) and the
 * local rate limiter. Adapter authors import `@mixtask/core/adapter`; apps' tests import `@mixtask/core/testing`.
 */
export type { MixTaskProvider, ProviderName, StopMixOptions, StopMixSuccess } from './contract/provider.js';
export {
  isMixError,
  matchMixError,
  matchMixErrorOrElse,
  mixErrorTags,
  type Aborted,
  type AuthenticationFailed,
  type ConfigurationError,
  type Internal,
  type InvalidArgument,
  type MalformedResponse,
  type MixError,
  type MixErrorFields,
  type MixErrorHandlers,
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
} from './contract/errors.js';
export type {
  AttemptEvent,
  AttemptResultEvent,
  FailureEvent,
  MixEvent,
  MixEventListener,
  RetryEvent,
  SuccessEvent,
} from './contract/events.js';
export { systemClock, type Clock } from './runner/clock.js';
export type {
  CommonProviderOptions,
  CredentialsSource,
  RateLimitOptions,
  RetryOptions,
  TransportChoice,
} from './config/options.js';
export type { CaOption } from './transport/trust.js';
export { metricNames, type TelemetryOption, type TelemetryProviders } from './telemetry/telemetry.js';
export {
  createRateLimiter,
  type LocalRateLimitOptions,
  type RateLimiter,
  type RateLimitRequest,
  type RateLimitWait,
} from './limiter/rate-limiter.js';
export {
  stopMixes,
  defaultStopMixesConcurrency,
  maxStopMixesConcurrency,
  type StopMixesOptions,
  type StopMixesReport,
  type StopMixesResult,
  type StopMixesFailure,
  type StopMixesTotals,
} from './runner/stop-mixes.js';
// The built-in transports, for an app that builds its own: got from its got instance (hooks, agents, logging), the
// node one with its own agents. Passed as `transport`; a provider does not close a transport it was given.
export { createGotTransport, type GotTransportOptions } from './transport/got/got-transport.js';
export { createNodeTransport, type NodeTransportOptions } from './transport/node/node-transport.js';
export {
  adaptiveConcurrency,
  inFlightFor,
  concurrencyHeadroom,
  minAdaptiveConcurrency,
  maxAdaptiveConcurrency,
  pacingOf,
  type ConcurrencyControl,
  type ProviderPacing,
} from './runner/adaptive-concurrency.js';
