import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import type * as E from 'fp-ts/lib/Either.js';
import { createStopQueue, isStopQueueError, stopManyBatch, type StopQueue, type StopQueueError } from '@mixtask/queue';
import { left, queueName, redisServerAvailable, right, startRedisServer, type RedisServer } from './support/helpers.js';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('createStopQueue against a real redis-server', () => {
  let server: RedisServer;
  const queues: StopQueue[] = [];
  const open = (label: string) => {
    const queue = createStopQueue({ redis: server.url, name: queueName(label) });
    queues.push(queue);
    return queue;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const queue of queues) await queue.close()();
    await server.stop();
  });

  it('keeps one job per id: a second stop of a waiting id is already-queued', async () => {
    const queue = open('one-job');
    const first = right(await queue.stop('tencent:room_1')());
    expect(first).toMatchObject({ id: 'tencent:room_1', outcome: 'queued' });
    expect(right(await queue.stop('tencent:room_1')())).toMatchObject({ outcome: 'already-queued' });
    expect(right(await queue.inspect('tencent:room_1')())).toMatchObject({ id: 'tencent:room_1', state: 'queued' });
    expect(right(await queue.inspect('tencent:room_2')())).toBeUndefined();
    expect(right(await queue.list({ state: 'queued' })()).map((v) => v.id)).toEqual(['tencent:room_1']);
  });

  it('a delayed stop is queued with its due time, and a sooner stop brings it forward', async () => {
    const queue = open('delayed');
    const before = Date.now();
    const queued = right(await queue.stop('12345', { delayMs: 60_000 })());
    expect(queued.dueAt).toBeGreaterThanOrEqual(before + 60_000);
    const view = right(await queue.inspect('12345')());
    expect(view).toMatchObject({ state: 'queued', kind: 'stop' });
    expect(view?.dueAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(right(await queue.stop('12345', { delayMs: 90_000 })())).toMatchObject({ outcome: 'already-queued' });
    expect(right(await queue.stop('12345')())).toMatchObject({ outcome: 'already-queued' });
    expect(right(await queue.inspect('12345')())?.dueAt).toBeUndefined();
    expect(right(await queue.list({ state: 'leased' })())).toEqual([]);
  });

  it('a lease is a delayed stop that renew pushes back and release removes', async () => {
    const queue = open('lease');
    const id = 'aws-ivs:arn:aws:ivs:us-west-2:123456789012:composition/abcd-1234';
    const before = Date.now();
    const leased = right(await queue.lease(id, { ttlMs: 5000 })());
    expect(leased.outcome).toBe('leased');
    expect(leased.dueAt).toBeGreaterThanOrEqual(before + 5000);
    expect(right(await queue.inspect(id)())).toMatchObject({ id, state: 'leased', kind: 'lease' });
    expect(right(await queue.list({ state: 'leased' })()).map((v) => v.id)).toEqual([id]);
    expect(right(await queue.list({ state: 'queued' })())).toEqual([]);

    const renewed = right(await queue.renew(id, { ttlMs: 60_000 })());
    expect(renewed).toMatchObject({ id, outcome: 'renewed' });
    expect(renewed.outcome === 'renewed' && renewed.dueAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(right(await queue.inspect(id)())?.dueAt).toBeGreaterThanOrEqual(before + 60_000);
    // Without ttlMs, renew uses the lease's own.
    const again = right(await queue.renew(id)());
    expect(again.outcome === 'renewed' && again.dueAt).toBeLessThan(Date.now() + 5001);

    expect(right(await queue.release(id)())).toEqual({ id, outcome: 'released' });
    expect(right(await queue.inspect(id)())).toBeUndefined();
    expect(right(await queue.renew(id)())).toEqual({ id, outcome: 'unknown' });
    expect(right(await queue.release(id)())).toEqual({ id, outcome: 'unknown' });
  });

  it('a stop of a leased id runs it now, and renew then says so without resurrecting the lease', async () => {
    const queue = open('lease-stop');
    right(await queue.lease('aliyun:task-9', { ttlMs: 60_000 })());
    expect(right(await queue.lease('aliyun:task-9', { ttlMs: 30_000 })())).toMatchObject({ outcome: 'renewed' });
    expect(right(await queue.stop('aliyun:task-9')())).toMatchObject({ outcome: 'lease-brought-forward' });
    expect(right(await queue.inspect('aliyun:task-9')())).toMatchObject({ state: 'queued', kind: 'lease' });
    expect(right(await queue.renew('aliyun:task-9', { ttlMs: 60_000 })())).toEqual({
      id: 'aliyun:task-9',
      outcome: 'stop-pending',
    });
    expect(right(await queue.release('aliyun:task-9')())).toMatchObject({ outcome: 'stop-pending' });
    expect(right(await queue.inspect('aliyun:task-9')())).toMatchObject({ state: 'queued' });
    expect(right(await queue.lease('aliyun:task-9', { ttlMs: 60_000 })())).toMatchObject({ outcome: 'stop-pending' });
  });

  describe('stopMany', () => {
    it("answers as stop() would for each id, in the ids' order, across batches", async () => {
      const queue = open('many');
      // Held ids of every kind: waiting, delayed (a sooner stop is only already-queued), leased (brought forward).
      right(await queue.stop('tencent:waiting')());
      right(await queue.stop('123', { delayMs: 60_000 })());
      right(await queue.lease('arn:aws:ivs:us-west-2:1:composition/x', { ttlMs: 60_000 })());
      const fresh = Array.from({ length: stopManyBatch + 20 }, (_, i) => `fresh_${i}`);
      const ids = [
        'tencent:waiting',
        ...fresh.slice(0, 10),
        '123',
        'arn:aws:ivs:us-west-2:1:composition/x',
        'fresh_3', // twice in one call: the second is the first's job
        ...fresh.slice(10),
      ];
      const before = Date.now();
      const answers = right(await queue.stopMany(ids)());
      expect(answers.map((a) => a.id)).toEqual(ids);
      const outcome = (id: string, at = ids.indexOf(id)) => answers[at]?.outcome;
      expect(outcome('tencent:waiting')).toBe('already-queued');
      expect(outcome('123')).toBe('already-queued');
      expect(outcome('arn:aws:ivs:us-west-2:1:composition/x')).toBe('lease-brought-forward');
      expect(outcome('fresh_3')).toBe('queued');
      expect(outcome('fresh_3', ids.lastIndexOf('fresh_3'))).toBe('already-queued');
      for (const id of fresh) expect(outcome(id)).toBe('queued');
      expect(answers[1]?.dueAt).toBeGreaterThanOrEqual(before);
      // What Redis holds agrees: every fresh id is one waiting stop, the lease is one now.
      const queued = right(await queue.list({ state: 'queued', limit: 10_000 })()).map((v) => v.id);
      expect(new Set(queued)).toEqual(
        new Set(['tencent:waiting', '123', 'arn:aws:ivs:us-west-2:1:composition/x', ...fresh]),
      );
      expect(queued).toHaveLength(fresh.length + 3);
      expect(right(await queue.list({ state: 'leased' })())).toEqual([]);
    });

    it('the same list again (a retried call) queues nothing twice: every id answers already-queued', async () => {
      const queue = open('many-again');
      const ids = Array.from({ length: 120 }, (_, i) => `again_${i}`);
      expect(right(await queue.stopMany(ids)()).every((a) => a.outcome === 'queued')).toBe(true);
      const again = right(await queue.stopMany(ids)());
      expect(again.map((a) => [a.id, a.outcome])).toEqual(ids.map((id) => [id, 'already-queued']));
      expect(right(await queue.list({ state: 'queued', limit: 1000 })())).toHaveLength(ids.length);
    });

    it('takes delayMs as stop() does, and an empty list is an empty answer', async () => {
      const queue = open('many-delayed');
      const before = Date.now();
      const [answer] = right(await queue.stopMany(['d_1'], { delayMs: 30_000 })());
      expect(answer).toMatchObject({ id: 'd_1', outcome: 'queued' });
      expect(answer?.dueAt).toBeGreaterThanOrEqual(before + 30_000);
      expect(right(await queue.inspect('d_1')())).toMatchObject({ state: 'queued' });
      expect(right(await queue.stopMany([])())).toEqual([]);
    });

    it('checks every id first: one bad id is a Left naming its index, and nothing is queued', async () => {
      const queue = open('many-bad');
      const error = left(await queue.stopMany(['ok_1', 'ok_2', 'not ok'])());
      expect(error).toMatchObject({ reason: 'invalid-argument', operation: 'stopMany' });
      expect(error.message).toContain('ids[2]');
      expect(right(await queue.inspect('ok_1')())).toBeUndefined();
      expect(left(await queue.stopMany(['x'], { delayMs: -5 })())).toMatchObject({ reason: 'invalid-argument' });
      expect(left(await queue.stopMany('x' as never)())).toMatchObject({ reason: 'invalid-argument' });
    });
  });

  it('bad input is a typed invalid-argument Left, whatever it is, and never a throw or rejection', async () => {
    const queue = open('bad-input');
    expect(left(await queue.stop('')())).toMatchObject({ _tag: 'StopQueueError', reason: 'invalid-argument' });
    expect(left(await queue.stop('a b')())).toMatchObject({ reason: 'invalid-argument' });
    expect(left(await queue.lease('x', { ttlMs: 10 })())).toMatchObject({ reason: 'invalid-argument' });
    expect(left(await queue.renew('x', { ttlMs: -1 })())).toMatchObject({ reason: 'invalid-argument' });
    expect(left(await queue.list({ state: 'nope' as never })())).toMatchObject({ reason: 'invalid-argument' });
    // An unknown option is refused, not run with the default: a misspelt delay must not stop the mix at once.
    const typo = { delayMS: 60_000 } as never;
    for (const error of [left(await queue.stop('x', typo)()), left(await queue.stopMany(['x'], typo)())]) {
      expect(error).toMatchObject({ reason: 'invalid-argument' });
      expect(error.message).toContain('options.delayMS: unknown field; did you mean delayMs?');
    }
    expect(right(await queue.inspect('x')())).toBeUndefined();
    expect(left(await queue.lease('x', { ttlMs: 5000, ttlMS: 1 } as never)()).message).toContain('options.ttlMS');
    expect(left(await queue.renew('x', { ttl: 5000 } as never)()).message).toContain('options.ttl: unknown field');
    expect(left(await queue.list({ state: 'queued', limt: 5 } as never)()).message).toContain('did you mean limit?');
    const misspelt = createStopQueue({ redis: server.url, timeoutMS: 100 } as never);
    expect(left(await misspelt.stop('x')())).toMatchObject({
      reason: 'invalid-argument',
      operation: 'createStopQueue',
    });
    expect(left(await misspelt.stop('x')()).message).toContain('timeoutMS: unknown field; did you mean timeoutMs?');
    const anything = fc.anything();
    await fc.assert(
      fc.asyncProperty(anything, anything, async (id, options) => {
        for (const method of ['stop', 'stopMany', 'lease', 'renew', 'release', 'inspect'] as const) {
          const call = (queue[method] as (a: unknown, b: unknown) => () => Promise<unknown>)(id, options);
          const answer = (await call()) as { _tag: string; left?: unknown };
          expect(['Left', 'Right']).toContain(answer._tag);
          if (answer._tag === 'Left') expect(isStopQueueError(answer.left)).toBe(true);
          // Whatever the options, an id that is no string is refused (stopMany: a list that is no array).
          const refused = method === 'stopMany' ? !Array.isArray(id) : typeof id !== 'string';
          if (refused) expect(answer).toMatchObject({ _tag: 'Left', left: { reason: 'invalid-argument' } });
        }
      }),
      { numRuns: 60 },
    );
    const badOptions = createStopQueue({ redis: 'http://user:hunter2@127.0.0.1:1' });
    const error = left(await badOptions.stop('x')());
    expect(error).toMatchObject({ reason: 'invalid-argument', operation: 'createStopQueue' });
    expect(JSON.stringify(error) + inspect(error)).not.toContain('hunter2');
  });

  it('a missing id (undefined or null from JavaScript) is refused by every method and queues nothing', async () => {
    // It once reached BullMQ as an empty job id, for which BullMQ makes one of its own: stop(undefined) was queued.
    const queue = open('missing-id');
    for (const id of [undefined, null] as unknown as string[]) {
      const answers: E.Either<StopQueueError, unknown>[] = [
        await queue.stop(id)(),
        await queue.stop(id, { delayMs: 1000 })(),
        await queue.lease(id, { ttlMs: 5000 })(),
        await queue.renew(id)(),
        await queue.release(id)(),
        await queue.inspect(id)(),
        await queue.stopMany([id])(),
      ];
      for (const answer of answers) {
        expect(left(answer)).toMatchObject({ reason: 'invalid-argument' });
        expect(left(answer).message).toMatch(/the id must be a string/);
      }
    }
    for (const state of ['queued', 'leased', 'running', 'stopped', 'failed'] as const) {
      expect(right(await queue.list({ state })())).toEqual([]);
    }
  });

  it('arguments whose getters or Proxy traps throw are an invalid-argument Left, never a throw', async () => {
    const queue = open('hostile-arguments');
    const trap = () => {
      throw new Error('trap');
    };
    // Its keys can be listed (as a known option's), its values cannot be read.
    const hostile = new Proxy(
      {},
      {
        get: trap,
        ownKeys: () => ['delayMs'],
        getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: 1 }),
      },
    ) as never;
    const getter = {
      get delayMs(): number {
        throw new Error('getter');
      },
    } as never;
    const tasks = [
      () => queue.stop('x', hostile),
      () => queue.stop('x', getter),
      () => queue.stopMany(['x'], getter),
      () => queue.stopMany(new Proxy(['x'], { get: (t, k) => (k === 'length' ? 1 : hostile) }) as never),
      () => queue.lease('x', hostile),
      () => queue.renew('x', hostile),
      () => queue.list(hostile),
    ];
    for (const task of tasks) {
      let answer: unknown;
      expect(() => (answer = task())).not.toThrow();
      expect(left(await (answer as () => Promise<never>)())).toMatchObject({ reason: 'invalid-argument' });
    }
    expect(right(await queue.list({ state: 'queued' })())).toEqual([]);
    const unreadable = createStopQueue(new Proxy({ redis: server.url }, { get: trap }));
    expect(left(await unreadable.stop('x')())).toMatchObject({
      reason: 'invalid-argument',
      operation: 'createStopQueue',
      message: 'createStopQueue: options could not be read (a Proxy or getter threw)',
    });
  });

  it('Redis trouble is a typed Left that never shows the connection URL or its password', async () => {
    const down = createStopQueue({ redis: 'redis://:s3cret-pass@127.0.0.1:1', timeoutMs: 3000 });
    const error = left(await down.stop('tencent:room_1')());
    expect(error._tag).toBe('StopQueueError');
    expect(['unreachable', 'timeout']).toContain(error.reason);
    const many = left(await down.stopMany(['tencent:room_1', 'tencent:room_2'])());
    expect(many).toMatchObject({ _tag: 'StopQueueError', operation: 'stopMany' });
    const shown = JSON.stringify([error, many]) + inspect([error, many]) + error.message + many.message;
    expect(shown).not.toContain('s3cret-pass');
    expect(shown).not.toContain('127.0.0.1');
    right(await down.close()());

    const guarded = await startRedisServer({ password: 'right-pass' });
    try {
      const wrongPass = createStopQueue({ redis: `redis://:wrong-pass@127.0.0.1:${guarded.port}`, timeoutMs: 3000 });
      const refused = left(await wrongPass.inspect('x')());
      expect(['refused', 'unreachable', 'timeout']).toContain(refused.reason);
      expect(JSON.stringify(refused) + inspect(refused)).not.toContain('wrong-pass');
      right(await wrongPass.close()());
    } finally {
      await guarded.stop();
    }
  });

  it('a closed queue answers closed Lefts; an app-owned client is left open', async () => {
    const client = new Redis(server.url);
    const queue = createStopQueue({ redis: client, name: queueName('app-client') });
    right(await queue.stop('room_7')());
    right(await queue.close()());
    expect(left(await queue.stop('room_8')())).toMatchObject({ reason: 'closed' });
    expect(left(await queue.stopMany(['room_8'])())).toMatchObject({ reason: 'closed' });
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
