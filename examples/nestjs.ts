import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startEmulator } from '@mixtask/emulator';
import { createMixTaskProvider, type MixTaskConfig, type MixTaskProvider } from 'mixtask';
import { RoomService, type CloseOutcome } from './room-service.js';

/** The injection token: MixTaskProvider is an interface, so Nest needs a token to find it. */
export const MIX_TASK = Symbol('MixTaskProvider');

/**
 * A module with a factory provider: the app passes its config, everything else injects MIX_TASK. On shutdown
 * (`app.close()`, or SIGTERM with `enableShutdownHooks()`) it closes the provider: calls in flight settle, then its
 * keep-alive sockets end, so the process exits on its own.
 */
@Module({})
export class MixTaskModule implements OnModuleDestroy {
  constructor(@Inject(MIX_TASK) private readonly mix: MixTaskProvider) {}

  async onModuleDestroy(): Promise<void> {
    await this.mix.close();
  }

  static forRoot(config: MixTaskConfig): DynamicModule {
    return {
      module: MixTaskModule,
      global: true,
      providers: [{ provide: MIX_TASK, useFactory: () => createMixTaskProvider(config) }],
      exports: [MIX_TASK],
    };
  }
}

@Injectable()
export class RoomsController {
  private readonly rooms: RoomService;
  constructor(@Inject(MIX_TASK) mix: MixTaskProvider) {
    this.rooms = new RoomService(mix);
  }
  close(mixId: string): Promise<CloseOutcome> {
    return this.rooms.closeRoom(mixId);
  }
}

@Module({ providers: [RoomsController] })
class RoomsModule {}

/** Runs the recipe against the emulator (examples.test.ts calls it). */
export async function main(): Promise<CloseOutcome> {
  const emulator = await startEmulator();
  await emulator.tencent.createSession('room_nest');

  @Module({
    imports: [
      MixTaskModule.forRoot({ provider: 'tencent', credentials: emulator.tencent.credentials, endpoint: emulator.url }),
      RoomsModule,
    ],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const mix = app.get<MixTaskProvider>(MIX_TASK);
  let outcome: CloseOutcome;
  try {
    outcome = await app.get(RoomsController).close('room_nest');
  } finally {
    await app.close();
    await emulator.close();
  }
  // onModuleDestroy closed it: a call now is refused without a request.
  const after = await mix.stopMix('room_nest')();
  if (after._tag !== 'Left' || after.left._tag !== 'ConfigurationError') throw new Error('provider not closed');
  return outcome;
}
