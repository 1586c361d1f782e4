import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';

// Issue 23, item 10: @mixtask/redis is resolvable (installed) but its import fails — a broken install, a
// missing dependency of it. Before, the umbrella silently used a local limiter at the full quota on every process.
jest.unstable_mockModule('@mixtask/redis', () => {
  throw Object.assign(new Error('Cannot find package ioredis imported from /srv/app/node_modules'), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});
const { createMixTaskProvider } = await import('mixtask');

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
});
afterAll(() => em.close());

it('a provider with redisUrl answers its first stop with a ConfigurationError, nothing sent', async () => {
  await em.tencent.createSession('load_fail_room');
  const provider = createMixTaskProvider({
    provider: 'tencent',
    credentials: em.tencent.credentials,
    endpoint: em.url,
    redisUrl: 'redis://127.0.0.1:6390',
  });
  const before = em.requests().length;
  const result = await provider.stopMix('load_fail_room')();
  await provider.close();
  expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'ConfigurationError', id: 'load_fail_room' });
  expect(E.isLeft(result) && result.left.message).toContain('@mixtask/redis is installed but could not be loaded');
  expect(E.isLeft(result) && result.left.message).not.toContain('/srv/app');
  expect(em.requests().length).toBe(before);
  expect(em.tencent.sessions()).toContain('load_fail_room');
});
