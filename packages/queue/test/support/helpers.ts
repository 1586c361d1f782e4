// What the queue's suites share. The redis-server itself comes from @mixtask/redis's test support (one launcher).
import type { Either } from 'fp-ts/lib/Either.js';
export { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

/** The Right of an Either, or a thrown error showing the Left (a test failure, with the reason). */
export function right<L, R>(either: Either<L, R>): R {
  if (either._tag === 'Left') throw new Error(`expected a Right, got Left ${JSON.stringify(either.left)}`);
  return either.right;
}

export function left<L, R>(either: Either<L, R>): L {
  if (either._tag === 'Right') throw new Error(`expected a Left, got Right ${JSON.stringify(either.right)}`);
  return either.left;
}

/** Resolves once `condition` holds (checked every 20 ms); fails after `withinMs` so a test reports, not hangs. */
export async function eventually(condition: () => boolean | Promise<boolean>, withinMs = 10_000, what = 'condition') {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let seq = 0;
/** A queue name of its own per test, so that tests sharing one Redis never see each other's jobs. */
export const queueName = (label: string) => `t-${label}-${process.pid}-${++seq}`;
