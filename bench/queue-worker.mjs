// One process of the queue benchmark (bench/queue.mjs forks them): a stop worker of @mixtask/queue, or the direct
// baseline (stopMixes in one process), or the lease renewer. Each reports its own CPU time.
// Messages in: { type: 'worker', vendor, env, redisUrl, name, quota, key } → a { type: 'done' } per finished job
//              { type: 'direct', vendor, env, quota, ids } → { type: 'direct-done', outcomes }
//              { type: 'renew', redisUrl, name, ids, everyMs, rounds } → { type: 'renewed', renewals, failures }
//              { type: 'cpu' } → { type: 'cpu', cpuMs }
import { stopMixes } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createStopQueue, createStopWorker } from '@mixtask/queue';
import { createRedisRateLimiter } from '@mixtask/redis';

const providerFor = (vendor, env, rateLimit) =>
  vendor === 'tencent'
    ? createTencentProvider({ credentials: env.tencent, endpoint: env.url, rateLimit })
    : createAliyunProvider({
        credentials: { accessKeyId: env.aliyun.accessKeyId, accessKeySecret: env.aliyun.accessKeySecret },
        appId: env.aliyun.appId,
        endpoint: env.url,
        rateLimit,
      });

let closeAll = async () => undefined;

process.on('message', async (message) => {
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ type: 'cpu', cpuMs: (user + system) / 1000 });
  }
  if (message.type === 'worker') {
    const limiter = createRedisRateLimiter({
      redis: message.redisUrl,
      requestsPerSecond: message.quota,
      key: message.key,
    });
    const provider = providerFor(message.vendor, message.env, limiter);
    const worker = createStopWorker({
      redis: message.redisUrl,
      name: message.name,
      provider,
      concurrency: 32,
      onResult: (r) => {
        if (!r.willRetry) process.send({ type: 'done', ok: r.result._tag === 'Right' });
      },
    });
    closeAll = async () => {
      await worker.close();
      await provider.close();
      await limiter.close();
    };
    process.send({ type: 'worker-ready' });
  }
  if (message.type === 'direct') {
    const provider = providerFor(message.vendor, message.env, { requestsPerSecond: message.quota });
    const report = await stopMixes(provider, message.ids, { concurrency: 64 })();
    await provider.close();
    process.send({ type: 'direct-done', totals: report.totals });
  }
  if (message.type === 'renew') {
    const queue = createStopQueue({ redis: message.redisUrl, name: message.name });
    let renewals = 0;
    let failures = 0;
    // Each id once per `everyMs`, spread evenly over the period, as a fleet of apps renewing would.
    const perTick = Math.ceil(message.ids.length / (message.everyMs / 100));
    for (let round = 0; round < message.rounds; round++) {
      const roundStart = Date.now();
      for (let i = 0; i < message.ids.length; i += perTick) {
        const tickStart = Date.now();
        const answers = await Promise.all(message.ids.slice(i, i + perTick).map((id) => queue.renew(id)()));
        for (const a of answers) {
          if (a._tag === 'Right' && a.right.outcome === 'renewed') renewals++;
          else failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - tickStart))));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, message.everyMs - (Date.now() - roundStart))));
    }
    await queue.close()();
    process.send({ type: 'renewed', renewals, failures });
  }
  if (message.type === 'exit') {
    await closeAll();
    process.exit(0);
  }
});
process.send({ type: 'loaded' });
