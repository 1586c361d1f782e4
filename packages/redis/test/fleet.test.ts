import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createRedisRateLimiter, keyPrefix } from '@mixtask/redis';
import { Redis } from 'ioredis';
import { busiestSecond, redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

const describeRedis = redisServerAvailable() ? describe : describe.skip;
const here = dirname(fileURLToPath(import.meta.url));
const quota = 20;

interface Stopped {
  readonly outcomes: Record<string, number>;
  readonly throttledAttempts: number;
  readonly events: { readonly type: string }[];
}

/** Forks a fleet member (a real OS process) and resolves once it has loaded. */
function worker(): Promise<ChildProcess> {
  const child = fork(join(here, 'support', 'fleet-worker.mjs'), [], { stdio: 'inherit' });
  return next(child, 'loaded').then(() => child);
}

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ${type}`)));
  });
}

/** Resolves once `condition` holds, checking every 10 ms; gives up after `limitMs` so that a failure is reported. */
async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > limitMs) throw new Error('timed out waiting for the fleet');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeRedis('a fleet of processes sharing one quota through Redis', () => {
  let redis: RedisServer;
  let emulator: Emulator | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  // Closed here, not at the end of a test: a failed expectation must not leave the server holding jest open.
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await redis.stop();
  });

  async function fleet(size: number, idsEach: number, key: string, limiter: object = {}) {
    const em = await startEmulator({ quota: { tencent: quota } });
    emulator = em;
    const members = await Promise.all(Array.from({ length: size }, worker));
    children.push(...members);
    const runs = members.map(async (child, m) => {
      const ids = Array.from({ length: idsEach }, (_, i) => `m${m}_${i}`);
      for (const id of ids) await em.tencent.createSession(id);
      const done = next<Stopped>(child, 'stopped');
      child.send({
        type: 'stop',
        emulatorUrl: em.url,
        credentials: { ...em.tencent.credentials },
        redisUrl: redis.url,
        requestsPerSecond: quota,
        key,
        ids,
        limiter,
      });
      return done;
    });
    return { runs, members, em };
  }

  it('3 processes, 60 stops, one 20/s quota: no throttling at the emulator, every stop succeeds', async () => {
    const { runs, members, em } = await fleet(3, 20, 'fleet-a');
    const results = await Promise.all(runs);
    for (const child of members) child.disconnect();
    expect(results.map((r) => r.outcomes)).toEqual([{ ok: 20 }, { ok: 20 }, { ok: 20 }]);
    expect(em.requests().filter((r) => r.code === 'RequestLimitExceeded')).toHaveLength(0);
    expect(busiestSecond(em)).toBeLessThanOrEqual(quota);
  });

  // The three ways Redis goes away mid-run, each with the default retries. The fallback's rate is the quota split
  // between the members (replicas: 3), and every switch is quota-safe: the emulator, which counts by sliding second,
  // never sees more than the quota and never answers with throttling, and every stop succeeds.
  const outages: [string, (em: Emulator) => Promise<void>][] = [
    [
      'killed and restarted',
      async () => {
        await redis.kill();
        // Longer than a waiting member's longest sleep between two acquires (1000 ms, docs/scaling.md): an outage
        // that falls wholly inside that sleep is one no member asks Redis during, and so never sees.
        await new Promise((resolve) => setTimeout(resolve, 1200));
        await redis.restart();
      },
    ],
    [
      'paused (DEBUG SLEEP 1.5)',
      async () => {
        const sleeper = new Redis(redis.url);
        await sleeper.call('DEBUG', 'SLEEP', '1.5');
        sleeper.disconnect();
      },
    ],
    [
      'killed for the rest of the run',
      async (em) => {
        await redis.kill();
        // Restarted only once every stop has been answered, for the next test.
        await until(() => em.requests().filter((r) => r.code === undefined).length >= 3 * 40, 60_000);
        await redis.restart();
      },
    ],
  ];
  it.each(outages)(
    'Redis %s mid-run: at most the quota in any sliding second, no throttling, every stop ok with default retries',
    async (_, outage) => {
      const key = `fleet-${Math.random().toString(36).slice(2)}`;
      const { runs, members, em } = await fleet(3, 40, key, { fallback: { replicas: 3 }, probeIntervalMs: 200 });
      // Once every member is stopping through Redis, not after a fixed time: on a loaded machine the members could
      // still be connecting at 300 ms, and an outage over before their first acquire is no outage to them.
      const stopping = (member: number) => em.requests().some((r) => r.body.includes(`"m${member}_`));
      await until(() => stopping(0) && stopping(1) && stopping(2));
      await outage(em);
      const results = await Promise.all(runs);
      for (const child of members) child.disconnect();
      expect(results.map((r) => r.outcomes)).toEqual([{ ok: 40 }, { ok: 40 }, { ok: 40 }]);
      expect(em.requests().filter((r) => r.code === 'RequestLimitExceeded')).toHaveLength(0);
      expect(busiestSecond(em)).toBeLessThanOrEqual(quota);
      const types = results.flatMap((r) => r.events.map((e) => e.type));
      expect(types).toContain('rate-limit-fallback');
    },
  );

  it('a holder killed with SIGKILL: its slots come back when the lease ends, not before and not later', async () => {
    const leaseMs = 1500;
    const holder = await worker();
    children.push(holder);
    const held = next(holder, 'held');
    holder.send({ type: 'hold', redisUrl: redis.url, requestsPerSecond: 3, key: 'crash', n: 3, leaseMs });
    await held;
    holder.kill('SIGKILL');
    const admin = new Redis(redis.url);
    expect(await admin.zcard(`${keyPrefix}crash`)).toBe(3);
    const limiter = createRedisRateLimiter({ redis: redis.url, requestsPerSecond: 3, key: 'crash', leaseMs });
    // Well inside the lease, the dead holder's slots are still taken: a short deadline gives up.
    expect(await limiter.acquire({ timeoutMs: 200 })).toEqual({ ok: false, reason: 'deadline' });
    // A deadline just past the lease is enough: they come back when it ends.
    const slot = await limiter.acquire({ timeoutMs: leaseMs + 500 });
    expect(slot.ok).toBe(true);
    await limiter.close();
    admin.disconnect();
  });
});
