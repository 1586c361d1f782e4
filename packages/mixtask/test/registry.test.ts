import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createFakeProvider } from '@mixtask/core/testing';
import { createMixTaskRegistry, createTencentProvider, type MixTaskRegistry } from 'mixtask';

let em: Emulator;
let registry: MixTaskRegistry;

beforeAll(async () => {
  em = await startEmulator();
  registry = createMixTaskRegistry({
    tencent: { credentials: em.tencent.credentials, endpoint: em.url },
    aliyun: { credentials: em.aliyun.credentials, appId: em.aliyun.appId, endpoint: em.url },
  });
});
afterAll(async () => {
  await registry.close();
  await em.close();
});

describe('createMixTaskRegistry against the emulator', () => {
  it('is a MixTaskProvider named registry that knows both providers', () => {
    expect(registry.name).toBe('registry');
    expect(registry.providers).toEqual(['tencent', 'aliyun']);
    expect(registry.provider('tencent')?.name).toBe('tencent');
    expect(registry.provider('aliyun')?.name).toBe('aliyun');
    expect(registry.provider('azure')).toBeUndefined();
  });

  it('stops both qualified forms on the right vendor', async () => {
    await em.tencent.createSession('room_reg_1');
    await em.aliyun.startTask('task-reg-1');
    const tencent = await registry.stopMix('tencent:room_reg_1')();
    const aliyun = await registry.stopMix('aliyun:task-reg-1')();
    expect(E.isRight(tencent) && tencent.right).toMatchObject({ provider: 'tencent', id: 'room_reg_1' });
    expect(E.isRight(aliyun) && aliyun.right).toMatchObject({ provider: 'aliyun', id: 'task-reg-1' });
    expect(em.tencent.sessions()).not.toContain('room_reg_1');
    expect(em.aliyun.tasks()).not.toContain('task-reg-1');
  });

  it.each([
    ['an unqualified id', 'room_reg_2'],
    ['an empty provider', ':room_reg_2'],
    ['an unknown provider', 'azure:room_reg_2'],
    ['a provider in the wrong case', 'Tencent:room_reg_2'],
    ['a non-string', 42 as unknown as string],
  ])('answers %s with InvalidArgument and sends nothing', async (_what, id) => {
    const before = em.requests().length;
    const result = await registry.stopMix(id)();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'InvalidArgument', provider: 'registry' });
    expect(em.requests().length).toBe(before);
  });

  it("passes a malformed vendor id to that provider's own check (InvalidArgument, no request)", async () => {
    const before = em.requests().length;
    const result = await registry.stopMix('tencent:room 1')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'InvalidArgument', provider: 'tencent' });
    expect(em.requests().length).toBe(before);
  });

  it('close() closes every provider in it, those passed in included', async () => {
    const fake = createFakeProvider({ name: 'aliyun', sessions: ['t1'] });
    const own = createMixTaskRegistry({
      tencent: createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url }),
      aliyun: fake,
    });
    await em.tencent.createSession('room_reg_3');
    await own.close();
    const before = em.requests().length;
    const tencent = await own.stopMix('tencent:room_reg_3')();
    const aliyun = await own.stopMix('aliyun:t1')();
    expect(E.isLeft(tencent) && tencent.left._tag).toBe('ConfigurationError');
    expect(E.isLeft(aliyun) && aliyun.left._tag).toBe('ConfigurationError');
    expect(em.requests().length).toBe(before);
  });
});
