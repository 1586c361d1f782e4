// The loopback server of the benchmark, in its own process: the mixtask emulator, driven over IPC.
//
// Messages in (from bench/run.mjs):
//   { type: 'fresh', quota: boolean, sessions: number, prefix: string }
//       → closes the current emulator, starts a new one on 127.0.0.1 (vendor quotas on or off), creates
//         `sessions` Tencent mix sessions and as many Aliyun MPU tasks named `${prefix}${i}`, and as many IVS
//         compositions whose ARN is `${awsIvs.arnPrefix}${prefix}${i}` with `_` as `-` (bench/subjects.mjs `arnOf`),
//         and answers { type: 'ready', url, tencent: { secretId, secretKey },
//         aliyun: { accessKeyId, accessKeySecret, appId }, awsIvs: { accessKeyId, secretAccessKey, region, arnPrefix } }.
//         A fresh emulator per measurement keeps its request log and Aliyun nonce memory from growing run-long.
//   { type: 'stats' } → { type: 'stats', throttled, busiestSecond }: the throttling answers the current emulator gave,
//       and the most requests it received within any sliding second.
//   { type: 'close' } → closes the emulator and exits.
import { startEmulator } from '@mixtask/emulator';
import { busiestSecond } from './busiest-second.mjs';

let emulator;

process.on('message', async (message) => {
  if (message.type === 'close') {
    await emulator?.close();
    process.exit(0);
  }
  if (message.type === 'stats') {
    const requests = emulator?.requests() ?? [];
    const throttled = requests.filter((r) => /^(RequestLimitExceeded|Throttling)/.test(r.code ?? '')).length;
    process.send({ type: 'stats', throttled, busiestSecond: busiestSecond(requests) });
    return;
  }
  if (message.type !== 'fresh') return;
  await emulator?.close();
  emulator = await startEmulator({
    host: '127.0.0.1',
    quota: message.quota ? {} : { tencent: false, aliyun: false, awsIvs: false },
  });
  for (let i = 0; i < message.sessions; i++) {
    await emulator.tencent.createSession(`${message.prefix}${i}`);
    await emulator.aliyun.startTask(`${message.prefix}${i}`);
    await emulator.awsIvs.createComposition({ id: `${message.prefix}${i}`.replace(/_/g, '-') });
  }
  process.send({
    type: 'ready',
    url: emulator.url,
    tencent: { ...emulator.tencent.credentials },
    aliyun: { ...emulator.aliyun.credentials, appId: emulator.aliyun.appId },
    awsIvs: { ...emulator.awsIvs.credentials, region: emulator.awsIvs.region, arnPrefix: emulator.awsIvs.arnOf('') },
  });
});

process.on('disconnect', () => process.exit(0));
process.send({ type: 'started' });
