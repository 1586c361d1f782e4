// The Amazon IVS part of the benchmark alone: `node bench/aws-ivs.mjs [--quick]` (after `npm run build`).
// bench/run.mjs measures the same rows among the others; this runs only them, so one machine that others share
// spends a minute or two instead of five. Per call (CPU µs and latency at concurrency 1 and 32, quotas off),
// cold start (import, then import + first stop, each in a fresh process) and bulk at the 5/s quota (client
// defaults, Promise.all), for mixtask on both transports and @aws-sdk/client-ivs-realtime; then the issue-22
// targets as ratios of this run, and the signer alone: the hand SigV4 signer against @smithy/signature-v4.
// Loopback only.
import { fork } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ask, coldStart, median } from './ipc.mjs';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const settings = quick
  ? { rounds: 2, warmupMs: 300, durationMs: 500, pool: 8_000, coldRuns: 3, bulkN: 25, signCalls: 5_000 }
  : { rounds: 4, warmupMs: 500, durationMs: 1000, pool: 20_000, coldRuns: 7, bulkN: 50, signCalls: 20_000 };
const subjects = ['mixtask aws-ivs node', 'mixtask aws-ivs', 'aws-sdk ivs-realtime'];
const concurrencies = [1, 32];
const childEnv = loopbackEnv();
const log = (line) => process.stderr.write(`${line}\n`);
const started = performance.now();
const load = [loadavg()[0]];
const server = fork(join(here, 'server.mjs'), [], { env: childEnv });
await ask(server, undefined, 'started');
const fresh = (quota, sessions, prefix) => ask(server, { type: 'fresh', quota, sessions, prefix }, 'ready');

