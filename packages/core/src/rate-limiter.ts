import type { Clock } from './clock.js';

export type RateLimitWait =
  { readonly ok: true; readonly waitedMs: number } | { readonly ok: false; readonly reason: 'aborted' | 'deadline' };

/**
 * At most `requestsPerSecond` requests start in any window of one second: a token bucket whose tokens come
 * back one second after each is spent. A plain refilling bucket of the same size lets 2× the quota through a
 * one-second window on its first burst, which a vendor counting per second answers with throttling errors.
 *
 * Callers reserve a start time in FIFO order, so waiting callers are served fairly; a reservation that would
 * start after the caller's deadline is not taken.
 */
export class RateLimiter {
  readonly #windowMs = 1000;
  readonly #starts: number[];
  #next = 0;

  constructor(
    readonly requestsPerSecond: number,
    private readonly clock: Clock,
  ) {
    // Ring buffer of the last N start times; the oldest one says when the next slot frees up.
    this.#starts = new Array<number>(requestsPerSecond).fill(Number.NEGATIVE_INFINITY);
  }

  /** Waits for a slot. Resolves (never rejects) with how long it waited, or why it gave up. */
  async acquire(signal: AbortSignal | undefined, deadlineAt: number): Promise<RateLimitWait> {
    if (signal?.aborted) return { ok: false, reason: 'aborted' };
    const now = this.clock.now();
    const oldest = this.#starts[this.#next] ?? Number.NEGATIVE_INFINITY;
    const startAt = Math.max(now, oldest + this.#windowMs);
    if (startAt > deadlineAt) return { ok: false, reason: 'deadline' };
    this.#starts[this.#next] = startAt;
    this.#next = (this.#next + 1) % this.#starts.length;
    const waitMs = startAt - now;
    if (waitMs <= 0) return { ok: true, waitedMs: 0 };
    const completed = await this.clock.sleep(waitMs, signal);
    return completed ? { ok: true, waitedMs: waitMs } : { ok: false, reason: 'aborted' };
  }
}
