import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createMixTaskRegistry, type MixTaskRegistryConfig } from 'mixtask';

// Issue 23, item 7: the registry's keys and its entries are exact too.
let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
});
afterAll(() => em.close());

describe('createMixTaskRegistry refuses what it does not know', () => {
  it.each([
    ['a misspelt provider key', { tencnet: {} }, 'tencnet: unknown field; did you mean tencent?'],
    ['a key of no provider', { azure: {} }, 'azure: unknown field'],
    ['constructor as a key', JSON.parse('{"constructor": {}}') as object, 'constructor: unknown field'],
  ])('%s: every call is a ConfigurationError naming the key, nothing sent', async (_name, extra, problem) => {
    await em.tencent.createSession('reg_exact_1');
    const registry = createMixTaskRegistry({
      tencent: { credentials: em.tencent.credentials, endpoint: em.url },
      ...extra,
    } as MixTaskRegistryConfig);
    const before = em.requests().length;
    const result = await registry.stopMix('tencent:reg_exact_1')();
    await registry.close();
    expect(E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
    expect(E.isLeft(result) && result.left.message).toContain(problem);
    expect(E.isLeft(result) && result.left.message).not.toMatch(/function|native code/);
    expect(em.requests().length).toBe(before);
  });

  it('a string or an array as the config is one problem, not one per character', async () => {
    for (const config of ['tencent', ['tencent']]) {
      const registry = createMixTaskRegistry(config as unknown as MixTaskRegistryConfig);
      const result = await registry.stopMix('tencent:x')();
      expect(E.isLeft(result) && result.left.message).toMatch(/\(root\): expected an object of \{ tencent, aliyun/);
      expect(E.isLeft(result) && result.left.message).not.toMatch(/\b0: unknown field/);
    }
  });

  it("an entry's provider field that names another provider is refused: the key names the provider", async () => {
    await em.aliyun.startTask('reg-exact-task');
    const registry = createMixTaskRegistry({
      aliyun: { provider: 'tencent', credentials: em.aliyun.credentials, appId: em.aliyun.appId, endpoint: em.url },
    } as unknown as MixTaskRegistryConfig);
    const result = await registry.stopMix('aliyun:reg-exact-task')();
    await registry.close();
    expect(E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
    expect(E.isLeft(result) && result.left.message).toContain('aliyun.provider: names another provider than its key');
    expect(em.aliyun.tasks()).toContain('reg-exact-task');
  });
});
