import * as E from 'fp-ts/lib/Either.js';
import {
  createMixTaskProvider,
  createMixTaskRegistry,
  mixTaskConfigFromEnv,
  parseMixTaskConfig,
  type MixError,
  type MixTaskConfig,
  type MixTaskProvider,
  type MixTaskRegistryConfig,
} from 'mixtask';
import { createFleetLimiter, type FleetLimiter } from './fleet.js';
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
  readonly limiter?: FleetLimiter;
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

/** One provider from a checked config, with its own fleet limiter when the config has `redisUrl`. */
async function memberOf(name: string, config: MixTaskConfig): Promise<MixTaskInstance> {
  const limiter = await createFleetLimiter(config);
  const member = { name: config.provider, credentials: credentialsSource(config.credentials) };
  if (limiter === undefined) return instance(name, createMixTaskProvider(config), [member]);
  const { redisUrl: _url, rateLimitKey: _key, ...options } = config;
  const provider = createMixTaskProvider({ ...options, rateLimit: limiter } as MixTaskConfig);
  return instance(name, provider, [{ ...member, limiter }]);
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
    // A limiter passed to a provider is the app's to close: here, once the provider's calls have settled.
    close: () =>
      (closing ??= (async () => {
        await provider.close().catch(() => undefined);
        await Promise.allSettled(members.map((member) => member.limiter?.close()));
      })()),
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
