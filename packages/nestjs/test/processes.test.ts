// The built package in a Node process of its own, loaded by require() (CommonJS) and by import (ESM): a stop
// through the injected provider, a bad config failing the start, and shutdown — a stop in flight settles, then the
// process exits by itself (nothing left open), or dies of SIGTERM after settling with enableShutdownHooks().
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';
import { post } from './support/rooms.js';

const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface App {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the next event of this type the app prints. */
  next(event: string): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function start(file: string, env: Record<string, string>): Promise<App> {
  const base = { ...process.env };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) {
    delete base[name];
  }
  delete base.NODE_OPTIONS; // jest's --experimental-vm-modules is not the app's
  const child = spawn(process.execPath, [fixture(file)], { env: { ...base, ...env }, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const waiting = new Map<string, (event: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    waiting.get(event.event as string)?.(event);
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.set(type, resolve);
      void exited.then(({ stderr: text }) => reject(new Error(`the app exited before "${type}": ${text}`)));
    });
  return next('listening').then((event) => ({ child, url: `http://127.0.0.1:${String(event.port)}`, next, exited }));
}

const describeBuilt = existsSync(built) ? describe : describe.skip;
if (!existsSync(built)) {
  if (process.env.CI === 'true') throw new Error(`${built} is missing: run npm run build first`);
  console.warn('⚠ SKIPPED the @mixtask/nestjs process tests: the package is not built — npm run build');
}

describeBuilt.each([
  ['CommonJS', 'app.cjs'],
  ['ESM', 'app.mjs'],
])('the built package from %s', (_kind, file) => {
  let emulator: Emulator;
  let env: Record<string, string>;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
    // With a fleet limiter the app holds a Redis connection too: closing it is part of exiting by itself.
    redis = redisServerAvailable() ? await startRedisServer() : undefined;
    env = {
      ...(redis === undefined ? {} : { MIXTASK_REDIS_URL: redis.url }),
      MIXTASK_PROVIDER: 'tencent',
      MIXTASK_ENDPOINT: emulator.url,
      TENCENTCLOUD_SECRET_ID: emulator.tencent.credentials.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.tencent.credentials.secretKey,
    };
  });
  afterAll(() => Promise.all([emulator.close(), redis?.stop()]));

  it('stops a mix; on app.close() a stop in flight settles and the process exits by itself', async () => {
    const app = await start(file, env);
    await emulator.tencent.createSession('room_1');
    expect(await post(`${app.url}/rooms/room_1/stop`)).toEqual({ status: 200, body: { stopped: true } });

    await emulator.tencent.createSession('room_2');
    emulator.inject({ action: { type: 'delay', ms: 400 }, vendor: 'tencent' });
    const answer = post(`${app.url}/rooms/room_2/stop`);
    await app.next('stopping');
    const closed = app.next('closed');
    app.child.stdin?.end(); // → app.close()
    expect(await answer).toEqual({ status: 200, body: { stopped: true } });
    // Nothing of the provider's is left: no socket to the vendor, no timer (the pipes to this test aside).
    const { open, after } = await closed;
    expect(after).toBe('ConfigurationError');
    // No socket or timer of the provider (nor of its Redis limiter) keeps the event loop alive: the process ends
    // by itself. Bounded, so a failure names what was still open rather than hitting the test timeout.
    const bound = new Promise<'still running'>((resolve) => setTimeout(resolve, 10_000, 'still running').unref());
    const exit = await Promise.race([app.exited, bound]);
    if (exit === 'still running') app.child.kill('SIGKILL');
    expect({ exit, openAtClose: exit === 'still running' ? open : [] }).toEqual({
      exit: { code: 0, signal: null, stderr: '' },
      openAtClose: [],
    });
  });

  it('with enableShutdownHooks(), SIGTERM lets a stop in flight settle first', async () => {
    const app = await start(file, env);
    await emulator.tencent.createSession('room_3');
    emulator.inject({ action: { type: 'delay', ms: 400 }, vendor: 'tencent' });
    const answer = post(`${app.url}/rooms/room_3/stop`);
    await app.next('stopping');
    app.child.kill('SIGTERM');
    expect(await answer).toEqual({ status: 200, body: { stopped: true } });
    // Nest re-raises the signal once its shutdown hooks (ours closes the provider) are done.
    expect(await app.exited).toMatchObject({ signal: 'SIGTERM', stderr: '' });
    expect(emulator.tencent.sessions()).not.toContain('room_3');
  });

  it('a config that does not parse fails the start, naming the variable', async () => {
    const failed = start(file, { ...env, MIXTASK_TIMEOUT_MS: 'soon' });
    await expect(failed).rejects.toThrow(/invalid mixtask config: MIXTASK_TIMEOUT_MS: /);
  });
});
