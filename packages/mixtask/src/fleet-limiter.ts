import * as E from 'fp-ts/lib/Either.js';
import type * as RedisPackage from '@mixtask/redis';
import type { RedisRateLimiter, RedisRateLimitEvent } from '@mixtask/redis';
import type { FleetLimiterHandle } from './fleet-status.js';
import { isInstalled } from './optional-peer.js';
import type { RateLimiter, RateLimitRequest, RateLimitWait } from '@mixtask/core';
import { foreignErrorCause } from '@mixtask/core/adapter';

type RedisModule = typeof RedisPackage;

/** The package that holds the fleet limiter: an optional peer of mixtask, loaded only when configured. */
export const redisPackage = '@mixtask/redis';

/** The umbrella's fields for a limiter shared by a fleet on Redis (docs/scaling.md). */
export interface FleetRateLimit {
  /** `redis://` or `rediss://` URL; a password in it never reaches an error, an event or a log. */
  readonly redisUrl: string;
  /** The quota's scope in Redis, e.g. the account id: every process with the same key shares one quota. */
  readonly rateLimitKey?: string;
  /** How many processes share the quota: while Redis is down each runs at quota / replicas. Default 4. */
  readonly rateLimitReplicas?: number;
  /** How long a slot whose process died stays taken, in ms. Default: the provider's `timeoutMs` + 1000. */
  readonly rateLimitLeaseMs?: number;
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
  readonly rateLimitReplicas?: unknown;
  readonly rateLimitLeaseMs?: unknown;
  readonly rateLimit: unknown;
}): string[] {
  const problems: string[] = [];
  const whole = (field: 'rateLimitReplicas' | 'rateLimitLeaseMs', min: number, max: number, what: string) => {
    const value = fields[field];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${field}: expected ${what} from ${min} to ${max}`);
    } else if (fields.redisUrl === undefined) problems.push(`${field}: only means something with redisUrl`);
  };
  whole('rateLimitReplicas', 1, 10_000, 'a whole number');
  whole('rateLimitLeaseMs', 1000, 86_400_000, 'a whole number of ms');
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

/** The fields the umbrella takes beside a provider's options, all about the fleet limiter. */
export const fleetFieldNames = ['redisUrl', 'rateLimitKey', 'rateLimitReplicas', 'rateLimitLeaseMs'] as const;

/** The fleet limiter, and whether @mixtask/redis could be loaded (a problem line when not). */
export type FleetLimiter = RateLimiter &
  FleetLimiterHandle & {
    close(): Promise<void>;
  };

/**
 * The fleet limiter for a provider: checked now (is @mixtask/redis installed?), loaded on the first stop. A
 * missing package is a Left naming it. A load that fails later is not hidden behind a local limiter running at the
 * full quota on every process: `loaded()` says why, and the provider's stops are ConfigurationErrors.
 */
export function fleetRateLimiter(
  settings: FleetRateLimit & {
    readonly provider: string;
    readonly requestsPerSecond: number;
    /** The provider's attempt timeout: the default lease is one second more. */
    readonly timeoutMs: number;
    /** The provider's `onEvent`: the limiter's rate-limit-fallback / -recovered events go there too. */
    readonly onEvent?: (event: RedisRateLimitEvent) => void;
  },
  load: () => Promise<RedisModule> = () => import(redisPackage) as Promise<RedisModule>,
): E.Either<string, FleetLimiter> {
  if (!isInstalled(redisPackage)) {
    return E.left(
      `MIXTASK_REDIS_URL / redisUrl is set but ${redisPackage} is not installed: npm install ${redisPackage}`,
    );
  }
  let loading: Promise<E.Either<string, RedisRateLimiter>> | undefined;
  const limiter = () =>
    (loading ??= Promise.resolve()
      .then(load)
      .then(
        (redis) => {
          try {
            return E.right(
              redis.createRedisRateLimiter({
                redis: settings.redisUrl,
                requestsPerSecond: settings.requestsPerSecond,
                key: settings.rateLimitKey ?? settings.provider,
                leaseMs: settings.rateLimitLeaseMs ?? Math.min(86_400_000, settings.timeoutMs + 1000),
                ...(settings.rateLimitReplicas === undefined
                  ? {}
                  : { fallback: { replicas: settings.rateLimitReplicas } }),
                ...(settings.onEvent === undefined ? {} : { onEvent: settings.onEvent }),
              }),
            );
          } catch (error) {
            // Its TypeErrors name a field and never echo a value; anything else is not quoted.
            return E.left(error instanceof TypeError ? error.message : 'the Redis rate limiter could not be made');
          }
        },
        (error: unknown) => {
          // Name and code only (ERR_MODULE_NOT_FOUND…): an import's message may quote paths of the machine.
          const cause = foreignErrorCause(error, 'the import failed');
          const code = (cause as { code?: string }).code;
          return E.left(
            `${redisPackage} is installed but could not be loaded (${code ?? cause.name}): ` +
              'the fleet rate limit cannot be kept, so no stop is sent; reinstall it, or unset redisUrl / MIXTASK_REDIS_URL',
          );
        },
      ));
  return E.right({
    acquire: async (request: RateLimitRequest): Promise<RateLimitWait> => {
      const loaded = await limiter();
      // The provider's stops check loaded() first: a stop never gets here without a limiter.
      return E.isRight(loaded) ? loaded.right.acquire(request) : { ok: false, reason: 'closed' };
    },
    loaded: async () => {
      const loaded = await limiter();
      return E.isLeft(loaded) ? loaded.left : undefined;
    },
    status: async () => {
      const loaded = await limiter();
      return E.isRight(loaded) ? loaded.right.status() : { mode: 'closed' };
    },
    close: async () => {
      const loaded = await loading;
      if (loaded !== undefined && E.isRight(loaded)) await loaded.right.close();
    },
    requestsPerSecond: settings.requestsPerSecond,
  });
}
