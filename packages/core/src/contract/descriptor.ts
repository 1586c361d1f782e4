import type { ProviderDefinition } from '../runner/create-provider.js';
import type { CommonProviderOptions } from '../config/options.js';
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
  /** The variable it overrides, e.g. `MIXTASK_ALIYUN_APP_ID`. */
  readonly env: string;
  readonly valueName: string;
  readonly description: string;
}

/**
 * Everything the `mixtask` package needs to offer a provider: config switch, registry, environment loader and CLI
 * all loop over a list of these, so adding a provider is its package plus one line in that list.
 */
export interface ProviderDescriptor<
  O extends CommonProviderOptions<C> = never,
  C = unknown,
  N extends ProviderName = ProviderName,
> {
  /** What configs and qualified ids (`'<name>:<id>'`) call it; letters, digits and `-` only. */
  readonly name: N;
  readonly definition: ProviderDefinition<O, C>;
  /** The provider's factory (never throws; a bad options object gives a provider that answers ConfigurationError). */
  readonly create: (options: O) => MixTaskProvider;
  /** The vendor's documented per-account quota of the stop call, in requests per second (the default `rateLimit`). */
  readonly quota: number;
  /** The variables `mixTaskConfigFromEnv` reads for this provider: the vendor's official ones where they exist. */
  readonly env: readonly EnvVariable[];
  readonly cliFlags: readonly CliFlag[];
}
