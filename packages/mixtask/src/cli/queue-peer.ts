import * as E from 'fp-ts/lib/Either.js';
import type * as QueuePackage from '@mixtask/queue';
import type { ConfigurationError } from '@mixtask/core';
import { mixError } from '@mixtask/core/adapter';
import { isInstalled } from '../optional-peer.js';
import { redisUrlProblem } from '../fleet-limiter.js';

export type QueueModule = typeof QueuePackage;

/** The durable queue: an optional peer of mixtask, loaded only by `mixtask worker` and `mixtask queue`. */
export const queuePackage = '@mixtask/queue';

const configurationError = (reason: string): ConfigurationError =>
  mixError('ConfigurationError', { provider: 'unknown', id: '', attempts: 0, reason }) as ConfigurationError;

/**
 * @mixtask/queue and the Redis URL it needs (MIXTASK_REDIS_URL), or a ConfigurationError naming what is missing.
 * The URL is never quoted: it may hold a password.
 */
export async function loadQueue(
  env: Readonly<Record<string, string | undefined>>,
): Promise<E.Either<ConfigurationError, { readonly queue: QueueModule; readonly redisUrl: string }>> {
  const redisUrl = env.MIXTASK_REDIS_URL ?? '';
  const problem = redisUrlProblem(redisUrl);
  if (problem !== undefined) return E.left(configurationError(`MIXTASK_REDIS_URL: ${problem}`));
  if (!isInstalled(queuePackage)) {
    return E.left(configurationError(`${queuePackage} is not installed: npm install ${queuePackage}`));
  }
  try {
    return E.right({ queue: (await import(queuePackage)) as QueueModule, redisUrl });
  } catch {
    return E.left(configurationError(`${queuePackage} could not be loaded: reinstall it`));
  }
}
