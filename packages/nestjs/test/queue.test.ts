import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createRequire } from 'node:module';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { InjectStopQueue, MixTaskModule } from '@mixtask/nestjs';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';
import { listen } from './support/rooms.js';

/** @mixtask/queue is an optional peer, built on its own branch: this suite runs once it is in the tree. */
function queueInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@mixtask/queue');
    return true;
  } catch {
    console.warn('⚠ SKIPPED the @mixtask/nestjs queue suite: @mixtask/queue is not built here — npm run build');
    return false;
  }
}

const describeQueue = queueInstalled() && redisServerAvailable() ? describe : describe.skip;

interface QueueLike {
  stop(id: string): () => Promise<{ _tag: string; right?: unknown; left?: unknown }>;
}

@Controller('rooms')
class RoomsController {
  constructor(@InjectStopQueue() private readonly queue: QueueLike) {}

  @Post(':id/stop')
  @HttpCode(202)
  async stop(@Param('id') id: string) {
    return this.queue.stop(id)();
  }
}

describeQueue('MixTaskModule.registerQueue (@mixtask/queue), as @nestjs/bullmq registers queues', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  beforeAll(async () => {
    [redis, emulator] = await Promise.all([startRedisServer(), startEmulator()]);
  });
  afterAll(() => Promise.all([redis.stop(), emulator.close()]));
  const providerModule = () =>
    MixTaskModule.forRoot({ provider: 'tencent', credentials: emulator.tencent.credentials, endpoint: emulator.url });

  it('injects the StopQueue; its worker stops through the forRoot provider; shutdown closes worker then queue', async () => {
    await emulator.tencent.createSession('room_queued');
    const results: { id: string; result: { _tag: string } }[] = [];
    let done!: () => void;
    const ran = new Promise<void>((resolve) => (done = resolve));
    const moduleRef = await Test.createTestingModule({
      imports: [
        providerModule(),
        MixTaskModule.registerQueueAsync({
          useFactory: () => ({ redis: redis.url }),
          worker: {
            concurrency: 2,
            onResult: (r: { id: string; result: { _tag: string } }) => {
              results.push(r);
              done();
            },
          },
        }),
      ],
      controllers: [RoomsController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const url = await listen(app);
    try {
      const response = await fetch(`${url}/rooms/room_queued/stop`, { method: 'POST' });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ _tag: 'Right', right: { id: 'room_queued', outcome: 'queued' } });
      await ran;
      expect(results).toMatchObject([{ id: 'room_queued', result: { _tag: 'Right' } }]);
      expect(emulator.tencent.sessions()).not.toContain('room_queued');
    } finally {
      await app.close();
    }
  });

  it("a worker with bad options fails the app's start, with the queue package's own message", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        providerModule(),
        MixTaskModule.registerQueue({ redis: redis.url, name: 'bad', worker: { concurrency: 0 } }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(/^createStopWorker: concurrency/);
    await app.close();
  });
});
