// One fleet member for the multi-process tests: a separate OS process with its own Tencent provider, whose
// `rateLimit` is a Redis limiter on the shared key. Imports the built packages (npm test builds first).
// Messages in:  { type: 'stop', emulatorUrl, credentials, redisUrl, requestsPerSecond, key, ids, limiter: {…} }
//                 → { type: 'stopped', outcomes: { ok: n, … }, throttledAttempts, events }
//               { type: 'hold', redisUrl, requestsPerSecond, key, n, leaseMs } → { type: 'held' }, then never releases
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createRedisRateLimiter } from '@mixtask/redis';

process.on('message', async (message) => {
  if (message.type === 'stop') {
    const events = [];
    const limiter = createRedisRateLimiter({
      redis: message.redisUrl,
      requestsPerSecond: message.requestsPerSecond,
      key: message.key,
      ...message.limiter,
      onEvent: (event) => events.push(event),
    });
    let throttledAttempts = 0;
    const provider = createTencentProvider({
      credentials: message.credentials,
      endpoint: message.emulatorUrl,
      rateLimit: limiter,
      // The providers' default retries unless the test says otherwise: the switches are quota-safe, so an outage
      // must not need more (docs/scaling.md).
      ...(message.retry === undefined ? {} : { retry: message.retry }),
      onEvent: (event) => {
        if (event.type === 'attempt-result' && event.errorTag === 'RateLimited') throttledAttempts++;
      },
    });
    const results = await Promise.all(message.ids.map((id) => provider.stopMix(id)()));
    const outcomes = {};
    for (const r of results) {
      const outcome = r._tag === 'Right' ? 'ok' : r.left._tag;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    await limiter.close();
    process.send({ type: 'stopped', outcomes, throttledAttempts, events });
  }
  if (message.type === 'hold') {
    const limiter = createRedisRateLimiter({
      redis: message.redisUrl,
      requestsPerSecond: message.requestsPerSecond,
      key: message.key,
      leaseMs: message.leaseMs,
    });
    for (let i = 0; i < message.n; i++) {
      const slot = await limiter.acquire({ timeoutMs: 1000 });
      if (!slot.ok) throw new Error(`could not take slot ${i}: ${slot.reason}`);
    }
    process.send({ type: 'held' });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'loaded' });
