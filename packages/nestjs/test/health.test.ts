import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, Query, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { MixTaskHealthIndicator, MixTaskModule } from '@mixtask/nestjs';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';
import { listen, post, roomsController } from './support/rooms.js';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(MixTaskHealthIndicator) private readonly mix: MixTaskHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(@Query('fallback') fallback?: 'degraded') {
    return this.health.check([() => this.mix.isHealthy('mixtask', fallback === undefined ? {} : { fallback })]);
  }
}

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Asks until the answer is 200: the limiter's first Redis call (connecting included) is bounded by 250 ms, so on a
 * loaded machine it may start on its fallback ('slow') and come back at its next probe — which the check reports.
 */
async function healthWhenUp(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  let answer = await health(url);
  for (let tries = 0; answer.status !== 200 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await health(url);
  }
  return answer;
}

const secret = 'SeCrEt-from-the-sts-answer-0123456789';

describeRedis('MixTaskHealthIndicator through @nestjs/terminus, with a real redis-server', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    [redis, emulator] = await Promise.all([startRedisServer(), startEmulator()]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule.forRoot({ logger: false }),
        MixTaskModule.forRoot({
          provider: 'tencent',
          // A function, as an STS client would be: the check calls it (and only it).
          credentials: async () => emulator.tencent.credentials,
          endpoint: emulator.url,
          redisUrl: redis.url,
          rateLimitKey: 'health-test',
        }),
      ],
      controllers: [HealthController, roomsController()],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    url = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([redis?.stop(), emulator?.close()]);
  });

  it('is up when the config is valid, the credentials resolve and the limiter is on Redis — and sends no stop', async () => {
    const answer = await healthWhenUp(`${url}/health`);
    expect(answer).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ok',
        info: {
          mixtask: {
            status: 'up',
            provider: 'tencent',
            config: 'valid',
            credentials: 'resolved',
            rateLimiter: 'redis',
          },
        },
      }),
    });
    expect(emulator.requests()).toEqual([]);
  });

  it('reports the fallback when Redis is down (503, or degraded on request), and stops still go through', async () => {
    await redis.kill();
    const down = await health(`${url}/health`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: {
        mixtask: {
          status: 'down',
          rateLimiter: 'fallback',
          fallbackReason: 'unreachable',
          fallbackSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          fallbackRequestsPerSecond: expect.any(Number),
        },
      },
    });
    const degraded = await health(`${url}/health?fallback=degraded`);
    expect(degraded).toMatchObject({
      status: 200,
      body: { status: 'degraded', info: { mixtask: { status: 'degraded', rateLimiter: 'fallback' } } },
    });
    expect(emulator.requests()).toEqual([]); // the checks sent nothing to the vendor
    // Limiter trouble never fails a stop: the local fallback paces it.
    await emulator.tencent.createSession('room_fallback');
    expect((await post(`${url}/rooms/room_fallback/stop`)).body).toMatchObject({ stopped: true });
    expect(JSON.stringify(down.body)).not.toContain(String(redis.port));
  });

  it('is up again once Redis is back', async () => {
    await redis.restart();
    // The limiter's client reconnects with a back-off (at most 2 s); the check itself is what brings it back.
    const answer = await healthWhenUp(`${url}/health`);
    expect(answer.body).toMatchObject({ status: 'ok', info: { mixtask: { status: 'up', rateLimiter: 'redis' } } });
  });
});

describe('MixTaskHealthIndicator without Redis', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it('is down, without the secret, when the credentials function fails; up with a local limiter', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule.forRoot({ logger: false }),
        MixTaskModule.forRoot({
          name: 'failing',
          provider: 'tencent',
          credentials: async () => {
            throw new Error(`STS refused the role; last answer had ${secret}`);
          },
          endpoint: emulator.url,
        }),
        MixTaskModule.forRoot({
          provider: 'tencent',
          credentials: emulator.tencent.credentials,
          endpoint: emulator.url,
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const indicator = app.get(MixTaskHealthIndicator);
      const failing = await indicator.isHealthy('sts', { name: 'failing' });
      expect(failing).toEqual({
        sts: {
          status: 'down',
          provider: 'tencent',
          config: 'valid',
          credentials: 'failed',
          credentialsError: 'the credentials function threw Error',
          rateLimiter: 'local',
        },
      });
      expect(JSON.stringify(failing)).not.toContain(secret);
      expect(await indicator.isHealthy()).toEqual({
        mixtask: { status: 'up', provider: 'tencent', config: 'valid', credentials: 'static', rateLimiter: 'local' },
      });
      expect(await indicator.isHealthy('other', { name: 'nope' })).toMatchObject({ other: { status: 'down' } });
      expect(emulator.requests()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('checks every member of a registry, and says so per provider', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MixTaskModule.forRoot({
          registry: {
            tencent: { credentials: emulator.tencent.credentials, endpoint: emulator.url },
            aliyun: {
              credentials: () => Promise.resolve(emulator.aliyun.credentials),
              appId: emulator.aliyun.appId,
              endpoint: emulator.url,
            },
          },
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      expect(await app.get(MixTaskHealthIndicator).isHealthy()).toEqual({
        mixtask: {
          status: 'up',
          providers: {
            tencent: { provider: 'tencent', config: 'valid', credentials: 'static', rateLimiter: 'local' },
            aliyun: { provider: 'aliyun', config: 'valid', credentials: 'resolved', rateLimiter: 'local' },
          },
        },
      });
    } finally {
      await app.close();
    }
  });
});
