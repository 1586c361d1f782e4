import type { Redis } from 'ioredis';
import { unknownKeyProblems } from '@mixtask/core/adapter';
import type { RedisRateLimitEvent } from './events.js';

export interface RedisRateLimiterOptions {
  /**
   * A `redis://` or `rediss://` URL (the limiter creates its client and `close()` quits it), or an ioredis client
   * the app owns (the limiter never quits it; give it `enableOfflineQueue: false` so a Redis outage fails fast).
   */
  readonly redis: string | Redis;
  /** The vendor's quota for this key: at most this many requests arrive at the vendor in any sliding second. */
  readonly requestsPerSecond: number;
  /** The quota's scope, e.g. `tencent:ap-shanghai:<sub-account>`. Stored under `mixtask:rate-limit:<key>`. */
  readonly key: string;
  /**
   * How long a slot taken and never released (its process died) stays taken. Default 11 000 ms: the providers'
   * default attempt timeout (10 000 ms) + 1 s. Set it to your `timeoutMs` + 1000 when you change that.
   */
  readonly leaseMs?: number;
  /** The local limiter used while Redis is down, slow or refusing. */
  readonly fallback?: {
    /** Default: floor(requestsPerSecond / replicas), at least 1. */
    readonly requestsPerSecond?: number;
    /** How many processes share the quota (an estimate: it only sets the fallback's rate). Default 4. */
    readonly replicas?: number;
  };
  /** `rate-limit-fallback` and `rate-limit-recovered`. A listener that throws is ignored. */
  readonly onEvent?: (event: RedisRateLimitEvent) => void;
  /** How long one Redis call may take before the limiter falls back. Default 250 ms. */
  readonly redisTimeoutMs?: number;
  /** How often, while on the fallback, one probe asks Redis whether it is back. Default 1000 ms. */
  readonly probeIntervalMs?: number;
}

/** `replicas` at the top level is the fallback's field: the hint says where it goes. */
function hintFallbackField(line: string): string {
  const field = /^([A-Za-z]+): unknown field$/.exec(line)?.[1];
  return field !== undefined && (fallbackNames as readonly string[]).includes(field)
    ? `${line}; did you mean fallback.${field}?`
    : line;
}

export const redisDefaults = {
  leaseMs: 11_000,
  replicas: 4,
  redisTimeoutMs: 250,
  probeIntervalMs: 1000,
} as const;

/** Where each quota's sorted set lives. */
export const keyPrefix = 'mixtask:rate-limit:';

export interface Settings {
  readonly requestsPerSecond: number;
  readonly key: string;
  readonly redisKey: string;
  readonly leaseMs: number;
  readonly fallbackRequestsPerSecond: number;
  readonly redisTimeoutMs: number;
  readonly probeIntervalMs: number;
}

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const optionNames = [
  'redis',
  'requestsPerSecond',
  'key',
  'leaseMs',
  'fallback',
  'onEvent',
  'redisTimeoutMs',
  'probeIntervalMs',
] as const;
const fallbackNames = ['requestsPerSecond', 'replicas'] as const;

/**
 * Checks the options; a bad one throws a TypeError naming the field, never echoing its value (it may be a URL). An
 * unknown field is one too (`replicas` would otherwise leave the fallback at its default of 4 replicas), with the
 * field it probably meant; no options at all is the first missing field, `redis`.
 */
export function checkOptions(given: RedisRateLimiterOptions | undefined): Checked {
  try {
    return check(given);
  } catch (error) {
    if (error instanceof OptionsProblem) throw new TypeError(error.message);
    // A getter or Proxy of the app's threw: its message is app text (it may hold anything), so it is not repeated.
    throw new TypeError('createRedisRateLimiter: options could not be read (a Proxy or getter threw)');
  }
}

/** The checked settings, and the two options that are not settings, each read once. */
export interface Checked {
  readonly settings: Settings;
  readonly redis: string | Redis;
  readonly onEvent: ((event: RedisRateLimitEvent) => void) | undefined;
}

class OptionsProblem extends Error {}

function check(given: RedisRateLimiterOptions | undefined): Checked {
  const bad = (field: string, expected: string): never => {
    throw new OptionsProblem(`createRedisRateLimiter: ${field} must be ${expected}`);
  };
  const options = given ?? ({} as Partial<RedisRateLimiterOptions> as RedisRateLimiterOptions);
  const unknownTop = unknownKeyProblems(options, optionNames).map(hintFallbackField);
  const { redis, requestsPerSecond, key, fallback, leaseMs: givenLeaseMs, onEvent } = options;
  const { redisTimeoutMs: givenRedisTimeoutMs, probeIntervalMs: givenProbeIntervalMs } = options;
  const unknown = [...unknownTop, ...unknownKeyProblems(fallback, fallbackNames, 'fallback')];
  if (unknown.length > 0) throw new OptionsProblem(`createRedisRateLimiter: ${unknown.join('; ')}`);
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis) || !URL.canParse(redis))
      bad('redis', 'a redis:// or rediss:// URL, or an ioredis client');
  } else if (typeof redis !== 'object' || redis === null || typeof (redis as Partial<Redis>).evalsha !== 'function') {
    bad('redis', 'a redis:// or rediss:// URL, or an ioredis client');
  }
  if (!isInt(requestsPerSecond, 1, 100_000)) bad('requestsPerSecond', 'an integer from 1 to 100000');
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    bad('key', 'a string of 1 to 200 printable characters without spaces');
  }
  const leaseMs = givenLeaseMs ?? redisDefaults.leaseMs;
  if (!isInt(leaseMs, 1000, 86_400_000)) bad('leaseMs', 'an integer number of ms from 1000 to 86400000');
  const { replicas = redisDefaults.replicas, requestsPerSecond: givenFallbackRate } = fallback ?? {};
  if (!isInt(replicas, 1, 10_000)) bad('fallback.replicas', 'an integer from 1 to 10000');
  const fallbackRequestsPerSecond = givenFallbackRate ?? Math.max(1, Math.floor(requestsPerSecond / replicas));
  if (!isInt(fallbackRequestsPerSecond, 1, 100_000)) bad('fallback.requestsPerSecond', 'an integer from 1 to 100000');
  const redisTimeoutMs = givenRedisTimeoutMs ?? redisDefaults.redisTimeoutMs;
  if (!isInt(redisTimeoutMs, 1, 60_000)) bad('redisTimeoutMs', 'an integer number of ms from 1 to 60000');
  const probeIntervalMs = givenProbeIntervalMs ?? redisDefaults.probeIntervalMs;
  if (!isInt(probeIntervalMs, 10, 3_600_000)) bad('probeIntervalMs', 'an integer number of ms from 10 to 3600000');
  if (onEvent !== undefined && typeof onEvent !== 'function') bad('onEvent', 'a function');
  const settings: Settings = {
    requestsPerSecond,
    key,
    redisKey: `${keyPrefix}${key}`,
    leaseMs,
    fallbackRequestsPerSecond,
    redisTimeoutMs,
    probeIntervalMs,
  };
  return { settings, redis, onEvent };
}
