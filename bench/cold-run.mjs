// The cold-start part of the benchmark alone: `node bench/cold-run.mjs [--rounds N] [subject…]` (after
// `npm run build`). Each round spawns bench/cold.mjs once per subject, interleaved, each against a fresh emulator;
// prints the medians and the issue-14 cold-start ratios of this run. bench/run.mjs measures the same as its part 3.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldStart, median } from './ipc.mjs';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt === -1 ? 7 : Number(args[roundsAt + 1]);
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds');
const subjects = named.length > 0 ? named : ['mixtask tencent node', 'mixtask umbrella node', 'tencent-sdk common'];

const childEnv = loopbackEnv();
const server = fork(join(here, 'server.mjs'), [], { env: childEnv });
const next = (type) =>
  new Promise((resolve) => {
    const onMessage = (m) => {
      if (m.type !== type) return;
      server.off('message', onMessage);
      resolve(m);
    };
    server.on('message', onMessage);
  });
await next('started');
const fresh = () => {
  const ready = next('ready');
  server.send({ type: 'fresh', quota: false, sessions: 1, prefix: 'cold_' });
  return ready;
};

const load = [loadavg()[0]];
const runs = {};
for (let round = 0; round < rounds; round++) {
  for (const name of subjects) {
    const env = await fresh();
    (runs[name] ??= []).push(coldStart(name, env, childEnv));
  }
}
load.push(loadavg()[0]);
server.send({ type: 'close' });

const cold = {};
console.log(`node ${process.version}, ${rounds} rounds, load average ${load.map((l) => l.toFixed(1)).join(' → ')}`);
console.log('subject | import ms median (min) | import + first stop ms median (min) | outcome');
for (const [name, list] of Object.entries(runs)) {
  const importMs = list.map((r) => r.importMs);
  const firstStopMs = list.map((r) => r.firstStopMs);
  cold[name] = { importMs: median(importMs), firstStopMs: median(firstStopMs) };
  console.log(
    `${name} | ${median(importMs).toFixed(1)} (${Math.min(...importMs).toFixed(1)}) | ${median(firstStopMs).toFixed(1)} (${Math.min(...firstStopMs).toFixed(1)}) | ${list[0].outcome}`,
  );
}
const sdk = cold['tencent-sdk common'];
if (sdk !== undefined) {
  const ratio = (label, value, limit) =>
    console.log(`${value <= limit ? 'MET ' : 'MISS'} ${label}: ${value.toFixed(2)} (limit ${limit})`);
  for (const name of ['mixtask tencent node', 'mixtask aliyun node'])
    if (cold[name] !== undefined)
      ratio(`${name} import + first stop ÷ tencent-sdk common`, cold[name].firstStopMs / sdk.firstStopMs, 1);
  if (cold['mixtask umbrella node'] !== undefined)
    ratio(
      'mixtask umbrella node import ÷ tencent-sdk common import',
      cold['mixtask umbrella node'].importMs / sdk.importMs,
      1,
    );
}
