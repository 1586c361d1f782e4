import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAwsIvsProvider, fromAwsCredentialProvider } from '@mixtask/provider-aws-ivs';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { awsIvs: false } });
});
afterAll(async () => {
  await em.close();
});

const provider = (credentials: Parameters<typeof createAwsIvsProvider>[0]['credentials']) =>
  createAwsIvsProvider({ region: em.awsIvs.region, credentials, endpoint: em.url, retry: false });

describe('fromAwsCredentialProvider', () => {
  it('signs with what the AWS provider answers, session token included, asking it on every attempt', async () => {
    const sts = em.awsIvs.issueTemporaryCredentials();
    let calls = 0;
    const ivs = provider(
      fromAwsCredentialProvider(async () => {
        calls += 1;
        return { ...sts, expiration: new Date(Date.now() + 3_600_000) };
      }),
    );
    for (let i = 0; i < 2; i++) {
      const result = await ivs.stopMix(await em.awsIvs.createComposition())();
      expect(E.isRight(result) && result.right.outcome).toBe('stopped');
    }
    expect(calls).toBe(2);
    await ivs.close();
  });

  it('adapts a real @aws-sdk/credential-providers provider (fromIni over a profile file)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'mixtask-aws-'));
    const file = join(dir, 'credentials');
    const { accessKeyId, secretAccessKey } = em.awsIvs.credentials;
    writeFileSync(file, `[mixtask]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`);
    const ivs = provider(
      fromAwsCredentialProvider(
        fromIni({ profile: 'mixtask', filepath: file, configFilepath: join(dir, 'config'), ignoreCache: true }),
      ),
    );
    const result = await ivs.stopMix(await em.awsIvs.createComposition())();
    expect(E.isRight(result) && result.right.outcome).toBe('stopped');
    await ivs.close();
  });

  it('a provider that fails is AuthenticationFailed naming the error, never its message', async () => {
    const secret = 'CANARY_in_the_message_8d1e';
    const ivs = provider(
      fromAwsCredentialProvider(async () => {
        throw Object.assign(new Error(`could not assume role with ${secret}`), { name: 'CredentialsProviderError' });
      }),
    );
    const result = await ivs.stopMix(await em.awsIvs.createComposition())();
    expect(E.isLeft(result) && result.left._tag).toBe('AuthenticationFailed');
    if (E.isLeft(result)) {
      expect(inspect(result.left, { showHidden: true, depth: Infinity })).toContain('CredentialsProviderError');
      expect(inspect(result.left, { showHidden: true, depth: Infinity })).not.toContain(secret);
    }
    await ivs.close();
  });

  it('an empty key rejects naming the field, and nothing is sent', async () => {
    em.clearRequests();
    const ivs = provider(fromAwsCredentialProvider(async () => ({ accessKeyId: 'AKIA', secretAccessKey: '' })));
    const result = await ivs.stopMix(await em.awsIvs.createComposition())();
    expect(E.isLeft(result) && result.left.message).toContain('secretAccessKey is empty');
    expect(em.requests()).toHaveLength(0);
    await ivs.close();
  });

  it('refuses what is not a provider function at once (a programming error, like the other adapters)', () => {
    expect(() => fromAwsCredentialProvider({} as never)).toThrow(TypeError);
    // fromTemporaryCredentials is a provider function too: it is accepted without being called.
    expect(
      typeof fromAwsCredentialProvider(fromTemporaryCredentials({ params: { RoleArn: 'arn:aws:iam::1:role/x' } })),
    ).toBe('function');
  });
});
