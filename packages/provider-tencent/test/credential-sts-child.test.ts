import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import {
  type ConnectStub,
  type FakeSts,
  lastJsonLine,
  runModuleChild,
  startConnectStub,
  startFakeSts,
  stsCredentials,
  stsHost,
  stsTestCa,
} from '@mixtask/test-kit';

/**
 * The documented TKE recipe as an app runs it: `() => new OIDCRoleArnCredential()` with no arguments, configured
 * only by the TKE_* variables, with the built packages (npm test builds first). The SDK then calls the real
 * https://sts.tencentcloudapi.com through `http_proxy` (a CONNECT tunnel): here a stub that leads to the fake STS,
 * whose test CA the child trusts through NODE_EXTRA_CA_CERTS (read only at startup, hence the child process).
 * The emulator is reached directly: mixtask sends no plain-http loopback request through an env proxy.
 */
const webIdentityToken = 'eyJhbGciOiJSUzI1NiJ9.childTokenCanary.signatureCanary';
const roleArn = 'qcs::cam::uin/100000000001:roleName/mixtask-child';

let sts: FakeSts;
let stub: ConnectStub;
let em: Emulator;
let dir: string;

beforeAll(async () => {
  [sts, em] = await Promise.all([startFakeSts(), startEmulator()]);
  stub = await startConnectStub(sts.port);
  dir = await mkdtemp(join(tmpdir(), 'mixtask-sts-child-'));
  await Promise.all([writeFile(join(dir, 'ca.pem'), stsTestCa), writeFile(join(dir, 'token'), webIdentityToken)]);
});
afterAll(async () => {
  await Promise.all([sts.close(), stub.close(), em.close(), rm(dir, { recursive: true, force: true })]);
});

interface ChildResult {
  readonly tag: 'Left' | 'Right';
  readonly error?: { readonly _tag: string; readonly message: string; readonly attempts: number };
  readonly outcome?: string;
}

/** Stops each session in turn in one child process (one provider, one factory), and returns what each stop answered. */
async function stopInChild(
  sessions: readonly string[],
): Promise<{ results: ChildResult[]; stdout: string; stderr: string }> {
  const script = `
    const { default: common } = await import('tencentcloud-sdk-nodejs-common');
    const { createTencentProvider, fromTencentCloudCredential } = await import('./packages/provider-tencent/dist/index.js');
    const provider = createTencentProvider({
      credentials: fromTencentCloudCredential(() => new common.OIDCRoleArnCredential()),
      endpoint: process.env.MIXTASK_TEST_ENDPOINT,
    });
    const results = [];
    for (const id of JSON.parse(process.env.MIXTASK_TEST_SESSIONS)) {
      const r = await provider.stopMix(id)();
      results.push(r._tag === 'Left'
        ? { tag: 'Left', error: { _tag: r.left._tag, message: r.left.message, attempts: r.left.attempts } }
        : { tag: 'Right', outcome: r.right.outcome });
    }
    console.log(JSON.stringify(results));`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir, // no profile file of the developer's is read
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    http_proxy: stub.url,
    TKE_REGION: 'ap-singapore',
    TKE_PROVIDER_ID: 'tke-child-provider',
    TKE_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
    TKE_ROLE_ARN: roleArn,
    MIXTASK_TEST_ENDPOINT: em.url,
    MIXTASK_TEST_SESSIONS: JSON.stringify(sessions),
  };
  const { stdout, stderr } = await runModuleChild(script, env);
  return { results: lastJsonLine<ChildResult[]>(stdout, '[]'), stdout, stderr };
}

it('new OIDCRoleArnCredential() from the TKE variables: a 500 from STS fails one stop, the next succeeds', async () => {
  const issued = em.tencent.issueTemporaryCredentials();
  sts.answer({ status: 500, body: {} }, stsCredentials(issued));
  await Promise.all([em.tencent.createSession('room_tke_a'), em.tencent.createSession('room_tke_b')]);
  const before = em.requests().length;

  const { results, stdout, stderr } = await stopInChild(['room_tke_a', 'room_tke_b']);

  expect(results).toEqual([
    {
      tag: 'Left',
      error: { _tag: 'AuthenticationFailed', attempts: 0, message: expect.stringContaining('OIDCRoleArnCredential') },
    },
    { tag: 'Right', outcome: 'stopped' },
  ]);
  expect(em.tencent.sessions()).toEqual(expect.arrayContaining(['room_tke_a']));
  expect(em.tencent.sessions()).not.toContain('room_tke_b');
  // Only the second stop reached the emulator, with the STS-issued id, secret and token (it accepts nothing else).
  expect(em.requests().slice(before)).toEqual([expect.objectContaining({ vendor: 'tencent', status: 200 })]);
  expect(stub.targets).toEqual([`${stsHost}:443`, `${stsHost}:443`]);
  expect(sts.calls).toEqual([
    expect.objectContaining({ action: 'AssumeRoleWithWebIdentity', region: 'ap-singapore', host: stsHost }),
    {
      action: 'AssumeRoleWithWebIdentity',
      region: 'ap-singapore',
      host: stsHost,
      authorization: 'SKIP',
      params: {
        RoleArn: roleArn,
        RoleSessionName: expect.stringMatching(/^tencentcloud-node-sdk-\d+$/),
        WebIdentityToken: webIdentityToken,
        ProviderId: 'tke-child-provider',
      },
    },
  ]);
  const output = stdout + stderr;
  for (const secret of [issued.secretKey, issued.sessionToken, webIdentityToken]) expect(output).not.toContain(secret);
});
