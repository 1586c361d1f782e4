import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { createGotTransport } from '@mixtask/core/internal';
import { type MixError, type MixEvent } from '@mixtask/core';
import { type Transport } from '@mixtask/core/adapter';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider, type AliyunCredentials } from '@mixtask/provider-aliyun';

/**
 * Errors and events are what apps log. Run the error paths with recognisable secrets, then search every
 * rendering of every error and event for the secret, the token and every signature that was sent.
 */
describe('no secret, token or signature ever reaches an error or an event', () => {
  let em: Emulator;
  const signatures: string[] = [];
  const capturing: Transport = (() => {
    const got = createGotTransport();
    const send: Transport['send'] = (request, options) => {
      const signature = /Signature=([0-9a-f]+)/.exec(request.headers.authorization ?? '')?.[1];
      if (signature !== undefined) signatures.push(signature);
      return got.send(request, options);
    };
    return { send };
  })();

  beforeAll(async () => {
    em = await startEmulator();
  });
  afterAll(async () => {
    await em.close();
  });

  const recognisableSecret = 'SeCrEt+Aliyun/Key=0123456789abcdefXYZ';
  const recognisableToken = `CAIS-TOKEN-${'Zq9+/'.repeat(24)}`;

  const events: MixEvent[] = [];
  const errors: MixError[] = [];
  const run = async (credentials: AliyunCredentials | (() => AliyunCredentials), id: string, extra = {}) => {
    const provider = createAliyunProvider({
      credentials,
      appId: em.aliyun.appId,
      endpoint: em.url,
      retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
      onEvent: (event) => events.push(event),
      ...extra,
      transport: capturing,
    });
    const result = await provider.stopMix(id)();
    if (E.isLeft(result)) errors.push(result.left);
  };

  /** Every way an app may log what it got, searched for every secret; empty when nothing leaked. */
  const leaks = (secrets: readonly string[]) => {
    const renderings = [
      ...errors.flatMap((error) => [
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        inspect(error, { depth: 10, showHidden: true }),
        String(error.message),
        inspect((error as { cause?: unknown }).cause, { depth: 10, showHidden: true }),
      ]),
      ...events.flatMap((event) => [JSON.stringify(event), inspect(event, { depth: 10, showHidden: true })]),
    ];
    return renderings.flatMap((text) => [
      ...secrets.filter((secret) => text.includes(secret)).map((secret) => ({ secret, text })),
      ...(/string to sign is:\s*(?!\[withheld\])\S/.test(text) ? [{ secret: 'a string-to-sign', text }] : []),
    ]);
  };

  beforeEach(() => {
    events.length = 0;
    errors.length = 0;
    signatures.length = 0;
  });

  it('across signature, token, vendor-message, transport and config failures', async () => {
    const real = em.aliyun.credentials;
    const sts = em.aliyun.issueTemporaryCredentials();

    // The emulator's SignatureDoesNotMatch embeds its string-to-sign, as the real gateway does.
    await run({ ...real, accessKeySecret: recognisableSecret }, 'task-1');
    await run({ ...real, securityToken: recognisableToken }, 'task-2');
    await run({ ...sts, securityToken: recognisableToken }, 'task-3');
    // A vendor message echoing a V1 string-to-sign (AccessKeyId, token), an echoed token, a signature.
    em.inject({
      vendor: 'aliyun',
      action: {
        type: 'code',
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3D${real.accessKeyId}%26SecurityToken%3D${encodeURIComponent(recognisableToken)}`,
      },
    });
    await run(real, 'task-4');
    em.inject({
      vendor: 'aliyun',
      action: {
        type: 'code',
        code: 'InvalidSecurityToken.Malformed',
        message: `The token ${recognisableToken} is invalid.`,
      },
    });
    await run(sts, 'task-5');
    em.inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'IncompleteSignature', message: `Signature ${'ab12'.repeat(16)} is incomplete.` },
    });
    await run(real, 'task-6');
    // Transport failures: a reset (got's error carries the signed request options) and a timeout.
    em.inject({ vendor: 'aliyun', action: { type: 'reset' }, times: 2 });
    await run(sts, 'task-7');
    em.inject({ vendor: 'aliyun', action: { type: 'no-answer' }, times: 2 });
    await run(sts, 'task-8', { timeoutMs: 50 });
    // Credentials of a bad shape: the error names the field, never the value.
    await run({ ...real, accessKeySecret: `${recognisableSecret} with a space` }, 'task-9');

    expect(errors).toHaveLength(9);
    expect(signatures.length).toBeGreaterThanOrEqual(8);
    expect(
      leaks([
        recognisableSecret,
        encodeURIComponent(recognisableSecret),
        recognisableToken,
        encodeURIComponent(recognisableToken),
        real.accessKeySecret,
        sts.accessKeySecret,
        sts.securityToken,
        'ab12'.repeat(16),
        ...signatures,
      ]),
    ).toEqual([]);
  });

  // A vault client's error may quote the secret: the runner keeps only the error's name and code.
  it('a credentials function that throws with the secret in its message', async () => {
    await run(() => {
      throw new Error(`vault said: ${recognisableSecret}`);
    }, 'task-10');
    expect(errors).toHaveLength(1);
    expect(leaks([recognisableSecret])).toEqual([]);
  });
});
