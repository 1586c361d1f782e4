import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import {
  acsStsCredentials,
  acsStsError,
  lastJsonLine,
  rpcSignature,
  runModuleChild,
  startFakeAcsSts,
  testCert,
  type FakeAcsSts,
} from '@mixtask/test-kit';

/**
 * `fromAlibabaCloudCredentials(() => new Credential({ type: 'oidc_role_arn' | 'ram_role_arn', stsEndpoint, … }))`
 * against a fake STS on 127.0.0.1, with the built packages (npm test builds first). `@alicloud/credentials` always
 * calls STS over https with no CA or agent option, and uses `stsEndpoint` verbatim as the URL's host (a port
 * included), so each case runs in a child process that trusts the fake's self-signed 127.0.0.1 certificate
 * through NODE_EXTRA_CA_CERTS (read only at startup) and sets `stsEndpoint: '127.0.0.1:<port>'`.
 *
 * Nothing reaches the internet: the child's environment is built from scratch (no ALIBABA_CLOUD_* of the
 * developer's, HOME a temporary directory), and before the library is loaded the child replaces `dns.lookup`
 * with one that refuses every name — the fake STS and the emulator are reached by IP literal, which needs no
 * lookup, so a variant that lost its `stsEndpoint` (the library's default is sts.aliyuncs.com) fails there.
 */
const oidcToken = 'eyJhbGciOiJSUzI1NiJ9.aliyunOidcTokenCanary.signatureCanary';
const roleArn = 'acs:ram::1000000000000001:role/mixtask-rrsa';
const oidcProviderArn = 'acs:ram::1000000000000001:oidc-provider/ack-rrsa-fake';
const longTerm = { accessKeyId: 'LTAI5tFakeLongTermKeyId01', accessKeySecret: 'LongTermSecretCanary7f3a9c2e1b' };

let sts: FakeAcsSts;
let em: Emulator;
let dir: string;

beforeAll(async () => {
  [sts, em] = await Promise.all([startFakeAcsSts(), startEmulator()]);
  dir = await mkdtemp(join(tmpdir(), 'mixtask-acs-sts-'));
  await Promise.all([writeFile(join(dir, 'ca.pem'), testCert), writeFile(join(dir, 'token'), oidcToken)]);
});
afterAll(async () => {
  await Promise.all([sts.close(), em.close(), rm(dir, { recursive: true, force: true })]);
});

interface ChildResult {
  readonly tag: 'Left' | 'Right';
  readonly error?: { readonly _tag: string; readonly message: string; readonly attempts: number };
  readonly outcome?: string;
}

interface ChildRun {
  readonly results: ChildResult[];
  /** Host names the library tried to resolve (each refused). */
  readonly lookups: string[];
  /** How many times the factory built a Credential. */
  readonly built: number;
  /** Everything the child wrote: results, every event and every error in full (util.inspect), and stderr. */
  readonly output: string;
}

/**
 * In one child process: one provider over `fromAlibabaCloudCredentials(() => new Credential(config))`, stopping
 * each task in turn.
 */
async function stopInChild(
  config: Record<string, unknown>,
  tasks: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<ChildRun> {
  const script = `
    const dns = (await import('node:dns')).default;
    const { inspect } = await import('node:util');
    const lookups = [];
    const refuse = (hostname) => {
      lookups.push(hostname);
      return Object.assign(new Error('test guard: DNS is off in this process'), { code: 'ENOTFOUND', hostname });
    };
    dns.lookup = (hostname, options, callback) =>
      process.nextTick(typeof options === 'function' ? options : callback, refuse(hostname));
    dns.promises.lookup = async (hostname) => { throw refuse(hostname); };
    const { default: credentials } = await import('@alicloud/credentials');
    const Credential = credentials.default;
    const { createAliyunProvider, fromAlibabaCloudCredentials } = await import('./packages/provider-aliyun/dist/index.js');
    const config = JSON.parse(process.env.MIXTASK_TEST_CONFIG);
    let built = 0;
    const events = [];
    const provider = createAliyunProvider({
      appId: process.env.MIXTASK_TEST_APP_ID,
      credentials: fromAlibabaCloudCredentials(() => { built += 1; return new Credential({ ...config }); }),
      endpoint: process.env.MIXTASK_TEST_ENDPOINT,
      onEvent: (e) => events.push(e),
    });
    const raw = [];
    const results = [];
    for (const id of JSON.parse(process.env.MIXTASK_TEST_TASKS)) {
      const r = await provider.stopMix(id)();
      raw.push(r);
      results.push(r._tag === 'Left'
        ? { tag: 'Left', error: { _tag: r.left._tag, message: r.left.message, attempts: r.left.attempts } }
        : { tag: 'Right', outcome: r.right.outcome });
    }
    console.log(inspect({ raw, events }, { depth: 12, showHidden: true }));
    console.log(JSON.stringify({ results, lookups, built }));`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir, // no ~/.alibabacloud or ~/.aliyun of the developer's is read
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    MIXTASK_TEST_CONFIG: JSON.stringify(config),
    MIXTASK_TEST_APP_ID: em.aliyun.appId,
    MIXTASK_TEST_ENDPOINT: em.url,
    MIXTASK_TEST_TASKS: JSON.stringify(tasks),
    ...extraEnv,
  };
  const { stdout, stderr } = await runModuleChild(script, env);
  return { ...lastJsonLine<Omit<ChildRun, 'output'>>(stdout, '{}'), output: stdout + stderr };
}

