import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { stopHelp } from '../src/cli/stop.js';
import { bin, mixtask } from './support-cli.js';

let em: Emulator;
let tencentEnv: Record<string, string>;
let aliyunEnv: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  em = await startEmulator();
  tencentEnv = {
    MIXTASK_PROVIDER: 'tencent',
    MIXTASK_ENDPOINT: em.url,
    TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
    TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
  };
  aliyunEnv = {
    MIXTASK_PROVIDER: 'aliyun',
    MIXTASK_ENDPOINT: em.url,
    MIXTASK_ALIYUN_APP_ID: em.aliyun.appId,
    ALIBABA_CLOUD_ACCESS_KEY_ID: em.aliyun.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: em.aliyun.credentials.accessKeySecret,
  };
});
afterAll(() => em.close());

describe('mixtask stop', () => {
  it('without MIXTASK_PROVIDER, routes qualified ids through the registry of every configured provider', async () => {
    await em.tencent.createSession('cli_reg_room');
    await em.aliyun.startTask('cli-reg-task');
    const both = { ...tencentEnv, ...aliyunEnv };
    delete both.MIXTASK_PROVIDER;
    const run = await mixtask(['stop', 'tencent:cli_reg_room', 'aliyun:cli-reg-task', '--json'], both);
    expect(run.code).toBe(0);
    expect(em.tencent.sessions()).not.toContain('cli_reg_room');
    expect(em.aliyun.tasks()).not.toContain('cli-reg-task');
    const unqualified = await mixtask(['stop', 'cli_reg_room'], both);
    expect(unqualified.code).toBe(2);
    expect(unqualified.stderr).toContain("'<provider>:<id>'");
  });

  it('stops a Tencent session: exit 0 and a one-line result', async () => {
    await em.tencent.createSession('cli_room_1');
    const run = await mixtask(['stop', 'cli_room_1'], tencentEnv);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^stopped: tencent cli_room_1 \(RequestId [0-9a-f-]{36}, 1 attempt\)\n$/);
    expect(em.tencent.sessions()).not.toContain('cli_room_1');
  });

  it('stops an Aliyun task with --json output that parses', async () => {
    await em.aliyun.startTask('cli-task-1');
    const run = await mixtask(['stop', 'cli-task-1', '--json'], aliyunEnv);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      provider: 'aliyun',
      id: 'cli-task-1',
      outcome: 'stopped',
      attempts: 1,
    });
  });

  it('takes the provider and endpoint from flags over the environment', async () => {
    await em.aliyun.startTask('cli-task-2');
    const { MIXTASK_PROVIDER: _p, MIXTASK_ENDPOINT: _e, ...rest } = aliyunEnv;
    const run = await mixtask(['stop', 'cli-task-2', '--provider', 'aliyun', '--endpoint', em.url], {
      ...rest,
      MIXTASK_PROVIDER: 'tencent',
    });
    expect(run.code).toBe(0);
  });

  it('reports an unknown session with exit 3', async () => {
    const run = await mixtask(['stop', 'never_started'], tencentEnv);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('SessionNotFound');
    expect(run.stderr).toContain('FailedOperation.CancelSessionNotExist');
    const json = await mixtask(['stop', 'never-started', '--json'], aliyunEnv);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { _tag: 'SessionNotFound', providerCode: 'NotFound.Task' },
    });
  });

  it('reports an invalid id with exit 2 and sends nothing', async () => {
    const before = em.requests().length;
    const run = await mixtask(['stop', 'room 1; rm -rf'], tencentEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('InvalidArgument');
    expect(em.requests().length).toBe(before);
  });

  it('reports bad credentials with exit 4 and never prints the secret', async () => {
    const secret = 'SUPERSECRET-wrong-key-123';
    const run = await mixtask(['stop', 'cli_room_x'], { ...tencentEnv, TENCENTCLOUD_SECRET_KEY: secret });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('AuthenticationFailed');
    expect(run.stdout + run.stderr).not.toContain(secret);
    const json = await mixtask(['stop', 'cli-x', '--json'], { ...aliyunEnv, ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret });
    expect(json.code).toBe(4);
    expect(json.stdout + json.stderr).not.toContain(secret);
  });

  it('reports a missing configuration with exit 2, naming the field', async () => {
    const run = await mixtask(['stop', 'room_1'], { MIXTASK_PROVIDER: 'aliyun' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('MIXTASK_ALIYUN_APP_ID');
  });

  it('reports usage errors with exit 2', async () => {
    expect((await mixtask(['stop'], tencentEnv)).code).toBe(2);
    expect((await mixtask(['stop', 'a', '--bogus'], tencentEnv)).code).toBe(2);
    expect((await mixtask(['launch'], tencentEnv)).code).toBe(2);
    // The emulator left the production package: its commands are @mixtask/emulator's bin now.
    const moved = await mixtask(['emulator'], tencentEnv);
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain('mixtask-emulator');
    expect((await mixtask(['stop', 'a', '--timeout', 'soon'], tencentEnv)).code).toBe(2);
  });

  it('prints help for every command', async () => {
    for (const args of [['--help'], ['stop', '--help']]) {
      const run = await mixtask(args, {});
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: mixtask');
    }
  });
});

describe('mixtask stop --json: JSON for every outcome', () => {
  /** The whole of stdout is one JSON object (nothing else), stderr is empty, and the exit code is 2. */
  async function usageErrorJson(args: string[], env: Record<string, string>) {
    const run = await mixtask([...args, '--json'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout) as { ok: boolean; id?: string; error: { _tag: string; message: string } };
  }

  it('answers every usage error with one UsageError object on stdout, before anything is sent', async () => {
    const before = em.requests().length;
    const cases: [string[], string][] = [
      [['stop', 'a', '--bogus'], "'--bogus'"],
      [['stop'], 'expected an id'],
      [['stop', 'a', '--timeout', 'soon'], '--timeout'],
      [['stop', 'a', '--timeout'], '--timeout'],
      [['stop', 'a', 'b', '--concurrency', '0'], '--concurrency'],
      [['stop', '--from', '/nonexistent/mixtask-ids.txt'], 'ENOENT'],
      [['stop', '--from', '/'], 'directory'],
      // util.parseArgs names the flag, never its value: a secret typed into a wrong flag is not echoed.
      [['stop', 'a', '--secret-key=SUPERSECRET-typed-by-mistake'], "'--secret-key'"],
    ];
    for (const [args, says] of cases) {
      const answer = await usageErrorJson(args, tencentEnv);
      expect(answer).toMatchObject({ ok: false, error: { _tag: 'UsageError', retryable: false } });
      expect(answer.error.message).toContain(says);
      expect(JSON.stringify(answer)).not.toContain('SUPERSECRET');
    }
    expect(em.requests().length).toBe(before);
  });

  it('names the id given in the single-id form, usage and configuration errors included', async () => {
    expect(await usageErrorJson(['stop', 'room_7', '--timeout', '0'], tencentEnv)).toMatchObject({
      ok: false,
      id: 'room_7',
      error: { _tag: 'UsageError' },
    });
    const config = await usageErrorJson(['stop', 'room_8'], { MIXTASK_PROVIDER: 'aliyun' });
    expect(config).toMatchObject({ ok: false, id: 'room_8', error: { _tag: 'ConfigurationError' } });
    expect(config.error.message).toContain('MIXTASK_ALIYUN_APP_ID');
    const notFound = await mixtask(['stop', 'never_there', '--json'], tencentEnv);
    expect(JSON.parse(notFound.stdout)).toMatchObject({ ok: false, id: 'never_there' });
  });

  it('keeps text output for usage errors without --json (message and help on stderr, stdout empty)', async () => {
    const run = await mixtask(['stop', 'a', '--bogus'], tencentEnv);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(run.stderr).toContain('Usage: mixtask stop');
  });
});

describe('mixtask stop interrupted', () => {
  /**
   * Starts a stop the emulator applies but never answers (the mix is stopped, the answer lost), waits until the
   * request has arrived, then sends `signal`.
   */
  async function interruptInFlight(signal: 'SIGINT' | 'SIGTERM', room: string, json: boolean) {
    await em.tencent.createSession(room);
    em.inject({ vendor: 'tencent', action: { type: 'no-answer' }, afterApplying: true });
    const child = spawn(process.execPath, [bin, 'stop', room, ...(json ? ['--json'] : [])], {
      env: { PATH: process.env.PATH ?? '', ...tencentEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A real process and a real socket: poll the emulator's log until the request is there.
    while (!em.requests().some((r) => r.fault === 'no-answer' && r.body.includes(room))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill(signal);
    return { code: await exited, stdout, stderr };
  }

  it('SIGTERM exits 143 and says the stop may have landed anyway (and here it did)', async () => {
    const run = await interruptInFlight('SIGTERM', 'cli_term_room', false);
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('Aborted');
    expect(run.stderr).toContain('interrupted by SIGTERM');
    expect(run.stderr).toContain('may have landed anyway');
    expect(em.tencent.sessions()).not.toContain('cli_term_room');
  });

  it('Ctrl-C exits 130; with --json the object carries the signal and the warning', async () => {
    const run = await interruptInFlight('SIGINT', 'cli_int_room', true);
    expect(run.code).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      id: 'cli_int_room',
      error: { _tag: 'Aborted' },
      interrupted: { signal: 'SIGINT', exitCode: 130, mayHaveLanded: true },
    });
    expect((JSON.parse(run.stdout) as { interrupted: { message: string } }).interrupted.message).toContain(
      'may have landed anyway',
    );
    expect(run.stderr).toContain('may have landed anyway');
  });
});

describe('mixtask --version and the usage lines', () => {
  it('prints the version of package.json, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const run = await mixtask([flag], {});
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it("stop's usage lines list every flag its help documents", async () => {
    const help = (await mixtask(['stop', '--help'], {})).stdout;
    expect(help.trimEnd()).toBe(stopHelp);
    const usage = help.split('\n\n')[0] ?? '';
    expect(usage.startsWith('Usage: mixtask stop')).toBe(true);
    const flags = new Set(help.match(/--[a-z][a-z-]+/g));
    expect(flags.size).toBeGreaterThanOrEqual(9);
    for (const flag of flags) expect(usage).toContain(flag);
  });
});
