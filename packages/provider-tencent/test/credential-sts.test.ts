import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import tencentCommon from 'tencentcloud-sdk-nodejs-common';
import type { MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider, fromTencentCloudCredential } from '@mixtask/provider-tencent';
import { startFakeSts, stsCredentials, stsError, stsHost, type FakeSts } from '@mixtask/test-kit';

/**
 * The SDK's STS credentials (TKE OIDC and AssumeRole) against a fake https://sts.tencentcloudapi.com on 127.0.0.1.
 * The SDK takes an https agent per client (`profile.httpProfile.agent`); ours connects to the fake server and trusts
 * only the test CA, so the real host name is still verified, in this process. The documented zero-argument
 * `new OIDCRoleArnCredential()` (no agent) is run in a child process: credential-sts-child.test.ts.
 */
type Source = { getCredential(): Promise<unknown> };
interface ClientConfig {
  credential?: { secretId: string; secretKey: string };
  region?: string;
  profile?: { httpProfile?: { agent?: Agent } };
}
const { OIDCRoleArnCredential, STSCredential } = tencentCommon as unknown as {
  OIDCRoleArnCredential: new (clientConfig?: ClientConfig) => Source;
  STSCredential: new (clientConfig: ClientConfig, params: { RoleArn: string; RoleSessionName: string }) => Source;
};

const webIdentityToken = 'eyJhbGciOiJSUzI1NiJ9.webIdentityTokenCanary.signatureCanary';
const roleArn = 'qcs::cam::uin/100000000001:roleName/mixtask-test';
const providerId = 'tke-oidc-provider-canary';
const longTerm = { secretId: 'AKIDlongTermCanary0001', secretKey: 'longTermSecretKeyCanary' };
const tkeEnv = ['TKE_REGION', 'TKE_PROVIDER_ID', 'TKE_WEB_IDENTITY_TOKEN_FILE', 'TKE_ROLE_ARN'] as const;

let sts: FakeSts;
let em: Emulator;
let dir: string;
let tokenFile: string;
const savedEnv: Partial<Record<string, string>> = {};

beforeAll(async () => {
  [sts, em] = await Promise.all([startFakeSts(), startEmulator()]);
  dir = await mkdtemp(join(tmpdir(), 'mixtask-sts-'));
  tokenFile = join(dir, 'web-identity-token');
  await writeFile(tokenFile, webIdentityToken);
});
afterAll(async () => {
  await Promise.all([sts.close(), em.close(), rm(dir, { recursive: true, force: true })]);
});
beforeEach(() => {
  sts.calls.length = 0;
  for (const name of [...tkeEnv, 'http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  process.env.TKE_REGION = 'ap-shanghai';
  process.env.TKE_PROVIDER_ID = providerId;
  process.env.TKE_WEB_IDENTITY_TOKEN_FILE = tokenFile;
  process.env.TKE_ROLE_ARN = roleArn;
});
afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function shows(u: unknown, secrets: readonly string[]): string[] {
  const text = `${JSON.stringify(u)}\n${inspect(u, { depth: 10, showHidden: true })}`;
  return secrets.filter((secret) => secret !== '' && text.includes(secret));
}

/** A TKE pod's credential (it reads the TKE_* variables), talking to the fake STS. */
const oidc = () => new OIDCRoleArnCredential({ profile: { httpProfile: { agent: sts.agent() } } });
const assumeRole = () =>
  new STSCredential(
    { credential: longTerm, region: 'ap-guangzhou', profile: { httpProfile: { agent: sts.agent() } } },
    { RoleArn: roleArn, RoleSessionName: 'mixtask-session' },
  );

function provider(source: Parameters<typeof fromTencentCloudCredential>[0], events: MixEvent[]) {
  return createTencentProvider({
    credentials: fromTencentCloudCredential(source),
    endpoint: em.url,
    proxy: false,
    onEvent: (e) => events.push(e),
  });
}

describe('OIDCRoleArnCredential (TKE, AssumeRoleWithWebIdentity)', () => {
  it('stops a mix with the credentials STS issued; STS was asked with the token file, role and provider', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    sts.answer(stsCredentials(issued));
    await em.tencent.createSession('room_oidc');
    const before = em.requests().length;
    const events: MixEvent[] = [];
    const result = await provider(oidc, events).stopMix('room_oidc')();

    expect(result).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
    expect(em.tencent.sessions()).not.toContain('room_oidc');
    // The emulator accepts these temporary keys only with their X-TC-Token, and only signed with their secret.
    expect(em.requests().slice(before)).toEqual([expect.objectContaining({ vendor: 'tencent', status: 200 })]);
    expect(sts.calls).toEqual([
      {
        action: 'AssumeRoleWithWebIdentity',
        region: 'ap-shanghai',
        host: stsHost,
        authorization: 'SKIP', // this action is not signed
        params: {
          RoleArn: roleArn,
          RoleSessionName: expect.stringMatching(/^tencentcloud-node-sdk-\d+$/),
          WebIdentityToken: webIdentityToken,
          ProviderId: providerId,
        },
      },
    ]);
    expect(shows([result, events], [issued.secretKey, issued.sessionToken, webIdentityToken])).toEqual([]);
  });

  it.each([
    [
      'an error envelope that quotes the token',
      stsError('InvalidParameter', `WebIdentityToken ${webIdentityToken} is invalid`),
    ],
    ['HTTP 500', { status: 500, body: {} }],
  ])(
    'after %s, the stop is AuthenticationFailed naming the source, nothing is sent; the next stop succeeds',
    async (_, failure) => {
      const issued = em.tencent.issueTemporaryCredentials();
      sts.answer(failure, stsCredentials(issued));
      await em.tencent.createSession('room_oidc_fail');
      const before = em.requests().length;
      const events: MixEvent[] = [];
      const stops = provider(oidc, events);

      const first = await stops.stopMix('room_oidc_fail')();
      expect(E.isLeft(first) && first.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
      expect(E.isLeft(first) && first.left.message).toContain('OIDCRoleArnCredential');
      expect(em.requests().length).toBe(before);

      const second = await stops.stopMix('room_oidc_fail')();
      expect(second).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
      expect(sts.calls.map((c) => c.action)).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRoleWithWebIdentity']);
      expect(shows([first, second, events], [issued.secretKey, issued.sessionToken, webIdentityToken])).toEqual([]);
    },
  );

  it('a plain instance (not a factory) recovers too: the adapter drops the rejected promise it cached', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    sts.answer({ status: 500, body: {} }, stsCredentials(issued));
    const instance = oidc();
    const credentials = fromTencentCloudCredential(instance);
    const failure = await credentials().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ name: 'CredentialSourceError', source: 'OIDCRoleArnCredential' });
    expect(shows(failure, [webIdentityToken])).toEqual([]);
    await expect(credentials()).resolves.toEqual(issued);
    // A working source is reused: no third STS call while the credentials are valid.
    await expect(credentials()).resolves.toEqual(issued);
    expect(sts.calls).toHaveLength(2);
  });

  it('a missing TKE variable fails the stop naming the source, with no STS call and no request', async () => {
    delete process.env.TKE_ROLE_ARN;
    const before = em.requests().length;
    const result = await provider(oidc, []).stopMix('room_no_env')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
    expect(E.isLeft(result) && result.left.message).toContain('OIDCRoleArnCredential');
    expect(shows(result, [webIdentityToken])).toEqual([]);
    expect(sts.calls).toEqual([]);
    expect(em.requests().length).toBe(before);
  });
});

