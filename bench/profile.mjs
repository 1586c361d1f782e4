// CPU profile of one subject's per-call path: `node bench/profile.mjs [subject] [seconds] [concurrency]`
// (default: 'mixtask tencent', 10 s, 32). Runs the subject's client process under `--cpu-prof` against a fresh
// quota-less emulator in its own process, then prints where the client's time went: by package and by function
// (self time), and the inclusive time of the top-level stages. The .cpuprofile is kept for Chrome DevTools.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [subject = 'mixtask tencent', seconds = '10', concurrency = '32'] = process.argv.slice(2);
const profileDir = mkdtempSync(join(tmpdir(), 'mixtask-profile-'));

const childEnv = loopbackEnv();
const next = (child, type) => new Promise((resolve) => child.on('message', (m) => m.type === type && resolve(m)));

const server = fork(join(here, 'server.mjs'), { env: childEnv });
await next(server, 'started');
const pool = 120_000;
server.send({ type: 'fresh', quota: false, sessions: pool, prefix: 'p_' });
const env = await next(server, 'ready');

const client = fork(join(here, 'client.mjs'), [subject], {
  env: childEnv,
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=100'],
});
await next(client, 'loaded');
client.send({
  type: 'cell',
  env,
  concurrency: Number(concurrency),
  warmupMs: 1000,
  durationMs: Number(seconds) * 1000,
  prefix: 'p_',
  pool,
});
const { result } = await next(client, 'result');
client.send({ type: 'exit' });
await new Promise((resolve) => client.on('exit', resolve));
server.send({ type: 'close' });

const file = join(
  profileDir,
  readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile')),
);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node from the samples; inclusive time by walking the tree.
const byId = new Map(profile.nodes.map((node) => [node.id, { ...node, selfUs: 0 }]));
for (let i = 0; i < profile.samples.length; i++) byId.get(profile.samples[i]).selfUs += profile.timeDeltas[i] ?? 0;
const totalUs = [...byId.values()].reduce((sum, node) => sum + node.selfUs, 0);
const idleUs = [...byId.values()]
  .filter((n) => /^\((idle|program)\)$/.test(n.callFrame.functionName))
  .reduce((s, n) => s + n.selfUs, 0);

const packageOf = ({ url, functionName }) => {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  const ws = url.match(/packages\/([^/]+)\//);
  if (ws) return `@mixtask/${ws[1]}`;
  if (url.includes('/bench/')) return 'bench harness';
  return url;
};
const where = ({ url, lineNumber, functionName }) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}`;

const sum = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
const packages = new Map();
const functions = new Map();
for (const node of byId.values()) {
  sum(packages, packageOf(node.callFrame), node.selfUs);
  sum(functions, where(node.callFrame), node.selfUs);
}

// Inclusive time of functions (each counted once per stack, so recursion does not inflate it).
const inclusive = new Map();
const walk = (node, onStack) => {
  let total = node.selfUs;
  const key = where(node.callFrame);
  const fresh = !onStack.has(key);
  if (fresh) onStack.add(key);
  for (const childId of node.children ?? []) total += walk(byId.get(childId), onStack);
  if (fresh) {
    onStack.delete(key);
    sum(inclusive, key, total);
  }
  return total;
};
walk(byId.get(profile.nodes[0].id), new Set());

const calls = result.calls;
const busyUs = totalUs - idleUs;
const show = (title, map, limit, filter = () => true) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)) {
    console.log(
      `  ${((us / busyUs) * 100).toFixed(1).padStart(5)}%  ${(us / calls).toFixed(1).padStart(6)} µs/call  ${key}`,
    );
  }
};
console.log(
  `${subject}: ${calls} calls at concurrency ${concurrency}, ${result.cpuUsPerCall.toFixed(0)} µs CPU/call (process.cpuUsage), ${(busyUs / calls).toFixed(0)} µs/call sampled on the JS thread (idle excluded)`,
);
console.log(`profile: ${file}`);
show('self time by package', packages, 15, (k) => !/^\((idle|program)\)$/.test(k));
show('self time by function', functions, 30, (k) => !/^\((idle|program)\)/.test(k));
// Inclusive time of mixtask's and got's own functions (`where` keeps paths from packages/ and node_modules/ short).
show('inclusive time (mixtask and got functions)', inclusive, 30, (k) => / (core|provider-\w+|got)\/dist\//.test(k));
