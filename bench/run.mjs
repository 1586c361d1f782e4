// mixtask benchmark: `npm run bench` (full, under 5 min) or `npm run bench -- --quick` (under 60 s).
// `--json FILE` also writes every measurement. Everything runs on this machine and talks to 127.0.0.1 only.
//
// Process tree: this orchestrator; bench/server.mjs (the emulator, a fresh one per measurement); one
// bench/client.mjs per subject (its own heap and CPU account); bench/cold.mjs spawned afresh per cold start.
import { fork, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { installedSize } from './sizes.mjs';
import { vendorOf } from './subjects.mjs';
import { ask, coldStart, median } from './ipc.mjs';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const jsonIndex = process.argv.indexOf('--json');
const jsonPath = jsonIndex === -1 ? undefined : process.argv[jsonIndex + 1];

const settings = quick
  ? {
      rounds: 2,
      processWarmupMs: 400,
      warmupMs: 150,
      durationMs: 300,
      pool: 8_000,
      bulkN: 1000,
      bulkIvsN: 25,
      coldRuns: 3,
      memoryCalls: 10_000,
    }
  : {
      rounds: 5,
      processWarmupMs: 1500,
      warmupMs: 300,
      durationMs: 1000,
      pool: 30_000,
      bulkN: 1000,
      bulkIvsN: 50,
      coldRuns: 7,
      memoryCalls: 100_000,
    };
const concurrencies = [1, 32];
const quota = { tencent: 100, aliyun: 500, 'aws-ivs': 5 };
/** Bulk ids per subject: IVS's 5/s would make 1000 ids a 200 s cell, so its bulk is shorter (the same shape). */
const bulkNOf = (name) => (vendorOf(name) === 'aws-ivs' ? settings.bulkIvsN : settings.bulkN);

/** The table's rows, in order; each measured where it makes sense. */
const rows = [
  'raw-http tencent',
  'got alone tencent',
  'got stream tencent',
  'mixtask tencent',
  'mixtask tencent node',
  'mixtask umbrella node',
  'tencent-sdk common',
  'tencent-sdk full',
  'raw-http aliyun',
  'mixtask aliyun',
  'mixtask aliyun node',
  'alicloud pop-core',
  'alicloud openapi-core',
  'mixtask aws-ivs',
  'mixtask aws-ivs node',
  'aws-sdk ivs-realtime',
];
// 'tencent-sdk full': the same code path as -common; 'mixtask umbrella node': the same as 'mixtask tencent node'.
const perCallSubjects = rows.filter((name) => name !== 'tencent-sdk full' && name !== 'mixtask umbrella node');
const bulkSubjects = [
  'mixtask tencent',
  'tencent-sdk common',
  'mixtask aliyun',
  'alicloud pop-core',
  'alicloud openapi-core',
  'mixtask aws-ivs',
  'aws-sdk ivs-realtime',
];
const coldSubjects = [
  'raw-http tencent',
  'got alone tencent',
  'mixtask tencent',
  'mixtask tencent node',
  'mixtask umbrella node',
  'mixtask aliyun',
  'mixtask aliyun node',
  'tencent-sdk common',
  'tencent-sdk full',
  'alicloud pop-core',
  'alicloud openapi-core',
  'mixtask aws-ivs node',
  'aws-sdk ivs-realtime',
];
const packagesOf = {
  'got alone tencent': ['got'],
  'mixtask tencent': ['@mixtask/provider-tencent'],
  // Core + one provider as an app on the node transport needs it: got is still a dependency of core today.
  'mixtask tencent node': [['@mixtask/provider-tencent'], { without: ['got'] }],
  'mixtask umbrella node': ['mixtask'],
  'mixtask aliyun': ['@mixtask/provider-aliyun'],
  'tencent-sdk common': ['tencentcloud-sdk-nodejs-common'],
  'tencent-sdk full': ['tencentcloud-sdk-nodejs'],
  'alicloud pop-core': ['@alicloud/pop-core'],
  'alicloud openapi-core': ['@alicloud/openapi-core'],
  'mixtask aws-ivs': ['@mixtask/provider-aws-ivs'],
  'mixtask aws-ivs node': [['@mixtask/provider-aws-ivs'], { without: ['got'] }],
  'aws-sdk ivs-realtime': ['@aws-sdk/client-ivs-realtime'],
};

const childEnv = loopbackEnv();

const log = (line) => process.stderr.write(`${line}\n`);
const start = (script, args = [], execArgv = []) => fork(join(here, script), args, { env: childEnv, execArgv });

const benchStarted = performance.now();
const server = start('server.mjs');
await ask(server, undefined, 'started');
/** A fresh emulator (quotas on or off) with `sessions` live ids `${prefix}${i}` for both vendors. */
const fresh = (quotaOn, sessions, prefix) => ask(server, { type: 'fresh', quota: quotaOn, sessions, prefix }, 'ready');

const clients = new Map();
for (const name of perCallSubjects) clients.set(name, start('client.mjs', [name]));
await Promise.all([...clients.values()].map((child) => ask(child, undefined, 'loaded')));

// Warm every client's JIT once (discarded): a library's first few thousand calls run unoptimised code.
for (const child of clients.values()) {
  const env = await fresh(false, settings.pool, 'w_');
  await ask(child, {
    type: 'cell',
    env,
    concurrency: 32,
    warmupMs: 0,
    durationMs: settings.processWarmupMs,
    prefix: 'w_',
    pool: settings.pool,
  });
}
log(`clients warmed (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);

// 1. Per call: interleaved rounds, every subject at every concurrency, each on a fresh emulator, quotas off.
const cells = [];
for (let round = 0; round < settings.rounds; round++) {
  const order = perCallSubjects.map((_, i) => perCallSubjects[(i + round) % perCallSubjects.length]);
  for (const name of order) {
    for (const concurrency of concurrencies) {
      const prefix = `c${round}_`;
      const env = await fresh(false, settings.pool, prefix);
      const result = await ask(clients.get(name), {
        type: 'cell',
        env,
        concurrency,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        prefix,
        pool: settings.pool,
      });
      if (result.idsUsed > settings.pool) log(`  note: ${name} ran past its ${settings.pool} live ids`);
      cells.push({ name, concurrency, round, ...result });
    }
  }
  log(
    `per-call round ${round + 1}/${settings.rounds} done (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`,
  );
}

// 2. Bulk at quota: N ids stopped at once (Promise.all), the emulator enforcing 100/s, 500/s and 5/s, client defaults.
const bulk = {};
for (const name of bulkSubjects) {
  const n = bulkNOf(name);
  const env = await fresh(true, n, 'bulk_');
  const result = await ask(clients.get(name), { type: 'bulk', env, n, prefix: 'bulk_' });
  const idealMs = (n / quota[vendorOf(name)]) * 1000;
  bulk[name] = { ...result, n, idealMs, ratio: result.wallMs / idealMs };
}
log(`bulk done (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
for (const child of clients.values()) child.send({ type: 'exit' });

// 3. Cold start: import, then construct and finish a first stop, each in a fresh node process.
const colds = {};
for (let run = 0; run < settings.coldRuns; run++) {
  for (const name of coldSubjects) {
    const env = await fresh(false, 1, 'cold_');
    (colds[name] ??= []).push(coldStart(name, env, childEnv));
  }
}
const cold = {};
for (const [name, runs] of Object.entries(colds)) {
  cold[name] = {};
  for (const key of ['importMs', 'importRssMb', 'firstStopMs', 'firstStopRssMb'])
    cold[name][key] = median(runs.map((r) => r[key]));
  cold[name].outcome = runs[0].outcome;
}
log(`cold start done (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);

// 4. Installed size of each library with its dependency closure.
const size = {};
for (const [name, packages] of Object.entries(packagesOf))
  size[name] = typeof packages[0] === 'string' ? installedSize(packages) : installedSize(...packages);

// 5. Memory: a fresh mixtask Tencent client, RSS after 1k, 10%, 50% and all memoryCalls stops (unknown ids).
const memoryClient = start('client.mjs', ['mixtask tencent'], ['--expose-gc']);
await ask(memoryClient, undefined, 'loaded');
const memoryEnv = await fresh(false, 0, 'm_');
const checkpoints = [...new Set([1000, settings.memoryCalls / 10, settings.memoryCalls / 2, settings.memoryCalls])];
const memory = await ask(memoryClient, { type: 'memory', env: memoryEnv, checkpoints });
memoryClient.send({ type: 'exit' });
log(`memory done (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
server.send({ type: 'close' });

// Aggregation: median over rounds (and the best round, to show the spread).
const stat = (name, concurrency, key, best) => {
  const values = cells.filter((c) => c.name === name && c.concurrency === concurrency).map((c) => c[key]);
  return values.length === 0 ? undefined : { median: median(values), best: best(...values) };
};
const perCall = {};
for (const name of perCallSubjects) {
  perCall[name] = {};
  for (const concurrency of concurrencies) {
    perCall[name][concurrency] = {
      perSecond: stat(name, concurrency, 'perSecond', Math.max),
      cpuUs: stat(name, concurrency, 'cpuUsPerCall', Math.min),
      p50Ms: stat(name, concurrency, 'p50Ms', Math.min),
      p99Ms: stat(name, concurrency, 'p99Ms', Math.min),
      outcomes: cells
        .filter((c) => c.name === name && c.concurrency === concurrency)
        .reduce((all, c) => {
          for (const [k, v] of Object.entries(c.outcomes)) all[k] = (all[k] ?? 0) + v;
          return all;
        }, {}),
    };
  }
}

// The one table.
const fmt = (value, digits = 0) => (value === undefined ? '–' : value.toFixed(digits));
const pair = (name, key, digits) =>
  perCall[name] === undefined ? '–' : concurrencies.map((c) => fmt(perCall[name][c][key]?.median, digits)).join(' / ');
const header = [
  'subject',
  'req/s c1 / c32',
  'CPU µs/call c1 / c32',
  'p50 ms c1 / c32',
  'p99 ms c1 / c32',
  'import ms',
  'import RSS MB',
  'first stop ms',
  'installed MB (pkgs)',
  'bulk s (× ideal)',
  'throttled surfaced',
];
const table = [header];
for (const name of rows) {
  const b = bulk[name];
  table.push([
    name,
    pair(name, 'perSecond', 0),
    pair(name, 'cpuUs', 0),
    pair(name, 'p50Ms', 2),
    pair(name, 'p99Ms', 2),
    fmt(cold[name]?.importMs, 1),
    fmt(cold[name]?.importRssMb, 0),
    fmt(cold[name]?.firstStopMs, 1),
    size[name] === undefined ? '–' : `${(size[name].bytes / 1e6).toFixed(1)} (${size[name].packages})`,
    b === undefined ? '–' : `${(b.wallMs / 1000).toFixed(2)} (${b.ratio.toFixed(2)})`,
    b === undefined ? '–' : `${b.throttledSurfaced}/${b.n}`,
  ]);
}
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) =>
  `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
const out = [];
out.push(line(table[0]));
out.push(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const row of table.slice(1)) out.push(line(row));

// The spread behind the medians, and what each subject got back.
const spread = [
  '',
  `per-call detail: median (best of ${settings.rounds} rounds: max req/s, min CPU and latency); outcomes over all rounds`,
];
for (const name of perCallSubjects) {
  for (const c of concurrencies) {
    const s = perCall[name][c];
    const cellText = (x, d) => `${fmt(x.median, d)} (${fmt(x.best, d)})`;
    const outcomes = Object.entries(s.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    spread.push(
      `  ${name.padEnd(22)} c${String(c).padEnd(3)} req/s ${cellText(s.perSecond, 0)}  CPU µs ${cellText(s.cpuUs, 0)}  p50 ${cellText(s.p50Ms, 2)}  p99 ${cellText(s.p99Ms, 2)}  [${outcomes}]`,
    );
  }
}
spread.push('', 'bulk detail (throttled attempts = throttling answers the client absorbed by waiting and retrying):');
for (const [name, b] of Object.entries(bulk)) {
  const outcomes = Object.entries(b.outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  spread.push(
    `  ${name.padEnd(22)} ${(b.wallMs / 1000).toFixed(2)} s vs ideal ${(b.idealMs / 1000).toFixed(1)} s, throttled attempts ${b.throttledAttempts}  [${outcomes}]`,
  );
}
spread.push(
  '',
  `memory (mixtask tencent, SessionNotFound round trips, after gc): ${memory.points
    .map((p) => `${p.calls} calls: RSS ${p.rssMb.toFixed(1)} MB, heap used ${p.heapUsedMb.toFixed(1)} MB`)
    .join(' · ')}`,
);

// The targets of issue 6, as ratios measured in this run.
const targets = ['', 'targets:'];
const check = (label, value, limit) =>
  targets.push(`  ${value <= limit ? 'MET ' : 'MISS'} ${label}: ${value.toFixed(2)} (limit ${limit})`);
for (const name of ['mixtask tencent', 'mixtask aliyun']) {
  for (const c of concurrencies) {
    const cpu = perCall[name][c].cpuUs.median;
    check(`${name} CPU/call c${c} ÷ tencent-sdk common`, cpu / perCall['tencent-sdk common'][c].cpuUs.median, 1);
    check(`${name} CPU/call c${c} ÷ pop-core`, cpu / perCall['alicloud pop-core'][c].cpuUs.median, 1.5);
  }
  const raw = `raw-http ${vendorOf(name)}`;
  check(`${name} p50 c1 ÷ ${raw}`, perCall[name][1].p50Ms.median / perCall[raw][1].p50Ms.median, 1.3);
  check(`${name} bulk wall ÷ ideal`, bulk[name].ratio, 1.1);
  check(`${name} bulk throttling errors surfaced`, bulk[name].throttledSurfaced, 0);
  check(`${name} import ÷ tencent-sdk full`, cold[name].importMs / cold['tencent-sdk full'].importMs, 0.5);
}
// The targets of issue 14: the lean transport against the official SDKs, and got's overhead kept.
for (const name of ['mixtask tencent node', 'mixtask aliyun node']) {
  for (const c of concurrencies) {
    const cpu = perCall[name][c].cpuUs.median;
    check(`${name} CPU/call c${c} ÷ tencent-sdk common`, cpu / perCall['tencent-sdk common'][c].cpuUs.median, 0.8);
    check(`${name} CPU/call c${c} ÷ pop-core`, cpu / perCall['alicloud pop-core'][c].cpuUs.median, 1);
  }
  const raw = `raw-http ${vendorOf(name)}`;
  check(`${name} p50 c1 ÷ ${raw}`, perCall[name][1].p50Ms.median / perCall[raw][1].p50Ms.median, 1.3);
  const firstStop = cold[name].firstStopMs / cold['tencent-sdk common'].firstStopMs;
  check(`${name} import + first stop ÷ tencent-sdk common`, firstStop, 1);
}
check(
  'mixtask umbrella node import ÷ tencent-sdk common import',
  cold['mixtask umbrella node'].importMs / cold['tencent-sdk common'].importMs,
  1,
);
// The targets of issue 22: Amazon IVS on the lean transport against @aws-sdk/client-ivs-realtime, and its bulk.
for (const c of concurrencies) {
  const cpu = perCall['mixtask aws-ivs node'][c].cpuUs.median;
  check(
    `mixtask aws-ivs node CPU/call c${c} ÷ aws-sdk ivs-realtime`,
    cpu / perCall['aws-sdk ivs-realtime'][c].cpuUs.median,
    0.8,
  );
}
check(
  'mixtask aws-ivs node import + first stop ÷ aws-sdk ivs-realtime',
  cold['mixtask aws-ivs node'].firstStopMs / cold['aws-sdk ivs-realtime'].firstStopMs,
  1,
);
check('mixtask aws-ivs bulk at 5/s: throttling errors surfaced', bulk['mixtask aws-ivs'].throttledSurfaced, 0);
check('mixtask aws-ivs bulk at 5/s: throttling answers met', bulk['mixtask aws-ivs'].throttledAttempts, 0);
check(
  'mixtask tencent (got) CPU/call c32 ÷ got stream alone',
  perCall['mixtask tencent'][32].cpuUs.median / perCall['got stream tencent'][32].cpuUs.median,
  1.05,
);

const machine = `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${quick ? 'quick' : 'full'} run in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`;
console.log([machine, '', ...out, ...spread, ...targets].join('\n'));
// 6. The fleet: 4 processes on one vendor quota, shared through Redis or not (bench/fleet.mjs, runnable alone).
const { runFleet } = await import('./fleet.mjs');
console.log(`\n${await runFleet({ log })}`);
// 6b. The durable queue: 1000 stops through 4 workers vs stopMixes, and lease capacity (bench/queue.mjs, alone too).
const { runQueue } = await import('./queue.mjs');
console.log(`\n${await runQueue({ log })}`);
// 7. Bulk through stopMixes (bench/bulk.mjs): its own process, with gc exposed for the memory figures.
const bulkRun = spawnSync(process.execPath, ['--expose-gc', join(here, 'bulk.mjs'), ...(quick ? ['--quick'] : [])], {
  env: childEnv,
  encoding: 'utf8',
  timeout: 600_000,
});
console.log(bulkRun.status === 0 ? `\n${bulkRun.stdout.trimEnd()}` : `\nbulk.mjs failed: ${bulkRun.stderr}`);
if (jsonPath !== undefined) {
  writeFileSync(
    jsonPath,
    JSON.stringify({ machine, settings, cells, perCall, bulk, cold, colds, size, memory }, null, 2),
  );
}
