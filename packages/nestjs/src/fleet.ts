import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as RedisPackage from '@mixtask/redis';
import type { RedisLimiterStatus, RedisRateLimiter } from '@mixtask/redis';
import { providerDescriptors, type MixTaskConfig } from 'mixtask';

/** The fleet limiter's package: an optional peer of `mixtask`, loaded only for a config with `redisUrl`. */
export const redisPackage = '@mixtask/redis';

type RedisModule = typeof RedisPackage;

export type FleetLimiter = RedisRateLimiter;
export type FleetStatus = RedisLimiterStatus;

/**
 * The Redis limiter for a config with `redisUrl`, made here rather than inside `createMixTaskProvider` so the
 * health indicator can ask it where it stands. Same settings as the umbrella's: the config's
 * `rateLimit.requestsPerSecond` or the vendor's quota, keyed by `rateLimitKey` or the provider's name.
 * Throws (failing the bootstrap) when `@mixtask/redis` is not installed.
 */
export async function createFleetLimiter(config: MixTaskConfig): Promise<FleetLimiter | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const redis = await loadRedisPackage();
  const own = config.rateLimit as { requestsPerSecond?: unknown } | undefined;
  const quota = providerDescriptors.find((d) => d.name === config.provider)?.quota ?? 1;
  return redis.createRedisRateLimiter({
    redis: config.redisUrl,
    requestsPerSecond: typeof own?.requestsPerSecond === 'number' ? own.requestsPerSecond : quota,
    key: config.rateLimitKey ?? config.provider,
  });
}

/**
 * `@mixtask/redis` is a peer of `mixtask`, not of this package: found beside this package (a hoisted install), or
 * else from where `mixtask` is, so a strict layout (pnpm) finds the copy `mixtask` itself would load.
 */
async function loadRedisPackage(): Promise<RedisModule> {
  try {
    return (await import(redisPackage)) as RedisModule;
  } catch {
    // not beside this package: ask mixtask's location below
  }
  let resolved: string;
  try {
    const fromHere = createRequire(import.meta.url);
    resolved = createRequire(fromHere.resolve('mixtask')).resolve(redisPackage);
  } catch {
    throw new Error(
      `invalid mixtask config: redisUrl is set but ${redisPackage} is not installed: npm install ${redisPackage}`,
    );
  }
  return (await import(pathToFileURL(resolved).href)) as RedisModule;
}
