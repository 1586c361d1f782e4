import { startEmulator } from '@mixtask/emulator';
import * as E from 'fp-ts/lib/Either.js';
import { createMixTaskProvider, mixTaskConfigFromEnv, type MixTaskConfig } from 'mixtask';
import { RoomService, type CloseOutcome } from './room-service.js';

/** Plain constructor injection: build the provider once at start-up and hand it to whoever needs it. */
export function createApp(config: MixTaskConfig): { rooms: RoomService; close: () => Promise<void> } {
  const mix = createMixTaskProvider(config);
  // close() on shutdown: calls in flight settle, then the provider's keep-alive sockets end.
  return { rooms: new RoomService(mix), close: () => mix.close() };
}

/** Start-up with the config from the environment: a broken config stops the app before it serves anything. */
export function createAppFromEnv(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof createApp> {
  const config = mixTaskConfigFromEnv(env);
  if (E.isLeft(config)) throw new Error(config.left.message);
  return createApp(config.right);
}

/** Runs the recipe against the emulator (examples.test.ts calls it). */
export async function main(): Promise<CloseOutcome> {
  const emulator = await startEmulator();
  try {
    await emulator.aliyun.startTask('task-1');
    const app = createAppFromEnv({
      MIXTASK_PROVIDER: 'aliyun',
      MIXTASK_ENDPOINT: emulator.url,
      MIXTASK_ALIYUN_APP_ID: emulator.aliyun.appId,
      ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.aliyun.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.aliyun.credentials.accessKeySecret,
    });
    try {
      return await app.rooms.closeRoom('task-1');
    } finally {
      await app.close();
    }
  } finally {
    await emulator.close();
  }
}
