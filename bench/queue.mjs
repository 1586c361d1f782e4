// The durable queue's benchmark (issue 21): 1000 stops through 4 @mixtask/queue worker processes sharing the vendor
// quota through @mixtask/redis, against stopMixes in one process at the same quota (Tencent 100/s, Aliyun 500/s);
// then lease capacity: 10,000 leases renewed every 10 s on one Redis (Redis commands per renewal, Redis and worker
// CPU). `node bench/queue.mjs` alone, or as part of bench/run.mjs. Needs redis-server; starts its own on 127.0.0.1
// with the production settings (AOF, fsync every second, noeviction) in a temporary directory.
// Flags: --only <tencent|aliyun>, --no-leases, --rounds <n> (5), --workers <n> (4), --warmup <n>, --cold, --per-id,
// --rtt <ms>, --worker-concurrency <n> (fixed, instead of the adaptive default);
// diagnostics: MIXTASK_BENCH_TRACE=1 (arrival times, Redis commands per stop by command, socket writes per worker),
// MIXTASK_BENCH_PROFILE=<dir>.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@mixtask/emulator';
import { createStopQueue } from '@mixtask/queue';
import { freePort, redisCommand, stopProcess } from './fleet.mjs';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// `--workers <n>`: another fleet size (the issue's is 4).
const workers = process.argv.includes('--workers') ? Number(process.argv[process.argv.indexOf('--workers') + 1]) : 4;
const total = 1000;
const quota = { tencent: 100, aliyun: 500 };
const leases = 10_000;
const renewEveryMs = 10_000;
const renewRounds = 2;
// `--only <vendor>` runs one vendor's rows; `--no-leases` skips the lease capacity run (both for probing one change).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const noLeases = process.argv.includes('--no-leases');
// Every process first stops `warmupFor(vendor)` other mixes, unmeasured: the direct one, and each worker of the fleet
// (so the fleet's warm-up is that × workers), through the same processes and provider, then waits out the quota's
// second. A worker fleet and an app are long-lived: none meets an event's end with code the JIT has not optimised.
// Five seconds of the quota each (500 at 100/s, 2500 at 500/s): at 500/s a worker warmed by 500 stops still spent
// 1.4 ms of CPU per stop, by 1500 1.0 ms, by 3000 0.74 ms (2026-12-03). `--warmup <n>` sets the count per process;
// `--cold` measures fresh processes instead: 4 workers then pay JIT warm-up 4 times, one process once.
const cold = process.argv.includes('--cold');
const warmupArg = process.argv.includes('--warmup')
  ? Number(process.argv[process.argv.indexOf('--warmup') + 1])
  : undefined;
const warmupFor = (vendor) => (cold ? 0 : (warmupArg ?? 5 * quota[vendor]));
const quotaDrainMs = 1500;
const perId = process.argv.includes('--per-id');
// `--rtt <ms>`: the emulator answers each request that much later, as a vendor across a network does (loopback
// answers in well under a millisecond, which leaves this machine's CPU as the only limit).
const rounds = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 5;
const workerConcurrency = process.argv.includes('--worker-concurrency')
  ? Number(process.argv[process.argv.indexOf('--worker-concurrency') + 1])
  : undefined;
const rttMs = process.argv.includes('--rtt') ? Number(process.argv[process.argv.indexOf('--rtt') + 1]) : 0;

async function startDurableRedis(port, dir) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 250 && !(await redisCommand(port, 'PING')).startsWith('+PONG'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // BullMQ's production settings (docs/durability.md); `always` would fsync per write, this disk is shared.
  for (const setting of ['appendonly yes', 'appendfsync everysec', 'maxmemory-policy noeviction']) {
    await redisCommand(port, `CONFIG SET ${setting}`);
  }
  return child;
}

const child = () => {
  const c = fork(join(here, 'queue-worker.mjs'), [], { env: loopbackEnv(), execArgv: [] });
  return new Promise((resolve) => c.once('message', () => resolve(c)));
};
const next = (c, type) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type !== type) return;
      c.off('message', on);
      resolve(m);
    };
    c.on('message', on);
  });
const cpuOf = async (c) => {
  const answer = next(c, 'cpu');
  c.send({ type: 'cpu' });
  return (await answer).cpuMs;
};

const stats = async (port) => {
  const info = await redisCommand(port, 'INFO commandstats');
  let calls = 0;
  const byCommand = {};
  for (const match of info.matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) {
    calls += Number(match[2]);
    byCommand[match[1]] = Number(match[2]);
  }
  const cpu = await redisCommand(port, 'INFO cpu');
  const seconds = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  return { calls, byCommand, cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000 };
};

