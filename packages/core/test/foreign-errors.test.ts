import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { isMixError, stopMixes, type MixTaskProvider } from '@mixtask/core';
import { classifySendError, foreignErrorCause, sendAttempt } from '@mixtask/core/internal';
import { createFakeProvider } from '@mixtask/core/testing';

/**
 * One policy for errors that did not come from mixtask (issue 20 item 3, issue 23 item 12): foreignErrorCause keeps
 * a name and a code of the right shape and a message of ours, and never throws, whatever it is handed.
 */

const secret = 'SECRET-in-the-message-7f3a';

/** A Proxy whose every trap throws: any read, `in`, key listing or prototype question explodes. */
function trapsThrow(): object {
  const boom = () => {
    throw new Error(secret);
  };
  return new Proxy(
    {},
    {
      get: boom,
      has: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom,
      isExtensible: boom,
      defineProperty: boom,
      set: boom,
      deleteProperty: boom,
      preventExtensions: boom,
      setPrototypeOf: boom,
      apply: boom,
    },
  );
}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const hostile: Array<[string, () => unknown]> = [
  ['a Proxy whose every trap throws', trapsThrow],
  ['a revoked Proxy', revoked],
  ['an error with throwing getters', () => Object.defineProperty(new Error(secret), 'code', { get: trapsThrow })],
  ['a symbol', () => Symbol(secret)],
  ['null', () => null],
  ['a string', () => secret],
  ['a function', () => () => secret],
];

describe('foreignErrorCause', () => {
  it.each(hostile)('never throws for %s, and keeps nothing of it but a name', (_name, make) => {
    const cause = foreignErrorCause(make(), 'what failed');
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toBe('what failed');
    expect(inspect(cause, { showHidden: true, depth: 5 }) + JSON.stringify(cause)).not.toContain(secret);
  });

  it('keeps a name and a code of the right shape, never the message, stack or other fields', () => {
    const error = Object.assign(new TypeError(secret), { code: 'ERR_SOMETHING', token: secret });
    const cause = foreignErrorCause(error, 'the credentials function threw');
    expect(cause).toMatchObject({
      name: 'TypeError',
      code: 'ERR_SOMETHING',
      message: 'the credentials function threw',
    });
    expect(cause.stack).toBe('TypeError: the credentials function threw');
    expect(inspect(cause, { showHidden: true, depth: 5 })).not.toContain(secret);
    // A "code" or "name" that is not one may be a secret too.
    const odd = foreignErrorCause({ name: `${secret}Error`, code: `code ${secret}` }, 'x');
    expect(odd).toMatchObject({ name: 'Error' });
    expect(odd).not.toHaveProperty('code');
  });

  it('never throws and never keeps a message, for any value (fast-check)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), (value) => {
        const cause = foreignErrorCause(value, 'ours');
        return cause.message === 'ours' && cause instanceof Error;
      }),
    );
  });
});

describe('the transport side of the policy', () => {
  it.each(hostile)('classifySendError never throws for %s', (_name, make) => {
    const failure = classifySendError(make(), { timedOut: false, callerAborted: false, timeoutMs: 1000 });
    expect(failure.tag).toBe('NetworkError');
    expect(inspect(failure, { showHidden: true, depth: 5 })).not.toContain(secret);
  });

  it("a custom transport's error keeps only its name and code (issue 23 item 12)", async () => {
    const transport = {
      send: () => Promise.reject(Object.assign(new Error(`cannot reach ${secret}`), { code: 'ECONNRESET', secret })),
    };
    const request = { method: 'POST', url: 'http://127.0.0.1:1/', headers: {}, body: '{}' } as const;
    const sent = await sendAttempt(transport, request, { timeoutMs: 1000, maxResponseBytes: 1024 });
    const failure = E.isLeft(sent) ? sent.left : undefined;
    expect(failure).toMatchObject({ tag: 'NetworkError', cause: { name: 'Error', code: 'ECONNRESET' } });
    expect(inspect(failure, { showHidden: true, depth: 5 })).not.toContain(secret);
  });

  it.each(hostile)('sendAttempt resolves when a custom transport rejects with %s', async (_name, make) => {
    const transport = { send: () => Promise.reject(make()) };
    const request = { method: 'POST', url: 'http://127.0.0.1:1/', headers: {}, body: '{}' } as const;
    const sent = await sendAttempt(transport, request, { timeoutMs: 1000, maxResponseBytes: 1024 });
    expect(E.isLeft(sent) && sent.left.tag).toBe('NetworkError');
  });
});

describe('stopMixes cannot reject', () => {
  it.each(hostile)('when the ids throw %s: ids-failed, the cause reduced', async (_name, make) => {
    const fake = createFakeProvider({ sessions: ['a'] });
    function* ids() {
      yield 'a';
      throw make();
    }
    const report = await stopMixes(fake, ids())();
    expect(report).toMatchObject({ ended: 'ids-failed', totals: { stopped: 1 } });
    expect(inspect(report, { showHidden: true, depth: 8 })).not.toContain(secret);
  });

  // (An error with throwing getters would be read as an endless run of `undefined` ids, as any object is.)
  it.each(hostile.filter(([name]) => !name.includes('getters')))(
    "when the iterator's next() answers %s",
    async (_name, make) => {
      const fake = createFakeProvider();
      const ids = { [Symbol.iterator]: () => ({ next: make }) } as unknown as string[];
      const report = await stopMixes(fake, ids)();
      expect(report.ended).toBe('ids-failed');
    },
  );

  it.each(hostile)('when the provider rejects with %s: an Internal failure for that id', async (_name, make) => {
    const provider: MixTaskProvider = {
      name: 'hostile',
      close: () => Promise.resolve(),
      stopMix: () => () => Promise.reject(make()),
    };
    const report = await stopMixes(provider, ['x'])();
    expect(report.failures).toEqual([{ id: 'x', error: expect.objectContaining({ _tag: 'Internal' }) }]);
    expect(inspect(report, { showHidden: true, depth: 8 })).not.toContain(secret);
  });

  it.each(hostile)('when the provider resolves to %s', async (_name, make) => {
    const provider = { name: 'hostile', close: () => Promise.resolve(), stopMix: () => () => Promise.resolve(make()) };
    const report = await stopMixes(provider as unknown as MixTaskProvider, ['x'])();
    expect(report.failures[0]?.error._tag).toBe('Internal');
  });

  it('when its options or the provider are a Proxy whose traps throw', async () => {
    const fake = createFakeProvider({ sessions: ['a'] });
    expect((await stopMixes(fake, ['a'], trapsThrow() as never)()).ended).toBe('invalid-options');
    // A provider that cannot even be read is no provider (issue 23 item 1): refused before any id is read.
    const broken = await stopMixes(trapsThrow() as never, ['a'])();
    expect(broken).toMatchObject({ ended: 'invalid-options', failures: [] });
    expect((await stopMixes(revoked() as never, revoked() as never, revoked() as never)()).ended).toBe(
      'invalid-options',
    );
  });

  it('isMixError answers false for a revoked Proxy or one whose traps throw', () => {
    expect(isMixError(revoked())).toBe(false);
    expect(isMixError(trapsThrow())).toBe(false);
  });
});
