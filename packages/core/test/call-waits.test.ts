import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { RateLimiter, RateLimitWait } from '@mixtask/core';
import { startScriptedServer, type ScriptedServer } from '@mixtask/test-kit';
import { testProvider } from './support/test-provider.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

/** A custom limiter whose acquire never settles, and one that grants only after the test says so. */
const hanging: RateLimiter = { acquire: () => new Promise<RateLimitWait>(() => undefined) };

describe('every wait of a call is bounded, a limiter that never answers included (issue 23, item 5)', () => {
  it('the deadline ends a stop whose limiter never answers: Timeout, nothing sent', async () => {
    const before = server.seen.length;
    const result = await testProvider(server.url, { rateLimit: hanging, deadlineMs: 150 }).stopMix('room_1')();
    expect(E.isLeft(result) && result.left._tag).toBe('Timeout');
    expect(server.seen.length).toBe(before);
  });

  it('the per-call timeoutMs bounds it too', async () => {
    const provider = testProvider(server.url, { rateLimit: hanging, deadlineMs: 60_000 });
    const result = await provider.stopMix('room_1', { timeoutMs: 100 })();
    expect(E.isLeft(result) && result.left._tag).toBe('Timeout');
  });

  it('the abort signal ends it at once: Aborted', async () => {
    const provider = testProvider(server.url, { rateLimit: hanging, deadlineMs: 60_000 });
    const controller = new AbortController();
    const call = provider.stopMix('room_1', { signal: controller.signal })();
    setTimeout(() => controller.abort(), 20);
    const result = await call;
    expect(E.isLeft(result) && result.left._tag).toBe('Aborted');
  });

  it('a slot granted after the call gave up is given back, not leaked', async () => {
    let grant: (wait: RateLimitWait) => void = () => undefined;
    let released = 0;
    const slow: RateLimiter = { acquire: () => new Promise<RateLimitWait>((resolve) => (grant = resolve)) };
    const result = await testProvider(server.url, { rateLimit: slow, deadlineMs: 80 }).stopMix('room_1')();
    expect(E.isLeft(result) && result.left._tag).toBe('Timeout');
    grant({ ok: true, waitedMs: 500, release: () => void released++ });
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(1);
  });
});

describe('the call options are exact (issue 23, item 7)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['timeoutMS', { timeoutMS: 100 }, /options\.timeoutMS: unknown field; did you mean timeoutMs\?/],
    ['signl', { signl: AbortSignal.timeout(1000) }, /options\.signl: unknown field; did you mean signal\?/],
    ['an unrelated key', { retries: 2 }, /options\.retries: unknown field($|;)/],
    ['constructor (a prototype name)', JSON.parse('{"constructor": 1}'), /options\.constructor: unknown field($|;)/],
    ['an array', ['timeoutMs'], /options must be an object/],
  ];
  it.each(cases)('%s: InvalidArgument naming the key, nothing sent', async (_name, options, reason) => {
    const before = server.seen.length;
    const result = await testProvider(server.url).stopMix('room_1', options as never)();
    expect(E.isLeft(result) && result.left._tag).toBe('InvalidArgument');
    expect(E.isLeft(result) && result.left.message).toMatch(reason);
    expect(server.seen.length).toBe(before);
  });
});