describe('STSCredential (AssumeRole)', () => {
  it('stops a mix with the assumed role; STS got a request signed with the long-term key for service sts', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    sts.answer(stsCredentials(issued));
    await em.tencent.createSession('room_assume');
    const before = em.requests().length;
    const events: MixEvent[] = [];
    const result = await provider(assumeRole, events).stopMix('room_assume')();

    expect(result).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
    expect(em.requests().slice(before)).toEqual([expect.objectContaining({ vendor: 'tencent', status: 200 })]);
    expect(sts.calls).toEqual([
      {
        action: 'AssumeRole',
        region: 'ap-guangzhou',
        host: stsHost,
        authorization: expect.stringMatching(
          new RegExp(`^TC3-HMAC-SHA256 Credential=${longTerm.secretId}/\\d{4}-\\d{2}-\\d{2}/sts/tc3_request, `),
        ),
        params: { RoleArn: roleArn, RoleSessionName: 'mixtask-session' },
      },
    ]);
    expect(shows([result, events], [issued.secretKey, issued.sessionToken, longTerm.secretKey])).toEqual([]);
  });

  it('an AuthFailure from STS fails one stop without quoting any secret; the next stop succeeds', async () => {
    const issued = em.tencent.issueTemporaryCredentials();
    sts.answer(
      stsError(
        'AuthFailure.SecretIdNotFound',
        `The SecretId ${longTerm.secretId} (key ${longTerm.secretKey}) is not found`,
      ),
      stsCredentials(issued),
    );
    await em.tencent.createSession('room_assume_fail');
    const before = em.requests().length;
    const events: MixEvent[] = [];
    const stops = provider(assumeRole, events);

    const first = await stops.stopMix('room_assume_fail')();
    expect(E.isLeft(first) && first.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
    expect(E.isLeft(first) && first.left.message).toContain('STSCredential');
    expect(em.requests().length).toBe(before);

    const second = await stops.stopMix('room_assume_fail')();
    expect(second).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
    expect(sts.calls.map((c) => c.action)).toEqual(['AssumeRole', 'AssumeRole']);
    expect(shows([first, second, events], [issued.secretKey, issued.sessionToken, longTerm.secretKey])).toEqual([]);
  });
});
