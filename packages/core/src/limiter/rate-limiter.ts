import { readOptionsOnce } from '../config/strict-object.js';
import { systemClock, timerDelay, type Clock } from '../runner/clock.js';

/**
 * Paces a provider's requests to the vendor's quota. The local one is `createRateLimiter`; `@mixtask/redis` shares
 * one quota across a fleet. Pass the same limiter to several providers that share one account's quota.
 */
export interface RateLimiter {
  /** Waits for a slot. Resolves in every case (never rejects) with how long it waited, or why it gave up. */
  acquire(request: RateLimitRequest): Promise<RateLimitWait>;
  /** Frees what the limiter owns (connections, timers). A provider never closes a limiter the app passed in. */
  close?(): Promise<void>;
  /**
   * The quota it keeps, when it can tell: `stopMixes` sizes its default concurrency from it (docs/getting-started.md). The
   * local limiter and `@mixtask/redis` say theirs; a limiter without it is paced but not sized for.
   */
  readonly requestsPerSecond?: number;
}

export interface RateLimitRequest {
  readonly signal?: AbortSignal;
  /** How long the caller may wait at most: what is left of its deadline, in ms. */
  readonly timeoutMs: number;
}

export type RateLimitWait =
  | {
      readonly ok: true;
      readonly waitedMs: number;
      /** Call once the attempt has its answer (or failed): the slot comes back one second later. */
      readonly release: () => void;
    }
  /**
   * 'aborted': the caller's signal. 'deadline': no slot within `timeoutMs`. 'closed': the limiter was closed, and
   * a closed limiter paces nothing — the stop is refused (a ConfigurationError) rather than sent unpaced.
   */
  | { readonly ok: false; readonly reason: 'aborted' | 'deadline' | 'closed' };

export interface LocalRateLimitOptions {
  /** At most this many requests arrive at the vendor in any one-second window. */
  readonly requestsPerSecond: number;
  /** Time source; tests pass a fake one. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * A limiter for one process. Share one between providers that count against the same account's quota. A bad
 * `requestsPerSecond` throws a RangeError here, at start-up, rather than pacing wrongly for ever after; an unknown
 * option (a misspelt `clock` would leave the system clock in a test), a `clock` that is not one, or options that
 * cannot be read (a getter or Proxy threw) throw a TypeError naming it.
 */
export function createRateLimiter(options: LocalRateLimitOptions): RateLimiter {
  const { requestsPerSecond: rps, clock } = readOptionsOnce('createRateLimiter', options, [
    'requestsPerSecond',
    'clock',
  ]);
  if (typeof rps !== 'number' || !Number.isInteger(rps) || rps < 1 || rps > 100_000) {
    throw new RangeError('createRateLimiter: requestsPerSecond must be an integer from 1 to 100000');
  }
  if (clock !== undefined && !isClock(clock)) {
    throw new TypeError('createRateLimiter: clock must be an object with now() and sleep(ms, signal)');
  }
  return new LocalRateLimiter(rps, clock ?? systemClock);
}

function isClock(u: unknown): u is Clock {
  const clock = u as Partial<Clock> | null;
  return (
    typeof clock === 'object' && clock !== null && typeof clock.now === 'function' && typeof clock.sleep === 'function'
  );
}

/** Duck-typed, so a limiter from another copy of @mixtask/core (or an app's own) is accepted. */
export function isRateLimiter(u: unknown): u is RateLimiter {
  return typeof u === 'object' && u !== null && typeof (u as RateLimiter).acquire === 'function';
}

/**
 * At most `requestsPerSecond` requests in any one-second window, as the vendor counts them: a bucket of N tokens,
 * where a token comes back one second after the attempt that took it has *finished*.
 *
 * Why not a plain refilling bucket, or one-second spacing of start times: the vendor counts arrivals, and arrival
 * lags the start by a latency that varies (a cold batch that opens connections arrives later than a warm one).
 * Start-time spacing then lets two batches land inside one server-side second — measured against the emulator:
 * 80–100 of 300 throttled. An attempt's request has arrived by the time its answer is back, so freeing the token one
 * second after the answer keeps every one-second window at the server within the quota, whatever the latency.
 *
 * Callers are served in FIFO order; a caller whose turn would come after its deadline gives up at once.
 */
export class LocalRateLimiter implements RateLimiter {
  readonly #windowMs = 1000;
  /** When each idle token becomes usable, oldest first (answers come back in time order, so this stays sorted). */
  readonly #idle: number[];
  #line: Promise<void> = Promise.resolve();
  #onRelease: (() => void)[] = [];

  constructor(
    readonly requestsPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.#idle = new Array<number>(requestsPerSecond).fill(Number.NEGATIVE_INFINITY);
  }

  /** Waits for a token. Resolves (never rejects) with how long it waited, or why it gave up. */
  async acquire({ signal, timeoutMs }: RateLimitRequest): Promise<RateLimitWait> {
    if (signal?.aborted) return { ok: false, reason: 'aborted' };
    const startedAt = this.clock.now();
    const deadlineAt = startedAt + timeoutMs;
    const ahead = this.#line;
    let leave: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    this.#line = ahead.then(() => mine);
    try {
      const turn = await yourTurn(ahead, signal, deadlineAt - startedAt);
      if (turn !== 'ready') return { ok: false, reason: turn };
      for (;;) {
        if (signal?.aborted) return { ok: false, reason: 'aborted' };
        const now = this.clock.now();
        const next = this.#idle[0];
        if (next !== undefined && next <= now) {
          this.#idle.shift();
          return { ok: true, waitedMs: now - startedAt, release: this.#releaser() };
        }
        if (next !== undefined) {
          if (next > deadlineAt) return { ok: false, reason: 'deadline' };
          if (!(await this.clock.sleep(next - now, signal))) return { ok: false, reason: 'aborted' };
          continue;
        }
        // Every token is in flight: wait for an answer to come back.
        const outcome = await this.#nextRelease(signal, deadlineAt - now);
        if (outcome !== 'ready') return { ok: false, reason: outcome };
      }
    } finally {
      leave();
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#idle.push(this.clock.now() + this.#windowMs);
      const waiting = this.#onRelease;
      this.#onRelease = [];
      for (const wake of waiting) wake();
    };
  }

  /**
   * Resolves on the next release, the signal, or the deadline. The deadline timer is a real one: what is awaited
   * is a network answer, which a fake clock does not hurry.
   */
  #nextRelease(signal: AbortSignal | undefined, remainingMs: number): Promise<WaitOutcome> {
    return waitBounded((wake) => this.#onRelease.push(wake), signal, remainingMs);
  }
}

type WaitOutcome = 'ready' | 'aborted' | 'deadline';

/**
 * Waits for the callers ahead to be served, but no longer than the signal and the deadline allow: a call must not
 * outlive its deadline just because others queued first. A real timer, as the wait is for other calls' answers.
 */
function yourTurn(ahead: Promise<void>, signal: AbortSignal | undefined, remainingMs: number): Promise<WaitOutcome> {
  return waitBounded((wake) => void ahead.then(wake), signal, remainingMs);
}

/** Waits until `arm`'s wake-up is called, the signal aborts, or `remainingMs` pass, whichever comes first. */
function waitBounded(
  arm: (wake: () => void) => void,
  signal: AbortSignal | undefined,
  remainingMs: number,
): Promise<WaitOutcome> {
  if (signal?.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const done = (outcome: WaitOutcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => done('aborted');
    const timer = setTimeout(() => done('deadline'), timerDelay(remainingMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    arm(() => done('ready'));
  });
}
