import { systemClock, type Clock } from './clock.js';
import { RateLimiter, type RateLimitWait } from './rate-limiter.js';

// The `RateLimiter` contract of the architecture issue (#10), in its minimal form so that `@mixtask/redis` can be
// passed as a provider's `rateLimit`. On main the interface is named `RateLimiter`; here the local limiter class
// still holds that name, so the interface is `RateLimiterContract` until the lead's version replaces this file.

export interface RateLimitRequest {
  readonly signal?: AbortSignal;
  /** How long the caller may wait at most (what is left of its deadline), in ms. */
  readonly timeoutMs: number;
}

export interface RateLimiterContract {
  /** Waits for a slot. Resolves in every case, never rejects. */
  acquire(request: RateLimitRequest): Promise<RateLimitWait>;
  /** Frees what the limiter owns (connections, timers). A provider never calls it on a limiter the app passed in. */
  close?(): Promise<void>;
}

/** The local limiter (one process) behind the contract. */
export function createRateLimiter(options: { requestsPerSecond: number; clock?: Clock }): RateLimiterContract {
  const clock = options.clock ?? systemClock;
  const limiter = new RateLimiter(options.requestsPerSecond, clock);
  return {
    acquire: ({ signal, timeoutMs }) => limiter.acquire(signal, clock.now() + timeoutMs),
  };
}

/** Whether a `rateLimit` option is a limiter object (rather than `false` or `{ requestsPerSecond }`). */
export function isRateLimiterContract(value: unknown): value is RateLimiterContract {
  return typeof value === 'object' && value !== null && typeof (value as RateLimiterContract).acquire === 'function';
}
