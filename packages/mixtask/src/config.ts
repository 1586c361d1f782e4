import * as E from 'fp-ts/lib/Either.js';
import type { ConfigurationError, MixError } from '@mixtask/core';
import { mixError, nearestField, validate } from '@mixtask/core/adapter';
import { fleetFieldNames, fleetFieldProblems } from './fleet-limiter.js';
import { providerDescriptors, type AnyProviderDescriptor, type ConfigOf } from './providers.js';

/** Which provider to use, with that provider's options beside it, and the umbrella's own fields. */
export type MixTaskConfig = ConfigOf<(typeof providerDescriptors)[number]> & UmbrellaFields;

/** Fields of the umbrella, not of a provider: a rate limiter shared by a fleet on Redis (docs/scaling.md). */
export interface UmbrellaFields {
  /** `redis://` or `rediss://`: the quota is shared through Redis by every process with the same key. */
  readonly redisUrl?: string;
  /** The quota's scope in Redis, e.g. the account id. Default: the provider's name. */
  readonly rateLimitKey?: string;
  /** How many processes share the quota: while Redis is down, each runs at quota / replicas. Default 4. */
  readonly rateLimitReplicas?: number;
  /** How long a slot whose process died stays taken, in ms. Default: `timeoutMs` + 1000 (11 000). */
  readonly rateLimitLeaseMs?: number;
}

export type ConfiguredProviderName = MixTaskConfig['provider'];

export const providerNames: readonly ConfiguredProviderName[] = providerDescriptors.map((d) => d.name);

/** A config that does not hold: the provider it names (if any), and one "path: problem" line per bad field. */
export interface ConfigProblems {
  readonly provider: string;
  readonly problems: readonly string[];
}

/**
 * Checks an untrusted config (a parsed JSON file, an env mapping …). Every problem is a ConfigurationError whose
 * message names the path of each bad field; values are never echoed, as a bad field may hold a secret.
 */
export function parseMixTaskConfig(input: unknown): E.Either<MixError, MixTaskConfig> {
  return parseConfigWith(providerDescriptors, input) as E.Either<MixError, MixTaskConfig>;
}

export function parseConfigWith(
  descriptors: readonly AnyProviderDescriptor[],
  input: unknown,
): E.Either<ConfigurationError, { readonly provider: string }> {
  return E.mapLeft(({ provider, problems }: ConfigProblems) => configurationError(provider, problems))(
    checkConfig(descriptors, input),
  );
}

/** The check itself, with the problems still as lines (the environment loader renames paths to variables). */
export function checkConfig(
  descriptors: readonly AnyProviderDescriptor[],
  input: unknown,
): E.Either<ConfigProblems, { readonly provider: string }> {
  const names = descriptors.map((d) => `'${d.name}'`).join(' or ');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left({ provider: 'unknown', problems: [`(root): expected an object with a "provider" field`] });
  }
  let provider: unknown;
  let redisUrl: unknown;
  let rateLimitKey: unknown;
  let rateLimitReplicas: unknown;
  let rateLimitLeaseMs: unknown;
  let options: Record<string, unknown>;
  try {
    // A config object may be a Proxy or carry getters: reading it is app code, and may throw.
    ({ provider, redisUrl, rateLimitKey, rateLimitReplicas, rateLimitLeaseMs, ...options } = input as Record<
      string,
      unknown
    >);
  } catch {
    return E.left({ provider: 'unknown', problems: ['(root): could not be read (a getter or Proxy threw)'] });
  }
  const descriptor = descriptors.find((d) => d.name === provider);
  if (descriptor === undefined) {
    return E.left({ provider: 'unknown', problems: [`provider: expected ${names}`] });
  }
  const checked = validate(descriptor.definition.optionsCodec, options);
  const problems = E.isLeft(checked) ? checked.left.map(hintUmbrellaField) : [];
  const fleet = { redisUrl, rateLimitKey, rateLimitReplicas, rateLimitLeaseMs };
  problems.push(...fleetFieldProblems({ ...fleet, rateLimit: options.rateLimit }));
  const umbrella = Object.fromEntries(Object.entries(fleet).filter(([, value]) => value !== undefined));
  if (problems.length > 0 || E.isLeft(checked)) return E.left({ provider: descriptor.name, problems });
  return E.right({ ...(checked.right as object), ...umbrella, provider: descriptor.name });
}

/** The umbrella's own fields are not the provider codec's to know: "redisURL: unknown field" gets their hint here. */
function hintUmbrellaField(line: string): string {
  const unknown = /^([^.:]+): unknown field$/.exec(line);
  const near = unknown === null ? undefined : nearestField(unknown[1] as string, ['provider', ...fleetFieldNames]);
  return near === undefined ? line : `${line}; did you mean ${near}?`;
}

export function configurationError(provider: string, problems: readonly string[]): ConfigurationError {
  return mixError('ConfigurationError', {
    provider,
    id: '',
    reason: `invalid mixtask config: ${problems.join('; ')}`,
  });
}
