import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import credentialsModule from '@alicloud/credentials';
import { isCredentialSourceError } from '@mixtask/core/adapter';
import { type MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider, fromAlibabaCloudCredentials } from '@mixtask/provider-aliyun';

// The package is CommonJS with `exports.default = Credential`.
const Credential = (
  credentialsModule as unknown as { default: new (config?: object) => { getCredential(): Promise<unknown> } }
).default;

/** A fake credentials-URI server on 127.0.0.1 (what ECS sidecars and ACK expose), answering from a script. */
let answers: Array<{ status: number; body: unknown }> = [];
let served = 0;
let uriServer: Server;
let uri: string;
let em: Emulator;

beforeAll(async () => {
  em = await startEmulator();
  uriServer = createServer((req, res) => {
    served += 1;
    const answer = answers.shift() ?? { status: 500, body: { Code: 'NoScript' } };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => uriServer.listen(0, '127.0.0.1', () => resolve()));
  uri = `http://127.0.0.1:${(uriServer.address() as AddressInfo).port}/credentials`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => uriServer.close(() => resolve()));
  await em.close();
});
beforeEach(() => {
  answers = [];
  served = 0;
});

const stsAnswer = (c: { accessKeyId: string; accessKeySecret: string; securityToken: string }) => ({
  status: 200,
  body: {
    Code: 'Success',
    AccessKeyId: c.accessKeyId,
    AccessKeySecret: c.accessKeySecret,
    SecurityToken: c.securityToken,
    Expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  },
});

const uriCredential = () => new Credential({ type: 'credentials_uri', credentialsURI: uri });

function shows(u: unknown, secrets: readonly string[]): string[] {
  const text = `${JSON.stringify(u)}\n${inspect(u, { depth: 10, showHidden: true })}`;
  return secrets.filter((secret) => text.includes(secret));
}

describe('fromAlibabaCloudCredentials', () => {
  it('maps a Credential answer to mixtask credentials, securityToken kept', async () => {
    const issued = em.aliyun.issueTemporaryCredentials();
    answers.push(stsAnswer(issued));
    await expect(fromAlibabaCloudCredentials(uriCredential())()).resolves.toEqual({
      accessKeyId: issued.accessKeyId,
      accessKeySecret: issued.accessKeySecret,
      securityToken: issued.securityToken,
    });
  });

  it('stops a task with credentials from the URI server, after one failure of that server', async () => {
    const issued = em.aliyun.issueTemporaryCredentials();
    answers.push({ status: 500, body: { Code: 'Oops' } }, stsAnswer(issued));
    await em.aliyun.startTask('task-cred-1');
    const events: MixEvent[] = [];
    const provider = createAliyunProvider({
      credentials: fromAlibabaCloudCredentials(uriCredential),
      appId: em.aliyun.appId,
      endpoint: em.url,
      onEvent: (e) => events.push(e),
    });
    const first = await provider.stopMix('task-cred-1')();
    expect(E.isLeft(first) && first.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
    expect(E.isLeft(first) && first.left.message).toContain('getCredential() failed');
    const second = await provider.stopMix('task-cred-1')();
    expect(second).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
    expect(shows([first, events], [issued.accessKeySecret, issued.securityToken])).toEqual([]);
  });

  it("drops the vendor's error text, which quotes the answer it refused (secret included)", async () => {
    const canary = 'ALIYUN_SECRET_canary_5e1d';
    // No SecurityToken: @alicloud/credentials throws with JSON.stringify(data) in its message.
    answers.push({ status: 200, body: { AccessKeyId: 'LTAIcanaryid', AccessKeySecret: canary } });
    const error: unknown = await fromAlibabaCloudCredentials(uriCredential)().catch((e: unknown) => e);
    expect(isCredentialSourceError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED' });
    expect(shows(error, [canary])).toEqual([]);
  });

  it('rebuilds the source from the factory after a failure, and keeps a working one', async () => {
    let built = 0;
    const factory = () => {
      built += 1;
      return uriCredential();
    };
    const issued = em.aliyun.issueTemporaryCredentials();
    answers.push({ status: 503, body: {} }, stsAnswer(issued));
    const credentials = fromAlibabaCloudCredentials(factory);
    await expect(credentials()).rejects.toMatchObject({ code: 'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED' });
    await expect(credentials()).resolves.toMatchObject({ accessKeyId: issued.accessKeyId });
    // The session is cached by the library until 15 min before expiry: no third fetch, no third build.
    await expect(credentials()).resolves.toMatchObject({ accessKeyId: issued.accessKeyId });
    expect({ built, served }).toEqual({ built: 2, served: 2 });
  });

  it('rejects empty keys as AuthenticationFailed naming the source, and sends nothing', async () => {
    const before = em.requests().length;
    const provider = createAliyunProvider({
      credentials: fromAlibabaCloudCredentials({
        getCredential: () =>
          Promise.resolve({ accessKeyId: '', accessKeySecret: '', securityToken: '', providerName: 'default/env' }),
      }),
      appId: em.aliyun.appId,
      endpoint: em.url,
    });
    const result = await provider.stopMix('task-empty')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'AuthenticationFailed', retryable: false });
    expect(E.isLeft(result) && result.left.message).toContain('default/env');
    expect(E.isLeft(result) && result.left.message).toContain('accessKeyId is empty');
    expect(em.requests().length).toBe(before);
  });

  it('refuses a value that is no credential source at once', () => {
    expect(() => fromAlibabaCloudCredentials({ accessKeyId: 'x' } as never)).toThrow(TypeError);
  });
});
