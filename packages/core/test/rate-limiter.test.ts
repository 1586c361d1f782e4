import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from '@mixtask/core';
import { FakeClock, ParkingClock } from './support/fake-clock.js';

describe('RateLimiter', () => {
  it('lets N start at once, then one more each time one second has passed since an earlier start', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter(3, clock);
    const starts: number[] = [];
    for (let i = 0; i < 9; i++) {
      const slot = await limiter.acquire(undefined, Number.POSITIVE_INFINITY);
      expect(slot.ok).toBe(true);
      starts.push(clock.now());
    }
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000]);
  });

  it('never lets more than N start in any one-second window', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter(100, clock);
    const starts: number[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 7 === 0) clock.time += 13; // callers arrive unevenly
      await limiter.acquire(undefined, Number.POSITIVE_INFINITY);
      starts.push(clock.now());
    }
    for (let i = 100; i < starts.length; i++)
      expect((starts[i] ?? 0) - (starts[i - 100] ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(starts.at(-1)).toBeLessThanOrEqual(9000 + 13 * 143);
  });

  it('refuses a slot that would start after the deadline, without taking it', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter(1, clock);
    await limiter.acquire(undefined, 10_000);
    expect(await limiter.acquire(undefined, 500)).toEqual({ ok: false, reason: 'deadline' });
    expect(await limiter.acquire(undefined, 10_000)).toEqual({ ok: true, waitedMs: 1000 });
  });

  it('gives up at once when the signal aborts during the wait', async () => {
    const clock = new ParkingClock();
    const limiter = new RateLimiter(1, clock);
    await limiter.acquire(undefined, Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal, Number.POSITIVE_INFINITY);
    controller.abort();
    expect(await waiting).toEqual({ ok: false, reason: 'aborted' });
    expect(await limiter.acquire(AbortSignal.abort(), Number.POSITIVE_INFINITY)).toEqual({
      ok: false,
      reason: 'aborted',
    });
  });
});
