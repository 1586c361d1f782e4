// One benchmark client process per subject (`node bench/client.mjs <subject>`, forked by bench/run.mjs), so each
// library has its own heap, JIT and event loop, and the CPU it spends is its own. Messages in:
//   { type: 'cell', env, concurrency, warmupMs, durationMs, prefix, pool }   → per-call measurement
//   { type: 'bulk', env, n, prefix }                                        → N stops at once, client defaults
//   { type: 'memory', env, checkpoints: [1000, 10000, …] }                  → RSS after k calls (unknown ids)
//   { type: 'exit' }
import { performance } from 'node:perf_hooks';
import { isThrottling, loadSubject } from './subjects.mjs';

const subject = process.argv[2];
const make = await loadSubject(subject);

const gc = () => globalThis.gc?.();

/** `concurrency` loops, each starting calls back to back until `ms` have passed; returns the calls made. */
async function drive(client, concurrency, ms, nextId, latencies, outcomes) {
  const end = performance.now() + ms;
  let calls = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const outcome = await client.call(nextId()).catch((error) => `threw ${error?.code ?? error?.name}`);
      latencies?.push(performance.now() - started);
      outcomes?.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return calls;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function cell({ env, concurrency, warmupMs, durationMs, prefix, pool }) {
  const client = make(env, { rateLimit: false });
  let next = 0;
  const nextId = () => `${prefix}${next++ % pool}`;
  await drive(client, concurrency, warmupMs, nextId);
  // No forced gc() here: V8 shrinks the young generation after one, and the window would pay for regrowing it.
  const latencies = [];
  const outcomes = new Map();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const calls = await drive(client, concurrency, durationMs, nextId, latencies, outcomes);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  client.close?.();
  latencies.sort((a, b) => a - b);
  return {
    calls,
    perSecond: (calls / wallMs) * 1000,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    outcomes: Object.fromEntries(outcomes),
    idsUsed: next,
  };
}

async function bulk({ env, n, prefix }) {
  let throttledAttempts = 0;
  const onEvent = (event) => {
    if (event.type === 'attempt-result' && isThrottling(event.errorTag ?? '')) throttledAttempts++;
  };
  const client = make(env, { onEvent });
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: n }, (_, i) => client.call(`${prefix}${i}`).catch((e) => `threw ${e?.code ?? e?.name}`)),
  );
  const wallMs = performance.now() - started;
  client.close?.();
  const counts = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return {
    wallMs,
    ok: counts.ok ?? 0,
    throttledSurfaced: outcomes.filter(isThrottling).length,
    throttledAttempts,
    outcomes: counts,
  };
}

async function memory({ env, checkpoints }) {
  const client = make(env, { rateLimit: false });
  let next = 0;
  const nextId = () => `gone_${next++}`; // no such session: one full round trip each, SessionNotFound
  const points = [];
  let done = 0;
  for (const target of checkpoints) {
    while (done < target) {
      const batch = Math.min(32, target - done);
      await Promise.all(Array.from({ length: batch }, () => client.call(nextId())));
      done += batch;
    }
    gc();
    gc();
    const usage = process.memoryUsage();
    points.push({ calls: done, rssMb: usage.rss / 2 ** 20, heapUsedMb: usage.heapUsed / 2 ** 20 });
  }
  client.close?.();
  return { points };
}

const handlers = { cell, bulk, memory };

process.on('message', async (message) => {
  if (message.type === 'exit') process.exit(0);
  const result = await handlers[message.type](message);
  process.send({ type: 'result', result });
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'loaded' });
