// The durability cases of issue 21, with real OS processes: a redis-server with an fsynced append-only file, app and
// worker processes (the built packages) that are SIGKILLed, and the emulator, which records every arrival.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createStopQueue, type StopQueue } from '@mixtask/queue';
import {
  eventually,
  queueName,
  redisServerAvailable,
  right,
  startRedisServer,
  type RedisServer,
} from './support/helpers.js';
import { killAll, start, type Child, type Message } from './support/processes.js';
import { busiestSecond } from '@mixtask/test-kit';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('stops that survive the processes that asked for them', () => {
  let dataDir: string;
  let redis: RedisServer;
  let emulator: Emulator;
  const queues: StopQueue[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mixtask-queue-aof-'));
    redis = await startRedisServer({ appendOnlyDir: dataDir });
  });
  afterEach(async () => {
    await killAll();
    for (const queue of queues.splice(0)) await queue.close()();
    await emulator?.close();
  });
  afterAll(async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function setup(label: string, sessions: readonly string[], quota?: number) {
    emulator = await startEmulator(quota === undefined ? {} : { quota: { tencent: quota } });
    for (const id of sessions) await emulator.tencent.createSession(id);
    const name = queueName(label);
    const queue = createStopQueue({ redis: redis.url, name });
    queues.push(queue);
    const workerConfig = {
      redisUrl: redis.url,
      name,
      emulatorUrl: emulator.url,
      credentials: emulator.tencent.credentials,
    };
    const state = async (id: string) => right(await queue.inspect(id)())?.state;
    return { name, queue, workerConfig, state };
  }
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
  const results = (child: Child) => child.messages.filter((m): m is Message & { id: string } => m.type === 'result');

  it('an app SIGKILLed right after each stop() resolved: a worker started later stops every one', async () => {
    const sessions = ids('killed_app', 6);
    const { name, queue, workerConfig } = await setup('app-killed', sessions);
    for (const id of sessions) {
      const app = start('app.mjs', { redisUrl: redis.url, name, mode: 'stop', id });
      const queued = await app.next('queued');
      expect(queued.answer).toMatchObject({ _tag: 'Right', right: { id, outcome: 'queued' } });
      expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
    }
    expect(emulator.tencent.sessions()).toHaveLength(6);
    expect(
      right(await queue.list({ state: 'queued' })())
        .map((v) => v.id)
        .sort(),
    ).toEqual([...sessions].sort());

    const worker = start('worker.mjs', workerConfig);
    await eventually(() => emulator.tencent.sessions().length === 0, 15_000, 'every session stopped');
    await eventually(async () => right(await queue.list({ state: 'stopped' })()).length === 6, 10_000);
    expect(results(worker).map((r) => r.outcome)).toEqual(Array(6).fill('stopped'));
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('two workers, one SIGKILLed mid-run: every stop lands, and a stop sent twice is already-stopped', async () => {
    const sessions = ids('two_workers', 8);
    const { queue, workerConfig, state } = await setup('two-workers', sessions);
    // Slow answers, applied before they are sent: the killed worker's stops may have landed unanswered.
    emulator.inject({ vendor: 'tencent', action: { type: 'delay', ms: 1500 }, times: Infinity });
    const doomed = start('worker.mjs', { ...workerConfig, lockDurationMs: 1000, concurrency: 8 });
    await doomed.next('ready');
    for (const id of sessions) right(await queue.stop(id)());
    await eventually(async () => right(await queue.list({ state: 'running' })()).length === 8, 10_000, 'all running');
    doomed.kill('SIGKILL');
    await doomed.exited;
    emulator.clearFaults();
    expect(results(doomed)).toEqual([]);

    const survivor = start('worker.mjs', { ...workerConfig, lockDurationMs: 1000 });
    await eventually(async () => right(await queue.list({ state: 'stopped' })()).length === 8, 20_000, 'takeover');
    expect(emulator.tencent.sessions()).toEqual([]);
    for (const r of results(survivor)) {
      expect(r.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(['stopped', 'already-stopped']).toContain(r.outcome);
    }

    // The same stop again: a new job, whose "not found" follows a finished stop.
    expect(right(await queue.stop(sessions[0] ?? '')())).toMatchObject({ outcome: 'queued' });
    await eventually(async () => results(survivor).length === 9, 10_000, 'the repeated stop');
    expect(results(survivor)[8]).toMatchObject({ id: sessions[0], outcome: 'already-stopped' });
    // onResult runs just before BullMQ records the job as completed.
    await eventually(async () => (await state(sessions[0] ?? '')) === 'stopped', 5000, 'recorded as stopped');
  }, 120_000);

  it('redis-server SIGKILLed after the enqueue and restarted on the same data directory: nothing is lost', async () => {
    const sessions = ids('redis_killed', 10);
    const { name, queue, workerConfig } = await setup('redis-killed', sessions);
    for (const id of sessions) right(await queue.stop(id)());
    right(await queue.lease('leased_room', { ttlMs: 600_000 })());
    await redis.kill();
    expect(existsSync(join(dataDir, 'appendonlydir'))).toBe(true); // the AOF, not luck, is what keeps the jobs
    await redis.restart();

    const after = createStopQueue({ redis: redis.url, name });
    queues.push(after);
    expect(
      right(await after.list({ state: 'queued' })())
        .map((v) => v.id)
        .sort(),
    ).toEqual([...sessions].sort());
    expect(right(await after.inspect('leased_room')())).toMatchObject({ state: 'leased' });
    const worker = start('worker.mjs', workerConfig);
    await eventually(() => emulator.tencent.sessions().length === 0, 15_000, 'every session stopped');
    await eventually(async () => right(await after.list({ state: 'stopped' })()).length === 10, 10_000);
    expect(results(worker)).toHaveLength(10);

    // Redis dies again under the running worker and comes back: the worker reconnects and takes new stops.
    for (const id of ['after_restart_1', 'after_restart_2']) await emulator.tencent.createSession(id);
    await redis.kill();
    await redis.restart();
    const later = createStopQueue({ redis: redis.url, name });
    queues.push(later);
    for (const id of ['after_restart_1', 'after_restart_2']) right(await later.stop(id)());
    await eventually(() => emulator.tencent.sessions().length === 0, 20_000, 'stops after the second restart');
  }, 120_000);

  it('leases: renewed ones stay up, unrenewed ones stop within ttlMs + 1.5 s, released ones never; a dead renewer’s come due', async () => {
    const ttlMs = 2000;
    const { name, workerConfig, state } = await setup('leases', ['renewed', 'forgotten', 'released']);
    const worker = start('worker.mjs', workerConfig);
    await worker.next('ready');
    const app = start('app.mjs', {
      redisUrl: redis.url,
      name,
      mode: 'lease',
      leases: [
        { id: 'renewed', ttlMs, renewEveryMs: 400 },
        { id: 'forgotten', ttlMs },
        { id: 'released', ttlMs, release: true },
      ],
    });
    const leased = await app.next('leased');
    const leasedAt = leased.at as number;
    expect(leased.answers).toEqual([
      expect.objectContaining({ _tag: 'Right', right: expect.objectContaining({ id: 'renewed', outcome: 'leased' }) }),
      expect.objectContaining({ right: expect.objectContaining({ id: 'forgotten', outcome: 'leased' }) }),
      expect.objectContaining({ right: expect.objectContaining({ id: 'released', outcome: 'leased' }) }),
      expect.objectContaining({ right: { id: 'released', outcome: 'released' } }),
    ]);

    const forgotten = await worker.next('result', ttlMs + 5000);
    expect(forgotten).toMatchObject({ id: 'forgotten', kind: 'lease', outcome: 'stopped' });
    expect((forgotten.at as number) - leasedAt).toBeGreaterThanOrEqual(ttlMs - 50);
    expect((forgotten.at as number) - leasedAt).toBeLessThanOrEqual(ttlMs + 1500);

    // Two more lease lengths: the renewed one stays up, the released one was never stopped.
    await new Promise((resolve) => setTimeout(resolve, 2 * ttlMs));
    expect([...emulator.tencent.sessions()].sort()).toEqual(['released', 'renewed']);
    expect(await state('renewed')).toBe('leased');
    expect(await state('released')).toBeUndefined();

    // The renewing process dies: its lease comes due within ttlMs + 1.5 s.
    app.kill('SIGKILL');
    await app.exited;
    const killedAt = Date.now();
    const renewed = await worker.next('result', ttlMs + 5000);
    expect(renewed).toMatchObject({ id: 'renewed', kind: 'lease', outcome: 'stopped' });
    expect((renewed.at as number) - killedAt).toBeLessThanOrEqual(ttlMs + 1500);
    expect(emulator.tencent.sessions()).toEqual(['released']);
  }, 120_000);

  it('a fleet of workers at the vendor quota gets 0 throttling answers from the emulator', async () => {
    const quota = 20;
    const sessions = ids('fleet', 60);
    const { queue, workerConfig } = await setup('fleet', sessions, quota);
    for (const id of sessions) right(await queue.stop(id)());
    const rateLimit = { requestsPerSecond: quota, key: `fleet-${process.pid}` };
    const fleet = [1, 2, 3].map(() => start('worker.mjs', { ...workerConfig, rateLimit, concurrency: 16 }));
    await eventually(() => emulator.tencent.sessions().length === 0, 20_000, 'every session stopped');
    await eventually(async () => right(await queue.list({ state: 'stopped' })()).length === 60, 10_000);
    const throttled = emulator.requests().filter((r) => r.code === 'RequestLimitExceeded');
    const limiterEvents = fleet.flatMap((worker) => results(worker).at(-1)?.limiterEvents ?? []);
    expect({ throttled: throttled.length, limiterEvents }).toEqual({ throttled: 0, limiterEvents: [] });
    expect(emulator.requests()).toHaveLength(60);
    expect(busiestSecond(emulator)).toBeLessThanOrEqual(quota);
    // Every worker took part, each through its own process.
    expect(fleet.every((worker) => results(worker).length > 0)).toBe(true);
  }, 120_000);
});
