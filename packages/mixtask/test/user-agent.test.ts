import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider, createTencentProvider } from 'mixtask';
import { mixtaskVersion } from '../../core/src/contract/version.js';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.close());

const lastUserAgent = () => em.requests().at(-1)?.headers['user-agent'];

describe('the User-Agent every request carries', () => {
  it('is the version in @mixtask/core and mixtask package.json', () => {
    for (const pkg of ['core', 'mixtask']) {
      const { version } = JSON.parse(readFileSync(new URL(`../../${pkg}/package.json`, import.meta.url), 'utf8')) as {
        version: string;
      };
      expect(mixtaskVersion).toBe(version);
    }
  });

  it.each(['got', 'node'] as const)(
    'names mixtask, its version and the provider, plus the app (%s)',
    async (transport) => {
      await em.tencent.createSession('room_ua');
      const tencent = createTencentProvider({
        credentials: em.tencent.credentials,
        endpoint: em.url,
        transport,
        userAgent: 'rooms-service/2.3',
      });
      expect(E.isRight(await tencent.stopMix('room_ua')())).toBe(true);
      expect(lastUserAgent()).toBe(`mixtask/${mixtaskVersion} (tencent) rooms-service/2.3`);
      await tencent.close();

      await em.aliyun.startTask('task-ua');
      const aliyun = createAliyunProvider({
        credentials: em.aliyun.credentials,
        appId: em.aliyun.appId,
        endpoint: em.url,
        transport,
      });
      expect(E.isRight(await aliyun.stopMix('task-ua')())).toBe(true);
      expect(lastUserAgent()).toBe(`mixtask/${mixtaskVersion} (aliyun)`);
      await aliyun.close();
    },
  );

  it('refuses a userAgent that could break the header', async () => {
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      userAgent: 'app\r\nX-Evil: 1',
    });
    const result = await provider.stopMix('room_ua')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'ConfigurationError' });
    expect(E.isLeft(result) && result.left.message).toContain('userAgent');
  });
});
