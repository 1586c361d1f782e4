// One member of the fleet benchmark (bench/fleet.mjs forks four): stops its share of the ids all at once.
// Messages in: { type: 'run', subject, vendor, env, ids, redisUrl?, key? } → { type: 'result', result }
//   subject 'shared'      mixtask with a @mixtask/redis limiter on the shared key
//           'per-process' mixtask with its default limiter (the vendor's quota, in this process alone)
//           'sdk'         the official SDK (tencentcloud-sdk-nodejs-common / @alicloud/pop-core), its defaults
import { performance } from 'node:perf_hooks';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createRedisRateLimiter } from '@mixtask/redis';
import { loadSubject } from './subjects.mjs';

async function run({ subject, vendor, env, ids, redisUrl, key, quota }) {
  const events = [];
  const limiter =
    subject === 'shared'
      ? createRedisRateLimiter({ redis: redisUrl, requestsPerSecond: quota, key, onEvent: (e) => events.push(e.type) })
      : undefined;
  let call;
  if (subject === 'sdk') {
    const client = (await loadSubject(vendor === 'tencent' ? 'tencent-sdk common' : 'alicloud pop-core'))(env);
    call = (id) => client.call(id).catch((e) => `threw ${e?.code ?? e?.name}`);
  } else {
    const common = { endpoint: env.url, ...(limiter === undefined ? {} : { rateLimit: limiter }) };
    const provider =
      vendor === 'tencent'
        ? createTencentProvider({ credentials: env.tencent, ...common })
        : createAliyunProvider({
            credentials: { accessKeyId: env.aliyun.accessKeyId, accessKeySecret: env.aliyun.accessKeySecret },
            appId: env.aliyun.appId,
            ...common,
          });
    call = async (id) => {
      const r = await provider.stopMix(id)();
      return r._tag === 'Right' ? 'ok' : r.left._tag;
    };
  }
  const started = performance.now();
  const outcomes = await Promise.all(ids.map(call));
  const wallMs = performance.now() - started;
  await limiter?.close();
  const counts = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return { wallMs, outcomes: counts, events };
}

process.on('message', async (message) => {
  if (message.type === 'exit') process.exit(0);
  if (message.type === 'run') process.send({ type: 'result', result: await run(message) });
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'loaded' });
