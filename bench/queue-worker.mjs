// One process of the queue benchmark (bench/queue.mjs forks them): a stop worker of @mixtask/queue, or the direct
// baseline (stopMixes in one process), or the lease renewer. Each reports its own CPU time.
// Messages in: { type: 'worker', vendor, env, redisUrl, name, quota, key, concurrency? } → { type: 'done', all, ok, lastAt }: the
//                jobs finished since the last such message, and when the last of them did (Date.now())
//              { type: 'direct', vendor, env, quota, ids } → { type: 'direct-done', outcomes }
//              { type: 'enqueue', redisUrl, name, ids, perId } → { type: 'enqueued', ms, error? }: the app's side,
//                its queue kept from one message to the next, as a live app keeps it
//              { type: 'renew', redisUrl, name, ids, everyMs, rounds } → { type: 'renewed', renewals, failures }
//              { type: 'cpu' } → { type: 'cpu', cpuMs }
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { stopMixes } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createStopQueue, createStopWorker } from '@mixtask/queue';
import { createRedisRateLimiter } from '@mixtask/redis';

// MIXTASK_BENCH_TRANSPORT=node: both sides on the lean transport (docs/transports.md's advice for fleets).
const transport = process.env.MIXTASK_BENCH_TRANSPORT === 'node' ? { transport: 'node' } : {};
const providerFor = (vendor, env, rateLimit) =>
  vendor === 'tencent'
    ? createTencentProvider({ credentials: env.tencent, endpoint: env.url, rateLimit, ...transport })
    : createAliyunProvider({
        credentials: { accessKeyId: env.aliyun.accessKeyId, accessKeySecret: env.aliyun.accessKeySecret },
        appId: env.aliyun.appId,
        endpoint: env.url,
        rateLimit,
        ...transport,
      });

let closeAll = async () => undefined;
let appQueue;
let directProvider;
let finished = { all: 0, ok: 0, lastAt: 0 };

// MIXTASK_BENCH_PROFILE=<dir>: the measured run's CPU profile of each worker (inspector): where a job's CPU goes.
let profiler;
// MIXTASK_BENCH_TRACE (bench/queue.mjs sets the Redis port): this process's socket writes, to Redis and to the vendor.
const writes = { redis: 0, http: 0, other: 0 };
if (process.env.MIXTASK_BENCH_REDIS_PORT) {
  const net = await import('node:net');
  const original = net.Socket.prototype._writeGeneric;
  net.Socket.prototype._writeGeneric = function (writev, data, encoding, cb) {
    const port = this.remotePort;
    if (port === Number(process.env.MIXTASK_BENCH_REDIS_PORT)) writes.redis++;
    else if (port !== undefined) writes.http++;
    else writes.other++;
    return original.call(this, writev, data, encoding, cb);
  };
}
if (process.env.MIXTASK_BENCH_PROFILE) {
  const { Session } = await import('node:inspector/promises');
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
}

process.on('message', async (message) => {
  if (message.type === 'profile-start' && profiler) await profiler.post('Profiler.start');
  if (message.type === 'profile-stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${process.env.MIXTASK_BENCH_PROFILE}/worker-${process.pid}.cpuprofile`, JSON.stringify(profile));
  }
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
      // The default (adaptive: the quota × the round trip), as for stopMixes below, unless the bench fixes it.
      ...(message.concurrency === undefined ? {} : { concurrency: message.concurrency }),
      // Counted here and sent every 10 ms: a message per job would put the benchmark's own IPC into the worker's CPU.
      onResult: (r) => {
        if (r.willRetry) return;
        finished.all += 1;
        finished.lastAt = Date.now();
        if (r.result._tag === 'Right') finished.ok += 1;
      },
    });
    const report = setInterval(() => {
      if (finished.all === 0) return;
      process.send({ type: 'done', ...finished });
      finished = { all: 0, ok: 0, lastAt: 0 };
    }, 10);
    closeAll = async () => {
      clearInterval(report);
      await worker.close();
      await provider.close();
      await limiter.close();
    };
    process.send({ type: 'worker-ready' });
  }
  if (message.type === 'direct') {
    // `keep`: a warm-up run; the next run uses the same provider (its connections and limiter), as a live app would.
    directProvider ??= providerFor(message.vendor, message.env, { requestsPerSecond: message.quota });
    const provider = directProvider;
    const report = await stopMixes(provider, message.ids)();
    if (!message.keep) {
      directProvider = undefined;
      await provider.close();
    }
    process.send({ type: 'direct-done', totals: report.totals });
  }
  if (message.type === 'enqueue') {
    appQueue ??= createStopQueue({ redis: message.redisUrl, name: message.name });
    const started = performance.now();
    let error;
    if (message.perId) {
      for (let i = 0; i < message.ids.length && error === undefined; i += 32) {
        const answers = await Promise.all(message.ids.slice(i, i + 32).map((id) => appQueue.stop(id)()));
        error = answers.find((a) => a._tag === 'Left')?.left.message;
      }
    } else {
      const queued = await appQueue.stopMany(message.ids)();
      if (queued._tag === 'Left') error = queued.left.message;
    }
    process.send({ type: 'enqueued', ms: performance.now() - started, error });
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
    if (process.env.MIXTASK_BENCH_REDIS_PORT) console.error(`socket writes of ${process.pid}`, JSON.stringify(writes));
    await closeAll();
    if (appQueue !== undefined) await appQueue.close()();
    process.exit(0);
  }
});
process.send({ type: 'loaded' });
