import type * as t from 'io-ts';
import type { CodeRule } from '../adapter-kit/code-table.js';
import { createProvider, type ProviderDefinition } from '../runner/create-provider.js';
import type { CredentialObject, CredentialSourceInput } from '../runner/credential-source.js';
import type { CommonProviderOptions } from '../config/options.js';
import type { ProviderProtocol } from './protocol.js';
import type { MixTaskProvider, ProviderName } from './provider.js';

/** One environment variable a provider reads, and the config field it fills. */
export interface EnvVariable {
  readonly name: string;
  /** The config path it fills, dot-separated, e.g. `credentials.secretId`. */
  readonly path: string;
  /** What to put in it, for `--help` and the docs. */
  readonly description: string;
}

/** A command-line flag of `mixtask stop` that only this provider has; it overrides an environment variable. */
export interface CliFlag {
  /** Without the dashes, e.g. `app-id`. */
  readonly name: string;
  /** The variable it overrides, e.g. `MIXTASK_EXAMPLE_APP_ID`. */
  readonly env: string;
  readonly valueName: string;
  readonly description: string;
}

/**
 * The vendor's own default credential chain (profile file, instance role, OIDC…), which the environment loader
 * falls back to when no key variable is set. The vendor's library is an optional peer, loaded on the first stop
 * that needs it.
 */
export interface DefaultCredentialChain<C> {
  /** The vendor's credential library (an optional peer of `mixtask`), e.g. `@example/credentials`. */
  readonly library: string;
  /** The key pair's variables: one set without the other is an error, not a fall-through to the chain. */
  readonly keyVariables: { readonly id: string; readonly secret: string; readonly token?: string };
  /** What the chain tries, for the error that says how to configure credentials. */
  readonly sources: string;
  /** The chain's class name, so an error says which source answered. */
  readonly kind: string;
  /** Builds the chain from the loaded library module (its ES or CommonJS namespace). */
  readonly build: (library: Record<string, unknown> & { default?: Record<string, unknown> }) => CredentialObject;
  /** The adapter that turns the library's credential objects into this provider's credentials. */
  readonly adapt: (source: CredentialSourceInput) => () => Promise<C>;
}

/** A protocol before the descriptor names it: the name, endpoint and quota come from the descriptor. */
export type ProtocolBody<C> = Omit<ProviderProtocol<C>, 'name' | 'defaultEndpoint' | 'defaultRequestsPerSecond'>;

/** Everything a provider says about itself, once: the argument of `defineProvider`. */
export interface ProviderSpec<O extends CommonProviderOptions<C>, C, N extends ProviderName> {
  /** What configs and qualified ids (`'<name>:<id>'`) call it; letters, digits and `-` only. */
  readonly name: N;
  /** For help and messages: what one stop ends, e.g. 'a mix session (Example Cloud)'. */
  readonly stops: string;
  /** The vendor's documented per-account quota of the stop call, in requests per second (the default `rateLimit`). */
  readonly quota: number;
  /**
   * The documented default origin of the API; a function of the options where the origin depends on them (AWS's
   * regional endpoints: `https://ivsrealtime.<region>.amazonaws.com`).
   */
  readonly defaultEndpoint: string | ((options: O) => string);
  /** The provider's whole options shape (common options, credentials and its own fields). */
  readonly optionsCodec: t.Type<O, unknown, unknown>;
  /** The adapter's protocol for a set of valid options. */
  readonly protocol: (options: O) => ProtocolBody<C>;
  /** The ids the vendor accepts: the fake provider (`createFakeProvider({ like })`) refuses the others the same way. */
  readonly idRule: RegExp;
  /** The vendor code → MixError table, for the docs' tables and `--help`. */
  readonly codeRules: readonly CodeRule[];
  /** The variables `mixTaskConfigFromEnv` reads for this provider: the vendor's official ones where they exist. */
  readonly env: readonly EnvVariable[];
  /** Flags of `mixtask stop` only this provider has. Default none. */
  readonly cliFlags?: readonly CliFlag[];
  /** The vendor's own default credential chain, if it has one. */
  readonly defaultCredentials?: DefaultCredentialChain<C>;
}

/**
 * Everything the `mixtask` package needs to offer a provider: config switch, registry, environment loader, CLI,
 * docs tables and packaging checks all loop over a list of these, so adding a provider is its package plus one
 * line in that list. Made by `defineProvider`.
 */
export interface ProviderDescriptor<
  O extends CommonProviderOptions<C> = never,
  C = unknown,
  N extends ProviderName = ProviderName,
> extends Required<Omit<ProviderSpec<O, C, N>, 'defaultCredentials' | 'protocol'>> {
  readonly defaultCredentials: DefaultCredentialChain<C> | undefined;
  /** What `createProvider` runs: the codec, and the protocol with the descriptor's name, endpoint and quota. */
  readonly definition: ProviderDefinition<O, C>;
  /** The provider's factory (never throws; a bad options object gives a provider that answers ConfigurationError). */
  readonly create: (options: O) => MixTaskProvider;
}

/**
 * The one place a provider describes itself. Returns its descriptor: the name, quota and endpoint given here are
 * the ones its protocol runs with, whatever the protocol object says.
 */
export function defineProvider<O extends CommonProviderOptions<C>, C, N extends ProviderName>(
  spec: ProviderSpec<O, C, N>,
): ProviderDescriptor<O, C, N> {
  const { protocol, cliFlags = [], defaultCredentials, ...rest } = spec;
  const definition: ProviderDefinition<O, C> = {
    name: spec.name,
    optionsCodec: spec.optionsCodec,
    protocol: (options) => ({
      ...protocol(options),
      name: spec.name,
      defaultEndpoint: typeof spec.defaultEndpoint === 'string' ? spec.defaultEndpoint : spec.defaultEndpoint(options),
      defaultRequestsPerSecond: spec.quota,
    }),
  };
  return Object.freeze({
    ...rest,
    cliFlags,
    defaultCredentials,
    definition,
    create: (options: O) => createProvider(definition, options),
  });
}
