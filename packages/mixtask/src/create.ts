import type { MixTaskProvider } from '@mixtask/core';
import { awaitableTask, defaults, describeId, mixError, refusingProvider } from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import { fleetFieldProblems, fleetRateLimiter, type FleetLimiter } from './fleet-limiter.js';
import type { MixTaskConfig } from './config.js';
import type { FleetLimiterHandle } from './fleet-status.js';
import { providerDescriptors, type AnyProviderDescriptor } from './providers.js';

/** The fleet limiter of each provider made with `redisUrl`, for `fleetLimiterOf`. */
const fleetLimiters = new WeakMap<MixTaskProvider, FleetLimiter>();

/**
 * The Redis fleet limiter a provider from `createMixTaskProvider` uses (a config with `redisUrl`), or undefined:
 * for a health check that asks where it stands (`status()`) without sending a stop. The provider's `close()` closes
 * it; do not close it yourself.
 */
export function fleetLimiterOf(provider: MixTaskProvider): FleetLimiterHandle | undefined {
  return fleetLimiters.get(provider);
}

/**
 * The provider the config names. Like the providers' own factories it never throws: a config that does not hold
 * gives a provider whose calls return the ConfigurationError (parse it first with parseMixTaskConfig to fail at
 * start-up instead).
 */
export function createMixTaskProvider(config: MixTaskConfig): MixTaskProvider {
  return createProviderWith(providerDescriptors, config);
}

export function createProviderWith(descriptors: readonly AnyProviderDescriptor[], config: unknown): MixTaskProvider {
  try {
    return createChecked(descriptors, config);
  } catch {
    // A getter or Proxy deeper in the config (rateLimit, a transport) threw while the umbrella read it: app code.
    return refusingProvider('unknown', 'invalid mixtask config: (root): could not be read (a getter or Proxy threw)');
  }
}

function createChecked(descriptors: readonly AnyProviderDescriptor[], config: unknown): MixTaskProvider {
  const names = descriptors.map((d) => `'${d.name}'`).join(' or ');
  // A config object may be a Proxy or carry getters: reading it may throw, which createProviderWith catches.
  const { provider, ...options } = (config ?? {}) as Record<string, unknown>;
  const descriptor = descriptors.find((d) => d.name === provider);
  if (descriptor === undefined) {
    return refusingProvider('unknown', `invalid mixtask config: provider: expected ${names}`);
  }
  const { redisUrl, rateLimitKey, rateLimitReplicas, rateLimitLeaseMs, ...providerOptions } = options;
  const fleet = { redisUrl, rateLimitKey, rateLimitReplicas, rateLimitLeaseMs };
  if (Object.values(fleet).every((value) => value === undefined)) return descriptor.create(providerOptions);
  return withFleetLimiter(descriptor, providerOptions, fleet);
}

/**
 * The provider with a rate limiter shared through Redis. The umbrella made the limiter, so the provider's close()
 * closes it too (after the provider's own calls have settled).
 */
function withFleetLimiter(
  descriptor: AnyProviderDescriptor,
  options: Record<string, unknown>,
  fleet: { redisUrl: unknown; rateLimitKey: unknown; rateLimitReplicas: unknown; rateLimitLeaseMs: unknown },
): MixTaskProvider {
  const fail = (problem: string) => refusingProvider(descriptor.name, `invalid mixtask config: ${problem}`);
  const problems = fleetFieldProblems({ ...fleet, rateLimit: options.rateLimit });
  if (problems.length > 0) return fail(problems.join('; '));
  const own = options.rateLimit as { requestsPerSecond?: unknown } | undefined;
  const requestsPerSecond = typeof own?.requestsPerSecond === 'number' ? own.requestsPerSecond : descriptor.quota;
  const onEvent = options.onEvent;
  const limiter = fleetRateLimiter({
    provider: descriptor.name,
    redisUrl: fleet.redisUrl as string,
    requestsPerSecond,
    timeoutMs: typeof options.timeoutMs === 'number' ? options.timeoutMs : defaults.timeoutMs,
    ...(typeof fleet.rateLimitKey === 'string' ? { rateLimitKey: fleet.rateLimitKey } : {}),
    ...(typeof fleet.rateLimitReplicas === 'number' ? { rateLimitReplicas: fleet.rateLimitReplicas } : {}),
    ...(typeof fleet.rateLimitLeaseMs === 'number' ? { rateLimitLeaseMs: fleet.rateLimitLeaseMs } : {}),
    // The app's listener hears the limiter's rate-limit-fallback / -recovered too (docs/scaling.md).
    ...(typeof onEvent === 'function' ? { onEvent: onEvent as (event: unknown) => void } : {}),
  });
  if (E.isLeft(limiter)) return fail(limiter.left);
  const provider = descriptor.create({ ...options, rateLimit: limiter.right });
  const fleetProvider: MixTaskProvider = {
    name: provider.name,
    stopMix: (id, callOptions) =>
      awaitableTask(async () => {
        // @mixtask/redis that cannot be loaded is a ConfigurationError, not a local limiter at the full quota.
        const problem = await limiter.right.loaded();
        if (problem === undefined) return provider.stopMix(id, callOptions)();
        return E.left(
          mixError('ConfigurationError', {
            provider: descriptor.name,
            id: describeId(id),
            reason: `invalid mixtask config: redisUrl: ${problem}`,
          }),
        );
      }),
    ...(provider.pacing === undefined ? {} : { pacing: provider.pacing }),
    close: async () => {
      await provider.close();
      await limiter.right.close();
    },
  };
  fleetLimiters.set(fleetProvider, limiter.right);
  return fleetProvider;
}
