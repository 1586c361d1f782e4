/**
 * Time as the runner sees it. Injectable so tests of backoff, deadlines and rate limits run on a fake clock
 * instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early (to `false`) when the signal aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * Node's timers hold at most 2^31−1 ms (about 24.8 days); a longer delay, or Infinity, silently becomes 1 ms.
 * Waits this long are "for ever" to a stop call, so they are clamped, never wrapped.
 */
export const maxTimerDelayMs = 2 ** 31 - 1;

export function timerDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(maxTimerDelayMs, Math.max(0, ms));
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(false);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
