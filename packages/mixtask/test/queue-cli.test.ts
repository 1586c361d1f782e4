// `mixtask queue` and `mixtask worker`, run as a user runs them: the built bin, a real redis-server, the emulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';
import { bin, mixtask } from './support-cli.js';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describeRedis('mixtask queue and mixtask worker', () => {
  let redis: RedisServer;
  let em: Emulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
    redis = await startRedisServer();
    em = await startEmulator();
    env = {
      MIXTASK_PROVIDER: 'tencent',
      MIXTASK_ENDPOINT: em.url,
      TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
      TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
      MIXTASK_REDIS_URL: redis.url,
    };
  });
  afterAll(async () => {
    await em.close();
    await redis.stop();
  });

  it('queues stops, lists them, and a worker stops them and exits 0 on SIGTERM', async () => {
    await em.tencent.createSession('cli_q_1');
    await em.tencent.createSession('cli_q_2');
    const queue = ['--queue', 'cli-test'];
    const queued = await mixtask(['queue', 'stop', 'cli_q_1', 'cli_q_2', 'cli_q_1', ...queue, '--json'], env);
    expect(queued.code).toBe(0);
    expect(lines(queued.stdout).map((l) => [l.id, l.outcome])).toEqual([
      ['cli_q_1', 'queued'],
      ['cli_q_2', 'queued'],
      ['cli_q_1', 'already-queued'],
    ]);
    const listed = await mixtask(['queue', 'ls', ...queue, '--json'], env);
    expect(lines(listed.stdout).map((l) => [l.id, l.state])).toEqual([
      ['cli_q_1', 'queued'],
      ['cli_q_2', 'queued'],
    ]);

    const worker = spawn(process.execPath, [bin, 'worker', ...queue, '--json'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    for (let waited = 0; lines(out).length < 2; waited += 50) {
      if (waited > 15_000) throw new Error(`the worker stopped nothing: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines(out).map((l) => [l.id, l.ok, l.outcome])).toEqual(
      expect.arrayContaining([
        ['cli_q_1', true, 'stopped'],
        ['cli_q_2', true, 'stopped'],
      ]),
    );
    expect(em.tencent.sessions()).not.toContain('cli_q_1');
    const stopped = await mixtask(['queue', 'ls', '--state', 'stopped', ...queue], env);
    expect(stopped.stdout).toMatch(/^stopped\tcli_q_1\tstop stopped \(RequestId /m);
    const retried = await mixtask(['queue', 'retry', '--failed', ...queue, '--json'], env);
    expect(lines(retried.stdout)).toEqual([{ ok: true, retried: 0 }]);
  }, 60_000);

  it('a worker whose Redis died still drains and exits 0 on SIGTERM, on its own', async () => {
    // BullMQ's own close waits for Redis for ever (bullmq#4656): the worker must not, or a deploy during a Redis
    // outage leaves it for the supervisor's SIGKILL.
    const own = await startRedisServer();
    const worker = spawn(process.execPath, [bin, 'worker', '--queue', 'cli-redis-gone'], {
      env: { PATH: process.env.PATH ?? '', ...env, MIXTASK_REDIS_URL: own.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let err = '';
      worker.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      for (let waited = 0; !err.includes('running'); waited += 50) {
        if (waited > 15_000) throw new Error(`the worker did not start: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await own.kill();
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toContain('draining');
    } finally {
      worker.kill('SIGKILL');
      await own.stop();
    }
  }, 60_000);

  it('queue stop --from queues a file of ids in batches; a bad id is named and the rest are still queued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixtask-queue-cli-'));
    try {
      const ids = Array.from({ length: 1100 }, (_, i) => `cli_file_${i}`);
      const tooLong = 'x'.repeat(600);
      const file = join(dir, 'ids.txt');
      writeFileSync(file, [...ids.slice(0, 700), tooLong, ...ids.slice(700), 'cli_file_3'].join('\n') + '\n');
      const queue = ['--queue', 'cli-file'];
      const queued = await mixtask(['queue', 'stop', '--from', file, ...queue, '--json'], env);
      expect(queued.code).toBe(2); // the bad id: exit 2, as for any invalid id
      const answers = lines(queued.stdout);
      expect(answers).toHaveLength(ids.length + 2);
      expect(answers.filter((a) => a.ok === false)).toEqual([
        expect.objectContaining({ id: tooLong, error: expect.objectContaining({ reason: 'invalid-argument' }) }),
      ]);
      const ok = answers.filter((a) => a.ok === true);
      expect(ok.map((a) => a.id)).toEqual([...ids, 'cli_file_3']);
      expect(ok.filter((a) => a.outcome === 'queued')).toHaveLength(ids.length);
      expect(ok.at(-1)).toMatchObject({ id: 'cli_file_3', outcome: 'already-queued' });
      const listed = await mixtask(['queue', 'ls', '--limit', '5000', ...queue, '--json'], env);
      expect(new Set(lines(listed.stdout).map((l) => l.id))).toEqual(new Set(ids));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says what is missing, and never prints the Redis password', async () => {
    const { MIXTASK_REDIS_URL: _url, ...noRedis } = env;
    const missing = await mixtask(['queue', 'stop', 'x', '--json'], noRedis);
    expect(missing.code).toBe(2);
    expect(lines(missing.stdout)[0]).toMatchObject({ ok: false, error: { _tag: 'ConfigurationError' } });
    expect(missing.stdout).toContain('MIXTASK_REDIS_URL');

    const down = await mixtask(['queue', 'stop', 'x', '--json'], {
      ...env,
      MIXTASK_REDIS_URL: 'redis://:pa55word-secret@127.0.0.1:1',
    });
    expect(down.code).toBe(5);
    expect(lines(down.stdout)[0]).toMatchObject({ ok: false, id: 'x', error: { _tag: 'StopQueueError' } });
    expect(down.stdout + down.stderr).not.toContain('pa55word-secret');

    const usage = await mixtask(['queue', 'ls', '--state', 'sleeping'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--state must be one of');
    expect((await mixtask(['worker', '--concurrency', '0'], env)).code).toBe(2);
    // --limit takes what list() takes, 1 to 100000.
    for (const bad of ['0', '100001', '1e3']) {
      const refused = await mixtask(['queue', 'ls', '--limit', bad], env);
      expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('--limit must be a whole number')]);
    }
    expect((await mixtask(['queue', 'ls', '--limit', '100000', '--queue', 'cli-limit'], env)).code).toBe(0);
  }, 60_000);
});
