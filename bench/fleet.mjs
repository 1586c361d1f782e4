// The fleet benchmark (issue 12): 4 client processes stop 1000 ids between them at the emulator's quota (Tencent
// 100/s, Aliyun 500/s), with one quota shared through Redis, with per-process limiters, and with the official SDKs;
// then the shared limiter again with Redis killed mid-run. `node bench/fleet.mjs` alone, or as part of bench/run.mjs.
// Needs redis-server (Debian's package) on this machine; it starts its own on 127.0.0.1, without persistence.
import { fork, spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@mixtask/emulator';
import { busiestSecond } from './busiest-second.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const processes = 4;
const total = 1000;
const quota = { tencent: 100, aliyun: 500 };
const throttlingCode = /^(RequestLimitExceeded|Throttling)/;
// `--outages-only`: the outage runs alone (the machine is shared: the other rows take a minute of both cores).
const outagesOnly = process.argv.includes('--outages-only');

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Sends a raw command line and resolves with the reply text (enough for PING, INFO and CONFIG). */
export const redisCommand = (port, line) =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (/^[+-]/.test(text) || /\r\n$/.test(text)) {
        const length = /^\$(\d+)\r\n/.exec(text);
        if (length === null || text.length >= length[0].length + Number(length[1]) + 2) socket.end();
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(''));
  });

export async function startRedis(port) {
  const child = spawn(
    'redis-server',
    // DEBUG (SLEEP, for the pause run) is refused unless enabled; 'local' allows it from 127.0.0.1 only.
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
      ...['--enable-debug-command', 'local'],
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 250 && !(await redisCommand(port, 'PING')).startsWith('+PONG'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}
export const stopProcess = (child, signal) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    process.kill(child.pid, signal);
  });

const scriptCalls = async (port) => {
  const info = await redisCommand(port, 'INFO commandstats');
  const calls = (name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return calls('evalsha') + calls('eval');
};

function ask(child, message) {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer.result));
    child.send(message);
  });
}

