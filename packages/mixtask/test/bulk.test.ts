import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { stopMixes, type StopMixesReport, type StopMixesResult } from '@mixtask/core';
import { FakeClock } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { bulkExitOrder, summaryLines, worseExitCode } from '../src/cli/bulk.js';

// The built bin, as a user runs it: `npm test` builds before jest runs.
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface JsonLine {
  readonly type: 'result' | 'not-attempted' | 'summary';
  readonly id?: string;
  readonly ok?: boolean;
  readonly outcome?: string;
  readonly error?: { _tag: string; providerCode?: string };
  readonly ended?: string;
  readonly totals?: Record<string, number>;
  readonly exitCode?: number;
}

function mixtask(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

const jsonLines = (stdout: string): JsonLine[] =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonLine);

/** Asserts each id of `expected` appears in exactly one per-id line, and nothing else does. */
function expectEachOnce(lines: readonly JsonLine[], expected: readonly string[]) {
  const seen = lines.filter((l) => l.type !== 'summary').map((l) => l.id as string);
  expect(seen.length).toBe(expected.length);
  expect(new Set(seen)).toEqual(new Set(expected));
}

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

let em: Emulator;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  // Quotas off: a thousand ids take well under a second; throttling comes from injected faults instead.
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
  env = {
    MIXTASK_PROVIDER: 'tencent',
    MIXTASK_ENDPOINT: em.url,
    TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
    TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
    MIXTASK_REQUESTS_PER_SECOND: 'off',
  };
  dir = mkdtempSync(join(tmpdir(), 'mixtask-bulk-'));
});
afterEach(() => em.clearFaults());
afterAll(async () => {
  await em.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `live` sessions named `${prefix}0…`, plus `unknown` ids after them that were never started. */
async function thousand(prefix: string, live = 950, unknown = 50): Promise<string[]> {
  const all = ids(live + unknown, prefix);
  for (const id of all.slice(0, live)) await em.tencent.createSession(id);
  return all;
}

describe('stopMixes against the emulator', () => {
  it('1,000 ids, some unknown, 25 throttled with retries off: every id once, the throttles surfaced', async () => {
    const all = await thousand('sm_a_');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded' }, times: 25 });
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      rateLimit: false,
      retry: { maxAttempts: 1 },
    });
    const results: StopMixesResult[] = [];
    const report = await stopMixes(provider, all, { onResult: (r) => results.push(r) })();

    expect(report.ended).toBe('completed');
    expect(results.map((r) => r.id).sort()).toEqual([...all].sort());
    expect(report.byTag.RateLimited).toBe(25);
    expect(report.totals.stopped + (report.byTag.SessionNotFound ?? 0) + 25).toBe(1000);
    const unknown = new Set(all.slice(950));
    for (const r of results) {
      if (E.isRight(r.result)) expect(unknown.has(r.id)).toBe(false);
      else if (r.result.left._tag === 'SessionNotFound') expect(unknown.has(r.id)).toBe(true);
    }
  });

  it('with retries, injected throttling is absorbed: nothing surfaces', async () => {
    const all = await thousand('sm_b_');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded' }, times: 9 });
    const clock = new FakeClock();
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      rateLimit: false,
      // Faults are taken first come first served, so one id may meet several in a row: 10 attempts outlast all 9.
      retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 },
      clock,
    });
    const report = await stopMixes(provider, all)();
    expect(report.totals).toMatchObject({ attempted: 1000, stopped: 950, failed: 50 });
    expect(report.byTag).toEqual({ SessionNotFound: 50 });
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(9); // the backoffs that absorbed the throttling
  });
});

