import type { Clock } from './clock.js';
import type { RateLimiter, RateLimitRequest, RateLimitWait } from '../limiter/rate-limiter.js';

/**
 * What a provider tells about its pace (`MixTaskProvider.pacing`): the quota its limiter keeps, and how long its
 * attempts take. Enough for a caller that runs many stops to keep just as many in flight as reach the quota.
 */
export interface ProviderPacing {
  /** The rate the provider's limiter holds its requests to, per second. */
  readonly requestsPerSecond: number;
  /**
   * Its recent attempts' round trip in ms, from the limiter's slot to the answer (so the wait for the limiter is
   * not in it): the least within the last 2 to 4 s. Undefined before the first answer.
   */
  roundTripMs(): number | undefined;
}

/**
 * In flight = rate × round trip (Little's law) × this. The round trip is the least of the last 2 to 4 s (see
 * `RoundTripMeter`), so the mean can be up to 4× that before the quota is missed: jitter and a vendor that slows
 * down are covered. What is too many only waits in the limiter.
 */
export const concurrencyHeadroom = 4;
/** Never fewer in flight: a few slow calls must not starve the rest. */
export const minAdaptiveConcurrency = 4;
/** Never more, whatever the rate (the same bound as an explicit `concurrency`). */
export const maxAdaptiveConcurrency = 1024;
/** The round trip is the least seen within the last one to two of these: long enough that one bad second (a GC pause, a busy host) does not throw the figure off. */
export const roundTripWindowMs = 2000;

/**
 * How many stops to keep in flight to reach `requestsPerSecond` when an attempt takes `roundTripMs`: rate ×
 * round trip × 4, plus one, at least 4, and at most the rate itself — a limiter that frees a slot one second
 * after its answer (the local one, `@mixtask/redis`) never has more than `rate` slots, so more callers than that
 * only queue in it, and queueing counts against their deadlines. The queue worker's default uses this too.
 */
export function inFlightFor(requestsPerSecond: number, roundTripMs: number): number {
  const needed = Math.ceil((requestsPerSecond * Math.max(0, roundTripMs) * concurrencyHeadroom) / 1000) + 1;
  const cap = Math.max(minAdaptiveConcurrency, Math.min(maxAdaptiveConcurrency, Math.floor(requestsPerSecond)));
  return Math.min(cap, Math.max(minAdaptiveConcurrency, needed));
}

/**
 * The concurrency to use now, read again before every dispatch, so that it follows the round trip as it changes.
 * It starts at `fixed` and grows by at most one per call settled (a slow start: at most doubling per round trip), so
 * the first, cold round trips — new connections, code not yet optimised — cannot send a burst of the whole quota at
 * a vendor before a warm round trip has been seen. Without pacing (no limiter, or one that does not say its rate) it
 * is `fixed`. The queue worker's default is this too: `limit()` before taking a job, `settled()` after each.
 */
export interface ConcurrencyControl {
  /** How many calls may be in flight now. */
  limit(): number;
  /** Call once per call that settled. */
  settled(): void;
}

export function adaptiveConcurrency(pacing: ProviderPacing | undefined, fixed: number): ConcurrencyControl {
  if (pacing === undefined) return { limit: () => fixed, settled: () => undefined };
  const rate = pacing.requestsPerSecond;
  let ceiling = fixed;
  return {
    limit: () => {
      const rtt = pacing.roundTripMs();
      const target =
        rtt === undefined ? Math.min(fixed, inFlightFor(rate, Number.POSITIVE_INFINITY)) : inFlightFor(rate, rtt);
      return Math.min(target, ceiling);
    },
    settled: () => {
      if (ceiling < maxAdaptiveConcurrency) ceiling += 1;
    },
  };
}

/** A provider's pacing, read defensively: whatever is not a valid one (or throws to be read) counts as none. */
export function pacingOf(provider: unknown): ProviderPacing | undefined {
  try {
    const pacing = (provider as { pacing?: unknown } | null | undefined)?.pacing as Partial<ProviderPacing> | undefined;
    if (typeof pacing !== 'object' || pacing === null) return undefined;
    const rate = pacing.requestsPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 1 || typeof pacing.roundTripMs !== 'function') {
      return undefined;
    }
    const read = pacing.roundTripMs.bind(pacing);
    return {
      requestsPerSecond: rate,
      roundTripMs: () => {
        try {
          const ms = read();
          return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
        } catch {
          return undefined;
        }
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * Wraps a provider's limiter to time each attempt, from its slot to its release (the runner releases once the
 * answer is in): the round trip without the limiter's wait. The rate is the limiter's own `requestsPerSecond`, or
 * the one the provider made it with; without either there is no pacing, only the limiter.
 */
export function meteredLimiter(
  limiter: RateLimiter,
  requestsPerSecond: number | undefined,
  clock: Clock,
): { readonly limiter: RateLimiter; readonly pacing?: ProviderPacing } {
  const rate = requestsPerSecond ?? toldRate(limiter);
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 1) return { limiter };
  const meter = new RoundTripMeter(clock);
  const metered: RateLimiter = {
    requestsPerSecond: rate,
    acquire: (request: RateLimitRequest) =>
      limiter.acquire(request).then((wait): RateLimitWait => {
        if (!wait.ok) return wait;
        const grantedAt = clock.now();
        let released = false;
        return {
          ...wait,
          release: () => {
            if (released) return;
            released = true;
            meter.record(clock.now() - grantedAt);
            wait.release();
          },
        };
      }),
    ...(limiter.close === undefined ? {} : { close: () => limiter.close!() }),
  };
  return { limiter: metered, pacing: { requestsPerSecond: rate, roundTripMs: () => meter.roundTripMs() } };
}

/**
 * The least round trip seen within the last one to two windows (two buckets of `roundTripWindowMs`): the vendor's
 * round trip without the queueing that our own calls cause. A mean would not do: on a busy host (or against a
 * vendor that queues) more calls in flight make every call slower, the mean grows, more calls go in flight — a loop
 * that ends only at the cap. The least still follows a vendor that really slows down, within two windows, and one
 * that speeds up at once. Kept after the calls stop, so a pause does not forget it.
 */
export class RoundTripMeter {
  #bucketStart = Number.NEGATIVE_INFINITY;
  #current: number | undefined;
  #previous: number | undefined;
  #last: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = roundTripWindowMs,
  ) {}

  record(ms: number): void {
    const sample = Math.max(0, ms);
    const now = this.clock.now();
    if (now - this.#bucketStart >= this.windowMs) {
      // A gap of more than a window: what the previous bucket saw is too old to count.
      this.#previous = now - this.#bucketStart < 2 * this.windowMs ? this.#current : undefined;
      this.#current = undefined;
      this.#bucketStart = now;
    }
    this.#current = this.#current === undefined ? sample : Math.min(this.#current, sample);
    this.#last = Math.min(this.#current, this.#previous ?? Number.POSITIVE_INFINITY);
  }

  /** Undefined before the first sample. */
  roundTripMs(): number | undefined {
    return this.#last;
  }
}

/** An app's limiter may be anything (a Proxy, a getter that throws): its rate is read once, and only if it is sane. */
function toldRate(limiter: RateLimiter): number | undefined {
  try {
    return limiter.requestsPerSecond;
  } catch {
    return undefined;
  }
}
