import { describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The built bin, as a user runs it: `npm test` builds before jest runs.
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const mixtaskBin = fileURLToPath(new URL('../../mixtask/dist/cli.js', import.meta.url));

function run(file: string, args: string[], env: Record<string, string> = {}) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (npm test does it first)`);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe('mixtask-emulator', () => {
  it('runs in the foreground, prints its URL and credentials, serves stops, and exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, '--session', 'cli_fg_room'], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!/TENCENTCLOUD_SECRET_KEY=\S+ mixtask stop/.test(stdout)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? '';
    const stop = await run(mixtaskBin, ['stop', 'cli_fg_room'], {
      MIXTASK_PROVIDER: 'tencent',
      MIXTASK_ENDPOINT: url,
      TENCENTCLOUD_SECRET_ID: /TENCENTCLOUD_SECRET_ID=(\S+)/.exec(stdout)?.[1] ?? '',
      TENCENTCLOUD_SECRET_KEY: /TENCENTCLOUD_SECRET_KEY=(\S+)/.exec(stdout)?.[1] ?? '',
    });
    expect(stop.code).toBe(0);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('runs the demo to the end and exits on its own (every provider closed)', async () => {
    const demo = await run(bin, ['demo']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/stop\s+tencent\s+room_demo_1\s+stopped/);
    expect(demo.stdout).toMatch(/throttled once\s+aliyun\s+task-demo-2\s+stopped\s+2/);
    expect(demo.stdout).toMatch(
      /stop again\s+aws-ivs\s+arn:aws:ivs:us-east-1:\d+:composition\/demo-1\s+SessionNotFound/,
    );
    expect(demo.stdout).toMatch(/throttled once\s+aws-ivs\s+\S+\/demo-2\s+stopped\s+2/);
  });

  it('refuses a host that is not loopback, saying why', async () => {
    const refused = await run(bin, ['--host', '0.0.0.0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not a loopback address');
  });

  it('prints help for every command, and the usage line lists every flag', async () => {
    for (const args of [['--help'], ['serve', '--help'], ['demo', '--help']]) {
      const help = await run(bin, args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: mixtask-emulator');
    }
    const serve = (await run(bin, ['serve', '--help'])).stdout;
    const usage = serve.split('\n')[0] ?? '';
    for (const flag of new Set(serve.match(/--[a-z]+/g))) expect(usage).toContain(flag);
  });
});
