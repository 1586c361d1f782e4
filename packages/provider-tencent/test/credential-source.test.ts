import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import {
  createServer as createTcpServer,
  connect,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import tencentCommon from 'tencentcloud-sdk-nodejs-common';
import type { MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider, fromTencentCloudCredential } from '@mixtask/provider-tencent';

type Source = { getCredential(): Promise<unknown> };
// CvmRoleCredential is not a named ESM export of this CommonJS package: take it from the default export.
const { CvmRoleCredential, ProfileCredential } = tencentCommon as unknown as Record<
  'CvmRoleCredential' | 'ProfileCredential',
  new () => Source
>;

/**
 * The CVM metadata service is at a fixed host (metadata.tencentyun.com); the SDK reaches it through `http_proxy`
 * when set. So: a fake metadata server on 127.0.0.1, and a CONNECT stub that tunnels every request to it.
 */
let roleAnswers: Array<{ status: number; body: unknown }> = [];
let metadata: Server;
let tunnel: TcpServer;
const tunnelSockets = new Set<Socket>();
let em: Emulator;
let savedProxy: string | undefined;

beforeAll(async () => {
  em = await startEmulator();
  metadata = createServer((req, res) => {
    if (req.url === '/latest/meta-data/cam/security-credentials/') return void res.end('mixtask-role');
    const answer = roleAnswers.shift() ?? { status: 500, body: {} };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', () => resolve()));
  const metadataPort = (metadata.address() as AddressInfo).port;
  tunnel = createTcpServer((client) => {
    tunnelSockets.add(client);
    client.once('data', () => {
      // Whatever host the CONNECT names, the tunnel leads to the fake metadata server.
      const upstream = connect(metadataPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      tunnelSockets.add(upstream);
      upstream.on('error', () => client.destroy());
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', () => resolve()));
});
afterAll(async () => {
  for (const socket of tunnelSockets) socket.destroy();
  await new Promise<void>((resolve) => tunnel.close(() => resolve()));
  await new Promise<void>((resolve) => metadata.close(() => resolve()));
  await em.close();
});
beforeEach(() => {
  roleAnswers = [];
  savedProxy = process.env.http_proxy;
  process.env.http_proxy = `http://127.0.0.1:${(tunnel.address() as AddressInfo).port}`;
});
afterEach(() => {
  if (savedProxy === undefined) delete process.env.http_proxy;
  else process.env.http_proxy = savedProxy;
});

const roleCredentials = (c: { secretId: string; secretKey: string; sessionToken?: string }) => ({
  status: 200,
  body: {
    Code: 'Success',
    TmpSecretId: c.secretId,
    TmpSecretKey: c.secretKey,
    Token: c.sessionToken,
    ExpiredTime: Math.floor(Date.now() / 1000) + 3600,
  },
});

function shows(u: unknown, secrets: readonly string[]): string[] {
  const text = `${JSON.stringify(u)}\n${inspect(u, { depth: 10, showHidden: true })}`;
  return secrets.filter((secret) => secret !== '' && text.includes(secret));
}

describe('CvmRoleCredential and its cached rejection', () => {
  it('alone, stays broken after one HTTP 500 (the defect the adapter absorbs)', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    roleAnswers.push({ status: 500, body: {} }, roleCredentials(issued));
    const cvm = new CvmRoleCredential();
    await expect(cvm.getCredential()).rejects.toThrow();
    await expect(cvm.getCredential()).rejects.toThrow(); // the metadata server would now answer
  });

  it('through the adapter, one 500 fails one call and the next succeeds, even for a plain instance', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    roleAnswers.push({ status: 500, body: {} }, roleCredentials(issued));
    const credentials = fromTencentCloudCredential(new CvmRoleCredential());
    await expect(credentials()).rejects.toMatchObject({
      name: 'CredentialSourceError',
      code: 'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED',
      source: 'CvmRoleCredential',
    });
    await expect(credentials()).resolves.toEqual(issued);
  });

  it('stops a mix with role credentials (token → sessionToken), after a 500 that fails only the first stop', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    roleAnswers.push({ status: 500, body: {} }, roleCredentials(issued));
    await em.tencent.createSession('room_cvm');
    const events: MixEvent[] = [];
    const provider = createTencentProvider({
      credentials: fromTencentCloudCredential(() => new CvmRoleCredential()),
      endpoint: em.url,
      // http_proxy (set for the SDK's metadata calls) would otherwise apply to the emulator too.
      proxy: false,
      onEvent: (e) => events.push(e),
    });
    const first = await provider.stopMix('room_cvm')();
    expect(E.isLeft(first) && first.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
    expect(E.isLeft(first) && first.left.message).toContain('CvmRoleCredential');
    const second = await provider.stopMix('room_cvm')();
    expect(second).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
    expect(shows([first, events], [issued.secretKey, issued.sessionToken ?? ''])).toEqual([]);
  });
});

describe('empty credentials', () => {
  it('from the profile chain (empty strings, no throw) are AuthenticationFailed naming the source; nothing is sent', async () => {
    const before = em.requests().length;
    // With no profile file, ProfileCredential answers { secretId: '', secretKey: '' } instead of failing.
    const emptyProfile = { getCredential: () => Promise.resolve({ secretId: '', secretKey: '', token: undefined }) };
    Object.defineProperty(emptyProfile, 'constructor', { value: ProfileCredential });
    const provider = createTencentProvider({ credentials: fromTencentCloudCredential(emptyProfile), endpoint: em.url });
    const result = await provider.stopMix('room_empty')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'AuthenticationFailed', retryable: false });
    expect(E.isLeft(result) && result.left.message).toContain(
      'ProfileCredential returned empty credentials (secretId is empty)',
    );
    expect(em.requests().length).toBe(before);
  });
});

describe('in a child process with a temporary HOME (the SDK reads the profile from the real HOME)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'mixtask-home-'));
    await mkdir(join(home, '.tencentcloud'));
    await writeFile(
      join(home, '.tencentcloud', 'credentials'),
      '[default]\nsecret_id = AKIDprofileCanary\nsecret_key = profileSecretCanary\n',
    );
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("the default chain (mixtask's defaultCredentialChain) reads the profile file", async () => {
    // Runs the built umbrella (npm test builds first) through its public entry, as an app would: an env with no keys
    // takes the default chain, and a server on 127.0.0.1 reads the key id the request was signed with.
    const script = `
      import { createServer } from 'node:http';
      const { createMixTaskProvider, mixTaskConfigFromEnv } = await import('./packages/mixtask/dist/index.js');
      let authorization = '';
      const server = createServer((req, res) => {
        authorization = req.headers.authorization ?? '';
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { RequestId: 'r-profile' } }));
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const endpoint = 'http://127.0.0.1:' + server.address().port;
      const config = mixTaskConfigFromEnv({ MIXTASK_PROVIDER: 'tencent', MIXTASK_ENDPOINT: endpoint, MIXTASK_TRANSPORT: 'node' });
      if (config._tag === 'Left') throw new Error(config.left.message);
      const provider = createMixTaskProvider(config.right);
      const result = await provider.stopMix('room_profile')();
      server.close();
      console.log(JSON.stringify({ tag: result._tag, secretId: /Credential=([^/]+)\\//.exec(authorization)?.[1] }));`;
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { env, cwd: process.cwd() }, (error, stdout) =>
        error === null ? resolve(stdout) : reject(error),
      ),
    );
    expect(JSON.parse(out.trim().split('\n').pop() ?? '')).toEqual({ tag: 'Right', secretId: 'AKIDprofileCanary' });
  });
});
