import 'reflect-metadata';
import { Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { startEmulator } from '@mixtask/emulator';
import { getMixTaskToken, InjectMixTask, MixTaskModule } from '@mixtask/nestjs';
import type { MixTaskProvider } from 'mixtask';
import { RoomService, type CloseOutcome } from './room-service.js';

/** A controller, so Nest routes HTTP to it: the app's RoomService over the injected provider. */
@Controller('rooms')
export class RoomsController {
  private readonly rooms: RoomService;
  constructor(@InjectMixTask() mix: MixTaskProvider) {
    this.rooms = new RoomService(mix);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@Param('id') mixId: string): Promise<CloseOutcome> {
    return this.rooms.closeRoom(mixId);
  }
}

/** Runs the recipe against the emulator (examples.test.ts calls it): a real app, a real HTTP request. */
export async function main(): Promise<CloseOutcome> {
  const emulator = await startEmulator();
  await emulator.tencent.createSession('room_nest');
  // The config as an app's ConfigService would hold it (from .env, a config file …).
  const settings = () => ({
    mixtask: { provider: 'tencent', credentials: emulator.tencent.credentials, endpoint: emulator.url },
  });

  @Module({
    imports: [
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [settings] }),
      // forRootAsync, as ConfigService exists only once Nest has made it; a bad config fails NestFactory.create.
      MixTaskModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => config.getOrThrow('mixtask'),
      }),
    ],
    controllers: [RoomsController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  const mix = app.get<MixTaskProvider>(getMixTaskToken());
  let outcome: CloseOutcome;
  try {
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/rooms/room_nest/close`, { method: 'POST' });
    outcome = (await response.json()) as CloseOutcome;
  } finally {
    await app.close();
    await emulator.close();
  }
  // The module closed it on shutdown: a call now is refused without a request.
  const after = await mix.stopMix('room_nest')();
  if (after._tag !== 'Left' || after.left._tag !== 'ConfigurationError') throw new Error('provider not closed');
  return outcome;
}