async function emulatorWith(vendor, ids) {
  const emulator = await startEmulator({ host: '127.0.0.1' });
  if (rttMs > 0) emulator.inject({ action: { type: 'delay', ms: rttMs }, times: Number.POSITIVE_INFINITY });
  for (const id of ids) {
    if (vendor === 'tencent') await emulator.tencent.createSession(id);
    else await emulator.aliyun.startTask(id);
  }
  const env = {
    url: emulator.url,
    tencent: { ...emulator.tencent.credentials },
    aliyun: { ...emulator.aliyun.credentials, appId: emulator.aliyun.appId },
  };
  return { emulator, env };
}

/** When the 1st, 500th, 501st and last measured request reached the emulator, ms after `startedAt` (Date.now()): the
 * first second's 500 and the next second's, which the quota makes wait for the first ones' answers + 1 s. */
const arrivals = (emulator, prefix, startedAt) => {
  const times = emulator
    .requests()
    .filter((r) => !(r.body + r.url).includes('warm') && r.receivedAt >= startedAt)
    .map((r) => r.receivedAt - startedAt)
    .sort((a, b) => a - b);
  return [0, 499, 500, times.length - 1].map((i) => times[i]).join('/');
};

const throttles = (emulator) =>
  emulator.requests().filter((r) => /^(RequestLimitExceeded|Throttling)/.test(r.code ?? '')).length;

const warmIds = (tag, count) => Array.from({ length: count }, (_, i) => `${tag}warm${i}`);

async function direct(vendor) {
  const warmup = warmupFor(vendor);
  const ids = Array.from({ length: total }, (_, i) => `d${i}`);
  const { emulator, env } = await emulatorWith(vendor, [...warmIds('d', warmup), ...ids]);
  const c = await child();
  if (warmup > 0) {
    const warmed = next(c, 'direct-done');
    c.send({ type: 'direct', vendor, env, quota: quota[vendor], ids: warmIds('d', warmup), keep: true });
    await warmed;
    await new Promise((resolve) => setTimeout(resolve, quotaDrainMs));
  }
  const cpuBefore = await cpuOf(c);
  const started = performance.now();
  const done = next(c, 'direct-done');
  const startedAt = Date.now();
  c.send({ type: 'direct', vendor, env, quota: quota[vendor], ids });
  const { totals } = await done;
  const wallMs = performance.now() - started;
  const cpuMsPerStop = ((await cpuOf(c)) - cpuBefore) / total;
  const throttled = throttles(emulator);
  if (process.env.MIXTASK_BENCH_TRACE) console.error('direct arrivals', arrivals(emulator, 'd', startedAt));
  c.send({ type: 'exit' });
  await emulator.close();
  return { wallMs, throttled, ok: totals.stopped + totals.alreadyStopped, cpuMsPerStop };
}

