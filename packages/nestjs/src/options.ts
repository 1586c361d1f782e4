import type { Env, MixTaskConfig, MixTaskRegistryConfig } from 'mixtask';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';

/**
 * What an instance is made of: one provider's config (what `createMixTaskProvider` takes), a registry over
 * several clouds, or the environment variables `mixTaskConfigFromEnv` reads.
 */
export type MixTaskModuleConfig = MixTaskConfig | { readonly registry: MixTaskRegistryConfig } | { readonly env: Env };

/** Where the instance is visible, and under which name. Static: Nest needs them to build its module graph. */
export interface MixTaskModuleScope {
  /** For apps with two accounts on one cloud: inject it with `@InjectMixTask(name)`. Default `'default'`. */
  readonly name?: string;
  /** Make the provider injectable in every module, as `@nestjs/config`'s `isGlobal`. Default false. */
  readonly isGlobal?: boolean;
}

export type MixTaskModuleOptions = MixTaskModuleConfig & MixTaskModuleScope;

/** A class that makes the config, for `forRootAsync({ useClass })` or `({ useExisting })`, as in `@nestjs/bullmq`. */
export interface MixTaskConfigFactory {
  createMixTaskConfig(): MixTaskModuleConfig | Promise<MixTaskModuleConfig>;
}

/**
 * `forRootAsync`: the config comes from a factory, with its dependencies injected (a `ConfigService` …), or from a
 * `MixTaskConfigFactory` class (`useClass`: made for this module; `useExisting`: one the imports provide).
 */
export type MixTaskModuleAsyncOptions = MixTaskModuleScope & {
  readonly imports?: ModuleMetadata['imports'];
} & (
    | {
        readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes the injected values positionally
        readonly useFactory: (...args: any[]) => MixTaskModuleConfig | Promise<MixTaskModuleConfig>;
      }
    | { readonly useClass: Type<MixTaskConfigFactory> }
    | { readonly useExisting: Type<MixTaskConfigFactory> }
  );
