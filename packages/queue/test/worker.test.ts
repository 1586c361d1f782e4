import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { createFakeProvider } from '@mixtask/core/testing';
import { startEmulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createStopQueue, createStopWorker, type StopJobResult, type StopQueue, type StopWorker } from '@mixtask/queue';
import {
  eventually,
  queueName,
  redisServerAvailable,
  right,
  startRedisServer,
  type RedisServer,
} from './support/helpers.js';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describe('createStopWorker options', () => {
  it('refuses a bad or unknown option at construction, naming it (before any connection)', () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: [] });
    const make = (options: object) => () =>
      createStopWorker({ redis: 'redis://127.0.0.1:1', provider, ...options } as Parameters<
        typeof createStopWorker
      >[0]);
    expect(make({ concurency: 4 })).toThrow('createStopWorker: concurency: unknown field; did you mean concurrency?');
    expect(make({ retry: { baseDelay: 5 } })).toThrow('retry.baseDelay: unknown field; did you mean baseDelayMs?');
    expect(make({ concurrency: 0 })).toThrow(TypeError);
  });

  it('options whose getters or Proxy traps throw, and a client that is no ioredis client, are a TypeError', () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: [] });
    const trap = () => {
      throw new Error('trap');
    };
    const unreadable = 'createStopWorker: options could not be read (a Proxy or getter threw)';
    const make = (options: unknown) => () => createStopWorker(options as Parameters<typeof createStopWorker>[0]);
    expect(make(new Proxy({ redis: 'redis://127.0.0.1:1', provider }, { get: trap }))).toThrow(unreadable);
    expect(make(new Proxy({}, { ownKeys: trap }))).toThrow('createStopWorker: options: its keys could not be read');
    expect(make({ redis: 'redis://127.0.0.1:1', provider, retry: new Proxy({}, { ownKeys: trap }) })).toThrow(
      'retry: its keys could not be read',
    );
    const getter = Object.defineProperty({ redis: 'redis://127.0.0.1:1' }, 'provider', { enumerable: true, get: trap });
    expect(make(getter)).toThrow(unreadable);
    const lookalike = { duplicate: () => ({}) };
    expect(make({ redis: lookalike, provider })).toThrow(
      new TypeError('createStopWorker: redis: its duplicate() did not give an ioredis client'),
    );
  });
});

