import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import type * as RedisPackage from '@mixtask/redis';
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
  });
}

function isInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