const oidcConfig = (extra: Record<string, unknown> = {}) => ({
  type: 'oidc_role_arn',
  roleArn,
  oidcProviderArn,
  oidcTokenFilePath: join(dir, 'token'),
  roleSessionName: 'mixtask-rrsa',
  stsEndpoint: sts.endpoint,
  ...extra,
});

/** The library's timestamp: UTC to the second. */
const rpcTimestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

it('oidc_role_arn: AssumeRoleWithOIDC with the token file, and the stops use the issued key, secret and token', async () => {
  const issued = em.aliyun.issueTemporaryCredentials();
  sts.answer(acsStsCredentials(issued));
  await Promise.all([em.aliyun.startTask('task-oidc-1'), em.aliyun.startTask('task-oidc-2')]);
  const before = em.requests().length;
  const callsBefore = sts.calls.length;

  const run = await stopInChild(oidcConfig(), ['task-oidc-1', 'task-oidc-2']);

  expect(run.results).toEqual([
    { tag: 'Right', outcome: 'stopped' },
    { tag: 'Right', outcome: 'stopped' },
  ]);
  expect(em.aliyun.tasks()).not.toContain('task-oidc-1');
  expect(em.aliyun.tasks()).not.toContain('task-oidc-2');
  // The emulator accepts an STS. id only with the token issued for it: a 200 means the STS-issued trio was sent.
  expect(em.requests().slice(before)).toEqual([
    expect.objectContaining({ vendor: 'aliyun', status: 200 }),
    expect.objectContaining({ vendor: 'aliyun', status: 200 }),
  ]);
  // One STS call for both stops: the library caches the session, and the adapter reuses a working source.
  expect(sts.calls.slice(callsBefore)).toEqual([
    {
      method: 'POST',
      host: sts.endpoint,
      action: 'AssumeRoleWithOIDC',
      // Anonymous: no AccessKeyId, no Signature.
      query: { Version: '2015-04-01', Action: 'AssumeRoleWithOIDC', Format: 'JSON', Timestamp: rpcTimestamp },
      form: {
        OIDCProviderArn: oidcProviderArn,
        OIDCToken: oidcToken,
        RoleArn: roleArn,
        RoleSessionName: 'mixtask-rrsa',
        DurationSeconds: '3600',
      },
    },
  ]);
  expect(run).toMatchObject({ built: 1, lookups: [] });
  for (const secret of [issued.accessKeySecret, issued.securityToken, oidcToken])
    expect(run.output).not.toContain(secret);
});

it('oidc_role_arn from the RRSA variables: an STS error quoting secrets and a 500 each fail one stop, the next succeeds', async () => {
  const issued = em.aliyun.issueTemporaryCredentials();
  // A refusal that quotes the token it was given and a secret: the library puts the whole body in its error.
  const quoted = `The OIDC token ${oidcToken} is invalid (secret ${issued.accessKeySecret}, token ${issued.securityToken})`;
  sts.answer(acsStsError(400, 'AuthenticationFail.OIDCToken.Invalid', quoted), { status: 500, body: {} });
  sts.answer(acsStsCredentials(issued));
  await Promise.all(['task-rrsa-1', 'task-rrsa-2', 'task-rrsa-3'].map((id) => em.aliyun.startTask(id)));
  const before = em.requests().length;
  const callsBefore = sts.calls.length;

  // Only the endpoint is configured in code: role, provider and token file come from the variables ACK's webhook sets.
  const run = await stopInChild(
    { type: 'oidc_role_arn', stsEndpoint: sts.endpoint },
    ['task-rrsa-1', 'task-rrsa-2', 'task-rrsa-3'],
    {
      ALIBABA_CLOUD_ROLE_ARN: roleArn,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: oidcProviderArn,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: join(dir, 'token'),
      ALIBABA_CLOUD_ROLE_SESSION_NAME: 'mixtask-rrsa-env',
    },
  );

  const failed = {
    tag: 'Left',
    error: { _tag: 'AuthenticationFailed', attempts: 0, message: expect.stringContaining('getCredential() failed') },
  };
  expect(run.results).toEqual([failed, failed, { tag: 'Right', outcome: 'stopped' }]);
  expect(em.aliyun.tasks()).toEqual(expect.arrayContaining(['task-rrsa-1', 'task-rrsa-2']));
  expect(em.aliyun.tasks()).not.toContain('task-rrsa-3');
  // The failed stops sent nothing; the third reached the emulator with the STS-issued credentials.
  expect(em.requests().slice(before)).toEqual([expect.objectContaining({ vendor: 'aliyun', status: 200 })]);
  const calls = sts.calls.slice(callsBefore);
  expect(calls.map((c) => c.action)).toEqual(['AssumeRoleWithOIDC', 'AssumeRoleWithOIDC', 'AssumeRoleWithOIDC']);
  for (const call of calls) {
    expect(call.form).toEqual({
      OIDCProviderArn: oidcProviderArn,
      OIDCToken: oidcToken,
      RoleArn: roleArn,
      RoleSessionName: 'mixtask-rrsa-env',
      DurationSeconds: '3600',
    });
  }
  // A fresh Credential after each failure (factory form).
  expect(run).toMatchObject({ built: 3, lookups: [] });
  for (const secret of [issued.accessKeySecret, issued.securityToken, oidcToken])
    expect(run.output).not.toContain(secret);
});

