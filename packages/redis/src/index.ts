export { createRedisRateLimiter, type RedisLimiterStatus, type RedisRateLimiter } from './redis-rate-limiter.js';
export { keyPrefix, redisDefaults, type RedisRateLimiterOptions } from './options.js';
export type { RateLimitFallbackEvent, RateLimitRecoveredEvent, RedisRateLimitEvent } from './events.js';
export type { FallbackReason } from './failure.js';
