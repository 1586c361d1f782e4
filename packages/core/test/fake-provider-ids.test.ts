import { describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { conformanceCases, createFakeProvider } from '@mixtask/core/testing';
import { fastCheckMissing, loadFastCheck } from '../src/testing/load-fast-check.js';

/** A provider's descriptor, as far as the fake reads it: core knows no vendor, so the test makes one up. */
const strict = { name: 'strict', idRule: /^[a-z_]{1,8}$/ };

const tagOf = async (like: typeof strict | undefined, id: string) => {
  const result = await createFakeProvider({ ...(like === undefined ? {} : { like }), sessions: [id] }).stopMix(id)();
  return E.isLeft(result) ? result.left._tag : result.right.outcome;
};

describe("createFakeProvider({ like }) uses that provider's id rule (issue 11 item 14, issue 20)", () => {
  it("takes the descriptor's name and refuses what its idRule refuses, as InvalidArgument", async () => {
    expect(createFakeProvider({ like: strict }).name).toBe('strict');
    expect(createFakeProvider({ like: strict, name: 'mine' }).name).toBe('mine');
    expect(await tagOf(strict, 'room_one')).toBe('stopped');
    expect(await tagOf(strict, 'room-1')).toBe('InvalidArgument');
    expect(await tagOf(strict, 'a'.repeat(9))).toBe('InvalidArgument');
  });

  it('without it, any name keeps the generic rule; isValidId still overrides', async () => {
    expect(await tagOf(undefined, 'room-1')).toBe('stopped');
    expect(await tagOf(undefined, 'a'.repeat(64))).toBe('stopped');
    expect(await tagOf(undefined, 'a'.repeat(65))).toBe('InvalidArgument');
    const lax = createFakeProvider({ like: strict, sessions: ['room-1'], isValidId: () => true });
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
