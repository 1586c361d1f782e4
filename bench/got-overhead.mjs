// mixtask's overhead over got alone, measured in ONE process: `node bench/got-overhead.mjs [rounds] [concurrency]`.
// bench/run.mjs compares the two in separate client processes, and on a shared machine their run-to-run noise
// (±5% or more) is as large as the figure itself (issue 14: "mixtask's own overhead over got alone ≤ 5%"). Here
// both subjects share one process, one JIT for got and one emulator, and alternate cell by cell (the order flips
// every round), so a load change on the machine hits both; each round gives one ratio, and the median and the
// quartiles of those ratios are printed. A complement to run.mjs's row, not a replacement.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSubject } from './subjects.mjs';
import { dropProxyVariables } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[2] ?? 15);
const concurrency = Number(process.argv[3] ?? 32);
const warmupMs = 300;
const durationMs = 1000;
const pool = 30_000;

// The clients run in this process, so its own environment loses the proxy variables too.
const env = dropProxyVariables(process.env);
const server = fork(join(here, 'server.mjs'), { env });
const next = (type) =>
  new Promise((resolve) => server.once('message', (m) => (m.type === type ? resolve(m) : next(type).then(resolve))));
await next('started');
const fresh = async (prefix) => {
  server.send({ type: 'fresh', quota: false, sessions: pool, prefix });
  return next('ready');
};

const subjects = { mixtask: await loadSubject('mixtask tencent'), got: await loadSubject('got stream tencent') };

async function cell(make, prefix) {
  const client = make(await fresh(prefix), { rateLimit: false });
  let n = 0;
  const drive = async (ms) => {
    const end = performance.now() + ms;
    let calls = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const outcome = await client.call(`${prefix}${n++ % pool}`);
          if (outcome !== 'ok') throw new Error(`unexpected outcome ${outcome}`);
          calls++;
        }
      }),
    );
    return calls;
  };
  await drive(warmupMs);
  const before = process.cpuUsage();
  const calls = await drive(durationMs);
  const cpu = process.cpuUsage(before);
  await client.close?.();
  return (cpu.user + cpu.system) / calls;
}

// One round of each first, discarded: the JIT's first pass over got and the runner.
for (const name of ['mixtask', 'got']) await cell(subjects[name], `w${name[0]}_`);

const ratios = [];
const cpu = { mixtask: [], got: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['mixtask', 'got'] : ['got', 'mixtask'];
  const got = {};
  for (const name of order) got[name] = await cell(subjects[name], `r${round}${name[0]}_`);
  cpu.mixtask.push(got.mixtask);
  cpu.got.push(got.got);
  ratios.push(got.mixtask / got.got);
  console.error(
    `round ${round + 1}: mixtask ${got.mixtask.toFixed(0)} µs, got alone ${got.got.toFixed(0)} µs, ratio ${(got.mixtask / got.got).toFixed(3)}`,
  );
}
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
};
console.log(
  `node ${process.version}, c${concurrency}, ${rounds} rounds of ${durationMs} ms: mixtask (got) ÷ got stream alone, ` +
    `median ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}); ` +
    `CPU µs/call medians ${quantile(cpu.mixtask, 0.5).toFixed(0)} vs ${quantile(cpu.got, 0.5).toFixed(0)} ` +
    `(ratio of the medians ${(quantile(cpu.mixtask, 0.5) / quantile(cpu.got, 0.5)).toFixed(3)})`,
);
server.send({ type: 'close' });
