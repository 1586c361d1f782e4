import * as E from 'fp-ts/lib/Either.js';
import type * as RedisPackage from '@mixtask/redis';
import { isInstalled } from './optional-peer.js';
import { createRateLimiter, type RateLimiter, type RateLimitRequest, type RateLimitWait } from '@mixtask/core';

type RedisModule = typeof RedisPackage;

/** The package that holds the fleet limiter: an optional peer of mixtask, loaded only when configured. */
export const redisPackage = '@mixtask/redis';

/** The umbrella's fields for a limiter shared by a fleet on Redis (docs/scaling.md). */
export interface FleetRateLimit {
  /** `redis://` or `rediss://` URL; a password in it never reaches an error, an event or a log. */
  readonly redisUrl: string;
  /** The quota's scope in Redis, e.g. the account id: every process with the same key shares one quota. */
  readonly rateLimitKey?: string;
}

/** Why a Redis URL is refused, never quoting it (it may hold a password). */
export function redisUrlProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return 'expected a redis:// or rediss:// URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'expected a redis:// or rediss:// URL, got a string that is not a URL';
  }
  return url.protocol === 'redis:' || url.protocol === 'rediss:'
    ? undefined
    : `expected a redis:// or rediss:// URL, got ${url.protocol}`;
}

const rateLimitKeyPattern = /^[A-Za-z0-9:_.-]{1,200}$/;

/**
 * The umbrella's fleet fields, checked the same way by parseMixTaskConfig and createMixTaskProvider: one
 * "field: problem" line each, never quoting the URL (it may hold a password).
 */
export function fleetFieldProblems(fields: {
  readonly redisUrl: unknown;
  readonly rateLimitKey: unknown;
  readonly rateLimit: unknown;
}): string[] {
  const problems: string[] = [];
  if (fields.redisUrl !== undefined) {
    const problem = redisUrlProblem(fields.redisUrl);
    if (problem !== undefined) problems.push(`redisUrl: ${problem}`);
    else if (fields.rateLimit === false) problems.push('redisUrl: a fleet rate limiter needs rateLimit not false');
  }
  if (fields.rateLimitKey !== undefined) {
    if (typeof fields.rateLimitKey !== 'string' || !rateLimitKeyPattern.test(fields.rateLimitKey)) {
      problems.push('rateLimitKey: expected 1 to 200 letters, digits, :, _, . or -');
    } else if (fields.redisUrl === undefined) problems.push('rateLimitKey: only means something with redisUrl');
  }
  return problems;
}

/**
 * The fleet limiter for a provider: checked now (is @mixtask/redis installed?), loaded on the first acquire. A
 * missing package is a Left naming it; a load that fails later anyway falls back to a local limiter, as the
 * Redis limiter itself does when Redis is down — limiter trouble never fails a stop.
 */
export function fleetRateLimiter(
  settings: FleetRateLimit & { readonly provider: string; readonly requestsPerSecond: number },
): E.Either<string, RateLimiter & { close(): Promise<void> }> {
  if (!isInstalled(redisPackage)) {
    return E.left(
      `MIXTASK_REDIS_URL / redisUrl is set but ${redisPackage} is not installed: npm install ${redisPackage}`,
    );
  }
  let loading: Promise<RateLimiter & { close?(): Promise<void> }> | undefined;
  const load = () =>
    (loading ??= import(redisPackage)
      .then((redis: RedisModule) =>
        redis.createRedisRateLimiter({
          redis: settings.redisUrl,
          requestsPerSecond: settings.requestsPerSecond,
          key: settings.rateLimitKey ?? settings.provider,
        }),
      )
      .catch(() => createRateLimiter({ requestsPerSecond: settings.requestsPerSecond })));
  return E.right({
    acquire: async (request: RateLimitRequest): Promise<RateLimitWait> => (await load()).acquire(request),
    close: async () => {
      if (loading !== undefined) await (await loading).close?.();
    },
    requestsPerSecond: settings.requestsPerSecond,
  });
}
