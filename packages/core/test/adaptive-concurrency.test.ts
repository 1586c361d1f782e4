import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  adaptiveConcurrency,
  createRateLimiter,
  inFlightFor,
  pacingOf,
  stopMixes,
  type MixError,
  type MixTaskProvider,
  type ProviderPacing,
  type RateLimiter,
  type StopMixSuccess,
} from '@mixtask/core';
import { meteredLimiter, RoundTripMeter } from '@mixtask/core/internal';
import { FakeClock } from '@mixtask/core/testing';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('inFlightFor: rate × round trip × 4 + 1, at least 4, at most the rate (and 1024)', () => {
  it.each([
    [500, 30, 61], // Aliyun, a 30 ms round trip: 15 needed, four times that, plus one
    [500, 100, 201],
    [100, 50, 21], // Tencent
    [100, 1_000, 100], // a slow vendor: never more than the limiter has slots
    [100, 60_000, 100],
    [5, 100, 4], // a 5/s quota: the floor
    [5, 5_000, 5], // … and the rate caps it above the floor
    [500, 0.5, 4], // loopback: the floor
    [500, 0, 4],
    [500, -3, 4], // a clock that went back: as if instant
    [100_000, 1_000, 1024], // the absolute cap
  ])('at %p/s and %p ms: %p', (rate, rtt, expected) => {
    expect(inFlightFor(rate, rtt)).toBe(expected);
  });

  it('is enough to reach the quota by Little’s law, whatever the round trip up to the cap', () => {
    for (const rate of [5, 100, 500]) {
      for (const rtt of [1, 10, 30, 80, 250, 900]) {
        const n = inFlightFor(rate, rtt);
        // n in flight, each rtt long, carry n / rtt per second; the token limiter carries rate / (1 + rtt) at most.
        const carried = Math.min((n * 1000) / rtt, rate);
        expect(carried).toBeGreaterThanOrEqual((rate * 1000) / (1000 + rtt) - 1e-9);
      }
    }
  });
});

describe('meteredLimiter: times each attempt from its slot to its release, on the provider’s clock', () => {
  it('measures the round trip and not the wait for a slot', async () => {
    const clock = new FakeClock(1_000_000);
    const local = createRateLimiter({ requestsPerSecond: 1, clock });
    const { limiter, pacing } = meteredLimiter(local, 1, clock);
    expect(pacing?.requestsPerSecond).toBe(1);
    expect(pacing?.roundTripMs()).toBeUndefined();
    const attempt = async (rttMs: number) => {
      const slot = await limiter.acquire({ timeoutMs: 60_000 });
      if (!slot.ok) throw new Error(slot.reason);
      clock.advance(rttMs);
      slot.release();
      slot.release(); // a second release neither counts nor frees twice
    };
    await attempt(40);
    expect(pacing?.roundTripMs()).toBe(40);
    // The next slot comes 1 s after that answer: the fake clock's sleep jumps there. The wait is not a round trip.
    const before = clock.now();
    await attempt(45);
    expect(clock.now() - before).toBeGreaterThanOrEqual(1000);
    expect(pacing?.roundTripMs()).toBe(40);
  });

  it('is the least of the last one to two windows (1 s here): queueing we cause does not count, a slower vendor does', () => {
    const clock = new FakeClock(1_000_000);
    const meter = new RoundTripMeter(clock, 1000);
    // A busy second: our own burst queues at the vendor, the round trips spread from 20 to 900 ms.
    for (const ms of [20, 300, 600, 900]) {
      meter.record(ms);
      clock.advance(100);
    }
    expect(meter.roundTripMs()).toBe(20);
    // The vendor slows down to 200 ms: the 20 ms of the first second still counts in the next one …
    clock.advance(700);
    meter.record(200);
    expect(meter.roundTripMs()).toBe(20);
    // … and is forgotten once it is more than two windows old.
    clock.advance(1000);
    meter.record(210);
    expect(meter.roundTripMs()).toBe(200);
    clock.advance(1000);
    meter.record(220);
    expect(meter.roundTripMs()).toBe(210);
    // Faster again: at once.
    meter.record(15);
    expect(meter.roundTripMs()).toBe(15);
    // A pause of a minute keeps the last figure; the first sample after it starts afresh.
    clock.advance(60_000);
    expect(meter.roundTripMs()).toBe(15);
    meter.record(80);
    expect(meter.roundTripMs()).toBe(80);
  });

  it('a refused acquire is passed through and times nothing', async () => {
    const clock = new FakeClock();
    const { limiter, pacing } = meteredLimiter(createRateLimiter({ requestsPerSecond: 2, clock }), 2, clock);
    const controller = new AbortController();
    controller.abort();
    expect(await limiter.acquire({ timeoutMs: 100, signal: controller.signal })).toEqual({
      ok: false,
      reason: 'aborted',
    });
    expect(pacing?.roundTripMs()).toBeUndefined();
  });

  it('a shared limiter tells its own rate; one that does not (or throws to be read) gives no pacing', () => {
    const clock = new FakeClock();
    const told = meteredLimiter(createRateLimiter({ requestsPerSecond: 37, clock }), undefined, clock);
    expect(told.pacing?.requestsPerSecond).toBe(37);
    const silent: RateLimiter = { acquire: () => Promise.resolve({ ok: false, reason: 'deadline' }) };
    expect(meteredLimiter(silent, undefined, clock)).toEqual({ limiter: silent });
    const hostile = {
      acquire: silent.acquire,
      get requestsPerSecond(): number {
        throw new Error('no');
      },
    };
    expect(meteredLimiter(hostile, undefined, clock).pacing).toBeUndefined();
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(meteredLimiter({ ...silent, requestsPerSecond: rate }, undefined, clock).pacing).toBeUndefined();
    }
  });
});

