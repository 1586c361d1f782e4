import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixEvent, StopMixSuccess } from '@mixtask/core';
import { FakeClock, ParkingClock } from './support/fake-clock.js';
import { startScriptedServer, type ScriptedServer } from '@mixtask/test-kit';
import { credentials, testProvider, type TestOptions } from './support/test-provider.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.fallback = () => ({ kind: 'json', body: { requestId: 'req-ok' } });
});

const stop = (options: Partial<TestOptions> = {}, id = 'room_1', signal?: AbortSignal) =>
  testProvider(server.url, { clock: new FakeClock(), ...options }).stopMix(id, signal ? { signal } : undefined)();

function left(result: E.Either<MixError, StopMixSuccess>): MixError {
  if (E.isRight(result)) throw new Error(`expected a Left, got ${JSON.stringify(result.right)}`);
  return result.left;
}
function right(result: E.Either<MixError, StopMixSuccess>): StopMixSuccess {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${result.left.message}`);
  return result.right;
}

describe('the runner', () => {
  it('stops on the first attempt', async () => {
    expect(right(await stop())).toEqual({
      provider: 'test',
      id: 'room_1',
      requestId: 'req-ok',
      outcome: 'stopped',
      attempts: 1,
    });
    expect(server.seen).toHaveLength(1);
  });

  it.each([
    ['RateLimited (vendor code)', { kind: 'json', body: { requestId: 'r1', code: 'Busy' } }],
    ['ProviderUnavailable (vendor code)', { kind: 'json', body: { requestId: 'r1', code: 'Oops' } }],
    ['ProviderUnavailable (HTML 502)', { kind: 'raw', status: 502, body: '<html>bad gateway</html>' }],
    ['RateLimited (bare 429)', { kind: 'raw', status: 429, body: '' }],
    ['NetworkError (reset)', { kind: 'reset' }],
    ['retryable AuthenticationFailed (nonce reused)', { kind: 'json', body: { requestId: 'r1', code: 'NonceUsed' } }],
  ] as const)('retries %s and then succeeds', async (_name, reply) => {
    server.script(reply);
    const retries: MixEvent[] = [];
    const result = right(await stop({ onEvent: (e) => e.type === 'retry' && retries.push(e) }));
    expect(result.attempts).toBe(2);
    expect(server.seen).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  it('retries an attempt timeout and then succeeds', async () => {
    server.script({ kind: 'hang' });
    const result = right(await stop({ timeoutMs: 150 }));
    expect(result.attempts).toBe(2);
  });

  it('gives up after maxAttempts with the last error, retryable still true', async () => {
    server.fallback = () => ({ kind: 'json', body: { requestId: 'r-busy', code: 'Busy' } });
    const error = left(await stop({ retry: { maxAttempts: 4 } }));
    expect(error).toMatchObject({
      _tag: 'RateLimited',
      attempts: 4,
      retryable: true,
      requestId: 'r-busy',
      providerCode: 'Busy',
    });
    expect(server.seen).toHaveLength(4);
  });

  it.each([
    ['InvalidArgument', 'Bad'],
    ['SessionNotFound', 'NotFound'],
  ])('does not retry %s', async (tag, code) => {
    server.script({ kind: 'json', body: { requestId: 'r1', code } });
    const error = left(await stop());
    expect(error).toMatchObject({ _tag: tag, attempts: 1, retryable: false, providerCode: code, requestId: 'r1' });
    expect(server.seen).toHaveLength(1);
  });

  it('sends nothing for an id the protocol refuses', async () => {
    const error = left(await stop({}, 'NOT VALID'));
    expect(error).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
    expect(server.seen).toHaveLength(0);
  });

  it('honours Retry-After (seconds) and caps it at maxDelayMs', async () => {
    server.script({ kind: 'raw', status: 429, body: '', headers: { 'retry-after': '2' } });
    const clock = new FakeClock();
    right(await stop({ clock }));
    expect(clock.sleeps).toEqual([2000]);

    server.script({ kind: 'raw', status: 503, body: '', headers: { 'retry-after': '3600' } });
    const capped = new FakeClock();
    right(await stop({ clock: capped, retry: { maxDelayMs: 5000 } }));
    expect(capped.sleeps).toEqual([5000]);
  });

  it('measures an HTTP-date Retry-After against the injected clock, not the wall clock', async () => {
    // The fake clock is years away from the wall clock: only a wait measured against it is 30 s.
    const clock = new FakeClock(Date.UTC(2031, 0, 1));
    const date = new Date(clock.now() + 30_000).toUTCString();
    server.script({ kind: 'raw', status: 503, body: '', headers: { 'retry-after': date } });
    right(await stop({ clock, deadlineMs: 120_000, retry: { maxDelayMs: 60_000 } }));
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('honours a wait only on RateLimited and ProviderUnavailable, whoever reported it (the rule lives in the runner)', async () => {
    // The protocol reports its vendor header's wait on every coded answer, as Alibaba's x-acs-retry-after is.
    const wait = { 'x-test-retry-after': '45000', 'retry-after': '45' };
    server.script({ kind: 'json', body: { requestId: 'r1', code: 'NonceUsed' }, headers: wait });
    const clock = new FakeClock();
    right(await stop({ clock, deadlineMs: 120_000, retry: { maxDelayMs: 60_000, baseDelayMs: 100 } }));
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(100);

    server.fallback = () => ({ kind: 'json', body: { requestId: 'r2', code: 'Bad' }, headers: wait });
    expect(left(await stop({ clock: new FakeClock() }))).not.toHaveProperty('retryAfterMs');

    server.script({ kind: 'json', body: { requestId: 'r3', code: 'Busy' }, headers: wait });
    server.fallback = () => ({ kind: 'json', body: { requestId: 'req-ok' } });
    const throttled = new FakeClock();
    right(await stop({ clock: throttled, deadlineMs: 120_000, retry: { maxDelayMs: 60_000 } }));
    expect(throttled.sleeps).toEqual([45_000]);
  });

  it('keeps full-jitter delays under the doubling ceiling', async () => {
    server.fallback = () => ({ kind: 'json', body: { requestId: 'r', code: 'Oops' } });
    const clock = new FakeClock();
    left(await stop({ clock, retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000 } }));
    expect(clock.sleeps).toHaveLength(5);
    clock.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** i));
    });
  });

  it('never waits past the deadline: a backoff that would cross it ends the call', async () => {
    server.fallback = () => ({ kind: 'raw', status: 503, body: '', headers: { 'retry-after': '10' } });
    const clock = new FakeClock();
    const error = left(await stop({ clock, deadlineMs: 5000, retry: { maxAttempts: 10, maxDelayMs: 60_000 } }));
    expect(error).toMatchObject({ _tag: 'ProviderUnavailable', attempts: 1, httpStatus: 503 });
    expect(clock.sleeps).toEqual([]);
  });

  it('ends in a non-retryable Timeout when the deadline runs out during an attempt', async () => {
    server.fallback = () => ({ kind: 'hang' });
    const startedAt = Date.now();
    const error = left(await testProvider(server.url, { deadlineMs: 300, timeoutMs: 10_000 }).stopMix('room_1')());
    expect(error).toMatchObject({ _tag: 'Timeout', retryable: false, attempts: 1 });
    expect(Date.now() - startedAt).toBeLessThan(5000); // generous bound: the point is "not 10 s"
  });

  it('per-call timeoutMs overrides deadlineMs', async () => {
    server.fallback = () => ({ kind: 'hang' });
    const error = left(await testProvider(server.url, { deadlineMs: 60_000 }).stopMix('room_1', { timeoutMs: 200 })());
    expect(error).toMatchObject({ _tag: 'Timeout', retryable: false });
  });

  it('an attempt timeout is a retryable Timeout when attempts run out first', async () => {
    server.fallback = () => ({ kind: 'hang' });
    const error = left(await stop({ timeoutMs: 100, retry: { maxAttempts: 2 } }));
    expect(error).toMatchObject({ _tag: 'Timeout', retryable: true, attempts: 2 });
  });

  it('is Aborted when the signal fires mid-request', async () => {
    server.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = stop({}, 'room_1', controller.signal);
    while (server.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(left(await pending)).toMatchObject({ _tag: 'Aborted', retryable: false, attempts: 1 });
  });

  it('is Aborted when the signal fires during a backoff wait', async () => {
    server.script({ kind: 'json', body: { requestId: 'r1', code: 'Busy' } });
    const clock = new ParkingClock();
    const controller = new AbortController();
    const pending = testProvider(server.url, { clock }).stopMix('room_1', { signal: controller.signal })();
    while (clock.parked === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(left(await pending)).toMatchObject({ _tag: 'Aborted', attempts: 1 });
    expect(server.seen).toHaveLength(1);
  });

  it('is Aborted without a request when the signal already fired', async () => {
    expect(left(await stop({}, 'room_1', AbortSignal.abort()))).toMatchObject({ _tag: 'Aborted', attempts: 0 });
    expect(server.seen).toHaveLength(0);
  });

  it('turns a body over the cap into MalformedResponse instead of buffering it', async () => {
    server.script({ kind: 'huge', bytes: 8 * 1024 * 1024 });
    expect(left(await stop())).toMatchObject({ _tag: 'MalformedResponse', retryable: false, attempts: 1 });
  });

  it('turns a 200 that is not an envelope into MalformedResponse', async () => {
    server.script({ kind: 'raw', status: 200, body: '<html>hello</html>' });
    expect(left(await stop())).toMatchObject({ _tag: 'MalformedResponse', httpStatus: 200 });
  });

  it('calls a credentials function before every attempt and signs each attempt afresh', async () => {
    server.script({ kind: 'json', body: { requestId: 'r1', code: 'Oops' } }, { kind: 'reset' });
    let calls = 0;
    const result = right(
      await stop({
        // Full jitter may draw a 0 ms backoff and a fake clock stands still otherwise: a least step of 1 s gives
        // every attempt its own signing time (this test failed CI once on such a draw).
        clock: new FakeClock(Date.now(), 1000),
        credentials: async () => {
          calls += 1;
          return { key: `key-${calls}`, secret: 'SUPERSECRET-rotating' };
        },
      }),
    );
    expect(result.attempts).toBe(3);
    expect(calls).toBe(3);
    expect(server.seen.map((s) => s.headers['x-key'])).toEqual(['key-1', 'key-2', 'key-3']);
    expect(new Set(server.seen.map((s) => s.headers['x-nonce'])).size).toBe(3);
    expect(new Set(server.seen.map((s) => s.headers['x-time'])).size).toBe(3);
  });

  it('reports a failing or malformed credentials function as a typed error', async () => {
    const failing = left(await stop({ credentials: () => Promise.reject(new Error('sts down')) }));
    expect(failing).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 0 });
    const malformed = left(await stop({ credentials: async () => ({ key: 'k', secret: '' }) as never }));
    expect(malformed._tag).toBe('ConfigurationError');
    expect(malformed.message).toContain('credentials.secret');
    expect(server.seen).toHaveLength(0);
  });

  it('turns "not found" after an attempt that may have landed into already-stopped', async () => {
    server.script({ kind: 'reset' }, { kind: 'json', body: { requestId: 'r2', code: 'NotFound' } });
    expect(right(await stop())).toMatchObject({ outcome: 'already-stopped', attempts: 2, requestId: 'r2' });

    server.script(
      { kind: 'raw', status: 503, body: '' },
      { kind: 'json', body: { requestId: 'r3', code: 'NotFound' } },
    );
    expect(right(await stop())).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
  });

  it('keeps "not found" an error after a throttled attempt, which the provider never acted on', async () => {
    server.script(
      { kind: 'json', body: { requestId: 'r1', code: 'Busy' } },
      { kind: 'json', body: { requestId: 'r2', code: 'NotFound' } },
    );
    expect(left(await stop())).toMatchObject({ _tag: 'SessionNotFound', attempts: 2 });
  });

  it("with notFound: 'already-stopped', a first-attempt SessionNotFound is a success", async () => {
    server.script({ kind: 'json', body: { requestId: 'r1', code: 'NotFound' } });
    expect(right(await stop({ notFound: 'already-stopped' }))).toMatchObject({
      outcome: 'already-stopped',
      attempts: 1,
    });
  });

  it('emits attempt, retry and success events with timings', async () => {
    server.script({ kind: 'json', body: { requestId: 'r1', code: 'Busy' } });
    const events: MixEvent[] = [];
    right(await stop({ onEvent: (e) => events.push(e) }));
    expect(events.map((e) => e.type)).toEqual([
      'attempt',
      'attempt-result',
      'retry',
      'attempt',
      'attempt-result',
      'success',
    ]);
    expect(events[1]).toMatchObject({ errorTag: 'RateLimited', requestId: 'r1', providerCode: 'Busy', attempt: 1 });
    expect(events[5]).toMatchObject({ type: 'success', attempts: 2, requestId: 'req-ok' });
    const text = JSON.stringify(events);
    expect(text).not.toContain(credentials.secret);
  });

  it('survives a throwing event listener', async () => {
    right(
      await stop({
        onEvent: () => {
          throw new Error('listener bug');
        },
      }),
    );
  });

  it('refuses plain http to a non-loopback host, and bad options, with the field path', async () => {
    const http = left(await testProvider('http://live.example.com').stopMix('room_1')());
    expect(http).toMatchObject({ _tag: 'ConfigurationError', attempts: 0 });
    expect(http.message).toContain('endpoint');

    const bad = left(await testProvider(server.url, { timeoutMs: -5, retry: { maxAttempts: 0 } }).stopMix('room_1')());
    expect(bad.message).toContain('timeoutMs');
    expect(bad.message).toContain('retry.maxAttempts');
    expect(bad.message).not.toContain(credentials.secret);
    expect(server.seen).toHaveLength(0);
  });

  it('reports a refused connection as a retryable NetworkError that never reached the provider', async () => {
    const error = left(await testProvider('http://127.0.0.1:1', { clock: new FakeClock() }).stopMix('room_1')());
    expect(error).toMatchObject({ _tag: 'NetworkError', retryable: true, attempts: 3 });
  });

  it('reports TLS to a plain-http port as a non-retryable NetworkError', async () => {
    const error = left(
      await testProvider(server.url.replace('http:', 'https:'), { clock: new FakeClock() }).stopMix('room_1')(),
    );
    expect(error).toMatchObject({ _tag: 'NetworkError', retryable: false, attempts: 1 });
  });
});

describe('what errors keep of a failure', () => {
  it('keeps no request options (signed headers) in any cause, even with showHidden', async () => {
    const { inspect } = await import('node:util');
    server.script({ kind: 'reset' }, { kind: 'hang' }, { kind: 'huge', bytes: 4 * 1024 * 1024 });
    const failures = [
      left(await stop({ retry: false })),
      left(await stop({ retry: false, timeoutMs: 100 })),
      left(await stop({ retry: false })),
      left(await testProvider('http://127.0.0.1:1', { retry: false }).stopMix('room_1')()),
    ];
    expect(failures.map((f) => f._tag)).toEqual(['NetworkError', 'Timeout', 'MalformedResponse', 'NetworkError']);
    for (const failure of failures) {
      expect(failure.cause).toBeInstanceOf(Error);
      for (const text of [JSON.stringify(failure), inspect(failure, { showHidden: true, depth: 20 })]) {
        expect(text).not.toContain('SIGNATURE-');
        expect(text).not.toContain(credentials.secret);
      }
    }
  });
});

describe('call options from JavaScript callers', () => {
  it.each([
    ['a number as options', 5],
    ['null as options', null],
    ['a signal that is not one', { signal: {} }],
    ['a negative timeout', { timeoutMs: -1 }],
    ['a string timeout', { timeoutMs: '100' }],
  ])('%s is InvalidArgument, with no request', async (_name, options) => {
    const error = left(await testProvider(server.url).stopMix('room_1', options as never)());
    expect(error).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
    expect(server.seen).toHaveLength(0);
  });
});
