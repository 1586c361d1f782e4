// A real redis-server for the tests: Debian's package, on 127.0.0.1, a free port, stopped by pid; no persistence
// unless asked (the durable queue's tests ask for an fsynced append-only file).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:port, with the password when the server has one. */
  readonly url: string;
  readonly pid: number;
  /** SIGKILL: the server vanishes mid-run, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty, unless it has an `appendOnlyDir`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** --requirepass */
  readonly password?: string;
  /**
   * Persist to this directory with an append-only file fsynced on every write (`--appendonly yes --appendfsync
   * always`): a SIGKILLed server restarted on the same directory has every acknowledged write (@mixtask/queue).
   */
  readonly appendOnlyDir?: string;
}

/** Whether redis-server is installed. With CI=true a missing binary is an error: the suite must not pass unrun. */
export function redisServerAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found) return true;
  if (process.env.CI === 'true') {
    throw new Error('redis-server is missing and CI=true: install it (apt-get install redis-server)');
  }
  // One line per test run, not per suite: the workers of one jest run share its pid as their parent.
  const flag = join(tmpdir(), `mixtask-redis-missing-${process.ppid}`);
  if (!existsSync(flag)) {
    writeFileSync(flag, '');
    console.warn('⚠ SKIPPED the @mixtask/redis suites: redis-server is not installed — apt-get install redis-server');
  }
  return false;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port, options);
  const stopped = (server: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once('exit', () => resolve());
      if (server.pid !== undefined) process.kill(server.pid, signal);
    });
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    get pid() {
      return child.pid ?? -1;
    },
    kill: () => stopped(child, 'SIGKILL'),
    restart: async () => {
      child = await launch(port, options);
    },
    stop: () => stopped(child, 'SIGTERM'),
  };
}

async function launch(port: number, options: RedisServerOptions): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (options.appendOnlyDir === undefined) args.push('--appendonly', 'no', '--dir', tmpdir());
  else args.push('--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir);
  args.push('--enable-debug-command', 'local');
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await untilReady(port, child);
  return child;
}

/** Polls with PING until the server answers (+PONG, or -NOAUTH when it has a password). */
async function untilReady(port: number, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 250; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) on port ${port}`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString('latin1')));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}
