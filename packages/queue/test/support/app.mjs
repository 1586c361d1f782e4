// An app process for the durability tests: a separate OS process using the built @mixtask/queue.
// argv[2] is JSON: { redisUrl, name, mode: 'stop', id }            → stop(id), report, then SIGKILL itself
//                  { redisUrl, name, mode: 'lease', leases: [{ id, ttlMs, renewEveryMs?, release? }] }
//                    → lease each, renew some on a timer, release some; reports { type: 'leased', at } and runs on
import { setInterval } from 'node:timers';
import { createStopQueue } from '@mixtask/queue';

const config = JSON.parse(process.argv[2]);
const queue = createStopQueue({ redis: config.redisUrl, name: config.name });

if (config.mode === 'stop') {
  const answer = await queue.stop(config.id)();
  process.send({ type: 'queued', answer }, () => {
    // Right after stop() resolved, the app dies as in an OOM kill: no close(), no flush, no exit handlers.
    process.kill(process.pid, 'SIGKILL');
  });
}

if (config.mode === 'lease') {
  const answers = [];
  for (const lease of config.leases) {
    answers.push(await queue.lease(lease.id, { ttlMs: lease.ttlMs })());
    if (lease.release) answers.push(await queue.release(lease.id)());
  }
  for (const lease of config.leases) {
    if (lease.renewEveryMs !== undefined) {
      setInterval(async () => {
        const renewed = await queue.renew(lease.id)();
        process.send({ type: 'renewed', id: lease.id, answer: renewed, at: Date.now() });
      }, lease.renewEveryMs);
    }
  }
  process.send({ type: 'leased', answers, at: Date.now() });
}
