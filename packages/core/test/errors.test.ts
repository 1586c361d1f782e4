import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import {
  isMixError,
  matchMixError,
  matchMixErrorOrElse,
  mixErrorTags,
  type MixError,
  type MixErrorTag,
} from '@mixtask/core';
import { mixError } from '@mixtask/core/adapter';

const secret = 'SUPERSECRET-key-0123456789';

describe('mixError', () => {
  it('builds every tag with the common fields and a message naming tag, code and request id', () => {
    for (const tag of mixErrorTags) {
      const error = mixError(tag, {
        provider: 'tencent',
        id: 'room_1',
        attempts: 2,
        providerCode: 'X.Y',
        requestId: 'r-1',
      });
      expect(error).toMatchObject({ _tag: tag, provider: 'tencent', operation: 'stopMix', id: 'room_1', attempts: 2 });
      expect(error.message).toContain(tag);
      expect(error.message).toContain('X.Y');
      expect(error.message).toContain('r-1');
      expect(isMixError(error)).toBe(true);
      expect(Object.isFrozen(error)).toBe(true);
    }
  });

  it('uses the default retryability of errors.md unless told otherwise', () => {
    const retryable: MixErrorTag[] = ['RateLimited', 'ProviderUnavailable', 'NetworkError', 'Timeout'];
    for (const tag of mixErrorTags) {
      expect(mixError(tag, { provider: 'p', id: 'i' }).retryable).toBe(retryable.includes(tag));
    }
    expect(mixError('AuthenticationFailed', { provider: 'p', id: 'i', retryable: true }).retryable).toBe(true);
  });

  it('keeps cause out of JSON.stringify and util.inspect for every tag', () => {
    for (const tag of mixErrorTags) {
      const cause = Object.assign(new Error(`wrapped ${secret}`), { options: { headers: { authorization: secret } } });
      const error = mixError(tag, { provider: 'aliyun', id: 'task-1', cause, requestId: 'r' });
      expect(error.cause).toBe(cause);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(inspect(error, { depth: 10 })).not.toContain(secret);
      expect(Object.keys(error)).not.toContain('cause');
    }
  });

  it('is recognised across copies of the package by a global symbol, and not by shape alone', () => {
    const lookalike = { _tag: 'Timeout', provider: 'p', id: 'i', message: 'm', retryable: true, attempts: 1 };
    expect(isMixError(lookalike)).toBe(false);
    const otherCopy = Object.defineProperty({ ...lookalike }, Symbol.for('mixtask.error'), { value: true });
    expect(isMixError(otherCopy)).toBe(true);
    expect(isMixError(null)).toBe(false);
    expect(isMixError('Timeout')).toBe(false);
  });
});

describe('matchMixErrorOrElse', () => {
  it('handles the tags given and sends every other one to the fallback', () => {
    const describe = matchMixErrorOrElse<string>(
      { SessionNotFound: () => 'gone', RateLimited: (e) => `later ${e.retryAfterMs ?? '?'}` },
      (e) => `other ${e._tag}`,
    );
    expect(describe(mixError('SessionNotFound', { provider: 'p', id: 'i' }))).toBe('gone');
    expect(describe(mixError('RateLimited', { provider: 'p', id: 'i', retryAfterMs: 5 }))).toBe('later 5');
    expect(describe(mixError('Internal', { provider: 'p', id: 'i' }))).toBe('other Internal');
  });

  it('tells a bug inside mixtask (Internal) from an unmapped vendor code (Unknown)', () => {
    expect(mixErrorTags).toContain('Internal');
    expect(mixErrorTags).toContain('Unknown');
    expect(mixError('Internal', { provider: 'p', id: 'i' }).retryable).toBe(false);
  });
});

describe('matchMixError', () => {
  const handlers = Object.fromEntries(mixErrorTags.map((tag) => [tag, (e: MixError) => `${e._tag}!`])) as Parameters<
    typeof matchMixError<string>
  >[0];

  it('dispatches on the tag', () => {
    const match = matchMixError(handlers);
    for (const tag of mixErrorTags) expect(match(mixError(tag, { provider: 'p', id: 'i' }))).toBe(`${tag}!`);
  });

  it('refuses, at compile time, a handler set that leaves a tag out', () => {
    const { Unknown: _left, ...missingOne } = handlers;
    // @ts-expect-error — Unknown has no handler
    matchMixError<string>(missingOne);
    expect(Object.keys(missingOne)).toHaveLength(mixErrorTags.length - 1);
  });

  it('narrows each handler to its variant', () => {
    const match = matchMixError<number | undefined>({
      ...Object.fromEntries(mixErrorTags.map((tag) => [tag, () => undefined])),
      RateLimited: (e) => e.retryAfterMs,
    } as Parameters<typeof matchMixError<number | undefined>>[0]);
    expect(match(mixError('RateLimited', { provider: 'p', id: 'i', retryAfterMs: 1500 }))).toBe(1500);
  });
});
