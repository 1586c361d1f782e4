// The durable queue's benchmark (issue 21): 1000 stops through 4 @mixtask/queue worker processes sharing the vendor
// quota through @mixtask/redis, against stopMixes in one process at the same quota (Tencent 100/s, Aliyun 500/s);
// then lease capacity: 10,000 leases renewed every 10 s on one Redis (Redis commands per renewal, Redis and worker
// CPU). `node bench/queue.mjs` alone, or as part of bench/run.mjs. Needs redis-server; starts its own on 127.0.0.1
// with the production settings (AOF, fsync every second, noeviction) in a temporary directory.
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
const workers = 4;
const total = 1000;
const quota = { tencent: 100, aliyun: 500 };
const leases = 10_000;
const renewEveryMs = 10_000;
const renewRounds = 2;

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
  const c = fork(join(here, 'queue-worker.mjs'), [], { env: loopbackEnv() });
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
  for (const match of info.matchAll(/cmdstat_[a-z|_-]+:calls=(\d+)/g)) calls += Number(match[1]);
  const cpu = await redisCommand(port, 'INFO cpu');
  const seconds = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  return { calls, cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000 };
};

async function emulatorWith(vendor, ids) {
  const emulator = await startEmulator({ host: '127.0.0.1' });
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

const throttles = (emulator) =>
  emulator.requests().filter((r) => /^(RequestLimitExceeded|Throttling)/.test(r.code ?? '')).length;

async function direct(vendor) {
  const ids = Array.from({ length: total }, (_, i) => `d${i}`);
  const { emulator, env } = await emulatorWith(vendor, ids);
  const c = await child();
  const started = performance.now();
  const done = next(c, 'direct-done');
  c.send({ type: 'direct', vendor, env, quota: quota[vendor], ids });
  const { totals } = await done;
  const wallMs = performance.now() - started;
  const throttled = throttles(emulator);
  c.send({ type: 'exit' });
  await emulator.close();
  return { wallMs, throttled, ok: totals.stopped + totals.alreadyStopped };
}

async function queued(vendor, redisUrl, port) {
  const ids = Array.from({ length: total }, (_, i) => `q${i}`);
  const { emulator, env } = await emulatorWith(vendor, ids);
  const name = `bench-${vendor}-${Date.now()}`;
  const fleet = await Promise.all(Array.from({ length: workers }, child));
  let finished = 0;
  let ok = 0;
  let allDone;
  const everything = new Promise((resolve) => (allDone = resolve));
  for (const c of fleet) {
    c.on('message', (m) => {
      if (m.type !== 'done') return;
      finished++;
      if (m.ok) ok++;
      if (finished === total) allDone();
    });
    c.send({ type: 'worker', vendor, env, redisUrl, name, quota: quota[vendor], key: name });
  }
  await Promise.all(fleet.map((c) => next(c, 'worker-ready')));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the workers' blocking reads are in place
  const cpuBefore = await Promise.all(fleet.map(cpuOf));
  const before = await stats(port);
  const queue = createStopQueue({ redis: redisUrl, name });
  const started = performance.now();
  // The app side: 32 stop() calls at a time, as a busy app would make them.
  for (let i = 0; i < total; i += 32) await Promise.all(ids.slice(i, i + 32).map((id) => queue.stop(id)()));
  const enqueuedMs = performance.now() - started;
  await everything;
  const wallMs = performance.now() - started;
  const after = await stats(port);
  const cpuAfter = await Promise.all(fleet.map(cpuOf));
  await queue.close()();
  for (const c of fleet) c.send({ type: 'exit' });
  await Promise.all(fleet.map((c) => new Promise((resolve) => c.once('exit', resolve))));
  const throttled = throttles(emulator);
  await emulator.close();
  const workerCpuMs = cpuAfter.reduce((sum, cpu, i) => sum + cpu - (cpuBefore[i] ?? 0), 0);
  return {
    wallMs,
    enqueuedMs,
    throttled,
    ok,
    redisCallsPerStop: (after.calls - before.calls) / total,
    workerCpuMsPerStop: workerCpuMs / total,
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
  const redisUrl = `redis://127.0.0.1:${port}`;
  const lines = [
    `queue: ${total} stops through ${workers} @mixtask/queue worker processes (one quota shared through @mixtask/redis)`,
    `vs stopMixes in one process at the same quota; Redis with appendonly yes, appendfsync everysec, noeviction`,
    '',
    '| vendor (quota) | direct stopMixes s | queue s (enqueue s) | ratio | throttling answers | stops ok | Redis commands per stop | worker CPU ms per stop |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  try {
    for (const vendor of ['tencent', 'aliyun']) {
      const d = await direct(vendor);
      log(`queue ${vendor} direct: ${(d.wallMs / 1000).toFixed(2)} s`);
      const q = await queued(vendor, redisUrl, port);
      log(`queue ${vendor} queued: ${(q.wallMs / 1000).toFixed(2)} s`);
      lines.push(
        `| ${vendor} (${quota[vendor]}/s) | ${(d.wallMs / 1000).toFixed(2)} | ${(q.wallMs / 1000).toFixed(2)} (${(q.enqueuedMs / 1000).toFixed(2)}) | ${(q.wallMs / d.wallMs).toFixed(2)} | ${d.throttled} / ${q.throttled} | ${d.ok} / ${q.ok} | ${q.redisCallsPerStop.toFixed(1)} | ${q.workerCpuMsPerStop.toFixed(2)} |`,
      );
    }
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
