import { describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { conformanceCases, createFakeProvider } from '@mixtask/core/testing';
import { fastCheckMissing, loadFastCheck } from '../src/testing/load-fast-check.js';

const tagOf = async (name: 'tencent' | 'aliyun' | 'fake', id: string) => {
  const result = await createFakeProvider({ name, sessions: [id] }).stopMix(id)();
  return E.isLeft(result) ? result.left._tag : result.right.outcome;
};

describe("createFakeProvider uses the named provider's id rule (issue 11 item 14)", () => {
  it('tencent: letters, digits and _ up to 80; a dash or an 81st character is InvalidArgument', async () => {
    expect(await tagOf('tencent', 'room_1')).toBe('stopped');
    expect(await tagOf('tencent', 'a'.repeat(80))).toBe('stopped');
    expect(await tagOf('tencent', 'room-1')).toBe('InvalidArgument');
    expect(await tagOf('tencent', 'a'.repeat(81))).toBe('InvalidArgument');
  });

  it('aliyun: letters, digits, _ and - up to 55', async () => {
    expect(await tagOf('aliyun', 'task-1')).toBe('stopped');
    expect(await tagOf('aliyun', 'a'.repeat(55))).toBe('stopped');
    expect(await tagOf('aliyun', 'a'.repeat(56))).toBe('InvalidArgument');
  });

  it('another name keeps the generic rule; isValidId still overrides', async () => {
    expect(await tagOf('fake', 'room-1')).toBe('stopped');
    expect(await tagOf('fake', 'a'.repeat(65))).toBe('InvalidArgument');
    const lax = createFakeProvider({ name: 'tencent', sessions: ['room-1'], isValidId: () => true });
    expect(E.isRight(await lax.stopMix('room-1')())).toBe(true);
  });
});

describe('the property case without fast-check (issue 11 item 14)', () => {
  const missing = () =>
    Promise.reject(Object.assign(new Error("Cannot find package 'fast-check'"), { code: 'ERR_MODULE_NOT_FOUND' }));

  it('fails with an assertion that says what to install', async () => {
    const failure = await loadFastCheck(missing).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(assert.AssertionError);
    expect((failure as Error).message).toBe(`${fastCheckMissing} (ERR_MODULE_NOT_FOUND)`);
    expect((failure as Error).message).toContain('npm install -D fast-check');
  });

  it('loads fast-check when it is there', async () => {
    const fc = await loadFastCheck();
    expect(typeof fc.assert).toBe('function');
  });

  it('the suite still has its property case', () => {
    const fake = createFakeProvider();
    const names = conformanceCases({
      makeProvider: () => fake,
      createSession: () => Promise.resolve('x'),
      requestCount: () => fake.requestCount(),
      holdNextAnswer: () => fake.holdNext(),
    }).map((c) => c.name);
    expect(names.some((name) => name.includes('(property)'))).toBe(true);
  });
});
