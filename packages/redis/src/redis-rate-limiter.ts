import { randomBytes } from 'node:crypto';
import { createRateLimiter, type RateLimiter, type RateLimitRequest, type RateLimitWait } from '@mixtask/core';
import type { Redis } from 'ioredis';
import { createOwnClient, whenConnected } from './client.js';
import type { RateLimitFallbackEvent, RedisRateLimitEvent } from './events.js';
import { classifyRedisFailure, RedisTooSlow } from './failure.js';
import { checkOptions, type RedisRateLimiterOptions, type Settings } from './options.js';
import { scripts, type Script } from './scripts.js';
import { seededFallback, SlotLedger, type Slot } from './slot-ledger.js';

/** A fleet-wide `RateLimiter`; `close()` ends its probe timer and, for a client it created, the connection. */
export interface RedisRateLimiter extends RateLimiter {
  close(): Promise<void>;
  /**
   * Where the limiter stands, for health checks: on Redis, or on its local fallback and why. It asks Redis with
   * the fallback's own probe (a script call that takes no slot), so checking it never spends the fleet's quota.
   * Never rejects.
   */
  status(): Promise<RedisLimiterStatus>;
  /** The fleet's quota, as given. */
  readonly requestsPerSecond: number;
}

/** What `status()` tells: every field is safe to log (no URL, no password). */
export type RedisLimiterStatus =
  | { readonly mode: 'redis' }
  | {
      readonly mode: 'fallback';
      readonly reason: RateLimitFallbackEvent['reason'];
      readonly code?: string;
      /** The local limiter's rate until Redis is back. */
      readonly requestsPerSecond: number;
      /** When the fallback began (ms since the epoch). */
      readonly since: number;
    }
  | { readonly mode: 'closed' };

/**
 * At most `requestsPerSecond` requests arrive at the vendor in any sliding second across every process that uses
 * the same Redis and `key` — the local limiter's guarantee, fleet-wide: a slot is free again one second after its
 * attempt's answer (Redis TIME, never the callers' clocks). Redis trouble never fails a call: it falls back to a
 * local limiter and comes back on its own. Throws a TypeError (naming the field) only for invalid options.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  // Checked as JavaScript hands it over: no argument, or one that is not an object, is a TypeError naming a field.
  // Each option is read once, there: what runs is what was checked.
  const { settings, redis, onEvent } = checkOptions(options as RedisRateLimiterOptions | undefined);
  const owned = typeof redis === 'string';
  const client = typeof redis === 'string' ? createOwnClient(redis) : redis;
  const limiter = new FleetLimiter(settings, client, owned, onEvent);
  // A plain object: nothing of the client (its options hold the password) is reachable by inspect or JSON.
  return {
    acquire: (request) => limiter.acquire(request),
    close: () => limiter.close(),
    status: () => limiter.status(),
    // The fleet's quota: what a provider tells stopMixes to size its concurrency from.
    requestsPerSecond: settings.requestsPerSecond,
  };
}

/** One caller waiting in this process, in FIFO order. */
interface Waiter {
  readonly startedAt: number;
  readonly deadlineAt: number;
  readonly request: RateLimitRequest;
  /** Resolves the caller (once) and stops its own timer and abort listener. */
  settle(wait: RateLimitWait): void;
  /** Stops its timer and listener without resolving: the caller moves to the local limiter. */
  detach(): void;
}

class FleetLimiter {
  /** The fallback: replaced, quota-safe, at each switch to it (`seededFallback`). */
  #local: RateLimiter;
  /** The slots this process granted that still count in a sliding second: what each switch must not forget. */
  readonly #ledger: SlotLedger;
  /**
   * Until then, back on Redis, a caller needs a slot from the fallback too: the other processes may not have seen
   * Redis come back yet, and their local grants are not in Redis until they do (see #tryRedis).
   */
  #gateUntil = 0;
  readonly #memberPrefix = `${randomBytes(6).toString('base64url')}:`;
  #nextMember = 0;
  #mode: 'redis' | 'local' = 'redis';
  #closed = false;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  #fallbackSince = 0;
  #fallback: RateLimitFallbackEvent | undefined;
  #probe: NodeJS.Timeout | undefined;
  #probing = false;
  /** The last connection error of a client the limiter owns: says why a command found the client down. */
  #lastClientError: unknown;
  /**
   * Releases that did not reach Redis (down, slow, the connection dropped), by member, with when they first failed.
   * Each is sent again before the next call that goes to Redis: left to its lease, every slot in flight during a
   * blip would stay taken for `leaseMs` (11 s by default) after Redis is back, and the fleet would stall that long.
   */
  readonly #unreleased = new Map<string, { readonly mode: 'answered' | 'unused'; readonly since: number }>();

