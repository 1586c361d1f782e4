import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { classifySendError, sendAttempt, type SendAttemptOptions } from '../src/transport/send-attempt.js';
import { createNodeTransport } from '../src/transport/node/node-transport.js';
import type { IncomingResponse } from '../src/contract/protocol.js';
import type { Transport } from '../src/transport/transport.js';
import type { TransportFailure } from '../src/transport/classify-transport-error.js';
import { refusedPort, startHttpServer, stopRequest, type LoopbackServer } from '@mixtask/test-kit';

const MiB = 1024 * 1024;
const options = (extra: Partial<SendAttemptOptions> = {}): SendAttemptOptions => ({
  timeoutMs: 10_000,
  maxResponseBytes: MiB,
  ...extra,
});
const ctx = { timedOut: false, callerAborted: false, timeoutMs: 100 };

function failure(result: E.Either<TransportFailure, IncomingResponse>): TransportFailure {
  if (E.isRight(result)) throw new Error(`expected a failure, got status ${result.right.status}`);
  return result.left;
}

const fake = (send: Transport['send']): Transport => ({ send });
const ok: IncomingResponse = { status: 200, headers: {}, body: '{}' };
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('sendAttempt over the node transport', () => {
  let server: LoopbackServer;
  const transport = createNodeTransport();
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        switch (req.url) {
          case '/hang':
            return;
          case '/stall':
            res.writeHead(200, { 'content-length': '100' });
            res.write('{"Response":');
            return;
          case '/huge':
            res.writeHead(200);
            res.end(Buffer.alloc(2 * MiB, 0x20));
            return;
          default:
            res.end('{"ok":true}');
        }
      });
    });
  });
  afterAll(async () => {
    await transport.close?.();
    await server.close();
  });

  it('answers Right with the response and leaves no timer or listener behind', async () => {
    const signal = new AbortController().signal;
    const before = timers();
    const result = await sendAttempt(transport, stopRequest(server.url), options({ signal }));
    expect(result).toEqual(E.right(expect.objectContaining({ status: 200, body: '{"ok":true}' })));
    expect(timers()).toBeLessThanOrEqual(before); // the attempt timer is cleared, not left to fire
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('turns no answer within timeoutMs into a retryable Timeout, maybe delivered', async () => {
    const result = await sendAttempt(transport, stopRequest(server.url, '/hang'), options({ timeoutMs: 100 }));
    expect(failure(result)).toMatchObject({
      tag: 'Timeout',
      retryable: true,
      maybeDelivered: true,
      reason: 'no complete answer within 100 ms',
    });
  });

  it('turns a stalled body into a Timeout that keeps the status', async () => {
    const result = await sendAttempt(transport, stopRequest(server.url, '/stall'), options({ timeoutMs: 150 }));
    expect(failure(result)).toMatchObject({ tag: 'Timeout', httpStatus: 200, maybeDelivered: true });
  });

  it("turns the caller's abort into Aborted, not Timeout", async () => {
    const controller = new AbortController();
    const attempt = sendAttempt(transport, stopRequest(server.url, '/hang'), options({ signal: controller.signal }));
    setImmediate(() => controller.abort());
    expect(failure(await attempt)).toMatchObject({ tag: 'Aborted', retryable: false });
  });

  it('answers an already aborted signal without sending', async () => {
    const controller = new AbortController();
    controller.abort();
    const accepted = server.accepted;
    const result = await sendAttempt(transport, stopRequest(server.url), options({ signal: controller.signal }));
    expect(failure(result)).toMatchObject({ tag: 'Aborted', maybeDelivered: false });
    expect(server.accepted).toBe(accepted);
  });

  it('turns a body past the cap into MalformedResponse, delivered, with the status', async () => {
    const result = await sendAttempt(transport, stopRequest(server.url, '/huge'), options());
    expect(failure(result)).toMatchObject({
      tag: 'MalformedResponse',
      retryable: false,
      maybeDelivered: true,
      httpStatus: 200,
      reason: `response body larger than ${MiB} bytes`,
    });
  });

  it('turns a refused connection into a retryable NetworkError, not delivered', async () => {
    const port = await refusedPort();
    const result = await sendAttempt(transport, stopRequest(`http://127.0.0.1:${port}`), options());
    expect(failure(result)).toMatchObject({ tag: 'NetworkError', retryable: true, maybeDelivered: false });
  });

  it('leaves no listener on a caller signal shared by 1000 attempts', async () => {
    const signal = new AbortController().signal;
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, () => sendAttempt(transport, stopRequest(server.url), options({ signal }))),
      );
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('sendAttempt with a transport that breaks the contract', () => {
  it('answers a synchronous throw as a failure, never a rejection', async () => {
    const throwing = fake(() => {
      throw Object.assign(new Error('boom'), { code: 'EBOOM' });
    });
    const result = await sendAttempt(throwing, stopRequest('http://127.0.0.1:1'), options());
    expect(failure(result)).toMatchObject({ tag: 'NetworkError', reason: 'network failure (EBOOM)' });
  });

  it('answers a resolved non-response as MalformedResponse', async () => {
    for (const value of [undefined, null, 'text', { status: '200', body: '' }, { status: 200, headers: {} }]) {
      const result = await sendAttempt(
        fake(() => Promise.resolve(value as unknown as IncomingResponse)),
        stopRequest('http://127.0.0.1:1'),
        options(),
      );
      expect(failure(result)).toMatchObject({ tag: 'MalformedResponse', retryable: false });
    }
  });

  it('ends the attempt on time even when the transport ignores its signal', async () => {
    const deaf = fake(() => new Promise<IncomingResponse>(() => undefined));
    const result = await sendAttempt(deaf, stopRequest('http://127.0.0.1:1'), options({ timeoutMs: 50 }));
    expect(failure(result)).toMatchObject({ tag: 'Timeout' });
  });

  it('keeps what a library error holds beyond its name and code out of the failure (its message too)', async () => {
    const leaky = fake(() =>
      Promise.reject(
        Object.assign(new Error('read ECONNRESET'), {
          code: 'ECONNRESET',
          options: { headers: { authorization: 'TC3-HMAC-SHA256 Signature=deadbeefsecret' } },
          request: { secretKey: 'sk-secret' },
        }),
      ),
    );
    const result = failure(await sendAttempt(leaky, stopRequest('http://127.0.0.1:1'), options()));
    const shown = JSON.stringify(result) + inspect(result, { depth: 10, showHidden: true });
    expect(shown).not.toMatch(/deadbeefsecret|sk-secret/);
    // One policy for foreign errors (issue 20 item 3): a custom transport is app code, its message may quote anything.
    expect(result.cause).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: 'the HTTP request failed' });
  });

  it('answers Right for a well-formed response', async () => {
    expect(
      await sendAttempt(
        fake(() => Promise.resolve(ok)),
        stopRequest('http://127.0.0.1:1'),
        options(),
      ),
    ).toEqual(E.right(ok));
  });
});

