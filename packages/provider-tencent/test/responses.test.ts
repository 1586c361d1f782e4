import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { FaultAction } from '@mixtask/emulator';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});
beforeEach(() => {
  em.clearFaults();
  em.clearRequests();
});

async function stopWithFault(action: FaultAction, options: { timeoutMs?: number } = {}) {
  await em.tencent.createSession('room_faults');
  em.inject({ vendor: 'tencent', action });
  const provider = createTencentProvider({
    credentials: em.tencent.credentials,
    endpoint: em.url,
    retry: false,
    ...options,
  });
  const result = await provider.stopMix('room_faults')();
  if (E.isRight(result)) throw new Error('expected a failure');
  return result.left;
}

describe('answers that are not a Tencent envelope', () => {
  it('an HTML 502 from a gateway is ProviderUnavailable (retryable) with the status', async () => {
    const error = await stopWithFault({ type: 'body', status: 502, body: '<html><h1>502 Bad Gateway</h1></html>' });
    expect(error).toMatchObject({ _tag: 'ProviderUnavailable', httpStatus: 502, retryable: true });
    expect(error.providerCode).toBeUndefined();
  });

  it('an empty 503 with Retry-After is ProviderUnavailable carrying the delay', async () => {
    const error = await stopWithFault({ type: 'body', status: 503, body: '', headers: { 'retry-after': '3' } });
    expect(error).toMatchObject({ _tag: 'ProviderUnavailable', httpStatus: 503, retryAfterMs: 3000 });
  });

  it('a 429 without an envelope is RateLimited', async () => {
    const error = await stopWithFault({ type: 'body', status: 429, body: 'slow down' });
    expect(error).toMatchObject({ _tag: 'RateLimited', httpStatus: 429, retryable: true });
  });

  it.each([
    ['HTML', '<html>hello</html>'],
    ['truncated JSON', '{"Response":{"RequestId":"abc"'],
    ['an empty body', ''],
    ['JSON of another shape', '{"requestId":"abc","code":0}'],
    ['an Error without a Code', '{"Response":{"Error":{"Message":"?"},"RequestId":"abc"}}'],
  ])('a 200 with %s is MalformedResponse, not retried', async (_, body) => {
    const error = await stopWithFault({ type: 'body', status: 200, body });
    expect(error).toMatchObject({ _tag: 'MalformedResponse', httpStatus: 200, retryable: false, attempts: 1 });
    // The mix was not stopped by a request the emulator refused to apply.
    expect(em.tencent.sessions()).toContain('room_faults');
  });

  it('a non-200 carrying a Tencent envelope is classified by its code and keeps the status', async () => {
    const error = await stopWithFault({ type: 'code', code: 'FailedOperation.CancelSessionNotExist', status: 404 });
    expect(error).toMatchObject({
      _tag: 'SessionNotFound',
      providerCode: 'FailedOperation.CancelSessionNotExist',
      httpStatus: 404,
      requestId: em.requests()[0]?.requestId,
    });
  });

  it('a reset connection is a NetworkError', async () => {
    expect(await stopWithFault({ type: 'reset' })).toMatchObject({ _tag: 'NetworkError', retryable: true });
  });

  it('a body cut mid-way is a NetworkError or MalformedResponse, never a success', async () => {
    const error = await stopWithFault({ type: 'reset-mid-body' });
    expect(['NetworkError', 'MalformedResponse']).toContain(error._tag);
  });

  it('no answer within timeoutMs is a Timeout', async () => {
    const error = await stopWithFault({ type: 'no-answer' }, { timeoutMs: 200 });
    expect(error).toMatchObject({ _tag: 'Timeout' });
  });

  it('an oversized body is MalformedResponse', async () => {
    const error = await stopWithFault({ type: 'huge-body', bytes: 2 * 1024 * 1024 });
    expect(error._tag).toBe('MalformedResponse');
  });
});

describe('requests as sent', () => {
  it('carry X-TC-Language when configured, and never X-TC-Region', async () => {
    await em.tencent.createSession('room_lang');
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      language: 'en-US',
    });
    expect(E.isRight(await provider.stopMix('room_lang')())).toBe(true);
    const [request] = em.requests();
    expect(request?.headers['x-tc-language']).toBe('en-US');
    expect(request?.headers['x-tc-region']).toBeUndefined();
    expect(request?.headers['x-tc-action']).toBe('CancelCommonMixStream');
    expect(request?.headers['x-tc-version']).toBe('2018-08-01');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe('{"MixStreamSessionId":"room_lang"}');
  });
});
