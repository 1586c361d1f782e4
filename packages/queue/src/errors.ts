/** Which queue method failed. */
export type StopQueueOperation =
  'stop' | 'stopMany' | 'lease' | 'renew' | 'release' | 'inspect' | 'list' | 'retry' | 'close' | 'createStopQueue';

/**
 * Why a queue call failed — a closed vocabulary a program can branch on:
 * - `invalid-argument`: the id or an option is malformed (nothing was sent to Redis);
 * - `unreachable`: Redis could not be reached (refused, reset, DNS, not connected yet);
 * - `refused`: Redis answered with an error (NOAUTH, WRONGPASS, READONLY, OOM — e.g. maxmemory with noeviction);
 * - `timeout`: Redis did not answer within the call's bound (`timeoutMs`);
 * - `closed`: the queue was closed;
 * - `unexpected`: anything else (a BullMQ invariant broke) — a bug to report.
 */
export type StopQueueErrorReason = 'invalid-argument' | 'unreachable' | 'refused' | 'timeout' | 'closed' | 'unexpected';

/**
 * The one error type of `@mixtask/queue`'s TaskEithers. Its message is written by this package, never copied from
 * Redis, ioredis or BullMQ (their messages can carry a host, a key or a connection URL with its password); `code`
 * keeps only the Redis error word (WRONGPASS, OOM…) or the socket code (ECONNREFUSED…).
 */
export interface StopQueueError {
  readonly _tag: 'StopQueueError';
  readonly reason: StopQueueErrorReason;
  readonly operation: StopQueueOperation;
  /** The mix id the call was about, when it was about one. */
  readonly id?: string;
  readonly code?: string;
  readonly message: string;
}

export function stopQueueError(
  operation: StopQueueOperation,
  reason: StopQueueErrorReason,
  message: string,
  extra: { readonly id?: string; readonly code?: string } = {},
): StopQueueError {
  return Object.freeze({ _tag: 'StopQueueError', reason, operation, ...extra, message });
}

export function isStopQueueError(u: unknown): u is StopQueueError {
  return typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'StopQueueError';
}

/** Thrown internally when a Redis call outlives its bound. */
export class RedisCallTimeout extends Error {
  override readonly name = 'RedisCallTimeout';
}

/** Thrown internally when a method is called after close(). */
export class QueueClosed extends Error {
  override readonly name = 'QueueClosed';
}

/** Classifies a failure of a Redis/BullMQ call, keeping only codes (see StopQueueError). */
export function classifyQueueFailure(operation: StopQueueOperation, error: unknown, id?: string): StopQueueError {
  const at = id === undefined ? {} : { id };
  if (error instanceof RedisCallTimeout) {
    return stopQueueError(operation, 'timeout', `${operation}: Redis did not answer in time`, at);
  }
  if (error instanceof QueueClosed) return stopQueueError(operation, 'closed', `${operation}: the queue is closed`, at);
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    return stopQueueError(operation, 'unreachable', `${operation}: Redis is unreachable (${code})`, { ...at, code });
  }
  if (name === 'ReplyError' && typeof message === 'string') {
    const word = /^([A-Z][A-Z_]+)\b/.exec(message)?.[1];
    const text = `${operation}: Redis refused the command${word === undefined ? '' : ` (${word})`}`;
    return stopQueueError(operation, 'refused', text, word === undefined ? at : { ...at, code: word });
  }
  if (typeof message === 'string' && /Connection is closed|Stream isn't writeable|connect|ECONN/i.test(message)) {
    return stopQueueError(operation, 'unreachable', `${operation}: Redis is unreachable`, at);
  }
  return stopQueueError(operation, 'unexpected', `${operation}: the queue failed unexpectedly (${safeName(name)})`, at);
}

function safeName(name: unknown): string {
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'Error';
}