describe('mixtask stop, many ids', () => {
  it('--from a file with --json: one line per id, then a summary; exit 5 (throttled) beats 3 (not found)', async () => {
    const all = await thousand('cli_a_');
    const file = join(dir, 'a.txt');
    writeFileSync(file, `# leaked mixes\n\n${all.join('\r\n')}\n\n# end\n`);
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded' }, times: 20 });
    const run = await mixtask(['stop', '--from', file, '--json'], { ...env, MIXTASK_MAX_ATTEMPTS: '1' });

    const lines = jsonLines(run.stdout);
    expectEachOnce(lines, all);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: 'summary', ended: 'completed', exitCode: 5 });
    expect(summary?.totals).toMatchObject({ attempted: 1000, notAttempted: 0 });
    expect(lines.filter((l) => l.error?._tag === 'RateLimited')).toHaveLength(20);
    expect(run.code).toBe(5);
    expect(run.stderr).toBe(''); // no progress bar on a pipe
    expect(run.stdout).not.toContain(em.tencent.credentials.secretKey);
  });

  it('--from - (stdin), after ids on the command line: every id once, exit 0', async () => {
    const all = await thousand('cli_b_', 1000, 0);
    const run = await mixtask(['stop', ...all.slice(0, 3), '--from', '-', '--json'], env, all.slice(3).join('\n'));
    expectEachOnce(jsonLines(run.stdout), all);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(em.tencent.sessions().filter((s) => s.startsWith('cli_b_'))).toEqual([]);
  });

  it('prints a summary table grouping failures by tag and vendor code, with request ids', async () => {
    await em.tencent.createSession('cli_c_1');
    const run = await mixtask(['stop', 'cli_c_1', 'cli_c_gone', 'cli_c_gone2', 'bad id'], env);
    expect(run.code).toBe(2); // invalid (2) ranks worse than not found (3)
    expect(run.stdout).toContain('4 ids in');
    expect(run.stdout).toContain('stopped 1 · already stopped 0 · failed 3 · not attempted 0');
    expect(run.stdout).toMatch(
      /SessionNotFound\s+FailedOperation\.CancelSessionNotExist\s+2\n {2}cli_c_gone {2}RequestId [0-9a-f-]{36}\n {2}cli_c_gone2 {2}RequestId [0-9a-f-]{36}\n/,
    );
    expect(run.stdout).toMatch(/InvalidArgument\s+-\s+1\n {2}bad id {2}RequestId -\n/);
    expect(run.stdout + run.stderr).not.toContain(em.tencent.credentials.secretKey);
  });

  it('keeps a single id on its one-line output and exit codes', async () => {
    await em.tencent.createSession('cli_d_1');
    const run = await mixtask(['stop', 'cli_d_1'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stopped: tencent cli_d_1 \(RequestId [0-9a-f-]{36}, 1 attempt\)\n$/);
    expect((await mixtask(['stop', 'cli_d_1'], env)).code).toBe(3);
  });

  it('refuses a bad --concurrency with exit 2, before reading or sending anything', async () => {
    const before = em.requests().length;
    for (const value of ['0', '1025', 'many']) {
      const run = await mixtask(['stop', 'a', 'b', '--concurrency', value], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--concurrency');
    }
    expect(em.requests().length).toBe(before);
  });

  it('reports a missing --from file with exit 2', async () => {
    const run = await mixtask(['stop', '--from', join(dir, 'nope.txt')], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ENOENT');
  });

  it('Ctrl-C half-way: in-flight stops settle, the rest goes to --remaining, and feeding it back finishes the job', async () => {
    const all = await thousand('cli_e_', 1000, 0);
    const file = join(dir, 'e.txt');
    const remaining = join(dir, 'e-remaining.txt');
    writeFileSync(file, all.join('\n'));
    // Paced at 200/s so that there is a half-way to interrupt.
    const child = spawn(process.execPath, [bin, 'stop', '--from', file, '--json', '--remaining', remaining], {
      env: { PATH: process.env.PATH ?? '', ...env, MIXTASK_REQUESTS_PER_SECOND: '200' },
    });
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!interrupted && stdout.split('\n').length > 300) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);

    const lines = jsonLines(stdout);
    expectEachOnce(lines, all);
    const notAttempted = lines.filter((l) => l.type === 'not-attempted').map((l) => l.id);
    expect(notAttempted.length).toBeGreaterThan(100);
    expect(lines.filter((l) => l.type === 'result').every((l) => l.ok === true)).toBe(true); // settled, not aborted
    expect(lines.at(-1)).toMatchObject({ type: 'summary', ended: 'aborted', exitCode: 130 });
    expect(readFileSync(remaining, 'utf8')).toBe(notAttempted.map((id) => `${id}\n`).join(''));

    const again = await mixtask(['stop', '--from', remaining, '--json'], env);
    expect(again.code).toBe(0);
    expectEachOnce(jsonLines(again.stdout), notAttempted as string[]);
    expect(em.tencent.sessions().filter((s) => s.startsWith('cli_e_'))).toEqual([]);
  });

  it('SIGTERM half-way exits 143, and the summary says which signal and that a stop may have landed anyway', async () => {
    const all = await thousand('cli_t_', 600, 0);
    const file = join(dir, 't.txt');
    writeFileSync(file, all.join('\n'));
    const child = spawn(process.execPath, [bin, 'stop', '--from', file, '--json'], {
      env: { PATH: process.env.PATH ?? '', ...env, MIXTASK_REQUESTS_PER_SECOND: '200' },
    });
    let stdout = '';
    let stderr = '';
    let terminated = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!terminated && stdout.split('\n').length > 100) {
        terminated = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);

    const lines = jsonLines(stdout);
    expectEachOnce(lines, all);
    expect(lines.at(-1)).toMatchObject({
      type: 'summary',
      ended: 'aborted',
      exitCode: 143,
      interrupted: { signal: 'SIGTERM', exitCode: 143, mayHaveLanded: true },
    });
    expect(stderr).toContain('SIGTERM: no new stop starts');
    expect(stderr).toContain('may have landed anyway');
  });

  it('without --json, the text summary names the signal and the warning', async () => {
    // In-process: the summary lines of an aborted report, as SIGTERM leaves them.
    const lines = summaryLines(
      {
        ended: 'aborted',
        exhausted: false,
        totals: { attempted: 2, stopped: 2, alreadyStopped: 0, failed: 0, notAttempted: 1 },
        byTag: {},
        failures: [],
        notAttempted: ['c'],
        onResultErrors: 0,
      } satisfies StopMixesReport,
      1,
      1000,
      undefined,
      { signal: 'SIGTERM', exitCode: 143 },
    );
    expect(lines.join('\n')).toContain('interrupted by SIGTERM: the stops in flight settled');
    expect(lines.join('\n')).toContain('may have landed anyway');
  });

  it('ranks 143 (SIGTERM) and 130 (Ctrl-C) above every other code', () => {
    expect(bulkExitOrder.slice(0, 2)).toEqual([143, 130]);
    expect(worseExitCode(143, 4)).toBe(143);
    expect(worseExitCode(2, 130)).toBe(130);
  });
});