it('without stsEndpoint the library asks sts.aliyuncs.com, which the child refuses to resolve: the stop fails, nothing is sent', async () => {
  await em.aliyun.startTask('task-no-endpoint');
  const before = em.requests().length;
  const callsBefore = sts.calls.length;

  const run = await stopInChild(oidcConfig({ stsEndpoint: undefined }), ['task-no-endpoint']);

  expect(run.results).toEqual([
    {
      tag: 'Left',
      error: { _tag: 'AuthenticationFailed', attempts: 0, message: expect.stringContaining('getCredential() failed') },
    },
  ]);
  expect(run.lookups).toEqual(['sts.aliyuncs.com']);
  expect(sts.calls.length).toBe(callsBefore);
  expect(em.requests().length).toBe(before);
  expect(run.output).not.toContain(oidcToken);
});

it('ram_role_arn: AssumeRole signed with the long-term key; a refusal fails one stop, the next succeeds', async () => {
  const issued = em.aliyun.issueTemporaryCredentials();
  // STS quotes its string to sign on a signature mismatch; the library puts the body in its error.
  const quoted = `Specified signature is not matched with our calculation. server string to sign is:${longTerm.accessKeySecret}`;
  sts.answer(acsStsError(400, 'SignatureDoesNotMatch', quoted), acsStsCredentials(issued));
  await Promise.all([em.aliyun.startTask('task-ram-1'), em.aliyun.startTask('task-ram-2')]);
  const before = em.requests().length;
  const callsBefore = sts.calls.length;

  const run = await stopInChild(
    {
      type: 'ram_role_arn',
      ...longTerm,
      roleArn,
      roleSessionName: 'mixtask-assume',
      stsEndpoint: sts.endpoint,
    },
    ['task-ram-1', 'task-ram-2'],
  );

  expect(run.results).toEqual([
    {
      tag: 'Left',
      error: { _tag: 'AuthenticationFailed', attempts: 0, message: expect.stringContaining('getCredential() failed') },
    },
    { tag: 'Right', outcome: 'stopped' },
  ]);
  expect(em.aliyun.tasks()).toContain('task-ram-1');
  expect(em.aliyun.tasks()).not.toContain('task-ram-2');
  expect(em.requests().slice(before)).toEqual([expect.objectContaining({ vendor: 'aliyun', status: 200 })]);
  const calls = sts.calls.slice(callsBefore);
  expect(calls).toHaveLength(2);
  for (const call of calls) {
    expect(call).toEqual({
      method: 'POST',
      host: sts.endpoint,
      action: 'AssumeRole',
      query: {
        Version: '2015-04-01',
        Action: 'AssumeRole',
        Format: 'JSON',
        Timestamp: rpcTimestamp,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: expect.stringMatching(/^[0-9a-f]{32}$/),
        AccessKeyId: longTerm.accessKeyId,
        Signature: expect.any(String),
      },
      form: { RoleArn: roleArn, RoleSessionName: 'mixtask-assume', DurationSeconds: '3600' },
    });
    // Signed with the long-term secret, and with nothing else.
    expect(call.query.Signature).toBe(rpcSignature(call, longTerm.accessKeySecret));
    expect(call.query.Signature).not.toBe(rpcSignature(call, issued.accessKeySecret));
  }
  expect(run).toMatchObject({ built: 2, lookups: [] });
  for (const secret of [longTerm.accessKeySecret, issued.accessKeySecret, issued.securityToken]) {
    expect(run.output).not.toContain(secret);
  }
});
