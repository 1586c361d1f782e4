// Telemetry overhead: `npm run bench:telemetry` (about 1 min; `-- --quick` about 20 s). CPU per mixtask Tencent stop
// with OpenTelemetry off, with @opentelemetry/api installed but no SDK (the default), and with an SDK recording every
// span and metric point into memory. Same machinery as bench/run.mjs: the emulator in bench/server.mjs, one
// bench/client.mjs per subject, rounds interleaved so that drift on a shared machine hits every subject alike.
// Everything talks to 127.0.0.1 only.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ask, median } from './ipc.mjs';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const settings = quick
  ? { rounds: 3, processWarmupMs: 500, warmupMs: 150, durationMs: 400, pool: 8_000 }
  : { rounds: 7, processWarmupMs: 1500, warmupMs: 300, durationMs: 1000, pool: 30_000 };
const subjects = ['otel off', 'otel no-sdk', 'otel sdk'];
const concurrencies = [1, 32];

const childEnv = loopbackEnv();

const log = (line) => process.stderr.write(`${line}\n`);
const start = (script, args = []) => fork(join(here, script), args, { env: childEnv });

const started = performance.now();
const server = start('server.mjs');
await ask(server, undefined, 'started');
const fresh = (sessions, prefix) => ask(server, { type: 'fresh', quota: false, sessions, prefix }, 'ready');

const clients = new Map(subjects.map((name) => [name, start('client.mjs', [name])]));
await Promise.all([...clients.values()].map((child) => ask(child, undefined, 'loaded')));

const cellOf = (env, concurrency, prefix, warmupMs, durationMs) => ({
  type: 'cell',
  env,
  concurrency,
  warmupMs,
  durationMs,
  prefix,
  pool: settings.pool,
});
for (const child of clients.values()) {
  await ask(child, cellOf(await fresh(settings.pool, 'w_'), 32, 'w_', 0, settings.processWarmupMs));
}

const cells = [];
for (let round = 0; round < settings.rounds; round++) {
  const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]);
  for (const name of order) {
    for (const concurrency of concurrencies) {
      const prefix = `t${round}_`;
      const env = await fresh(settings.pool, prefix);
      const result = await ask(
        clients.get(name),
        cellOf(env, concurrency, prefix, settings.warmupMs, settings.durationMs),
      );
      cells.push({ name, concurrency, round, ...result });
    }
  }
  log(`telemetry round ${round + 1}/${settings.rounds} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
for (const child of clients.values()) child.send({ type: 'exit' });
server.send({ type: 'close' });

const of = (name, concurrency, key) =>
  cells.filter((c) => c.name === name && c.concurrency === concurrency).map((c) => c[key]);
const lines = [
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${quick ? 'quick' : 'full'} run in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  '',
  '| subject | CPU µs/call c1 | ÷ off | CPU µs/call c32 | ÷ off | req/s c1 / c32 |',
  '|---|--:|--:|--:|--:|--:|',
];
const base = Object.fromEntries(concurrencies.map((c) => [c, median(of('otel off', c, 'cpuUsPerCall'))]));
for (const name of subjects) {
  const cpu = concurrencies.map((c) => median(of(name, c, 'cpuUsPerCall')));
  const rate = concurrencies.map((c) => median(of(name, c, 'perSecond')).toFixed(0)).join(' / ');
  lines.push(
    `| ${name} | ${cpu[0].toFixed(0)} | ${(cpu[0] / base[1]).toFixed(3)} | ${cpu[1].toFixed(0)} | ${(cpu[1] / base[32]).toFixed(3)} | ${rate} |`,
  );
}
lines.push('', `medians of ${settings.rounds} interleaved rounds; spread (min–max CPU µs/call per cell):`);
for (const name of subjects) {
  for (const c of concurrencies) {
    const values = of(name, c, 'cpuUsPerCall');
    const outcomes = new Set(cells.filter((x) => x.name === name).flatMap((x) => Object.keys(x.outcomes)));
    lines.push(
      `  ${name.padEnd(12)} c${String(c).padEnd(3)} ${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}  [${[...outcomes].join(', ')}]`,
    );
  }
}

// The wrapper alone, in this process (no SDK registered here): what `around` adds to one call, with the HTTP
// round trip taken out. The per-call table above carries the noise of a whole stop; this isolates the hook.
const { createTelemetry } = await import('../packages/core/dist/internal.js');
const endpoint = new URL('https://live.tencentcloudapi.com');
const wrapped = createTelemetry(undefined, { provider: 'tencent', endpoint });
const ok = { _tag: 'Right', right: {} };
const direct = async () => ok;
const n = quick ? 200_000 : 1_000_000;
const cpuNsPerCall = async (call) => {
  for (let i = 0; i < 20_000; i++) await call(); // warm the JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / n;
};
const plainNs = [];
const aroundNs = [];
for (let round = 0; round < 5; round++) {
  plainNs.push(await cpuNsPerCall(() => direct()));
  aroundNs.push(await cpuNsPerCall(() => wrapped.around(direct)));
}
const offStop = median(of('otel off', 1, 'cpuUsPerCall'));
const addedNs = median(aroundNs) - median(plainNs);
lines.push(
  '',
  `wrapper alone, API loaded, no SDK: ${median(aroundNs).toFixed(0)} ns/call vs ${median(plainNs).toFixed(0)} ns for the bare async call: +${addedNs.toFixed(0)} ns, ${((addedNs / 1000 / offStop) * 100).toFixed(2)}% of a stop's ${offStop.toFixed(0)} µs (c1, telemetry off)`,
);
console.log(lines.join('\n'));
