import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixTaskProvider, StopMixOptions, StopMixSuccess } from '@mixtask/core';
import { awaitableTask, describeId, mixError, refusingProvider, unknownKeyProblems } from '@mixtask/core/adapter';
import type { UmbrellaFields } from './config.js';
import { createProviderWith } from './create.js';
import { providerDescriptors, type AnyProviderDescriptor, type OptionsOf } from './providers.js';

type Descriptors = (typeof providerDescriptors)[number];

/** Per provider name: its options (the registry makes the provider) or a provider already made. */
export type MixTaskRegistryConfig = {
  readonly [D in Descriptors as D['name']]?: (OptionsOf<D> & UmbrellaFields) | MixTaskProvider;
};

/**
 * One injectable object for apps that run both clouds (a migration, several regions): `stopMix` takes qualified
 * ids, `'tencent:room_1'` or `'aliyun:task-1'`, and sends each to its provider.
 */
export interface MixTaskRegistry extends MixTaskProvider {
  readonly name: 'registry';
  /** The names it was configured with, in order. */
  readonly providers: readonly string[];
  /** The provider registered under this name, or undefined when there is none. */
  provider(name: string): MixTaskProvider | undefined;
  /** Closes every provider in the registry, those passed in made included. */
  close(): Promise<void>;
}

/**
 * Builds a registry. It never throws: a provider's bad options make that provider's calls ConfigurationErrors,
 * as with `createMixTaskProvider`; an unqualified id or an unknown provider is an InvalidArgument with no request.
 */
export function createMixTaskRegistry(config: MixTaskRegistryConfig): MixTaskRegistry {
  return createRegistryWith(providerDescriptors, config as Record<string, unknown>);
}

export function createRegistryWith(
  descriptors: readonly AnyProviderDescriptor[],
  config: Readonly<Record<string, unknown>> | null | undefined,
): MixTaskRegistry {
  // A key that names no provider (`tencnet`) would leave that provider out without a word: every call says so.
  const configProblems = registryKeyProblems(descriptors, config);
  const members = new Map<string, MixTaskProvider>();
  for (const descriptor of descriptors) {
    let member: MixTaskProvider | undefined;
    try {
      const entry: unknown = config?.[descriptor.name];
      if (entry === undefined) continue;
      if (!isProvider(entry) && providerFieldOf(entry) !== descriptor.name && providerFieldOf(entry) !== undefined) {
        // The key names the provider; a `provider` field that names another would be overridden without a word.
        member = refusingProvider(
          descriptor.name,
          `invalid mixtask config: ${descriptor.name}.provider: names another provider than its key; remove it (the key ${descriptor.name} names the provider)`,
        );
      } else {
        member = isProvider(entry)
          ? entry
          : createProviderWith(descriptors, { ...(entry as object), provider: descriptor.name });
      }
    } catch {
      // The config (a Proxy, a getter) threw while read: this provider's calls say so, nothing is thrown.
      member = refusingProvider(
        descriptor.name,
        `invalid mixtask config: ${descriptor.name}: could not be read (a getter or Proxy threw)`,
      );
    }
    members.set(descriptor.name, member);
  }
  const known = [...members.keys()];
  const refuse = (id: unknown, reason: string): E.Either<MixError, StopMixSuccess> =>
    E.left(mixError('InvalidArgument', { provider: 'registry', id: describeId(id), reason }));

  return {
    name: 'registry',
    providers: known,
    provider: (name) => members.get(name),
    stopMix: (qualifiedId: string, options?: StopMixOptions) =>
      awaitableTask(() => {
        if (configProblems !== undefined) {
          return Promise.resolve(
            E.left(
              mixError('ConfigurationError', {
                provider: 'registry',
                id: describeId(qualifiedId),
                reason: `invalid mixtask registry config: ${configProblems}`,
              }),
            ),
          );
        }
        if (typeof qualifiedId !== 'string') return Promise.resolve(refuse(qualifiedId, 'the id must be a string'));
        const colon = qualifiedId.indexOf(':');
        if (colon <= 0) {
          return Promise.resolve(
            refuse(qualifiedId, `expected a qualified id '<provider>:<id>', provider one of: ${known.join(', ')}`),
          );
        }
        const name = qualifiedId.slice(0, colon);
        const member = members.get(name);
        if (member === undefined) {
          return Promise.resolve(
            refuse(qualifiedId, `no provider "${describeId(name)}" in this registry (it has: ${known.join(', ')})`),
          );
        }
        return member.stopMix(qualifiedId.slice(colon + 1), options)();
      }),
    close: async () => {
      await Promise.allSettled([...members.values()].map((member) => member.close()));
    },
  };
}

/** The registry's unknown keys, each with the provider name it probably meant; undefined when there is none. */
function registryKeyProblems(
  descriptors: readonly AnyProviderDescriptor[],
  config: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  try {
    const problems = unknownKeyProblems(
      config ?? undefined,
      descriptors.map((d) => d.name),
    );
    return problems.length === 0 ? undefined : problems.join('; ');
  } catch {
    return '(root): could not be read (a getter or Proxy threw)';
  }
}

/** An entry's own `provider` field: undefined when it has none (a parsed config may carry its own name). */
function providerFieldOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null && Object.hasOwn(entry, 'provider')
    ? (entry as { provider?: unknown }).provider
    : undefined;
}

function isProvider(u: unknown): u is MixTaskProvider {
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof (u as MixTaskProvider).stopMix === 'function' &&
    typeof (u as MixTaskProvider).close === 'function'
  );
}
