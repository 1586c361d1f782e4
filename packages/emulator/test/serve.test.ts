import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { main } from '../src/cli/main.js';

// Issue 23, items 6 and 16: the emulator refuses a bad command line before listening, every signal ends it, and a
// script can fix its credentials and port.
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Started {
  readonly code: Promise<number | null>;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): void;
}

function emulatorProcess(args: string[], env: Record<string, string> = {}): Started {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  // A process that outlives its test is a failure of the test, not a stray server on the machine.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  void code.then(() => clearTimeout(guard));
  return { code, output: () => output, kill: (signal) => child.kill(signal) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listening(started: Started): Promise<string> {
  while (!/ALIBABA_CLOUD_ACCESS_KEY_SECRET=\S+ mixtask stop/.test(started.output())) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return /listening on (http:\/\/\S+)/.exec(started.output())?.[1] as string;
}

describe('mixtask-emulator refuses a bad command line before it listens (item 6)', () => {
  it.each([
    [['--session', 'bad id with spaces'], /--session: a MixStreamSessionId/],
    [['--session', 'x'.repeat(81)], /--session: a MixStreamSessionId/],
    [['--task', 'task/with/slashes'], /--task: an MPU TaskId/],
    [['--composition', 'room_with_underscores'], /--composition: a composition id/],
    [['--tencent-secret-id', 'AKIDfixed'], /--tencent-secret-id and --tencent-secret-key go together/],
    [['--aliyun-app-id', 'has space'], /--aliyun-app-id: an AppId/],
    [['--port', '70000'], /--port must be a whole number/],
  ])('%j: exit 2 with a message, nothing left listening', async (args, message) => {
    const started = emulatorProcess(args);
    expect(await started.code).toBe(2);
    expect(started.output()).toMatch(message);
    expect(started.output()).not.toContain('listening on');
  });
});

describe('--composition (issue 22)', () => {
  it('starts an IVS composition and prints its ARN beside the IVS environment', async () => {
    const out: string[] = [];
    const controller = new AbortController();
    const running = main(['serve', '--composition', 'serve-room'], {
      env: {},
      out: (line) => {
        out.push(line);
        if (line.startsWith('#   arn:')) controller.abort();
      },
      err: (line) => out.push(line),
      interrupted: controller.signal,
    });
    expect(await running).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^MIXTASK_PROVIDER=aws-ivs MIXTASK_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ AWS_REGION=us-east-1/m);
    expect(text).toMatch(/^# {3}arn:aws:ivs:us-east-1:\d{12}:composition\/serve-room$/m);
  });
});

describe('every signal ends it (item 6)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: exits 0, closed', async (signal) => {
    const started = emulatorProcess(['--session', 'signal_room']);
    await listening(started);
    started.kill(signal);
    expect(await started.code).toBe(0);
  });
});

describe('fixed credentials, AppId and port for scripts (item 16)', () => {
  const identity = {
    tencent: { secretId: 'AKIDscriptedid0001', secretKey: 'scripted-tencent-key' },
    aliyun: { accessKeyId: 'LTAI5tscripted0001', accessKeySecret: 'scripted-aliyun-secret' },
    appId: 'scripted-app',
  };

  it('by flags: a script that knows them stops a mix on each vendor', async () => {
    const port = await freePort();
    const started = emulatorProcess([
      ...['--port', String(port), '--session', 'fixed_room', '--task', 'fixed-task'],
      ...['--tencent-secret-id', identity.tencent.secretId, '--tencent-secret-key', identity.tencent.secretKey],
      ...['--aliyun-access-key-id', identity.aliyun.accessKeyId],
      ...['--aliyun-access-key-secret', identity.aliyun.accessKeySecret, '--aliyun-app-id', identity.appId],
    ]);
    const url = await listening(started);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const tencent = createTencentProvider({ credentials: identity.tencent, endpoint: url, retry: false });
    const aliyun = createAliyunProvider({
      credentials: identity.aliyun,
      appId: identity.appId,
      endpoint: url,
      retry: false,
    });
    const results = [await tencent.stopMix('fixed_room')(), await aliyun.stopMix('fixed-task')()];
    await Promise.all([tencent.close(), aliyun.close()]);
    started.kill('SIGTERM');
    expect(await started.code).toBe(0);
    expect(results.map((r) => (E.isRight(r) ? r.right.outcome : r.left._tag))).toEqual(['stopped', 'stopped']);
  });

  it('by MIXTASK_EMULATOR_* variables, in-process', async () => {
    const port = await freePort();
    const out: string[] = [];
    const controller = new AbortController();
    const running = main(['serve'], {
      env: {
        MIXTASK_EMULATOR_PORT: String(port),
        MIXTASK_EMULATOR_TENCENT_SECRET_ID: identity.tencent.secretId,
        MIXTASK_EMULATOR_TENCENT_SECRET_KEY: identity.tencent.secretKey,
        MIXTASK_EMULATOR_ALIYUN_APP_ID: identity.appId,
      },
      out: (line) => {
        out.push(line);
        if (line.startsWith('ALIBABA_CLOUD_ACCESS_KEY_SECRET=')) controller.abort();
      },
      err: (line) => out.push(line),
      interrupted: controller.signal,
    });
    expect(await running).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`listening on http://127.0.0.1:${port}`);
    expect(text).toContain(`TENCENTCLOUD_SECRET_ID=${identity.tencent.secretId}`);
    expect(text).toContain(`MIXTASK_ALIYUN_APP_ID=${identity.appId}`);
  });

  it("never reads the vendors' own variables (an account's real keys must not be picked up and printed)", async () => {
    const out: string[] = [];
    const controller = new AbortController();
    await main(['serve'], {
      env: { TENCENTCLOUD_SECRET_ID: 'AKIDreal-account-key', TENCENTCLOUD_SECRET_KEY: 'real-secret' },
      out: (line) => {
        out.push(line);
        if (line.startsWith('ALIBABA_CLOUD_ACCESS_KEY_SECRET=')) controller.abort();
      },
      err: (line) => out.push(line),
      interrupted: controller.signal,
    });
    expect(out.join('\n')).not.toContain('real-secret');
  });
});
