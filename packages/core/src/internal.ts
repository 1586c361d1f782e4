/**
 * @mixtask/core/internal — the runner's parts, for mixtask's own packages, tests and benchmarks. Not a public
 * API: anything here may change in any release. Apps use `@mixtask/core`; adapter authors `@mixtask/core/adapter`.
 */
export { createStopMix, type RunnerConfig } from './runner/create-stop-mix.js';
export { LocalRateLimiter } from './limiter/rate-limiter.js';
export { createGotTransport, type GotTransportOptions } from './transport/got/got-transport.js';
export { createNodeTransport, type NodeTransportOptions } from './transport/node/node-transport.js';
export { classifySendError, sendAttempt } from './transport/send-attempt.js';
export { classifyTransportError, type TransportFailure } from './transport/classify-transport-error.js';
export { foreignErrorCause } from './runner/foreign-error-cause.js';
export { backoffDelay, type BackoffPolicy } from './runner/backoff.js';
export { lifecycle } from './runner/create-provider.js';
export { createTelemetry } from './telemetry/telemetry.js';
export { meteredLimiter, RoundTripMeter } from './runner/adaptive-concurrency.js';
export {
  chooseProxy,
  createTransportAgents,
  proxyRefusedCode,
  proxyUnreachableCode,
  redactProxy,
  type TransportAgents,
} from './transport/proxy/proxy-agents.js';
