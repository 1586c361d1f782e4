/**
 * @mixtask/core/internal — the runner's parts, for mixtask's own packages, tests and benchmarks. Not a public
 * API: anything here may change in any release. Apps use `@mixtask/core`; adapter authors `@mixtask/core/adapter`.
 */
export { createStopMix, type RunnerConfig } from './runner.js';
export { LocalRateLimiter } from './rate-limiter.js';
export { createGotTransport } from './transport.js';
export { classifyTransportError, safeCause, type TransportFailure } from './transport-errors.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
export { lifecycle } from './create-provider.js';
