import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { inspect } from 'node:util';
import type { MixTaskProvider } from 'mixtask';
import { getMixTaskToken, MixTaskModule, type MixTaskConfigFactory } from '@mixtask/nestjs';
import { listen, post, roomsController } from './support/rooms.js';

let tencentA: Emulator;
let tencentB: Emulator;
beforeAll(async () => {
  [tencentA, tencentB] = await Promise.all([startEmulator(), startEmulator()]);
});
afterAll(async () => {
  await Promise.all([tencentA.close(), tencentB.close()]);
});

const tencentConfig = (em: Emulator) =>
  ({ provider: 'tencent', credentials: em.tencent.credentials, endpoint: em.url }) as const;

async function boot(imports: unknown[], controllers: unknown[]): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    controllers: controllers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  return { app, url: await listen(app) };
}

describe('MixTaskModule in a real Nest app (Express, HTTP on 127.0.0.1, the emulator)', () => {
  it('forRoot: a controller stops a mix through the injected provider', async () => {
    await tencentA.tencent.createSession('room_http');
    const { app, url } = await boot([MixTaskModule.forRoot(tencentConfig(tencentA))], [roomsController()]);
    try {
      const first = await post(`${url}/rooms/room_http/stop`);
      expect(first).toEqual({ status: 200, body: { stopped: true, requestId: expect.stringMatching(/.+/) } });
      const again = await post(`${url}/rooms/room_http/stop`);
      expect(again.body).toMatchObject({ stopped: false, error: 'SessionNotFound' });
      expect(
        tencentA
          .requests()
          .filter((r) => r.vendor === 'tencent')
          .at(-1)?.requestId,
      ).toBeDefined();
    } finally {
      await app.close();
    }
  });

  it('nothing the module exports holds a secret: inspect and JSON of the provider and the health state', async () => {
    const { app } = await boot(
      [MixTaskModule.forRoot({ ...tencentConfig(tencentA), isGlobal: true, name: 'inspected' })],
      [],
    );
    try {
      const { secretKey } = tencentA.tencent.credentials;
      const exported = [getMixTaskToken('inspected'), 'MixTaskInstance:inspected'].map((token) =>
        app.get<unknown>(token, { strict: false }),
      );
      for (const value of exported) {
        expect(inspect(value, { depth: 10, showHidden: true })).not.toContain(secretKey);
        expect(JSON.stringify(value) ?? '').not.toContain(secretKey);
      }
    } finally {
      await app.close();
    }
  });

  it('forRootAsync: the config comes from ConfigService', async () => {
    await tencentA.tencent.createSession('room_config');
    const fromEnv = {
      MIXTASK_PROVIDER: 'tencent',
      MIXTASK_ENDPOINT: tencentA.url,
      TENCENTCLOUD_SECRET_ID: tencentA.tencent.credentials.secretId,
      TENCENTCLOUD_SECRET_KEY: tencentA.tencent.credentials.secretKey,
    };
    const { app, url } = await boot(
      [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => fromEnv] }),
        MixTaskModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            env: {
              MIXTASK_PROVIDER: config.get<string>('MIXTASK_PROVIDER'),
              MIXTASK_ENDPOINT: config.get<string>('MIXTASK_ENDPOINT'),
              TENCENTCLOUD_SECRET_ID: config.get<string>('TENCENTCLOUD_SECRET_ID'),
              TENCENTCLOUD_SECRET_KEY: config.get<string>('TENCENTCLOUD_SECRET_KEY'),
            },
          }),
        }),
      ],
      [roomsController()],
    );
    try {
      expect((await post(`${url}/rooms/room_config/stop`)).body).toMatchObject({ stopped: true });
    } finally {
      await app.close();
    }
  });

  it('forRootAsync with useClass or useExisting: a MixTaskConfigFactory makes the config, as in @nestjs/bullmq', async () => {
    const settings = () => ({ mixtask: tencentConfig(tencentA) });
    @Injectable()
    class MixTaskSettings implements MixTaskConfigFactory {
      constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
      createMixTaskConfig() {
        return this.config.getOrThrow('mixtask');
      }
    }
    @Module({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [settings] })],
      providers: [MixTaskSettings],
      exports: [MixTaskSettings],
    })
    class SettingsModule {}

    await tencentA.tencent.createSession('room_class');
    await tencentA.tencent.createSession('room_existing');
    const { app, url } = await boot(
      [
        MixTaskModule.forRootAsync({ imports: [ConfigModule], useClass: MixTaskSettings }),
        MixTaskModule.forRootAsync({ name: 'existing', imports: [SettingsModule], useExisting: MixTaskSettings }),
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [settings] }),
      ],
      [roomsController(), roomsController('existing', 'existing')],
    );
    try {
      expect((await post(`${url}/rooms/room_class/stop`)).body).toMatchObject({ stopped: true });
      expect((await post(`${url}/existing/room_existing/stop`)).body).toMatchObject({ stopped: true });
    } finally {
      await app.close();
    }
  });

  describe('a config that does not parse fails the bootstrap with the ConfigurationError message', () => {
    const secretKey = 'SeCrEt-never-in-a-message-0123456789';

    it.each([
      [
        'forRoot, a bad field',
        MixTaskModule.forRoot({
          provider: 'tencent',
          credentials: { secretId: 'AKIDx', secretKey },
          timeoutMs: 'soon' as unknown as number,
        }),
        /^ConfigurationError: [a-z]+ — invalid mixtask config: timeoutMs: expected/,
      ],
      [
        'forRoot, an unknown provider',
        MixTaskModule.forRoot({ provider: 'azure' } as never),
        /^ConfigurationError: [a-z]+ — invalid mixtask config: provider: expected 'tencent' or 'aliyun'/,
      ],
      [
        'forRootAsync from the environment, naming the variable',
        MixTaskModule.forRootAsync({
          useFactory: async () => ({
            env: {
              MIXTASK_PROVIDER: 'tencent',
              TENCENTCLOUD_SECRET_ID: 'AKIDx',
              TENCENTCLOUD_SECRET_KEY: secretKey,
              MIXTASK_MAX_ATTEMPTS: '99',
            },
          }),
        }),
        /^ConfigurationError: [a-z]+ — invalid mixtask config: MIXTASK_MAX_ATTEMPTS: /,
      ],
      [
        'a registry member, named by its path',
        MixTaskModule.forRoot({
          registry: { tencent: { credentials: { secretId: 'AKIDx', secretKey }, retry: { maxAttempts: 0 } } },
        }),
        /^ConfigurationError: [a-z]+ — invalid mixtask config: retry\.maxAttempts: /,
      ],
      [
        'a named instance says which',
        MixTaskModule.forRoot({ name: 'backup', provider: 'tencent' } as never),
        /^ConfigurationError: [a-z]+ — invalid mixtask config: credentials: .*\(MixTaskModule "backup"\)$/,
      ],
    ])('%s', async (_case, dynamicModule, message) => {
      let error: unknown;
      try {
        await Test.createTestingModule({ imports: [dynamicModule], controllers: [roomsController()] }).compile();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(
        secretKey,
      );
    });
  });

  it('shutdown: a stop in flight settles, then the provider refuses without a request', async () => {
    await tencentA.tencent.createSession('room_closing');
    let stopBegan!: () => void;
    const began = new Promise<void>((resolve) => (stopBegan = resolve));
    const { app, url } = await boot(
      [MixTaskModule.forRoot(tencentConfig(tencentA))],
      [roomsController('rooms', undefined, () => stopBegan())],
    );
    const mix = app.get<MixTaskProvider>(getMixTaskToken());
    tencentA.inject({ action: { type: 'delay', ms: 400 }, vendor: 'tencent' });
    const answer = post(`${url}/rooms/room_closing/stop`);
    await began;
    await app.close();
    // close() waited for the request and the stop in it: the answer is the vendor's, not "closed".
    expect(await answer).toMatchObject({ status: 200, body: { stopped: true } });
    const sent = tencentA.requests().length;
    const after = await mix.stopMix('room_closing')();
    expect(after).toMatchObject({ _tag: 'Left', left: { _tag: 'ConfigurationError' } });
    expect(tencentA.requests().length).toBe(sent);
  });

  it('named instances are kept apart: two accounts on one cloud, and a default beside them', async () => {
    await tencentA.tencent.createSession('room_a');
    await tencentB.tencent.createSession('room_b');
    @Module({
      imports: [
        MixTaskModule.forRoot({ ...tencentConfig(tencentA), name: 'accountA' }),
        MixTaskModule.forRootAsync({ name: 'accountB', useFactory: () => tencentConfig(tencentB) }),
        MixTaskModule.forRoot(tencentConfig(tencentB)),
      ],
      controllers: [roomsController('a', 'accountA'), roomsController('b', 'accountB'), roomsController('default')],
    })
    class AppModule {}
    const { app, url } = await boot([AppModule], []);
    try {
      const a = app.get<MixTaskProvider>(getMixTaskToken('accountA'), { strict: false });
      const b = app.get<MixTaskProvider>(getMixTaskToken('accountB'), { strict: false });
      expect(a).not.toBe(b);
      // Each account's provider holds its own keys: room_b is not a session of account A, and the reverse.
      expect((await post(`${url}/a/room_b/stop`)).body).toMatchObject({ stopped: false, error: 'SessionNotFound' });
      expect((await post(`${url}/b/room_a/stop`)).body).toMatchObject({ stopped: false, error: 'SessionNotFound' });
      expect((await post(`${url}/a/room_a/stop`)).body).toMatchObject({ stopped: true });
      await tencentB.tencent.createSession('room_default');
      expect((await post(`${url}/default/room_default/stop`)).body).toMatchObject({ stopped: true });
      expect((await post(`${url}/b/room_b/stop`)).body).toMatchObject({ stopped: true });
    } finally {
      await app.close();
    }
  });

  it('a registry over both clouds is injected the same way, and closed on shutdown', async () => {
    await tencentA.tencent.createSession('room_t');
    await tencentA.aliyun.startTask('task-1');
    const aliyunId = 'task-1';
    const { app, url } = await boot(
      [
        MixTaskModule.forRoot({
          isGlobal: true,
          registry: {
            tencent: { credentials: tencentA.tencent.credentials, endpoint: tencentA.url },
            aliyun: { credentials: tencentA.aliyun.credentials, appId: tencentA.aliyun.appId, endpoint: tencentA.url },
          },
        }),
      ],
      [roomsController()],
    );
    const registry = app.get<MixTaskProvider>(getMixTaskToken());
    try {
      expect(registry.name).toBe('registry');
      expect((await post(`${url}/rooms/tencent:room_t/stop`)).body).toMatchObject({ stopped: true });
      expect((await post(`${url}/rooms/aliyun:${aliyunId}/stop`)).body).toMatchObject({ stopped: true });
      expect((await post(`${url}/rooms/room_t/stop`)).body).toMatchObject({ stopped: false, error: 'InvalidArgument' });
    } finally {
      await app.close();
    }
    expect(await registry.stopMix('tencent:room_t')()).toMatchObject({ left: { _tag: 'ConfigurationError' } });
  });
});
