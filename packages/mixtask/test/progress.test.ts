import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@mixtask/emulator';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let em: Emulator;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
  dir = mkdtempSync(join(tmpdir(), 'mixtask-progress-'));
  env = {
    PATH: process.env.PATH ?? '',
    MIXTASK_PROVIDER: 'tencent',
    MIXTASK_ENDPOINT: em.url,
    TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
    TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
    MIXTASK_REQUESTS_PER_SECOND: '400',
  };
});
afterAll(async () => {
  await em.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `mixtask stop …` in a real pseudo-terminal with util-linux `script`: stderr is the terminal (what is
 * returned, escape sequences and all), stdout goes to a file so that only the progress display reaches the pty.
 */
function inTerminal(args: string[], stdinFile?: string): Promise<{ terminal: string; stdout: string; code: number }> {
  const out = join(dir, `out-${Date.now()}.txt`);
  const input = stdinFile === undefined ? '' : ` < ${quote(stdinFile)}`;
  const command = `${[process.execPath, bin, ...args].map(quote).join(' ')}${input} > ${quote(out)}`;
  return new Promise((resolve, reject) => {
    // -e: script exits with the command's code, which is not an error here.
    execFile('script', ['-qfec', command, '/dev/null'], { env, timeout: 30_000 }, (error, terminal) => {
      const code = error === null ? 0 : error.code;
      if (typeof code !== 'number') return reject(error ?? new Error('script did not run'));
      resolve({ terminal, stdout: readFileSync(out, 'utf8'), code });
    });
  });
}

describe('the progress bar', () => {
  it('is drawn on stderr when it is a terminal: done/total, rate, ETA and failures, for a --from file', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `pb_${i}`);
    for (const id of ids.slice(0, 290)) await em.tencent.createSession(id);
    const file = join(dir, 'ids.txt');
    writeFileSync(file, `# 300 ids\n${ids.join('\n')}\n`);
    const { terminal, stdout, code } = await inTerminal(['stop', '--from', file]);
    expect(code).toBe(3); // the 10 unknown ids
    expect(terminal).toMatch(/stopping \[[█░]+\] 300\/300 \| \d+\/s \| ETA \d+s \| failed 10/);
    expect(terminal).toMatch(/stopping \[[█░]+\] 0\/300/); // drawn from the start, the total counted first
    expect(stdout).toContain('stopped 290 · already stopped 0 · failed 10');
    expect(stdout).not.toContain('stopping'); // never on stdout
  });

  it('shows a count without a bar or ETA when the total is unknown (stdin)', async () => {
    const file = join(dir, 'stdin.txt');
    writeFileSync(file, 'pb_stdin_1\npb_stdin_2\n');
    const { terminal, stdout } = await inTerminal(['stop', '--from', '-', '--json'], file);
    expect(terminal).toMatch(/stopping 2 done \| \d+\/s \| failed 2/);
    expect(terminal).not.toContain('ETA');
    expect(stdout.trim().split('\n')).toHaveLength(3); // the JSON lines are untouched by the display
  });
});
