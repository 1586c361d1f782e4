import { describe, expect, it } from '@jest/globals';
import { createRateLimiter, type RateLimiter } from '@mixtask/core';
import { FakeClock, ParkingClock } from './support/fake-clock.js';

const forever = Number.POSITIVE_INFINITY;

/** Takes a token and gives it back after `latencyMs` of fake time: one request's round trip. */
async function attempt(limiter: RateLimiter, clock: FakeClock, latencyMs: number): Promise<[number, number]> {
  const slot = await limiter.acquire({ timeoutMs: forever });
  if (!slot.ok) throw new Error(slot.reason);
  const sentAt = clock.now();
  clock.time += latencyMs;
  slot.release();
  return [sentAt, clock.now()];
}

describe('createRateLimiter', () => {
  it('lets N go at once, then each token back one second after its answer', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 3, clock });
    const sent: number[] = [];
    for (let i = 0; i < 9; i++) sent.push((await attempt(limiter, clock, 0))[0]);
    expect(sent).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000]);
  });

  it('keeps every one-second window at the server within N, whatever the latency', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 100, clock });
    const arrivals: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const latency = (i * 37) % 150; // answers come back after 0–149 ms
      const [sentAt, answeredAt] = await attempt(limiter, clock, latency);
      arrivals.push(sentAt + Math.floor((answeredAt - sentAt) / 2)); // arrival: anywhere between send and answer
    }
    arrivals.sort((a, b) => a - b);
    for (let i = 100; i < arrivals.length; i++) {
      expect((arrivals[i] ?? 0) - (arrivals[i - 100] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('holds callers while every token is in flight, then serves them in order', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 1, clock });
    const first = await limiter.acquire({ timeoutMs: forever });
    const order: number[] = [];
    const second = limiter.acquire({ timeoutMs: forever }).then((s) => (order.push(2), s));
    const third = limiter.acquire({ timeoutMs: forever }).then((s) => (order.push(3), s));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    if (first.ok) first.release();
    const s2 = await second;
    if (s2.ok) s2.release();
    await third;
    expect(order).toEqual([2, 3]);
  });

  it('refuses a token that would come after the deadline, without taking it', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 1, clock });
    await attempt(limiter, clock, 0);
    expect(await limiter.acquire({ timeoutMs: 500 })).toEqual({ ok: false, reason: 'deadline' });
    expect(await limiter.acquire({ timeoutMs: 10_000 })).toMatchObject({ ok: true, waitedMs: 1000 });
  });

  it('gives up at once when the signal aborts during the wait', async () => {
    const clock = new ParkingClock();
    const limiter = createRateLimiter({ requestsPerSecond: 1, clock });
    const first = await limiter.acquire({ timeoutMs: forever });
    if (first.ok) first.release();
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal, timeoutMs: forever });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    expect(await waiting).toEqual({ ok: false, reason: 'aborted' });
    expect(await limiter.acquire({ signal: AbortSignal.abort(), timeoutMs: forever })).toEqual({
      ok: false,
      reason: 'aborted',
    });
  });

  it('refuses a requestsPerSecond that is not a positive integer, at construction', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10', undefined]) {
      expect(() => createRateLimiter({ requestsPerSecond: bad as number })).toThrow(RangeError);
    }
  });

  it('refuses an unknown option, a clock that is not one, and options it cannot read, with a TypeError', () => {
    const make = (options: unknown) => () => createRateLimiter(options as Parameters<typeof createRateLimiter>[0]);
    // A misspelt clock would leave a test on the system clock.
    expect(make({ requestsPerSecond: 5, clok: new FakeClock(0) })).toThrow(
      new TypeError('createRateLimiter: clok: unknown field; did you mean clock?'),
    );
    expect(make({ requestsPerSecond: 5, clock: { now: () => 0 } })).toThrow(
      'createRateLimiter: clock must be an object with now() and sleep(ms, signal)',
    );
    const trap = () => {
      throw new Error('trap');
    };
    const unreadable = new TypeError('createRateLimiter: options could not be read (a Proxy or getter threw)');
    expect(make(new Proxy({ requestsPerSecond: 5 }, { get: trap }))).toThrow(unreadable);
    expect(make(new Proxy({ requestsPerSecond: 5 }, { ownKeys: trap }))).toThrow(unreadable);
  });

  it('gives up when every token is in flight and the deadline passes or the signal aborts', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, clock: new FakeClock(0) });
    await limiter.acquire({ timeoutMs: forever }); // never released
    expect(await limiter.acquire({ timeoutMs: 20 })).toEqual({ ok: false, reason: 'deadline' });
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal, timeoutMs: forever });
    controller.abort();
    expect(await waiting).toEqual({ ok: false, reason: 'aborted' });
  });
});
