import * as E from 'fp-ts/lib/Either.js';
import {
  createMixTaskProvider,
  createMixTaskRegistry,
  fleetLimiterOf,
  mixTaskConfigFromEnv,
  parseMixTaskConfig,
  type FleetLimiterHandle,
  type MixError,
  type MixTaskConfig,
  type MixTaskProvider,
  type MixTaskRegistryConfig,
} from 'mixtask';
import type { MixTaskModuleConfig } from './options.js';
import { defaultMixTaskName } from './tokens.js';

/** One provider of an instance (the only one, or a registry's member), as the health indicator sees it. */
export interface MixTaskMember {
  /** The provider's name (`tencent`, `aliyun` …). */
  readonly name: string;
  /**
   * Where its credentials come from: static keys (checked with the config: not kept here, so no secret is
   * reachable from the instance) or the function that fetches them. Undefined for a provider the app passed to the
   * registry already made (its config is not ours to check).
   */
  readonly credentials?: 'static' | (() => unknown);
  /** Its fleet limiter, when the config has `redisUrl`. */
  readonly limiter?: FleetLimiterHandle;
}

/** What `forRoot` makes: the provider apps inject, and what it is made of. */
export interface MixTaskInstance {
  readonly name: string;
  readonly provider: MixTaskProvider;
  readonly members: readonly MixTaskMember[];
  /** Closes the provider (calls in flight settle first), then the fleet limiters made here. Never rejects. */
  close(): Promise<void>;
}

/**
 * Checks the config and makes the provider. A config that does not parse throws an Error with the
 * ConfigurationError's message: thrown from a provider factory, it fails Nest's bootstrap, at start-up rather
 * than at the first stop.
 */
export async function createMixTaskInstance(
  config: MixTaskModuleConfig,
  name: string = defaultMixTaskName,
): Promise<MixTaskInstance> {
  const fail = (error: MixError): never => {
    throw new Error(name === defaultMixTaskName ? error.message : `${error.message} (MixTaskModule "${name}")`);
  };
  if (isRegistryConfig(config)) {
    const members: MixTaskMember[] = [];
    const made: Record<string, MixTaskProvider> = {};
    const ours: MixTaskInstance[] = [];
    try {
      for (const [provider, entry] of Object.entries((config.registry ?? {}) as Record<string, unknown>)) {
        if (isProvider(entry)) {
          members.push({ name: provider }); // the app's own: no config to check, and the registry closes it
          made[provider] = entry;
          continue;
        }
        const checked = parseMixTaskConfig({ ...(entry as object), provider });
        if (E.isLeft(checked)) fail(checked.left);
        const member = await memberOf(name, (checked as E.Right<MixTaskConfig>).right);
        ours.push(member);
        members.push(...member.members);
        made[provider] = member.provider;
      }
    } catch (error) {
      await Promise.allSettled(ours.map((member) => member.close()));
      throw error;
    }
    return instance(name, createMixTaskRegistry(made as MixTaskRegistryConfig), members);
  }
  const checked = isEnvConfig(config) ? mixTaskConfigFromEnv(config.env) : parseMixTaskConfig(config);
  if (E.isLeft(checked)) return fail(checked.left);
  return memberOf(name, checked.right);
}

/**
 * One provider from a checked config. With `redisUrl` its fleet limiter is the umbrella's own (same replicas, lease
 * and onEvent as any app's), which the health indicator asks; a `@mixtask/redis` that cannot be loaded fails the
 * bootstrap here rather than every stop later.
 */
async function memberOf(name: string, config: MixTaskConfig): Promise<MixTaskInstance> {
  const provider = createMixTaskProvider(config);
  const limiter = fleetLimiterOf(provider);
  const problem = await limiter?.loaded();
  if (problem !== undefined) {
    await provider.close();
    throw new Error(`invalid mixtask config: redisUrl: ${problem}`);
  }
  const member = { name: config.provider, credentials: credentialsSource(config.credentials) };
  return instance(name, provider, [limiter === undefined ? member : { ...member, limiter }]);
}

function credentialsSource(credentials: unknown): 'static' | (() => unknown) {
  return typeof credentials === 'function' ? (credentials as () => unknown) : 'static';
}

function instance(name: string, provider: MixTaskProvider, members: readonly MixTaskMember[]): MixTaskInstance {
  let closing: Promise<void> | undefined;
  return {
    name,
    provider,
    members,
    // The provider closes its fleet limiter itself, once its calls have settled.
    close: () => (closing ??= provider.close().catch(() => undefined)),
  };
}

function isRegistryConfig(config: MixTaskModuleConfig): config is { readonly registry: MixTaskRegistryConfig } {
  return typeof config === 'object' && config !== null && 'registry' in config;
}

function isEnvConfig(config: MixTaskModuleConfig): config is { readonly env: Record<string, string | undefined> } {
  return typeof config === 'object' && config !== null && 'env' in config && !('provider' in config);
}

function isProvider(u: unknown): u is MixTaskProvider {
  return typeof u === 'object' && u !== null && typeof (u as MixTaskProvider).stopMix === 'function';
}
