// A stop worker for the durability tests: a separate OS process running the built @mixtask/queue against the
// emulator. argv[2] is JSON: { redisUrl, name, emulatorUrl, credentials, lockDurationMs?, concurrency?,
// rateLimit?: { requestsPerSecond, key } (a @mixtask/redis limiter shared by the fleet) }.
// Reports { type: 'ready' }, { type: 'result', id, outcome | errorTag, willRetry, attemptsStarted, at }; SIGTERM
// drains (close()) and exits 0.
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createStopWorker } from '@mixtask/queue';
import { createRedisRateLimiter } from '@mixtask/redis';

const config = JSON.parse(process.argv[2]);
const limiterEvents = [];
// A generous bound on the limiter's Redis calls: on a loaded test machine a call over the default 250 ms makes the
// limiter switch to its local fallback and back, and each switch may let one second see up to twice the quota
// (docs/scaling.md) — the limiter's documented trade-off, not what these tests are about.
const limiter =
  config.rateLimit === undefined
    ? undefined
    : createRedisRateLimiter({
        redis: config.redisUrl,
        redisTimeoutMs: 5000,
        ...config.rateLimit,
        onEvent: (event) => limiterEvents.push(event.type),
      });
let throttledAttempts = 0;
const provider = createTencentProvider({
  credentials: config.credentials,
  endpoint: config.emulatorUrl,
  ...(limiter === undefined ? {} : { rateLimit: limiter }),
  onEvent: (event) => {
    if (event.type === 'attempt-result' && event.errorTag === 'RateLimited') throttledAttempts++;
  },
});
const worker = createStopWorker({
  redis: config.redisUrl,
  name: config.name,
  provider,
  ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
  ...(config.lockDurationMs === undefined ? {} : { lockDurationMs: config.lockDurationMs }),
  retry: { baseDelayMs: 100, maxDelayMs: 1000 },
  onResult: (result) =>
    process.send?.({
      type: 'result',
      id: result.id,
      kind: result.kind,
      ...(result.result._tag === 'Right'
        ? { outcome: result.result.right.outcome }
        : { errorTag: result.result.left._tag }),
      willRetry: result.willRetry,
      attemptsStarted: result.attemptsStarted,
      throttledAttempts,
      limiterEvents,
      at: Date.now(),
    }),
});
process.on('SIGTERM', async () => {
  await worker.close();
  await provider.close();
  await limiter?.close();
  process.exit(0);
});
process.send?.({ type: 'ready' });
