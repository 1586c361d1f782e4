/** Why the limiter stopped using Redis: a closed vocabulary, safe to log. */
export type FallbackReason = 'unreachable' | 'slow' | 'refused';

export interface RedisFailure {
  readonly reason: FallbackReason;
  /** The Redis error word (WRONGPASS, NOAUTH, READONLY, NOSCRIPT…) or the socket code (ECONNREFUSED…). */
  readonly code?: string;
}

/** Thrown (internally) when Redis does not answer within the bound. */
export class RedisTooSlow extends Error {
  override readonly name = 'RedisTooSlow';
}

/**
 * Classifies what went wrong with a Redis call. Only a code is kept, never a message: messages can carry a host,
 * a key, or (from some clients and proxies) the connection URL with its password.
 */
export function classifyRedisFailure(error: unknown): RedisFailure {
  if (error instanceof RedisTooSlow) return { reason: 'slow' };
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return { reason: 'unreachable', code };
  if (name === 'ReplyError' && typeof message === 'string') {
    const word = /^([A-Z][A-Z_]+)\b/.exec(message)?.[1];
    return word === undefined ? { reason: 'refused' } : { reason: 'refused', code: word };
  }
  // ioredis's own: "Connection is closed.", "Stream isn't writeable and enableOfflineQueue options is false", …
  return { reason: 'unreachable' };
}
