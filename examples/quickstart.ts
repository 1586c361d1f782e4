import * as E from 'fp-ts/lib/Either.js';
import { startEmulator } from '@mixtask/emulator';
import { createMixTaskProvider } from 'mixtask';

// The emulator stands in for Tencent Cloud here; in production, drop it and pass your real credentials.
const emulator = await startEmulator();
await emulator.tencent.createSession('room_1');

const mix = createMixTaskProvider({
  provider: 'tencent',
  credentials: emulator.tencent.credentials, // { secretId, secretKey }
  endpoint: emulator.url, // default: https://live.tencentcloudapi.com
});

const result = await mix.stopMix('room_1')();
if (E.isRight(result)) {
  console.log(`${result.right.outcome} room_1, RequestId ${result.right.requestId}`);
} else {
  console.error(`could not stop room_1: ${result.left._tag}`, result.left.message);
}
await mix.close(); // on shutdown: ends its keep-alive sockets, so the process exits on its own
await emulator.close();
