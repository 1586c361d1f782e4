import type { MixTaskProvider } from '@mixtask/core';
import { refusingProvider } from '@mixtask/core/adapter';
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
  const names = descriptors.map((d) => `'${d.name}'`).join(' or ');
  let provider: unknown;
  let options: Record<string, unknown>;
  try {
    // A config object may be a Proxy or carry getters: reading it is app code, and may throw.
    ({ provider, ...options } = (config ?? {}) as Record<string, unknown>);
  } catch {
    return refusingProvider('unknown', 'invalid mixtask config: (root): could not be read (a getter or Proxy threw)');
  }
  const descriptor = descriptors.find((d) => d.name === provider);
  if (descriptor === undefined)
    return refusingProvider('unknown', `invalid mixtask config: provider: expected ${names}`);
  return descriptor.create(options);
}