describe('adaptiveConcurrency and pacingOf', () => {
  it('starts at 16, grows by at most one per settled call (a slow start), and follows the measured round trip', () => {
    let rtt: number | undefined;
    const control = adaptiveConcurrency({ requestsPerSecond: 500, roundTripMs: () => rtt }, 16);
    expect(control.limit()).toBe(16); // no answer yet
    rtt = 300; // a cold first answer: new connection, code not yet optimised
    expect(control.limit()).toBe(16); // would be 500, but not before 484 more calls have settled
    control.settled();
    expect(control.limit()).toBe(17);
    for (let i = 0; i < 100; i++) control.settled();
    expect(control.limit()).toBe(117);
    rtt = 30; // warm
    expect(control.limit()).toBe(61);
    rtt = 250; // the vendor slows down: as many as the slow start has allowed by now, then the rate
    expect(control.limit()).toBe(117);
    for (let i = 0; i < 1000; i++) control.settled();
    expect(control.limit()).toBe(500);
  });

  it('a 5/s quota starts at 5, not 16', () => {
    expect(adaptiveConcurrency({ requestsPerSecond: 5, roundTripMs: () => undefined }, 16).limit()).toBe(5);
  });

  it('is the fixed number without pacing', () => {
    const control = adaptiveConcurrency(undefined, 16);
    control.settled();
    expect(control.limit()).toBe(16);
  });

  it('reads only a sane pacing, and never throws for what a provider holds', () => {
    expect(pacingOf(null)).toBeUndefined();
    expect(pacingOf(42)).toBeUndefined();
    expect(pacingOf({})).toBeUndefined();
    expect(pacingOf({ pacing: { requestsPerSecond: '5', roundTripMs: () => 1 } })).toBeUndefined();
    expect(pacingOf({ pacing: { requestsPerSecond: 5 } })).toBeUndefined();
    const throwing = {
      get pacing(): ProviderPacing {
        throw new Error('no');
      },
    };
    expect(pacingOf(throwing)).toBeUndefined();
    const odd = pacingOf({
      pacing: {
        requestsPerSecond: 100,
        roundTripMs: () => {
          throw new Error('no');
        },
      },
    });
    expect(odd?.roundTripMs()).toBeUndefined();
    expect(pacingOf({ pacing: { requestsPerSecond: 100, roundTripMs: () => Number.NaN } })?.roundTripMs()).toBe(
      undefined,
    );
    expect(pacingOf({ pacing: { requestsPerSecond: 100, roundTripMs: () => 12 } })?.roundTripMs()).toBe(12);
  });
});

describe('stopMixes without `concurrency`: as many in flight as the provider’s pacing needs, as it changes', () => {
  function pacedProvider(pacing: ProviderPacing | undefined) {
    const pending: (() => void)[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const provider: MixTaskProvider = {
      name: 'paced',
      close: () => Promise.resolve(),
      stopMix: (id) => () =>
        new Promise<E.Either<MixError, StopMixSuccess>>((resolve) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          pending.push(() => {
            inFlight -= 1;
            resolve(E.right({ provider: 'paced', id, requestId: 'r', outcome: 'stopped', attempts: 1 }));
          });
        }),
      ...(pacing === undefined ? {} : { pacing }),
    };
    return {
      provider,
      inFlight: () => inFlight,
      /** The most in flight since the last call, then reset. */
      takeMax: () => {
        const most = maxInFlight;
        maxInFlight = inFlight;
        return most;
      },
      settleAll: () => {
        for (const settle of pending.splice(0)) settle();
      },
    };
  }

  it('rate 100/s at 25 ms: 11 in flight; at 100 ms: 41 once the slow start allows; back at 10 ms: 5', async () => {
    let rtt = 25;
    const paced = pacedProvider({ requestsPerSecond: 100, roundTripMs: () => rtt });
    const ids = Array.from({ length: 400 }, (_, i) => `id${i}`);
    const task = stopMixes(paced.provider, ids)();
    await tick();
    expect(paced.takeMax()).toBe(11);
    rtt = 100;
    // 11 settled: at most 16 + 11 = 27 now, then 16 + 38 — capped at 41 from there on.
    paced.settleAll();
    await tick();
    expect(paced.takeMax()).toBe(27);
    paced.settleAll();
    await tick();
    expect(paced.takeMax()).toBe(41);
    paced.settleAll();
    await tick();
    expect(paced.takeMax()).toBe(41);
    rtt = 10;
    // Fewer now: nothing new starts until the calls in flight have come down below the new limit.
    paced.settleAll();
    await tick();
    expect(paced.inFlight()).toBe(5);
    for (let i = 0; i < 200 && paced.inFlight() > 0; i++) {
      paced.settleAll();
      await tick();
    }
    const report = await task;
    expect(report.totals.stopped).toBe(400);
  });

  it('an explicit concurrency overrides the pacing; no pacing gives 16', async () => {
    for (const [pacing, concurrency, expected] of [
      [{ requestsPerSecond: 500, roundTripMs: () => 100 }, 3, 3],
      [undefined, undefined, 16],
    ] as const) {
      const paced = pacedProvider(pacing);
      const task = stopMixes(
        paced.provider,
        Array.from({ length: 50 }, (_, i) => `id${i}`),
        {
          ...(concurrency === undefined ? {} : { concurrency }),
        },
      )();
      await tick();
      expect(paced.takeMax()).toBe(expected);
      for (let i = 0; i < 100 && paced.inFlight() > 0; i++) {
        paced.settleAll();
        await tick();
      }
      expect((await task).totals.stopped).toBe(50);
    }
  });
});
