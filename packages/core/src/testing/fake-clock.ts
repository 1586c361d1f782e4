import type { Clock } from '../runner/clock.js';

/**
 * A clock for tests of backoff, deadlines and rate limits without waiting: a sleep returns at once and moves time
 * forward by its length (or by `minStepMs`, whichever is more). Pass it as a provider's `clock` option.
 * `sleeps` records every wait asked for, so a test can assert on the backoff itself.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  /**
   * @param time the clock's start, ms since the epoch (default: now — a provider signs with this time, and a real
   *   server or the emulator refuses a signature from far in the past)
   * @param minStepMs the least a sleep moves time forward, e.g. 1000 so that every retry is signed at a new second
   */
  constructor(
    public time: number = Date.now(),
    readonly minStepMs = 0,
  ) {}

  now = (): number => this.time;

  sleep = async (ms: number, signal?: AbortSignal): Promise<boolean> => {
    if (signal?.aborted) return false;
    this.sleeps.push(ms);
    this.time += Math.max(ms, this.minStepMs);
    return true;
  };

  /** Moves time forward, as if `ms` passed. */
  advance(ms: number): void {
    this.time += ms;
  }
}