async function queued(vendor, redisUrl, port) {
  const warmup = warmupFor(vendor);
  const ids = Array.from({ length: total }, (_, i) => `q${i}`);
  const { emulator, env } = await emulatorWith(vendor, [...warmIds('q', warmup * workers), ...ids]);
  const name = `bench-${vendor}-${Date.now()}`;
  const fleet = await Promise.all(Array.from({ length: workers }, child));
  let finished = 0;
  let ok = 0;
  let lastAt = 0;
  let allDone;
  let everything;
  const expect = () => {
    finished = 0;
    ok = 0;
    everything = new Promise((resolve) => (allDone = resolve));
  };
  for (const c of fleet) {
    c.on('message', (m) => {
      if (m.type !== 'done') return;
      finished += m.all;
      ok += m.ok;
      lastAt = Math.max(lastAt, m.lastAt);
      if (finished >= (warming ? warmup * workers : total)) allDone();
    });
    c.send({
      type: 'worker',
      vendor,
      env,
      redisUrl,
      name,
      quota: quota[vendor],
      key: name,
      concurrency: workerConcurrency,
    });
  }
  await Promise.all(fleet.map((c) => next(c, 'worker-ready')));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the workers' blocking reads are in place
  // The app runs in a process of its own, as the direct side's does: in this one it would hold up the emulator's
  // answers while it enqueues. It is long-lived, as the direct side's provider is: the warm-up goes through the same
  // queue (its connection and BullMQ's loaded scripts), so the measured run does not pay for connecting.
  const app = await child();
  const enqueue = async (ids) => {
    const answer = next(app, 'enqueued');
    app.send({ type: 'enqueue', redisUrl, name, ids, perId });
    const { ms, error } = await answer;
    if (error !== undefined) throw new Error(`stopMany: ${error}`);
    return ms;
  };
  let warming = warmup > 0;
  if (warming) {
    expect();
    await enqueue(warmIds('q', warmup * workers));
    await everything;
    warming = false;
    await new Promise((resolve) => setTimeout(resolve, quotaDrainMs));
  }
  expect();
  const cpuBefore = await Promise.all(fleet.map(cpuOf));
  const appCpuBefore = await cpuOf(app);
  const before = await stats(port);
  for (const c of fleet) c.send({ type: 'profile-start' });
  const mainCpuBefore = process.cpuUsage();
  const started = performance.now();
  const startedAt = Date.now();
  // The app side: an event ended, its 1000 mixes are queued with one stopMany (a first batch of 50, then batches of
  // 500, each in two round trips), as stopMixes takes them in one call on the direct side. `--per-id`: 32 stop()
  // calls at a time instead.
  const enqueuedMs = await enqueue(ids);
  await everything;
  // The workers report every 10 ms with the time their last job finished: the wall ends there, not at the report.
  const wallMs = Math.min(performance.now() - started, lastAt - startedAt);
  const after = await stats(port);
  const mainCpu = process.cpuUsage(mainCpuBefore);
  for (const c of fleet) c.send({ type: 'profile-stop' });
  const cpuAfter = await Promise.all(fleet.map(cpuOf));
  const appCpuMs = (await cpuOf(app)) - appCpuBefore;
  for (const c of [...fleet, app]) c.send({ type: 'exit' });
  await Promise.all([...fleet, app].map((c) => new Promise((resolve) => c.once('exit', resolve))));
  const throttled = throttles(emulator);
  if (process.env.MIXTASK_BENCH_TRACE) {
    console.error('queue arrivals', arrivals(emulator, 'q', startedAt));
    const perStop = Object.entries(after.byCommand)
      .map(([command, calls]) => [command, (calls - (before.byCommand[command] ?? 0)) / total])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    console.error('Redis commands per stop', perStop.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', '));
  }
  await emulator.close();
  const workerCpuMs = cpuAfter.reduce((sum, cpu, i) => sum + cpu - (cpuBefore[i] ?? 0), 0);
  return {
    wallMs,
    enqueuedMs,
    throttled,
    ok,
    redisCallsPerStop: (after.calls - before.calls) / total,
    workerCpuMsPerStop: workerCpuMs / total,
    redisCpuMsPerStop: (after.cpuMs - before.cpuMs) / total,
    appCpuMsPerStop: (appCpuMs + (mainCpu.user + mainCpu.system) / 1000) / total,
  };
}

async function leaseCapacity(redisUrl, port) {
  const name = `bench-leases-${Date.now()}`;
  const ids = Array.from({ length: leases }, (_, i) => `lease_${i}`);
  const queue = createStopQueue({ redis: redisUrl, name });
  const leaseStarted = performance.now();
  for (let i = 0; i < leases; i += 100) {
    await Promise.all(ids.slice(i, i + 100).map((id) => queue.lease(id, { ttlMs: 600_000 })()));
  }
  const leaseMs = performance.now() - leaseStarted;
  // An idle worker beside them: what do 10,000 delayed jobs cost the process that must stop them when due?
  const { emulator, env } = await emulatorWith('tencent', []);
  const worker = await child();
  worker.send({ type: 'worker', vendor: 'tencent', env, redisUrl, name, quota: 100, key: name });
  await next(worker, 'worker-ready');
  const renewer = await child();
  const before = await stats(port);
  const workerBefore = await cpuOf(worker);
  const renewerBefore = await cpuOf(renewer);
  const started = performance.now();
  const renewed = next(renewer, 'renewed');
  renewer.send({ type: 'renew', redisUrl, name, ids, everyMs: renewEveryMs, rounds: renewRounds });
  const { renewals, failures } = await renewed;
  const elapsedMs = performance.now() - started;
  const after = await stats(port);
  const workerCpuMs = (await cpuOf(worker)) - workerBefore;
  const renewerCpuMs = (await cpuOf(renewer)) - renewerBefore;
  const memory = await redisCommand(port, 'INFO memory');
  const usedMemory = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0);
  await queue.close()();
  for (const c of [worker, renewer]) c.send({ type: 'exit' });
  await emulator.close();
  return {
    leaseMs,
    renewals,
    failures,
    elapsedMs,
    commandsPerRenewal: (after.calls - before.calls) / renewals,
    redisCpuPct: ((after.cpuMs - before.cpuMs) / elapsedMs) * 100,
    workerCpuPct: (workerCpuMs / elapsedMs) * 100,
    renewerCpuMsPerRenewal: renewerCpuMs / renewals,
    usedMemoryMb: usedMemory / 1024 / 1024,
  };
}

