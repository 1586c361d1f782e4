import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { acs3Date, aliyunProtocol, emptyBodySha256, signAcs3 } from '@mixtask/provider-aliyun/signing';
import { type AliyunCredentials } from '@mixtask/provider-aliyun';
import type { OutgoingRequest } from '@mixtask/core/adapter';
import { send as sendRaw } from './support/send.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, string>;
}

/** The emulator's answer with the RPC envelope parsed. */
async function send(em: Emulator, request: OutgoingRequest): Promise<Answer> {
  const answer = await sendRaw(em, request);
  return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.text) as Record<string, string> };
}

let nonceSeq = 0;
const freshNonce = () => (++nonceSeq).toString(16).padStart(32, '0');

describe('the emulator speaks StopLiveMPUTask (ACS3)', () => {
  let em: Emulator;
  let clock = Date.now();
  beforeEach(async () => {
    clock = Date.parse('2025-06-01T12:00:00Z');
    em = await startEmulator({ now: () => clock, quota: { aliyun: 3 } });
  });
  afterEach(async () => {
    await em.close();
  });

  const build = (
    id: string,
    options: { appId?: string; credentials?: AliyunCredentials; timestampMs?: number; nonce?: string } = {},
  ) =>
    aliyunProtocol(options.appId ?? em.aliyun.appId).buildRequest({
      id,
      credentials: options.credentials ?? em.aliyun.credentials,
      endpoint: new URL(em.url),
      timestampMs: options.timestampMs ?? clock,
      nonce: options.nonce ?? freshNonce(),
    });
  const withHeaders = (request: OutgoingRequest, headers: Record<string, string>): OutgoingRequest => ({
    ...request,
    headers: { ...request.headers, ...headers },
  });
  const expectCode = (answer: Answer, code: string, status: number) => {
    expect({ status: answer.status, code: answer.body.Code }).toEqual({ status, code });
    expect(answer.body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(answer.body.HostId).toBe('live.aliyuncs.com');
    expect(answer.body.Recommend).toContain(answer.body.RequestId);
    expect(answer.headers['x-acs-request-id']).toBe(answer.body.RequestId);
  };

  it('stops a running task: 200 with an uppercase-UUID RequestId, then NotFound.Task 400', async () => {
    await em.aliyun.startTask('task-1');
    const ok = await send(em, build('task-1'));
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body)).toEqual(['RequestId']);
    expect(ok.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(em.aliyun.tasks()).toEqual([]);
    expectCode(await send(em, build('task-1')), 'NotFound.Task', 400);
  });

  it('refuses an unknown AccessKey (404), a wrong secret (400, with its string-to-sign) and another signature method', async () => {
    const unknown = { accessKeyId: 'LTAInobody', accessKeySecret: em.aliyun.credentials.accessKeySecret };
    expectCode(await send(em, build('t', { credentials: unknown })), 'InvalidAccessKeyId.NotFound', 404);
    const wrong = { ...em.aliyun.credentials, accessKeySecret: 'not-the-secret' };
    const answer = await send(em, build('t', { credentials: wrong }));
    expectCode(answer, 'SignatureDoesNotMatch', 400);
    expect(answer.body.Message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    const sm3 = withHeaders(build('t'), {
      authorization: 'ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00',
    });
    expectCode(await send(em, sm3), 'InvalidSignatureMethod', 400);
  });

  it('refuses a tampered parameter, an unsigned x-acs header and a body that does not match its hash', async () => {
    await em.aliyun.startTask('task-1');
    const signed = build('task-1');
    expectCode(
      await send(em, { ...signed, url: signed.url.replace('task-1', 'task-2') }),
      'SignatureDoesNotMatch',
      400,
    );
    expectCode(await send(em, withHeaders(build('task-1'), { 'x-acs-extra': '1' })), 'IncompleteSignature', 400);
    expectCode(await send(em, { ...build('task-1'), body: 'x' }), 'SignatureDoesNotMatch', 400);
    const { authorization: _dropped, ...unsigned } = build('task-1').headers;
    expectCode(await send(em, { ...signed, headers: unsigned }), 'IncompleteSignature', 400);
    expect(em.aliyun.tasks()).toEqual(['task-1']);
  });

  it('checks x-acs-date: malformed → InvalidTimeStamp.Format, over 15 minutes off → InvalidTimeStamp.Expired', async () => {
    const good = build('t');
    expectCode(
      await send(em, withHeaders(good, { 'x-acs-date': 'Sun, 01 Jun 2025 12:00:00 GMT' })),
      'InvalidTimeStamp.Format',
      400,
    );
    expectCode(
      await send(em, build('t', { timestampMs: clock - 15 * 60_000 - 1000 })),
      'InvalidTimeStamp.Expired',
      400,
    );
    expectCode(
      await send(em, build('t', { timestampMs: clock + 15 * 60_000 + 1000 })),
      'InvalidTimeStamp.Expired',
      400,
    );
    expectCode(await send(em, build('t', { timestampMs: clock - 14 * 60_000 })), 'NotFound.Task', 400);
  });

  it('refuses a nonce seen in the last 15 minutes, and forgets it after', async () => {
    await em.aliyun.startTask('a');
    const nonce = freshNonce();
    expect((await send(em, build('a', { nonce }))).status).toBe(200);
    expectCode(await send(em, build('a', { nonce })), 'SignatureNonceUsed', 400);
    clock += 15 * 60_000 + 1;
    expectCode(await send(em, build('a', { nonce })), 'NotFound.Task', 400);
  });

  it('accepts the STS credentials it issued, and refuses tokens it did not, expired or mismatched ones', async () => {
    await em.aliyun.startTask('sts');
    const sts = em.aliyun.issueTemporaryCredentials({ ttlMs: 60_000 });
    expect((await send(em, build('sts', { credentials: sts }))).status).toBe(200);
    const { securityToken: _token, ...withoutToken } = sts;
    expectCode(await send(em, build('x', { credentials: withoutToken })), 'InvalidSecurityToken.Malformed', 400);
    expectCode(
      await send(em, build('x', { credentials: { ...sts, securityToken: 'forged' } })),
      'InvalidSecurityToken.Malformed',
      400,
    );
    const other = em.aliyun.issueTemporaryCredentials();
    expectCode(
      await send(em, build('x', { credentials: { ...sts, securityToken: other.securityToken } })),
      'InvalidSecurityToken.MismatchWithAccessKey',
      400,
    );
    expectCode(
      await send(em, build('x', { credentials: { ...em.aliyun.credentials, securityToken: sts.securityToken } })),
      'InvalidSecurityToken.MismatchWithAccessKey',
      400,
    );
    clock += 60_000;
    expectCode(await send(em, build('x', { credentials: sts })), 'InvalidSecurityToken.Expired', 400);
  });

  it('checks the AppId and the TaskId; a changed signed header fails the signature first', async () => {
    expectCode(
      await send(em, withHeaders(build('t'), { 'x-acs-action': 'StartLiveMPUTask' })),
      'SignatureDoesNotMatch',
      400,
    );
    expectCode(await send(em, build('t', { appId: 'someone-else' })), 'InvalidAppId', 400);
    expectCode(await send(em, build('bad.id')), 'InvalidParam', 400);
  });

  it('answers a missing parameter, an unknown action and version, each correctly signed', async () => {
    const sign = (
      query: Record<string, string>,
      action = 'StopLiveMPUTask',
      version = '2016-11-01',
    ): OutgoingRequest => {
      const headers = {
        host: new URL(em.url).host,
        'x-acs-action': action,
        'x-acs-version': version,
        'x-acs-date': acs3Date(clock),
        'x-acs-signature-nonce': freshNonce(),
        'x-acs-content-sha256': emptyBodySha256,
      };
      const signed = signAcs3({
        method: 'POST',
        path: '/',
        query,
        headers,
        hashedPayload: emptyBodySha256,
        ...em.aliyun.credentials,
      });
      return {
        method: 'POST',
        url: `${em.url}/?${signed.canonicalQueryString}`,
        headers: { ...headers, authorization: signed.authorization },
        body: '',
      };
    };
    expectCode(await send(em, sign({ AppId: em.aliyun.appId })), 'MissingParam', 400);
    expectCode(await send(em, sign({ TaskId: 't' })), 'MissingParam', 400);
    expectCode(
      await send(em, sign({ AppId: em.aliyun.appId, TaskId: 't' }, 'DescribeNothing')),
      'InvalidAction.NotFound',
      400,
    );
    expectCode(
      await send(em, sign({ AppId: em.aliyun.appId, TaskId: 't' }, 'StopLiveMPUTask', '2099-01-01')),
      'InvalidApi.NotFound',
      404,
    );
    const duplicated = sign({ AppId: em.aliyun.appId, TaskId: 't' });
    expectCode(await send(em, { ...duplicated, url: `${duplicated.url}&TaskId=u` }), 'InvalidParam', 400);
  });

  it('enforces its quota with Throttling.User (400), per sliding second', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) codes.push((await send(em, build(`t${i}`))).body.Code);
    expect(codes).toEqual(['NotFound.Task', 'NotFound.Task', 'NotFound.Task', 'Throttling.User']);
    clock += 1000;
    expectCode(await send(em, build('t')), 'NotFound.Task', 400);
  });

  it('answers injected codes with the envelope and each code’s default status, overrides honoured', async () => {
    const cases: [string, number][] = [
      ['InternalError', 500],
      ['ServiceUnavailable', 503],
      ['OperationDenied', 403],
      ['Forbidden.RAM', 403],
      ['Throttling.Api', 400],
      ['InvalidAccessKeyId.NotFound', 404],
      ['__proto__', 400],
    ];
    for (const [code, status] of cases) {
      em.inject({ vendor: 'aliyun', action: { type: 'code', code } });
      expectCode(await send(em, build('t')), code, status);
    }
    em.inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling.User', status: 429, headers: { 'x-acs-retry-after': '250' } },
    });
    const throttled = await send(em, build('t'));
    expectCode(throttled, 'Throttling.User', 429);
    expect(throttled.headers['x-acs-retry-after']).toBe('250');
  });

  it('never records the Authorization or the STS token', async () => {
    const sts = em.aliyun.issueTemporaryCredentials();
    await send(em, build('t', { credentials: sts }));
    const recorded = em.requests().at(-1);
    expect(recorded?.vendor).toBe('aliyun');
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(recorded?.headers['x-acs-security-token']).toBeUndefined();
    expect(JSON.stringify(em.requests())).not.toContain(sts.securityToken);
  });
});