describe('classifySendError', () => {
  it('lets the caller win over the timer, and the timer over the raw code', () => {
    const refused = { code: 'ECONNREFUSED' };
    expect(classifySendError(refused, { ...ctx, callerAborted: true, timedOut: true }).tag).toBe('Aborted');
    expect(classifySendError(refused, { ...ctx, timedOut: true }).tag).toBe('Timeout');
    expect(classifySendError(refused, ctx).tag).toBe('NetworkError');
  });

  it('decides maybeDelivered from requestSent when the transport says, from the code when not', () => {
    const reset = { code: 'ECONNRESET' };
    expect(classifySendError(reset, ctx).maybeDelivered).toBe(true);
    expect(classifySendError({ ...reset, requestSent: false }, ctx).maybeDelivered).toBe(false);
    expect(classifySendError({ ...reset, requestSent: true }, ctx).maybeDelivered).toBe(true);
    expect(classifySendError({ requestSent: false }, { ...ctx, timedOut: true }).maybeDelivered).toBe(false);
    expect(classifySendError({}, { ...ctx, timedOut: true }).maybeDelivered).toBe(true);
    // A code that proves nothing arrived wins over a mark that says otherwise.
    expect(classifySendError({ code: 'ECONNREFUSED', requestSent: true }, ctx).maybeDelivered).toBe(false);
  });

  it('keeps a numeric httpStatus and ignores anything else there', () => {
    expect(classifySendError({ code: 'ECONNRESET', httpStatus: 502 }, ctx).httpStatus).toBe(502);
    expect(classifySendError({ code: 'ECONNRESET', httpStatus: '502' }, ctx)).not.toHaveProperty('httpStatus');
  });

  it('reads an undecodable body as MalformedResponse', () => {
    expect(classifySendError({ code: 'Z_DATA_ERROR' }, ctx)).toMatchObject({
      tag: 'MalformedResponse',
      retryable: false,
      maybeDelivered: true,
    });
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    for (const value of [undefined, null, 42, 'text', Symbol('s'), hostile]) {
      expect(classifySendError(value, ctx).tag).toBe('NetworkError');
    }
  });
});
