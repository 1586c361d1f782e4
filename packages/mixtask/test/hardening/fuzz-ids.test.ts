import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { settle } from './support/helpers.js';
import { subjects } from './support/subjects.js';

/**
 * Any id a JavaScript caller can pass — any unicode, any length, not even a string: stopMix resolves to an Either
 * and never throws; an id the vendor would not accept is refused before any request; a well-formed one makes
 * exactly one.
 */

/** The vendors' documented id rules (docs/providers): what the adapters must accept, and nothing else. */
const wellFormed = {
  tencent: /^[A-Za-z0-9_]{1,80}$/,
  aliyun: /^[A-Za-z0-9_-]{1,55}$/,
  // A composition ARN of at most 128 characters, in the emulator's region (the provider's).
  'aws-ivs': /^(?=[\s\S]{1,128}$)arn:aws:ivs:us-east-1:[0-9]+:composition\/[a-zA-Z0-9-]+$/,
};

/** Composition ARNs: well-formed, too long, or of another region (a near miss the provider must refuse). */
const arns = fc
  .tuple(
    fc.constantFrom('us-east-1', 'us-east-1', 'eu-west-1'),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.stringMatching(/^[a-zA-Z0-9-]{1,90}$/),
  )
  .map(([region, account, id]) => `arn:aws:ivs:${region}:${account}:composition/${id}`);

const nearMiss = fc.string({
  unit: fc.constantFrom(...'aZ09_-', ' ', '&', '=', '%', '/', '?', '#', '\n', '\u0000', 'é', '\u200b', '😀'),
  minLength: 0,
  maxLength: 90,
});
const ids = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  nearMiss,
  fc.stringMatching(wellFormed.tencent),
  fc.stringMatching(wellFormed.aliyun),
  arns,
  arns,
  arns,
  fc.string({ minLength: 1000, maxLength: 5000 }),
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
  fc.constantFrom<unknown>(
    undefined,
    null,
    0,
    Number.NaN,
    true,
    [],
    {},
    ['room_1'],
    Symbol('room_1'),
    12n,
    () => 'room_1',
    new String('room_1'),
    Object.create(null),
    { toString: () => 'room_1' },
    {
      toString: () => {
        throw new Error('boom');
      },
    },
  ),
);

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false, aliyun: false, awsIvs: false } });
});
afterAll(() => em.close());

describe.each(subjects)('$vendor: random ids', (subject) => {
  it('resolve to an Either, never throw; malformed ones make no request', async () => {
    const provider = subject.make(em, { retry: false, rateLimit: false, timeoutMs: 5000 });
    const received = () => em.requests().filter((r) => r.vendor === subject.vendor).length;
    const seen = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const before = received();
        const { result } = await settle(provider, id);
        const valid = typeof id === 'string' && wellFormed[subject.vendor].test(id);
        seen[valid ? 'valid' : 'invalid'] += 1;
        if (!valid) {
          expect(E.isLeft(result) && result.left).toMatchObject({
            _tag: 'InvalidArgument',
            retryable: false,
            attempts: 0,
          });
          expect(received()).toBe(before);
        } else {
          // Nothing runs on this emulator: the vendor answers "not found", after exactly one request.
          expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'SessionNotFound', attempts: 1, id });
          expect(received()).toBe(before + 1);
        }
        if (E.isLeft(result)) {
          // An error shows the id (shortened), never a megabyte of it, and always serialises.
          expect(typeof result.left.id).toBe('string');
          expect(result.left.id.length).toBeLessThanOrEqual(230);
          expect(typeof JSON.stringify(result.left)).toBe('string');
        }
      }),
      { numRuns: 400 },
    );
    expect(Math.min(seen.valid, seen.invalid)).toBeGreaterThanOrEqual(40);
  });

  it('random call options from JavaScript callers never make stopMix throw', async () => {
    const provider = subject.make(em, { retry: false, rateLimit: false, timeoutMs: 5000 });
    const options = fc.oneof(
      fc.anything(),
      fc.record(
        {
          timeoutMs: fc.oneof(fc.anything(), fc.double(), fc.integer({ min: -5, max: 5000 })),
          signal: fc.oneof(fc.anything(), fc.constant(AbortSignal.abort()), fc.constant({ aborted: false })),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(options, async (opts) => {
        const { result } = await settle(provider, 'room_not_running', opts as never);
        expect(E.isLeft(result)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
