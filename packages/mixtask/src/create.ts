import type { MixTaskProvider } from '@mixtask/core';
import { refusingProvider } from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import { fleetFieldProblems, fleetRateLimiter } from './fleet-limiter.js';
import type { MixTaskConfig } from './config.js';
import { providerDescriptors, type AnyProviderDescriptor } from './providers.js';

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
  const { redisUrl, rateLimitKey, ...providerOptions } = options;
  if (redisUrl === undefined && rateLimitKey === undefined) return descriptor.create(providerOptions);
  return withFleetLimiter(descriptor, providerOptions, { redisUrl, rateLimitKey });
}

/**
 * The provider with a rate limiter shared through Redis. The umbrella made the limiter, so the provider's close()
 * closes it too (after the provider's own calls have settled).
 */
function withFleetLimiter(
  descriptor: AnyProviderDescriptor,
  options: Record<string, unknown>,
  fleet: { redisUrl: unknown; rateLimitKey: unknown },
): MixTaskProvider {
  const fail = (problem: string) => refusingProvider(descriptor.name, `invalid mixtask config: ${problem}`);
  const problems = fleetFieldProblems({ ...fleet, rateLimit: options.rateLimit });
  if (problems.length > 0) return fail(problems.join('; '));
  const own = options.rateLimit as { requestsPerSecond?: unknown } | undefined;
  const requestsPerSecond = typeof own?.requestsPerSecond === 'number' ? own.requestsPerSecond : descriptor.quota;
  const limiter = fleetRateLimiter({
    provider: descriptor.name,
    redisUrl: fleet.redisUrl as string,
    requestsPerSecond,
    ...(typeof fleet.rateLimitKey === 'string' ? { rateLimitKey: fleet.rateLimitKey } : {}),
  });
  if (E.isLeft(limiter)) return fail(limiter.left);
  const provider = descriptor.create({ ...options, rateLimit: limiter.right });
  return {
    name: provider.name,
    stopMix: (id, callOptions) => provider.stopMix(id, callOptions),
    ...(provider.pacing === undefined ? {} : { pacing: provider.pacing }),
    close: async () => {
      await provider.close();
      await limiter.right.close();
    },
  };
}
