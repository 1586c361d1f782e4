import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { main } from '../src/cli/main.js';

// Issue 23, items 2, 4, 7 and 9: the CLI as the second trial used it.
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in this process: argv in, exit code and output lines out. */
async function inProcess(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interrupted: new AbortController().signal,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

let em: Emulator;
let tencentEnv: Record<string, string>;
let dir: string;

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
  tencentEnv = {
    MIXTASK_PROVIDER: 'tencent',
    MIXTASK_ENDPOINT: em.url,
    TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
    TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
    MIXTASK_REQUESTS_PER_SECOND: 'off',
  };
  dir = mkdtempSync(join(tmpdir(), 'mixtask-trial-'));
});
afterAll(async () => {
  await em.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C while --from - waits for stdin (item 2)', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s ends the run at once with exit %i, stdin still open', async (signal, exitCode) => {
    await em.tencent.createSession('stdin_room_1');
    const child = spawn(process.execPath, [bin, 'stop', '--from', '-', '--json'], {
      env: { PATH: process.env.PATH ?? '', ...tencentEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // One id, then nothing: stdin stays open, as when a user types ids and presses Ctrl-C.
    child.stdin.write('stdin_room_1\n');
    while (!stdout.includes('"type":"result"')) await new Promise((resolve) => setTimeout(resolve, 20));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    child.stdin.destroy();
    expect({ code, stderr }).toMatchObject({ code: exitCode });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', ended: 'aborted', exitCode });
    expect(summary.totals).toMatchObject({ attempted: 1, stopped: 1 });
  });
});

describe('Ctrl-C with ids on the command line before --from - (items 2, 3)', () => {
  it('every command-line id is reported once, as a result or not attempted, without waiting for stdin', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `cmd_line_${i}`);
    const child = spawn(process.execPath, [bin, 'stop', ...ids, '--from', '-', '--json', '--concurrency', '1'], {
      env: { PATH: process.env.PATH ?? '', ...tencentEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    while (!stdout.includes('"type":"result"')) await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    child.stdin.destroy();
    expect(code).toBe(130);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id?: string });
    const seen = lines.filter((l) => l.type !== 'summary').map((l) => l.id);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(lines.some((l) => l.type === 'not-attempted')).toBe(true);
  });
});

describe('--remaining <path> (item 4)', () => {
  it('a path that cannot be written is a usage error before anything is sent', async () => {
    await em.tencent.createSession('kept_room');
    for (const path of [join(dir, 'no-such-dir', 'rest.txt'), dir]) {
      const run = await inProcess(['stop', 'kept_room', 'other', '--remaining', path, '--json'], tencentEnv);
      expect(run.code).toBe(2);
      const line = JSON.parse(run.stdout) as { error: { _tag: string; message: string } };
      expect(line.error._tag).toBe('UsageError');
      expect(line.error.message).toMatch(/--remaining .*cannot be written/);
    }
    // Nothing was sent: the session is still there.
    expect(em.tencent.sessions()).toContain('kept_room');
  });

  it.each([false, true])(
    'a file that fails at the end (json %s): the remaining ids go to stdout, and the summary still comes',
    async (json) => {
      // /dev/full opens for writing and fails every write (ENOSPC): a disk that filled during the run.
      if (!existsSync('/dev/full')) return;
      const ids = Array.from({ length: 30 }, (_, i) => `full_${i}`);
      for (const id of ids) await em.tencent.createSession(id);
      const controller = new AbortController();
      const out: string[] = [];
      const err: string[] = [];
      const args = ['stop', ...ids, '--remaining', '/dev/full', '--concurrency', '1', '--json'];
      const code = await main(json ? args : args.slice(0, -1), {
        env: tencentEnv,
        out: (line) => {
          out.push(line);
          if (line.includes('"type":"result"')) controller.abort('SIGINT');
        },
        err: (line) => err.push(line),
        // Text mode prints no line per result: the first stop is aborted by a timer instead.
        interrupted: json ? controller.signal : AbortSignal.timeout(1),
      });
      expect(code).toBe(130);
      expect(err.join('\n')).toMatch(/--remaining \/dev\/full: writing failed \(ENOSPC\)/);
      const text = out.join('\n');
      const notAttempted = json
        ? out.map((l) => JSON.parse(l) as { type: string; id?: string }).filter((l) => l.type === 'not-attempted')
        : out.filter((l) => l.startsWith('  full_'));
      expect(notAttempted.length).toBeGreaterThan(0);
      if (json) {
        const summary = JSON.parse(out.at(-1) as string) as Record<string, unknown>;
        expect(summary).toMatchObject({ type: 'summary', ended: 'aborted', remainingFileError: expect.any(String) });
      } else {
        expect(text).toMatch(/ids in .* s: stopped/);
        expect(text).toContain('not attempted:');
      }
    },
  );
});

describe('every flag means one thing (item 7)', () => {
  it.each(['--from', '--remaining', '--provider', '--endpoint', '--timeout', '--concurrency'])(
    '%s given twice is a usage error',
    async (flag) => {
      const run = await inProcess(['stop', 'room_1', flag, 'a', flag, 'b', '--json'], tencentEnv);
      expect(run.code).toBe(2);
      const line = JSON.parse(run.stdout) as { error: { _tag: string; message: string } };
      expect(line.error).toMatchObject({ _tag: 'UsageError' });
      expect(line.error.message).toContain(`${flag} is given twice`);
    },
  );

  it('a flag that does not apply to the chosen provider is refused, by flag or by variable', async () => {
    const byFlag = await inProcess(['stop', 'room_1', '--provider', 'tencent', '--app-id', 'x', '--json'], tencentEnv);
    expect(byFlag.code).toBe(2);
    expect(byFlag.stdout).toContain('--app-id applies to aliyun only, not to tencent');
    const byEnv = await inProcess(['stop', 'room_1', '--app-id', 'x'], tencentEnv);
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).toContain('--app-id applies to aliyun only, not to tencent');
  });
});

