import 'reflect-metadata';
import { container, inject, injectable, type DependencyContainer } from 'tsyringe';
import { startEmulator } from '@mixtask/emulator';
import { createMixTaskProvider, type MixTaskConfig, type MixTaskProvider } from 'mixtask';
import { RoomService, type CloseOutcome } from './room-service.js';

/** tsyringe resolves interfaces by token. */
export const MIX_TASK = 'MixTaskProvider';

/** Registers one provider for the container's lifetime (one got instance, one rate limiter). */
export function registerMixTask(target: DependencyContainer, config: MixTaskConfig): void {
  target.register<MixTaskProvider>(MIX_TASK, { useValue: createMixTaskProvider(config) });
}

@injectable()
export class RoomsHandler {
  private readonly rooms: RoomService;
  constructor(@inject(MIX_TASK) mix: MixTaskProvider) {
    this.rooms = new RoomService(mix);
  }
  close(mixId: string): Promise<CloseOutcome> {
    return this.rooms.closeRoom(mixId);
  }
}

/** Runs the recipe against the emulator (examples.test.ts calls it). */
export async function main(): Promise<CloseOutcome> {
  const emulator = await startEmulator();
  try {
    await emulator.aliyun.startTask('task-tsyringe');
    const scope = container.createChildContainer();
    registerMixTask(scope, {
      provider: 'aliyun',
      credentials: emulator.aliyun.credentials,
      appId: emulator.aliyun.appId,
      endpoint: emulator.url,
    });
    try {
      return await scope.resolve(RoomsHandler).close('task-tsyringe');
    } finally {
      // On shutdown: lets calls in flight settle, then ends the provider's keep-alive sockets.
      await scope.resolve<MixTaskProvider>(MIX_TASK).close();
    }
  } finally {
    await emulator.close();
  }
}
