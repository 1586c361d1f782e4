import { expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixTaskProvider, StopMixOptions, StopMixSuccess } from '@mixtask/core';

export type Outcome = E.Either<MixError, StopMixSuccess>;

export interface Settled {
  readonly result: Outcome;
  /** Wall-clock ms from the call to its result. */
  readonly elapsedMs: number;
  /** When it resolved (performance.now()), to measure "at once" after an abort. */
  readonly settledAt: number;
}

/**
 * Calls stopMix the way an app does and proves the contract on the way: building the task does not throw, running
 * it does not reject, and what comes back is an Either.
 */
export async function settle(provider: MixTaskProvider, id: unknown, options?: StopMixOptions): Promise<Settled> {
  const startedAt = performance.now();
  let thrown: unknown = 'nothing';
  let result: Outcome | undefined;
  try {
    result = await provider.stopMix(id as string, options)();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBe('nothing');
  expect(result === undefined ? 'undefined' : E.isLeft(result) || E.isRight(result)).toBe(true);
  const settledAt = performance.now();
  return { result: result as Outcome, elapsedMs: settledAt - startedAt, settledAt };
}

export function leftOf(outcome: Outcome): MixError {
  if (E.isRight(outcome)) throw new Error(`expected a Left, got ${JSON.stringify(outcome.right)}`);
  return outcome.left;
}

export function rightOf(outcome: Outcome): StopMixSuccess {
  if (E.isLeft(outcome)) throw new Error(`expected a Right, got ${outcome.left.message}`);
  return outcome.right;
}

/** The fields the fault matrix pins, for readable failures. */
export function pinned(error: MixError): Record<string, unknown> {
  return {
    _tag: error._tag,
    retryable: error.retryable,
    attempts: error.attempts,
    httpStatus: error.httpStatus,
  };
}

export { FakeClock } from '@mixtask/core/testing';

// The loopback servers are the test kit's, under the names the matrix was written with.
export {
  refusedPort as closedPort,
  startHttpServer as httpServer,
  startSilentServer as silentTcpServer,
  type LoopbackServer,
} from '@mixtask/test-kit';

/** Runs `work` while sampling heap + array buffers; returns how far the peak rose above the start, in bytes. */
export async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const start = used();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, used());
  }, 2);
  try {
    const value = await work();
    peak = Math.max(peak, used());
    return { value, growth: peak - start };
  } finally {
    clearInterval(sampler);
  }
}

/** Resolves on the next turn of the event loop after `ms` (for "while it is waiting" moments, not assertions). */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Active timers of this process (Node's own accounting), to spot timers left behind. */
export const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
