// A/B of the per-call CPU between two built checkouts of this repo: `node bench/ab.mjs <before-tree> [after-tree]`
// (after defaults to this one; copy the tree with `cp -a` before a change, node_modules included). One emulator;
// each mixtask subject runs from both trees, the vendor SDKs once, in interleaved rounds of bench/client.mjs cells
// (c1 and c32 each); prints the median CPU µs/call and every round. Env: SUBJECTS (comma-separated), ROUNDS, DUR (ms).
import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackEnv } from './loopback-env.mjs';

const A = resolve(process.argv[2] ?? '');
const B = resolve(process.argv[3] ?? dirname(dirname(fileURLToPath(import.meta.url))));
if (process.argv[2] === undefined) throw new Error('usage: node bench/ab.mjs <before-tree> [after-tree]');
const subjects = (
  process.env.SUBJECTS ?? 'mixtask tencent node,mixtask aliyun node,alicloud pop-core,tencent-sdk common'
).split(',');
const rounds = Number(process.env.ROUNDS ?? 7),
  durationMs = Number(process.env.DUR ?? 700),
  pool = 30000;
const env = loopbackEnv();
const ask = (child, msg, type = 'result') =>
  new Promise((res) => {
    const on = (m) => {
      if (m.type !== type) return;
      child.off('message', on);
      res(m.result ?? m);
    };
    child.on('message', on);
    if (msg) child.send(msg);
  });
const server = fork(`${B}/bench/server.mjs`, { env });
await ask(server, undefined, 'started');
const fresh = (prefix) => ask(server, { type: 'fresh', quota: false, sessions: pool, prefix }, 'ready');
const clients = [];
for (const s of subjects)
  for (const [tree, root] of [
    ['A', A],
    ['B', B],
  ]) {
    if (!s.startsWith('mixtask') && tree === 'B') continue;
    const c = fork(`${root}/bench/client.mjs`, [s], { env, cwd: root });
    clients.push({ key: `${s} ${tree}`, c });
  }
await Promise.all(clients.map(({ c }) => ask(c, undefined, 'loaded')));
for (const { c } of clients)
  await ask(c, {
    type: 'cell',
    env: await fresh('w_'),
    concurrency: 32,
    warmupMs: 0,
    durationMs: 1000,
    prefix: 'w_',
    pool,
  });
const res = {};
for (let r = 0; r < rounds; r++)
  for (let i = 0; i < clients.length; i++) {
    const { key, c } = clients[(i + r) % clients.length];
    for (const conc of [1, 32]) {
      const e = await fresh(`c${r}_`);
      const out = await ask(c, {
        type: 'cell',
        env: e,
        concurrency: conc,
        warmupMs: 150,
        durationMs,
        prefix: `c${r}_`,
        pool,
      });
      (res[`${key}|${conc}`] ??= []).push(out.cpuUsPerCall);
      if (Object.keys(out.outcomes).some((o) => o !== 'ok' && !/IncompleteSignature/.test(o)))
        console.error(key, out.outcomes);
    }
    if (i === clients.length - 1) console.error(`round ${r + 1}`);
  }
const med = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
for (const { key } of clients)
  console.log(
    key.padEnd(28),
    [1, 32].map((c) => med(res[`${key}|${c}`]).toFixed(0)).join(' / '),
    '  all:',
    [1, 32].map((c) => res[`${key}|${c}`].map((x) => x.toFixed(0)).join(',')).join(' | '),
  );
for (const { c } of clients) c.send({ type: 'exit' });
server.send({ type: 'close' });
