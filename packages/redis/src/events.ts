import type { FallbackReason } from './failure.js';

/** The limiter left Redis for its local fallback. Every field is safe to log: no URL, no password. */
export interface RateLimitFallbackEvent {
  readonly type: 'rate-limit-fallback';
  /** The quota's scope, as given in `key`. */
  readonly key: string;
  readonly reason: FallbackReason;
  /** The Redis error word (WRONGPASS, READONLY…) or socket code (ECONNREFUSED…), when there is one. */
  readonly code?: string;
  /** The local limiter's rate from now until Redis is back. */
  readonly requestsPerSecond: number;
}

/** Redis answered a probe: the limiter shares the fleet's quota again. */
export interface RateLimitRecoveredEvent {
  readonly type: 'rate-limit-recovered';
  readonly key: string;
  /** How long the fallback lasted. */
  readonly fallbackMs: number;
}

export type RedisRateLimitEvent = RateLimitFallbackEvent | RateLimitRecoveredEvent;