  constructor(
    private readonly settings: Settings,
    private readonly client: Redis,
    private readonly owned: boolean,
    private readonly onEvent: ((event: RedisRateLimitEvent) => void) | undefined,
  ) {
    this.#local = createRateLimiter({ requestsPerSecond: settings.fallbackRequestsPerSecond });
    this.#ledger = new SlotLedger(settings.leaseMs);
    // Only on a client it owns: a listener on the app's client would silence the app's own error reporting.
    if (owned) {
      client.on('error', (error: unknown) => (this.#lastClientError = error));
      client.on('ready', () => (this.#lastClientError = undefined));
    }
  }

  acquire(request: RateLimitRequest): Promise<RateLimitWait> {
    if (request.signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
    // Closed is closed: a limiter that paces nothing must not pass for one that paces (its waiters were handed over).
    if (this.#closed) return Promise.resolve({ ok: false, reason: 'closed' });
    if (this.#mode === 'local' || Date.now() < this.#gateUntil) return this.#acquireLocally(request);
    return this.#acquireFromRedis(request);
  }

  /**
   * A slot of the fallback first. Back on Redis by the time it is granted (the gate after a recovery, or a caller
   * that was moved to the fallback and waited there through the recovery): a slot of Redis as well, so that Redis
   * counts every slot granted while it is there. A slot of the fallback alone is kept in the ledger, so that the
   * next switch knows of it.
   */
  async #acquireLocally(request: RateLimitRequest): Promise<RateLimitWait> {
    const startedAt = Date.now();
    const local = await this.#local.acquire(request);
    if (!local.ok) return local;
    if (this.#mode === 'local' || this.#closed) {
      const slot = this.#ledger.grant(undefined);
      // Sent at once, not only on the way back: a Redis that is only paused runs it as soon as it wakes, before it
      // grants a slot to a process that never noticed the pause — so this grant counts there too.
      if (!this.#closed) void this.#record([slot]);
      return { ...local, release: this.#releaser(slot, local.release) };
    }
    const remote = await this.#acquireFromRedis({
      ...request,
      timeoutMs: Math.max(0, request.timeoutMs - (Date.now() - startedAt)),
    });
    if (!remote.ok) {
      local.release();
      return remote;
    }
    return {
      ok: true,
      waitedMs: Date.now() - startedAt,
      release: () => {
        local.release();
        remote.release();
      },
    };
  }

  #acquireFromRedis(request: RateLimitRequest): Promise<RateLimitWait> {
    return new Promise((resolve) => {
      const startedAt = Date.now();
      let done = false;
      const detach = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
      };
      const waiter: Waiter = {
        startedAt,
        deadlineAt: startedAt + request.timeoutMs,
        request,
        settle: (wait) => {
          if (done) return;
          done = true;
          detach();
          resolve(wait);
        },
        detach,
      };
      const onAbort = () => waiter.settle({ ok: false, reason: 'aborted' });
      const timer = setTimeout(
        () => waiter.settle({ ok: false, reason: 'deadline' }),
        Math.min(2 ** 31 - 1, Math.max(0, request.timeoutMs)),
      );
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  async status(): Promise<RedisLimiterStatus> {
    if (this.#closed) return { mode: 'closed' };
    if (this.#mode === 'redis') {
      try {
        await this.#call(scripts.acquire, [this.settings.requestsPerSecond, this.settings.leaseMs, 0, '', 0]);
      } catch (error) {
        this.#fallBack(error);
      }
    } else await this.#tryRedis();
    const fallback = this.#fallback;
    if (this.#closed) return { mode: 'closed' };
    if (this.#mode === 'redis' || fallback === undefined) return { mode: 'redis' };
    const { reason, code, requestsPerSecond } = fallback;
    return {
      mode: 'fallback',
      reason,
      ...(code === undefined ? {} : { code }),
      requestsPerSecond,
      since: this.#fallbackSince,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#probe);
    this.#handOver();
    if (!this.owned) return;
    // QUIT goes after the releases already sent; a Redis that does not answer is cut off.
    const quit = this.client.quit().then(
      () => true,
      () => false,
    );
    // The bound is unref'd: once QUIT is answered, nothing of the limiter may keep the process alive.
    const bound = new Promise<false>((resolve) => setTimeout(resolve, this.settings.redisTimeoutMs * 4, false).unref());
    const quitInTime = await Promise.race([quit, bound]);
    if (!quitInTime) this.client.disconnect();
  }

  /**
   * Serves the queue from Redis, head first: one script call asks for as many slots as there are callers waiting.
   * When none is free, it sleeps exactly as long as the script says none can come free, never polling hot.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && this.#mode === 'redis' && !this.#closed) {
        this.#retryReleases();
        const want = Math.min(this.#queue.length, this.settings.requestsPerSecond);
        const first = this.#nextMember;
        this.#nextMember += want;
        let answer: unknown;
        try {
          answer = await this.#call(scripts.acquire, [
            this.settings.requestsPerSecond,
            this.settings.leaseMs,
            want,
            this.#memberPrefix,
            first,
          ]);
        } catch (error) {
          // Redis may still run the script (a pause, not a crash) and grant slots that nobody holds: each is
          // taken back once Redis answers again, rather than left to its lease.
          const since = Date.now();
          for (let i = 0; i < want; i++)
            this.#unreleased.set(`${this.#memberPrefix}${first + i}`, { mode: 'unused', since });
          this.#fallBack(error);
          break;
        }
        const [granted, waitMs] = parseAcquireAnswer(answer);
        const now = Date.now();
        for (let i = 0; i < granted; i++) {
          const member = `${this.#memberPrefix}${first + i}`;
          const waiter = this.#queue[0];
          if (waiter === undefined) {
            // Its caller left (signal, deadline) while the script ran: the slot goes straight back.
            this.#sendRelease(member, 'unused');
            continue;
          }
          waiter.settle({
            ok: true,
            waitedMs: now - waiter.startedAt,
            release: this.#releaser(this.#ledger.grant(member)),
          });
        }
        if (granted < want) {
          // No slot can come free before now + waitMs: whoever's deadline is sooner gives up now, as locally.
          for (const waiter of [...this.#queue]) {
            if (waiter.deadlineAt < now + waitMs) waiter.settle({ ok: false, reason: 'deadline' });
          }
          if (this.#queue.length > 0) await delay(waitMs);
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#mode === 'local' || this.#closed) this.#handOver();
  }

  /** Once per slot: the ledger learns it was answered, the fallback and Redis (if it is there) free it. */
  #releaser(slot: Slot, releaseLocal?: () => void): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#ledger.answered(slot);
      releaseLocal?.();
      if (slot.member !== undefined) this.#sendRelease(slot.member, 'answered');
    };
  }

  /** Fire and forget; one that fails is kept and sent again (#retryReleases) while its lease still holds the slot. */
  #sendRelease(member: string, mode: 'answered' | 'unused', since = Date.now()): void {
    this.#call(scripts.release, [member, mode]).catch(() => {
      if (!this.#closed) this.#unreleased.set(member, { mode, since });
    });
  }

  /**
   * Sends the kept releases again, in the order they failed. Safe however late: 'answered' only ever moves a slot's
   * end earlier (to Redis's now + 1 s, from its lease's end), and a slot whose lease has ended is not brought back.
   */
  #retryReleases(): void {
    if (this.#unreleased.size === 0) return;
    const now = Date.now();
    const kept = [...this.#unreleased];
    this.#unreleased.clear();
    for (const [member, { mode, since }] of kept) {
      // Its lease (which began before the release failed) has ended: Redis has freed the slot already.
      if (now - since < this.settings.leaseMs) this.#sendRelease(member, mode, since);
    }
  }

  /** One script call, bounded by redisTimeoutMs (connecting included). NOSCRIPT: sent once in full, then cached. */
  #call(script: Script, args: readonly (string | number)[]): Promise<unknown> {
    const { client, settings } = this;
    const call = (async () => {
      await whenConnected(client);
      try {
        return await client.evalsha(script.sha, 1, settings.redisKey, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return await client.eval(script.lua, 1, settings.redisKey, ...args);
      }
    })();
    call.catch(() => undefined); // settled late, after the bound: nobody is listening any more
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTooSlow('Redis did not answer in time')), settings.redisTimeoutMs);
    });
    return Promise.race([call, bound]).finally(() => clearTimeout(timer));
  }

  #fallBack(error: unknown): void {
    if (this.#mode === 'local' || this.#closed) return;
    this.#mode = 'local';
    this.#fallbackSince = Date.now();
    this.#gateUntil = 0;
    this.#local = seededFallback(this.settings.fallbackRequestsPerSecond, this.#ledger);
    let failure = classifyRedisFailure(error);
    if (failure.reason === 'unreachable' && failure.code === undefined && this.#lastClientError !== undefined) {
      failure = classifyRedisFailure(this.#lastClientError);
    }
    this.#fallback = {
      type: 'rate-limit-fallback',
      key: this.settings.key,
      reason: failure.reason,
      ...(failure.code === undefined ? {} : { code: failure.code }),
      requestsPerSecond: this.settings.fallbackRequestsPerSecond,
    };
    this.#emit(this.#fallback);
    this.#probe = setInterval(() => void this.#tryRedis(), this.settings.probeIntervalMs);
    this.#probe.unref();
    // One early probe, well inside the fallback's first second (which grants nothing): a Redis that was only slow
    // for a moment (a busy host, a cold connection) is back before this process grants a slot that others on Redis
    // cannot see.
    setTimeout(() => void this.#tryRedis(), Math.min(this.settings.probeIntervalMs, 400)).unref();
  }

  /**
   * The probe: the acquire script asking for nothing (it does write: a READONLY replica fails it too). When Redis
   * answers, the slots granted locally that still count are written into Redis before any slot is taken from it,
   * and for `probeIntervalMs + redisTimeoutMs + 1 s` a caller needs a local slot as well as Redis's: by then every
   * process that can reach Redis has probed it and written its own local grants in.
   */
  async #tryRedis(): Promise<void> {
    if (this.#probing || this.#closed || this.#mode === 'redis') return;
    this.#probing = true;
    try {
      await this.#call(scripts.acquire, [this.settings.requestsPerSecond, this.settings.leaseMs, 0, '', 0]);
      if (!(await this.#recordLocalGrants())) return;
    } catch {
      return;
    } finally {
      this.#probing = false;
    }
    if (this.#closed) return;
    clearInterval(this.#probe);
    this.#retryReleases();
    this.#mode = 'redis';
    this.#gateUntil = Date.now() + this.settings.probeIntervalMs + this.settings.redisTimeoutMs + 1000;
    this.#emit({ type: 'rate-limit-recovered', key: this.settings.key, fallbackMs: Date.now() - this.#fallbackSince });
  }

  /** Writes the local grants that still count into Redis (`record`), each under a member of its own. */
  async #recordLocalGrants(): Promise<boolean> {
    return this.#record(this.#ledger.busy().filter((slot) => !slot.recorded));
  }

  /**
   * Writes local grants into Redis's set, each under a member of its own (`record`); true once Redis confirmed. A
   * record that fails may still land (Redis paused, not gone): writing it again is harmless, the score is updated.
   */
  async #record(slots: readonly Slot[]): Promise<boolean> {
    if (slots.length === 0) return true;
    const now = Date.now();
    const args: (string | number)[] = [this.settings.leaseMs];
    const inFlight: Slot[] = [];
    for (const slot of slots) {
      slot.member ??= `${this.#memberPrefix}${this.#nextMember++}`;
      if (slot.end === undefined) inFlight.push(slot);
      args.push(slot.member, slot.end === undefined ? -1 : Math.max(1, slot.end - now));
    }
    try {
      await this.#call(scripts.record, args);
    } catch {
      return false;
    }
    for (const slot of slots) slot.recorded = true;
    // Answered while the record was on its way: its release may have reached Redis first, and found nothing.
    for (const slot of inFlight) if (slot.end !== undefined) this.#sendRelease(slot.member as string, 'answered');
    return true;
  }

  /** Moves the callers still queued for Redis to the local limiter, in order, counting the time already waited. */
  #handOver(): void {
    for (const waiter of this.#queue.splice(0)) {
      waiter.detach();
      const remaining = waiter.deadlineAt - Date.now();
      void this.#acquireLocally({
        ...(waiter.request.signal ? { signal: waiter.request.signal } : {}),
        timeoutMs: remaining,
      })
        .then((wait) => (wait.ok ? { ...wait, waitedMs: Date.now() - waiter.startedAt } : wait))
        .then(
          (wait) => waiter.settle(wait),
          () => waiter.settle({ ok: false, reason: 'deadline' }),
        );
    }
  }

  #emit(event: RedisRateLimitEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A listener's failure is not the limiter's: the call goes on.
    }
  }
}

function parseAcquireAnswer(answer: unknown): [granted: number, waitMs: number] {
  if (Array.isArray(answer) && typeof answer[0] === 'number' && typeof answer[1] === 'number') {
    return [answer[0], answer[1]];
  }
  // Not our script's answer (a proxy in between?): grant nothing, look again in a second.
  return [0, 1000];
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
