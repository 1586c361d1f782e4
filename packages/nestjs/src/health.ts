import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { MixTaskInstance, MixTaskMember } from './instance.js';
import { defaultMixTaskName, getMixTaskInstanceToken } from './tokens.js';

/** How `isHealthy` checks; every field has a default. */
export interface MixTaskHealthOptions {
  /** The instance (`forRoot({ name })`). Default `'default'`. */
  readonly name?: string;
  /** How long a credentials function may take to answer. Default 5000 ms. */
  readonly timeoutMs?: number;
  /**
   * What a fleet limiter on its local fallback (Redis down, slow or refusing) makes the check: `'down'` (the
   * default: up means on Redis) or `'degraded'` (terminus 12: still serving, HTTP 200, the state in the body).
   */
  readonly fallback?: 'down' | 'degraded';
}

/** One provider's findings; every field is safe to show (no key, no URL, no password). */
export interface MixTaskMemberHealth {
  readonly provider: string;
  /** `'valid'`: checked at bootstrap; `'app-made'`: a provider passed to the registry already made. */
  readonly config: 'valid' | 'app-made';
  /** `'static'` keys, a function that `'resolved'`, or one that `'failed'` (why in `credentialsError`). */
  readonly credentials: 'static' | 'resolved' | 'failed' | 'unknown';
  readonly credentialsError?: string;
  /** `'local'` (no `redisUrl`), `'redis'`, or `'fallback'` (why in `fallbackReason`, since `fallbackSince`). */
  readonly rateLimiter: 'local' | 'redis' | 'fallback' | 'closed' | 'unknown';
  readonly fallbackReason?: string;
  readonly fallbackCode?: string;
  readonly fallbackSince?: string;
  readonly fallbackRequestsPerSecond?: number;
}

type Status = 'up' | 'down' | 'degraded';

/** What `isHealthy` returns: terminus's `HealthIndicatorResult` shape, `{ [key]: { status, … } }`. */
export type MixTaskHealthResult<Key extends string = string> = {
  readonly [K in Key]: { readonly status: Status; readonly [field: string]: unknown };
};

/**
 * A health indicator for `@nestjs/terminus`: `() => this.mix.isHealthy('mixtask')` in a `HealthCheckService`
 * check. Up when the config is valid (the bootstrap checked it), credentials resolve, and each fleet limiter is
 * on Redis; when one is on its local fallback the result says why and since when. It never sends a stop: the
 * credentials function is called and the limiter asked with a probe that takes no slot.
 *
 * It returns terminus's result objects rather than throwing, so it needs nothing of terminus at run time (works
 * with terminus 11 and 12; terminus 12 removed the `HealthIndicator` base class this would otherwise extend).
 */
@Injectable()
export class MixTaskHealthIndicator {
  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  async isHealthy<const Key extends string = 'mixtask'>(
    key: Key = 'mixtask' as Key,
    options: MixTaskHealthOptions = {},
  ): Promise<MixTaskHealthResult<Key>> {
    const name = options.name ?? defaultMixTaskName;
    let instance: MixTaskInstance;
    try {
      instance = this.moduleRef.get<MixTaskInstance>(getMixTaskInstanceToken(name), { strict: false });
    } catch {
      return result(key, 'down', { message: `no MixTaskModule instance named "${name}"` });
    }
    const members = await Promise.all(instance.members.map((m) => checkMember(m, options.timeoutMs ?? 5000)));
    const failed = members.some((m) => m.credentials === 'failed' || m.rateLimiter === 'closed');
    const fallback = members.some((m) => m.rateLimiter === 'fallback');
    const status: Status = failed ? 'down' : fallback ? (options.fallback ?? 'down') : 'up';
    const only = members.length === 1 && instance.provider.name !== 'registry' ? members[0] : undefined;
    return result(key, status, only ?? { providers: Object.fromEntries(members.map((m) => [m.provider, m])) });
  }
}

function result<Key extends string>(key: Key, status: Status, data: object): MixTaskHealthResult<Key> {
  return { [key]: { ...data, status } } as MixTaskHealthResult<Key>;
}

async function checkMember(member: MixTaskMember, timeoutMs: number): Promise<MixTaskMemberHealth> {
  if (member.credentials === undefined) {
    return { provider: member.name, config: 'app-made', credentials: 'unknown', rateLimiter: 'unknown' };
  }
  const [credentials, limiter] = await Promise.all([
    checkCredentials(member.credentials, timeoutMs),
    member.limiter?.status(),
  ]);
  const base = { provider: member.name, config: 'valid' as const, ...credentials };
  if (limiter === undefined) return { ...base, rateLimiter: 'local' };
  if (limiter.mode !== 'fallback') return { ...base, rateLimiter: limiter.mode };
  return {
    ...base,
    rateLimiter: 'fallback',
    fallbackReason: limiter.reason,
    ...(limiter.code === undefined ? {} : { fallbackCode: limiter.code }),
    fallbackSince: new Date(limiter.since).toISOString(),
    fallbackRequestsPerSecond: limiter.requestsPerSecond,
  };
}

/**
 * Static keys were checked with the config; a function (an STS client, the vendor's default chain) is called, as
 * the provider would before a stop. Only the error's name is shown: its message may quote what it fetched.
 */
async function checkCredentials(
  source: unknown,
  timeoutMs: number,
): Promise<Pick<MixTaskMemberHealth, 'credentials' | 'credentialsError'>> {
  if (typeof source !== 'function') return { credentials: 'static' };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    const answer: unknown = await Promise.race([Promise.resolve().then(() => (source as () => unknown)()), late]);
    if (answer === 'late') return { credentials: 'failed', credentialsError: `no answer within ${timeoutMs} ms` };
    if (typeof answer !== 'object' || answer === null) {
      return { credentials: 'failed', credentialsError: 'the credentials function did not return an object' };
    }
    return { credentials: 'resolved' };
  } catch (error) {
    const kind = error instanceof Error && /^\w{1,60}$/.test(error.name) ? error.name : 'an error';
    return { credentials: 'failed', credentialsError: `the credentials function threw ${kind}` };
  } finally {
    clearTimeout(timer);
  }
}