describe('messages name what the user typed (item 9)', () => {
  it('--provider with a typo is named as --provider, not MIXTASK_PROVIDER', async () => {
    const run = await inProcess(['stop', 'room_1', '--provider', 'aliyn']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--provider: expected');
    expect(run.stderr).not.toContain('MIXTASK_PROVIDER');
  });

  it('--app-id that is invalid is named as --app-id', async () => {
    const run = await inProcess(['stop', 'task-1', '--provider', 'aliyun', '--app-id', 'bad app id!'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--app-id: expected an AppId/);
    expect(run.stderr).not.toContain('MIXTASK_ALIYUN_APP_ID');
  });

  it('a value set by neither names the flag and the variable', async () => {
    const run = await inProcess(['stop', 'task-1', '--provider', 'aliyun'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
    });
    expect(run.stderr).toMatch(/--app-id \(or MIXTASK_ALIYUN_APP_ID\): expected an AppId/);
  });

  it("a ConfigurationError's JSON carries the id asked for", async () => {
    const run = await inProcess(['stop', 'task-1', '--provider', 'aliyun', '--json'], {});
    expect(run.code).toBe(2);
    const line = JSON.parse(run.stdout) as { id: string; error: { _tag: string; id: string; message: string } };
    expect(line.id).toBe('task-1');
    expect(line.error).toMatchObject({ _tag: 'ConfigurationError', id: 'task-1' });
    expect(line.error.message).toContain('stopMix("task-1")');
  });

  it('--json gives JSON for an unknown command too', async () => {
    const run = await inProcess(['stp', 'room_1', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const line = JSON.parse(run.stdout) as { ok: boolean; error: { _tag: string; message: string } };
    expect(line).toMatchObject({ ok: false, error: { _tag: 'UsageError' } });
    expect(line.error.message).toContain('unknown command "stp"');
  });
});