describeRedis('createStopWorker against a real redis-server', () => {
  let server: RedisServer;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await server.stop();
  });

  function setup(label: string, worker: Omit<Parameters<typeof createStopWorker>[0], 'redis' | 'name'>) {
    const name = queueName(label);
    const queue: StopQueue = createStopQueue({ redis: server.url, name });
    const results: StopJobResult[] = [];
    const stopWorker: StopWorker = createStopWorker({
      redis: server.url,
      name,
      onResult: (result) => results.push(result),
      ...worker,
    });
    closers.push(
      () => queue.close()(),
      () => stopWorker.close(),
    );
    const state = async (id: string) => right(await queue.inspect(id)())?.state;
    return { queue, worker: stopWorker, results, state };
  }

  it('completes a stop with the vendor request id, and a repeated stop of the same id as already-stopped', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_1'] });
    const { queue, results, state } = setup('stopped', { provider });
    right(await queue.stop('room_1')());
    await eventually(async () => (await state('room_1')) === 'stopped', 10_000, 'room_1 stopped');
    const view = right(await queue.inspect('room_1')());
    expect(view?.result).toMatchObject({ outcome: 'stopped', provider: 'tencent', attempts: 1 });
    expect(view?.result?.requestId).toMatch(/^fake-/);
    expect(provider.sessions()).toEqual([]);
    expect(results[0]).toMatchObject({ id: 'room_1', kind: 'stop', attemptsStarted: 1, willRetry: false });

    // The second stop is a new job (mix ids can be reused), and its "not found" follows a finished stop.
    expect(right(await queue.stop('room_1')())).toMatchObject({ outcome: 'queued' });
    await eventually(async () => results.length === 2, 10_000, 'second run');
    await eventually(async () => (await state('room_1')) === 'stopped');
    expect(right(await queue.inspect('room_1')())?.result).toMatchObject({ outcome: 'already-stopped' });
  });

  it('a first "not found" (no earlier run) fails the job: the id was probably wrong', async () => {
    const provider = createFakeProvider({ name: 'tencent' });
    const { queue, state } = setup('not-found', { provider });
    right(await queue.stop('never_started')());
    await eventually(async () => (await state('never_started')) === 'failed');
    expect(right(await queue.inspect('never_started')())?.error).toMatchObject({
      _tag: 'SessionNotFound',
      gaveUp: 'not-retryable',
    });
  });

  it('retries retryable failures with backoff until the stop lands, reporting each attempt', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_2'] });
    provider.failNext('room_2', { tag: 'RateLimited', retryAfterMs: 700, retryable: true });
    provider.failNext('room_2', { tag: 'ProviderUnavailable', retryable: true });
    const { queue, results, state } = setup('retry', { provider, retry: { baseDelayMs: 20, maxDelayMs: 2000 } });
    const calls = () => provider.calls().length;
    right(await queue.stop('room_2')());
    await eventually(async () => (await state('room_2')) === 'stopped', 15_000, 'room_2 stopped');
    expect(calls()).toBe(3);
    expect(results.map((r) => [r.result._tag, r.willRetry])).toEqual([
      ['Left', true],
      ['Left', true],
      ['Right', false],
    ]);
    expect(right(await queue.inspect('room_2')())?.result?.outcome).toBe('stopped');
  });

  it('the gap after RateLimited { retryAfterMs } is at least that long', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_3'] });
    provider.failNext('room_3', { tag: 'RateLimited', retryAfterMs: 800, retryable: true });
    const at: number[] = [];
    const { queue, state } = setup('retry-after', {
      provider: { ...provider, stopMix: (id, o) => (at.push(Date.now()), provider.stopMix(id, o)) },
      retry: { baseDelayMs: 1, maxDelayMs: 5000 },
    });
    right(await queue.stop('room_3')());
    await eventually(async () => (await state('room_3')) === 'stopped', 15_000);
    expect(at).toHaveLength(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(800);
  });

  it('a lease whose stop began and waits for a retry is not renewed: renew says so and pushes nothing back', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_6'] });
    provider.failNext('room_6', { tag: 'RateLimited', retryAfterMs: 30_000, retryable: true });
    const { queue, results, state } = setup('lease-retry', { provider, retry: { maxDelayMs: 60_000 } });
    right(await queue.lease('room_6', { ttlMs: 1000 })());
    await eventually(() => results.length === 1, 10_000, 'the lease came due and failed once');
    await eventually(async () => (await state('room_6')) === 'queued');
    const before = right(await queue.inspect('room_6')())?.dueAt ?? 0;
    expect(before).toBeGreaterThan(Date.now() + 20_000);
    expect(right(await queue.renew('room_6', { ttlMs: 120_000 })())).toEqual({ id: 'room_6', outcome: 'stop-pending' });
    expect(right(await queue.release('room_6')())).toEqual({ id: 'room_6', outcome: 'stop-pending' });
    expect(right(await queue.inspect('room_6')())?.dueAt).toBe(before);
    expect(right(await queue.list({ state: 'leased' })())).toEqual([]);
  });

  it('gives up a retryable failure once the horizon has passed, keeping the error', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_4'] });
    provider.failNext('room_4', { tag: 'Timeout', retryable: true }, 5);
    const { queue, state } = setup('horizon', { provider, horizonMs: 0 });
    right(await queue.stop('room_4')());
    await eventually(async () => (await state('room_4')) === 'failed');
    expect(right(await queue.inspect('room_4')())?.error).toMatchObject({ _tag: 'Timeout', gaveUp: 'horizon' });
    expect(right(await queue.list({ state: 'failed' })()).map((v) => v.id)).toEqual(['room_4']);
  });

  it('a non-retryable failure fails the job with the MixError, free of secrets; retryFailed runs it again', async () => {
    const emulator = await startEmulator();
    closers.push(() => emulator.close());
    await emulator.tencent.createSession('room_5');
    const secretKey = 'wrong-secret-key-that-must-never-be-stored';
    const badProvider = createTencentProvider({
      credentials: { secretId: emulator.tencent.credentials.secretId, secretKey },
      endpoint: emulator.url,
    });
    const name = queueName('auth');
    const queue = createStopQueue({ redis: server.url, name });
    const first = createStopWorker({ redis: server.url, name, provider: badProvider });
    closers.push(() => queue.close()());
    right(await queue.stop('room_5')());
    const state = async () => right(await queue.inspect('room_5')())?.state;
    await eventually(async () => (await state()) === 'failed', 15_000, 'auth failure');
    const view = right(await queue.inspect('room_5')());
    expect(view?.error).toMatchObject({ _tag: 'AuthenticationFailed', gaveUp: 'not-retryable', provider: 'tencent' });
    expect(view?.error?.providerCode).toMatch(/^AuthFailure/);
    await first.close();
    await badProvider.close();

    // Nothing the queue keeps in Redis holds the secret: dump every key of the queue.
    const admin = new Redis(server.url);
    const keys = await admin.keys(`bull:${name}:*`);
    let stored = '';
    for (const key of keys) {
      const type = await admin.type(key);
      if (type === 'hash') stored += JSON.stringify(await admin.hgetall(key));
      else if (type === 'string') stored += await admin.get(key);
      else if (type === 'zset') stored += (await admin.zrange(key, 0, -1)).join();
      else if (type === 'list') stored += (await admin.lrange(key, 0, -1)).join();
      else if (type === 'stream') stored += JSON.stringify(await admin.xrange(key, '-', '+'));
    }
    admin.disconnect();
    expect(stored).toContain('AuthenticationFailed');
    expect(stored).not.toContain(secretKey);
    expect(inspect(view) + JSON.stringify(view)).not.toContain(secretKey);

    // The operator fixes the credentials and retries the failed stops.
    const goodProvider = createTencentProvider({ credentials: emulator.tencent.credentials, endpoint: emulator.url });
    const second = createStopWorker({ redis: server.url, name, provider: goodProvider });
    closers.push(
      () => second.close(),
      () => goodProvider.close(),
    );
    expect(right(await queue.retryFailed()())).toEqual({ retried: 1 });
    await eventually(async () => (await state()) === 'stopped', 15_000, 'stopped after retry');
    expect(emulator.tencent.sessions()).not.toContain('room_5');
  });

  it("works on an app's own ioredis client (duplicated, never quit) as on a URL", async () => {
    const appClient = new Redis(server.url);
    const name = queueName('app-client');
    const provider = createFakeProvider({ name: 'tencent', sessions: ['room_app'] });
    const queue = createStopQueue({ redis: appClient, name });
    const worker = createStopWorker({ redis: appClient, name, provider });
    right(await queue.stop('room_app')());
    await eventually(async () => right(await queue.inspect('room_app')())?.state === 'stopped', 10_000);
    await worker.close();
    right(await queue.close()());
    expect(await appClient.ping()).toBe('PONG');
    appClient.disconnect();
  });

  it('close() lets the stops in flight settle before it resolves', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['slow_1'] });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = { ...provider, stopMix: (id: string) => async () => (await gate, provider.stopMix(id)()) };
    const { queue, worker, state } = setup('drain', { provider: slow });
    right(await queue.stop('slow_1')());
    await eventually(async () => (await state('slow_1')) === 'running');
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(await state('slow_1')).toBe('stopped');
  });

  describe('concurrency', () => {
    /** A fake vendor with a 10 ms round trip that counts the stops in flight at once, and tells `pacing` if given. */
    function pacedProvider(ids: string[], pacing?: { requestsPerSecond: number; roundTripMs: () => number }) {
      const provider = createFakeProvider({ name: 'tencent', sessions: ids });
      const seen = { inFlight: 0, most: 0 };
      const paced = {
        ...provider,
        ...(pacing === undefined ? {} : { pacing }),
        stopMix: (id: string) => async () => {
          seen.inFlight += 1;
          seen.most = Math.max(seen.most, seen.inFlight);
          await new Promise((resolve) => setTimeout(resolve, 10)); // the vendor's round trip, not a wait for a state
          seen.inFlight -= 1;
          return provider.stopMix(id)();
        },
      };
      return { provider: paced, seen };
    }
    const ids = (label: string) => Array.from({ length: 150 }, (_, i) => `${label}_${i}`);
    async function runAll(label: string, provider: object, concurrency?: number) {
      const all = ids(label);
      // Every stop is queued before the worker starts, so the queue never starves it.
      const name = queueName(label);
      const queue = createStopQueue({ redis: server.url, name });
      closers.push(() => queue.close()());
      await Promise.all(all.map(async (id) => right(await queue.stop(id)())));
      const results: StopJobResult[] = [];
      const worker = createStopWorker({
        redis: server.url,
        name,
        provider: provider as Parameters<typeof createStopWorker>[0]['provider'],
        onResult: (result) => results.push(result),
        ...(concurrency === undefined ? {} : { concurrency }),
      });
      closers.push(() => worker.close());
      const initial = worker.concurrency;
      await eventually(async () => results.length === all.length, 20_000, `${all.length} stops`);
      return { initial, final: worker.concurrency };
    }

    it('by default follows the quota × round trip, as stopMixes does: from 16, growing as stops settle', async () => {
      // 1000/s × 50 ms × 4 + 1 = 201 wanted; the slow start lets it grow by one per settled stop.
      const { provider, seen } = pacedProvider(ids('adaptive'), { requestsPerSecond: 1000, roundTripMs: () => 50 });
      const { initial, final } = await runAll('adaptive', provider);
      expect(initial).toBe(16);
      expect(final).toBeGreaterThan(100);
      expect(seen.most).toBeGreaterThan(16);
    });

    it('by default keeps at least 16 where the quota needs fewer (100/s × 5 ms × 4 + 1 = 3): a job also waits on Redis', async () => {
      const { provider, seen } = pacedProvider(ids('small'), { requestsPerSecond: 100, roundTripMs: () => 5 });
      const { initial, final } = await runAll('small', provider);
      expect({ initial, final }).toEqual({ initial: 16, final: 16 });
      expect(seen.most).toBeLessThanOrEqual(16);
    });

    it('by default never keeps more than a slow quota has slots: 5/s → 5, 2/s → 4 (the least)', async () => {
      const five = pacedProvider(ids('five'), { requestsPerSecond: 5, roundTripMs: () => 5 });
      expect(await runAll('five', five.provider)).toEqual({ initial: 5, final: 5 });
      expect(five.seen.most).toBeLessThanOrEqual(5);
      const two = pacedProvider(ids('two'), { requestsPerSecond: 2, roundTripMs: () => 5 });
      expect(await runAll('two', two.provider)).toEqual({ initial: 4, final: 4 });
      expect(two.seen.most).toBeLessThanOrEqual(4);
    });

    it('is 16 without pacing (rateLimit: false, a registry), and an explicit one is fixed', async () => {
      const unpaced = pacedProvider(ids('unpaced'));
      expect(await runAll('unpaced', unpaced.provider)).toEqual({ initial: 16, final: 16 });
      expect(unpaced.seen.most).toBeLessThanOrEqual(16);
      const fixed = pacedProvider(ids('fixed'), { requestsPerSecond: 1000, roundTripMs: () => 50 });
      expect(await runAll('fixed', fixed.provider, 8)).toEqual({ initial: 8, final: 8 });
      expect(fixed.seen.most).toBeLessThanOrEqual(8);
    });
  });
});