export async function runQueue({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return 'queue: SKIPPED — redis-server is not installed (apt-get install redis-server)';
  }
  const dir = mkdtempSync(join(tmpdir(), 'mixtask-bench-queue-'));
  const port = await freePort();
  const redis = await startDurableRedis(port, dir);
  // MIXTASK_BENCH_TRACE=1: each measured run's arrival times at the emulator, and each worker's socket writes.
  if (process.env.MIXTASK_BENCH_TRACE) process.env.MIXTASK_BENCH_REDIS_PORT = String(port);
  const redisUrl = `redis://127.0.0.1:${port}`;
  const lines = [
    `queue: ${total} stops through ${workers} @mixtask/queue worker processes (one quota shared through @mixtask/redis)`,
    `vs stopMixes in one process at the same quota; Redis with appendonly yes, appendfsync everysec, noeviction;`,
    `${workerConcurrency === undefined ? 'both sides with default options' : `workers at a fixed concurrency of ${workerConcurrency} (--worker-concurrency)`}, ${cold ? 'fresh processes (--cold)' : `every process (the direct one, each worker, the app) warmed by ${warmupArg ?? 'five seconds of the quota in'} unmeasured stops first`},`,
    `the app (a process of its own) queueing with stopMany${perId ? ' (--per-id: 32 stop() calls at a time)' : ''};`,
    `emulator round trip ${rttMs > 0 ? `${rttMs} ms (--rtt)` : 'loopback'}; ${rounds} rounds, the median ratio's round shown`,
    '',
    '| vendor (quota) | direct stopMixes s | queue s (enqueue s) | ratio (each round) | throttling answers | stops ok | Redis commands per stop | CPU ms per stop: workers | Redis | app + emulator |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  try {
    for (const vendor of ['tencent', 'aliyun'].filter((v) => only === undefined || v === only)) {
      // Rounds alternate direct and queued runs; the row is the round with the median ratio (one 2-s run on a shared
      // machine varies by ±10 %), and every round's ratio is listed.
      const runs = [];
      for (let round = 0; round < rounds; round++) {
        const d = await direct(vendor);
        const q = await queued(vendor, redisUrl, port);
        log(
          `queue ${vendor} round ${round + 1}: direct ${(d.wallMs / 1000).toFixed(2)} s, queued ${(q.wallMs / 1000).toFixed(2)} s (× ${(q.wallMs / d.wallMs).toFixed(2)}); CPU ms per stop: direct process ${d.cpuMsPerStop.toFixed(2)}, workers ${q.workerCpuMsPerStop.toFixed(2)}, Redis ${q.redisCpuMsPerStop.toFixed(2)}, app and emulator ${q.appCpuMsPerStop.toFixed(2)}`,
        );
        runs.push({ d, q, ratio: q.wallMs / d.wallMs });
      }
      const { d, q } = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)];
      lines.push(
        `| ${vendor} (${quota[vendor]}/s) | ${(d.wallMs / 1000).toFixed(2)} | ${(q.wallMs / 1000).toFixed(2)} (${(q.enqueuedMs / 1000).toFixed(2)}) | ${(q.wallMs / d.wallMs).toFixed(2)} (${runs.map((r) => r.ratio.toFixed(2)).join(', ')}) | ${d.throttled} / ${q.throttled} | ${d.ok} / ${q.ok} | ${q.redisCallsPerStop.toFixed(1)} | ${q.workerCpuMsPerStop.toFixed(2)} | ${q.redisCpuMsPerStop.toFixed(2)} | ${q.appCpuMsPerStop.toFixed(2)} |`,
      );
    }
    if (noLeases) return lines.join('\n');
    const l = await leaseCapacity(redisUrl, port);
    log(`queue leases: ${l.renewals} renewals in ${(l.elapsedMs / 1000).toFixed(1)} s`);
    lines.push(
      '',
      `leases: ${leases} leased in ${(l.leaseMs / 1000).toFixed(1)} s, then each renewed every ${renewEveryMs / 1000} s for ${renewRounds} rounds (${l.renewals} renewals, ${l.failures} not renewed) on one Redis:`,
      `  Redis commands per renewal ${l.commandsPerRenewal.toFixed(2)}, Redis CPU ${l.redisCpuPct.toFixed(1)} %, Redis memory ${l.usedMemoryMb.toFixed(1)} MB,`,
      `  an idle worker beside the ${leases} delayed jobs ${l.workerCpuPct.toFixed(2)} % CPU, the renewer ${l.renewerCpuMsPerRenewal.toFixed(3)} ms CPU per renewal`,
    );
  } finally {
    await stopProcess(redis, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await runQueue());