/** One measurement: a fresh emulator, 1000 live ids split between the 4 processes, all sent at once. */
async function measure(clients, { subject, vendor, redisPort, key, outage }) {
  const emulator = await startEmulator({ host: '127.0.0.1' });
  for (let i = 0; i < total; i++) {
    if (vendor === 'tencent') await emulator.tencent.createSession(`f${i}`);
    else await emulator.aliyun.startTask(`f${i}`);
  }
  const env = {
    url: emulator.url,
    tencent: { ...emulator.tencent.credentials },
    aliyun: { ...emulator.aliyun.credentials, appId: emulator.aliyun.appId },
  };
  if (redisPort !== undefined) await redisCommand(redisPort, 'CONFIG RESETSTAT');
  const started = performance.now();
  const runs = clients.map((child, c) =>
    ask(child, {
      type: 'run',
      subject,
      vendor,
      env,
      quota: quota[vendor],
      key,
      redisUrl: redisPort === undefined ? undefined : `redis://127.0.0.1:${redisPort}`,
      ids: Array.from({ length: total / processes }, (_, i) => `f${c * (total / processes) + i}`),
    }),
  );
  const outageDone = outage?.(emulator);
  const results = await Promise.all(runs);
  const wallMs = performance.now() - started;
  await outageDone;
  const calls = redisPort === undefined || outage !== undefined ? undefined : await scriptCalls(redisPort);
  const throttled = emulator.requests().filter((r) => throttlingCode.test(r.code ?? '')).length;
  const busiest = busiestSecond(emulator.requests());
  await emulator.close();
  const outcomes = {};
  for (const r of results) for (const [k, v] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
  const events = results.flatMap((r) => r.events);
  const idealMs = (total / quota[vendor]) * 1000;
  return {
    subject,
    vendor,
    wallMs,
    idealMs,
    throttled,
    busiestSecond: busiest,
    outcomes,
    callsPerStop: calls === undefined ? undefined : calls / total,
    events,
  };
}

export async function runFleet({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return 'fleet: SKIPPED — redis-server is not installed (apt-get install redis-server)';
  }
  const redisPort = await freePort();
  let redis = await startRedis(redisPort);
  const clients = Array.from({ length: processes }, () => fork(join(here, 'fleet-client.mjs')));
  await Promise.all(clients.map((child) => new Promise((resolve) => child.once('message', resolve))));
  const rows = [];
  for (const vendor of outagesOnly ? [] : ['tencent', 'aliyun']) {
    for (const subject of ['shared', 'per-process', 'sdk']) {
      const row = await measure(clients, {
        subject,
        vendor,
        redisPort: subject === 'shared' ? redisPort : undefined,
        key: `${vendor}-${subject}`,
      });
      rows.push(row);
      log(`fleet ${vendor} ${subject}: ${(row.wallMs / 1000).toFixed(2)} s, ${row.throttled} throttled`);
    }
  }
  // The outage runs, with every client's default retries: Redis killed and restarted, or paused (DEBUG SLEEP), once a
  // fifth of the stops have reached the emulator, for 1.5 s.
  const fifthStopped = async (emulator) => {
    while (emulator.requests().length < total / 5) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const outages = {
    'Redis killed, restarted 1.5 s later': async (emulator) => {
      await fifthStopped(emulator);
      await stopProcess(redis, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      redis = await startRedis(redisPort);
    },
    'Redis paused 1.5 s (DEBUG SLEEP)': async (emulator) => {
      await fifthStopped(emulator);
      const answer = await redisCommand(redisPort, 'DEBUG SLEEP 1.5');
      // The reply comes after the sleep (or the helper gives up waiting at 1 s): either way not an error.
      if (answer.startsWith('-')) throw new Error(`DEBUG SLEEP refused: ${answer.trim()}`);
    },
  };
  for (const vendor of ['tencent', 'aliyun']) {
    for (const [name, outage] of Object.entries(outages)) {
      const row = await measure(clients, {
        subject: 'shared',
        vendor,
        redisPort,
        key: `${vendor}-outage-${Math.random().toString(36).slice(2)}`,
        outage,
      });
      rows.push({ ...row, subject: `shared, ${name}` });
      log(
        `fleet ${vendor} ${name}: ${(row.wallMs / 1000).toFixed(2)} s, ${row.throttled} throttled, busiest ${row.busiestSecond}`,
      );
    }
  }
  for (const child of clients) child.send({ type: 'exit' });
  await stopProcess(redis, 'SIGTERM');

  const names = {
    shared: 'mixtask + @mixtask/redis (one shared quota)',
    'per-process': 'mixtask, a limiter per process',
    sdk: 'official SDK',
  };
  const lines = [
    `fleet: ${processes} processes stop ${total} ids between them at the emulator's quota (Tencent 100/s, Aliyun 500/s)`,
    '',
    '| vendor | clients | wall s (× ideal) | throttling answers at the emulator | most arrivals in a sliding second (quota) | stops ok | Redis calls per stop |',
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const sdk = r.vendor === 'tencent' ? 'tencentcloud-sdk-nodejs-common' : '@alicloud/pop-core';
    const name =
      r.subject === 'sdk'
        ? `${names.sdk} (${sdk})`
        : (names[r.subject] ?? `mixtask + @mixtask/redis, ${r.subject.slice(8)}`);
    lines.push(
      `| ${r.vendor} | ${name} | ${(r.wallMs / 1000).toFixed(2)} (${(r.wallMs / r.idealMs).toFixed(2)}) | ${r.throttled} | ${r.busiestSecond} (${quota[r.vendor]}) | ${r.outcomes.ok ?? 0}/${total} | ${r.callsPerStop === undefined ? '–' : r.callsPerStop.toFixed(2)} |`,
    );
  }
  lines.push('', 'outcomes:');
  for (const r of rows) {
    const events =
      r.events.length === 0
        ? ''
        : `; limiter events: ${[...new Set(r.events)].map((e) => `${e} ×${r.events.filter((x) => x === e).length}`).join(', ')}`;
    lines.push(`  ${r.vendor} ${r.subject}: ${JSON.stringify(r.outcomes)}${events}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await runFleet());
