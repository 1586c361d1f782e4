/**
 * @mixtask/core/internal — the runner's parts, for mixtask's own packages, tests and benchmarks. Not a public
 * API: anything here may change in any release. Apps use `@mixtask/core`; adapter authors `@mixtask/core/adapter`.
 */
export { createStopMix, type RunnerConfig } from './runner.js';
export { LocalRateLimiter } from './rate-limiter.js';
export { createGotTransport, type GotTransportOptions } from './got-transport.js';
export { createNodeTransport, type NodeTransportOptions } from './node-transport.js';
export { classifySendError, sendAttempt } from './classify-send-error.js';
export { classifyTransportError, safeCause, type TransportFailure } from './transport-errors.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
export { lifecycle } from './create-provider.js';
export {
  chooseProxy,
  createTransportAgents,
  proxyRefusedCode,
  redactProxy,
  type TransportAgents,
} from './proxy-agents.js';