// 1. Per call, interleaved rounds, each cell on a fresh quota-less emulator.
const clients = new Map(subjects.map((name) => [name, fork(join(here, 'client.mjs'), [name], { env: childEnv })]));
await Promise.all([...clients.values()].map((child) => ask(child, undefined, 'loaded')));
const cells = [];
for (let round = -1; round < settings.rounds; round++) {
  for (const name of subjects) {
    for (const concurrency of concurrencies) {
      const prefix = `r${round + 1}_`;
      const env = await fresh(false, settings.pool, prefix);
      const cell = { type: 'cell', env, concurrency, warmupMs: settings.warmupMs, prefix, pool: settings.pool };
      const result = await ask(clients.get(name), { ...cell, durationMs: settings.durationMs });
      if (round >= 0) cells.push({ name, concurrency, ...result }); // round -1 warms every JIT, discarded
    }
  }
  log(`per-call round ${round + 1}/${settings.rounds} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

// 2. Bulk at the quota: the emulator enforces 5/s; client defaults (mixtask's limiter, the SDK's retries).
const bulk = {};
for (const name of ['mixtask aws-ivs node', 'aws-sdk ivs-realtime']) {
  const env = await fresh(true, settings.bulkN, 'bulk_');
  bulk[name] = await ask(clients.get(name), { type: 'bulk', env, n: settings.bulkN, prefix: 'bulk_' });
}
for (const child of clients.values()) child.send({ type: 'exit' });
log(`bulk done (${((performance.now() - started) / 1000).toFixed(0)} s)`);

// 3. Cold start, interleaved, each in a fresh process.
const colds = {};
for (let run = 0; run < settings.coldRuns; run++) {
  for (const name of ['mixtask aws-ivs node', 'aws-sdk ivs-realtime']) {
    const env = await fresh(false, 1, 'cold_');
    (colds[name] ??= []).push(coldStart(name, env, childEnv));
  }
}
server.send({ type: 'close' });
log(`cold start done (${((performance.now() - started) / 1000).toFixed(0)} s)`);

// 4. The signer alone, in this process: a whole signed StopComposition request vs @smithy/signature-v4's sign().
const { awsIvsProtocol } = await import('@mixtask/provider-aws-ivs/signing');
const { SignatureV4 } = await import('@smithy/signature-v4');
class NodeSha256 {
  constructor(secret) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data) {
    this.hash.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset() {}
}
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const arn = 'arn:aws:ivs:us-east-1:123456789012:composition/abcdEFGH1234';
const endpoint = new URL('https://ivsrealtime.us-east-1.amazonaws.com');
const protocol = awsIvsProtocol({ region: 'us-east-1' });
const smithy = new SignatureV4({
  credentials,
  region: 'us-east-1',
  service: 'ivs',
  sha256: NodeSha256,
  applyChecksum: false,
});
const smithyRequest = () => ({
  method: 'POST',
  protocol: 'https:',
  hostname: endpoint.host,
  path: '/StopComposition',
  query: {},
  headers: { 'content-type': 'application/json', host: endpoint.host },
  body: JSON.stringify({ arn }),
});
const cpuPerCall = async (fn) => {
  for (let i = 0; i < settings.signCalls / 4; i++) await fn(); // warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < settings.signCalls; i++) await fn();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / settings.signCalls;
};
const handUs = await cpuPerCall(() =>
  protocol.buildRequest({ id: arn, credentials, endpoint, timestampMs: Date.now(), nonce: '' }),
);
const smithyUs = await cpuPerCall(() => smithy.sign(smithyRequest()));
load.push(loadavg()[0]);

// The report.
const stat = (name, concurrency, key) =>
  median(cells.filter((c) => c.name === name && c.concurrency === concurrency).map((c) => c[key]));
const lines = [
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores (shared), load average ` +
    `${load.map((l) => l.toFixed(1)).join(' → ')}, ${quick ? 'quick' : 'full'} run in ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s; medians of ${settings.rounds} rounds / ${settings.coldRuns} cold runs`,
  '',
  '| subject | CPU µs/call c1 / c32 | req/s c1 / c32 | p50 ms c1 / c32 | import ms | import + first stop ms | bulk at 5/s |',
  '|---|---:|---:|---:|---:|---:|---|',
];
for (const name of subjects) {
  const pair = (key, digits) => concurrencies.map((c) => stat(name, c, key).toFixed(digits)).join(' / ');
  const cold = colds[name];
  const b = bulk[name];
  lines.push(
    `| ${name} | ${pair('cpuUsPerCall', 0)} | ${pair('perSecond', 0)} | ${pair('p50Ms', 2)} | ` +
      `${cold === undefined ? '–' : median(cold.map((r) => r.importMs)).toFixed(1)} | ` +
      `${cold === undefined ? '–' : median(cold.map((r) => r.firstStopMs)).toFixed(1)} | ` +
      `${b === undefined ? '–' : `${settings.bulkN} in ${(b.wallMs / 1000).toFixed(2)} s (ideal ${(settings.bulkN / 5).toFixed(0)} s), ok ${b.ok}, throttling answers ${b.throttledAttempts}, surfaced ${b.throttledSurfaced}`} |`,
  );
}
lines.push(
  '',
  `signer alone: hand SigV4 (whole buildRequest) ${handUs.toFixed(1)} µs/call; @smithy/signature-v4 sign() ${smithyUs.toFixed(1)} µs/call`,
);
lines.push('', 'targets (issue 22):');
const check = (label, value, limit) =>
  lines.push(`  ${value <= limit ? 'MET ' : 'MISS'} ${label}: ${value.toFixed(2)} (limit ${limit})`);
for (const c of concurrencies)
  check(
    `mixtask aws-ivs node CPU/call c${c} ÷ aws-sdk ivs-realtime`,
    stat('mixtask aws-ivs node', c, 'cpuUsPerCall') / stat('aws-sdk ivs-realtime', c, 'cpuUsPerCall'),
    0.8,
  );
const firstStop = (name) => median(colds[name].map((r) => r.firstStopMs));
check(
  'mixtask aws-ivs node import + first stop ÷ aws-sdk ivs-realtime',
  firstStop('mixtask aws-ivs node') / firstStop('aws-sdk ivs-realtime'),
  1,
);
check('mixtask aws-ivs node bulk at 5/s: throttling answers met', bulk['mixtask aws-ivs node'].throttledAttempts, 0);
check(
  'mixtask aws-ivs node bulk at 5/s: throttling errors surfaced',
  bulk['mixtask aws-ivs node'].throttledSurfaced,
  0,
);
console.log(lines.join('\n'));
process.exit(0);
