import { unknownKeyProblems } from '@mixtask/core/adapter';
import type { RedisOption } from './connection.js';

/** The queue's name in Redis (BullMQ keys are `<prefix>:<name>:…`). One name per quota scope is the usual choice. */
export const defaultQueueName = 'mixtask-stops';
export const defaultPrefix = 'bull';

export interface StopQueueOptions {
  /** A `redis://`/`rediss://` URL (the queue creates its client; `close()` quits it) or an ioredis client the app owns. */
  readonly redis: RedisOption;
  /** Default `mixtask-stops`. Workers must use the same name and prefix. */
  readonly name?: string;
  /** BullMQ's key prefix. Default `bull`. */
  readonly prefix?: string;
  /** How long one call may wait for Redis before it answers a `timeout` Left. Default 5000 ms. */
  readonly timeoutMs?: number;
}

export const namePattern = /^[A-Za-z0-9_.-]{1,100}$/;

export function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The longest delay or lease the queue takes: 30 days (Tencent's and IVS's mixes end within a day anyway). */
export const maxDelayMs = 30 * 86_400_000;

/**
 * The first unknown key of an options object, as `at.key: unknown field; did you mean …?`, or undefined. A typo must
 * not run with a default nobody chose: `stop(id, { delayMS: 60_000 })` would otherwise stop the mix at once.
 */
export function unknownOption(options: unknown, known: readonly string[], at = ''): string | undefined {
  try {
    return unknownKeyProblems(options, known, at)[0];
  } catch {
    return `${at === '' ? 'options' : at}: its keys could not be read`; // a Proxy whose ownKeys throws
  }
}
