import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { AttemptSignal } from '../../src/transport/attempt-signal.js';
import { classifySendError } from '../../src/transport/send-attempt.js';
import type { IncomingResponse } from '../../src/contract/protocol.js';
import type { SendOptions, Transport } from '../../src/transport/transport.js';
import {
  refusedPort,
  startHttpServer,
  startHttpsServer,
  startSilentServer,
  stopRequest,
  type LoopbackServer,
} from '@mixtask/test-kit';
import { testCert } from '@mixtask/test-kit';

export type MakeTransport = (options?: { readonly ca?: string }) => Transport;

const MiB = 1024 * 1024;
const sendOptions = (signal: AbortSignal = new AbortController().signal): SendOptions => ({
  timeoutMs: 10_000,
  signal,
  maxResponseBytes: MiB,
});

/** What a rejected send carried: the raw error's code and name, and the facts the runner classifies by. */
async function rejection(sent: Promise<IncomingResponse>): Promise<{
  code?: string;
  name?: string;
  requestSent?: boolean;
  httpStatus?: number;
  error: unknown;
}> {
  try {
    const response = await sent;
    throw new Error(`expected a rejection, got status ${response.status}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected a rejection')) throw error;
    const e = error as { code?: string; name?: string; requestSent?: boolean; httpStatus?: number };
    return { code: e.code, name: e.name, requestSent: e.requestSent, httpStatus: e.httpStatus, error };
  }
}

/** Polls a condition on the event loop (no wall-clock sleep): for "the server got this far". */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** Writes `bytes` (or forever) of spaces, honouring backpressure, until done or the socket goes. */
function pump(res: ServerResponse, bytes = Infinity): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const go = (): void => {
    while (sent < bytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', go);
    }
    if (!res.destroyed) res.end();
  };
  go();
}

const envelope = JSON.stringify({ Response: { RequestId: 'req-1' } });

/**
 * The fault matrix every raw transport must pass (issue 14): answers, resets, caps, decoding, aborts in each
 * phase, TLS, keep-alive and close(). Each case talks to its own server on 127.0.0.1.
 */
export function rawTransportSuite(name: string, make: MakeTransport): void {
  describe(`${name} transport`, () => {
    let transport: Transport;
    const servers: LoopbackServer[] = [];
    const serve = async (start: Promise<LoopbackServer>) => {
      const server = await start;
      servers.push(server);
      return server;
    };
    beforeAll(() => {
      transport = make({ ca: testCert });
    });
    afterAll(async () => {
      await transport.close?.();
      await Promise.all(servers.map((s) => s.close()));
    });

    it('refuses an unknown option and options it cannot read with a TypeError naming them, at construction', () => {
      const maker = `create${name[0]!.toUpperCase()}${name.slice(1)}Transport`;
      expect(() => make({ caa: testCert } as never)).toThrow(
        new TypeError(`${maker}: caa: unknown field; did you mean ca?`),
      );
      const trap = () => {
        throw new Error('trap');
      };
      expect(() => make(new Proxy({ ca: testCert }, { get: trap }))).toThrow(
        new TypeError(`${maker}: options could not be read (a Proxy or getter threw)`),
      );
    });

    it('resolves with status, headers and the body, and sends the request as given', async () => {
      const seen: Array<{ headers: Record<string, unknown>; body: string; method?: string; url?: string }> = [];
      const server = await serve(
        startHttpServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            seen.push({ headers: req.headers, body, method: req.method, url: req.url });
            res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'abc' });
            res.end(envelope);
          });
        }),
      );
      const response = await transport.send(stopRequest(server.url, '/?Action=Stop'), sendOptions());
      expect(response.status).toBe(200);
      expect(response.body).toBe(envelope);
      expect(response.headers['x-request-id']).toBe('abc');
      expect(seen).toEqual([
        expect.objectContaining({ method: 'POST', url: '/?Action=Stop', body: '{"MixStreamSessionId":"room_1"}' }),
      ]);
      expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', host: new URL(server.url).host });
    });

    it('resolves with an error status rather than rejecting (the runner reads the envelope)', async () => {
      const server = await serve(startHttpServer((_req, res) => res.writeHead(503).end('busy')));
      const response = await transport.send(stopRequest(server.url), sendOptions());
      expect(response).toMatchObject({ status: 503, body: 'busy' });
    });

    it('keeps the connection alive between sends', async () => {
      const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
      for (let i = 0; i < 3; i++) await transport.send(stopRequest(server.url), sendOptions());
      expect(server.accepted).toBe(1);
    });

    it('rejects a refused connection as not sent', async () => {
      const port = await refusedPort();
      const failed = await rejection(transport.send(stopRequest(`http://127.0.0.1:${port}`), sendOptions()));
      expect(failed.code).toBe('ECONNREFUSED');
      expect(failed.requestSent).not.toBe(true);
      expect(classifySendError(failed.error, { timedOut: false, callerAborted: false, timeoutMs: 1 })).toMatchObject({
        tag: 'NetworkError',
        retryable: true,
        maybeDelivered: false,
      });
    });

    it('rejects a reset after the request was read, as sent and without a status', async () => {
      const server = await serve(
        startHttpServer((req) => {
          req.resume();
          req.on('end', () => req.socket.destroy());
        }),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.code).toBe('ECONNRESET');
      expect(failed.requestSent).toBe(true);
      expect(failed.httpStatus).toBeUndefined();
      expect(classifySendError(failed.error, { timedOut: false, callerAborted: false, timeoutMs: 1 })).toMatchObject({
        tag: 'NetworkError',
        maybeDelivered: true,
      });
    });

    it('rejects a connection closed mid-body, keeping the status', async () => {
      const server = await serve(
        startHttpServer((_req, res) => {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"Response":', () => res.socket?.destroy());
        }),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.httpStatus).toBe(200);
      expect(failed.requestSent).toBe(true);
    });

    it('stops reading a 64 MB body at the cap and closes the connection', async () => {
      let finished: boolean | undefined;
      const server = await serve(
        startHttpServer((_req, res) => {
          res.on('close', () => (finished = res.writableFinished));
          res.writeHead(200, { 'content-length': String(64 * MiB) });
          pump(res, 64 * MiB);
        }),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.code).toBe('ERR_MIXTASK_RESPONSE_TOO_LARGE');
      expect(failed.httpStatus).toBe(200);
      await server.drained();
      expect(finished).toBe(false);
    });

    it('stops reading an endless body and closes the connection', async () => {
      const server = await serve(
        startHttpServer((_req, res) => {
          res.writeHead(200);
          pump(res);
        }),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.code).toBe('ERR_MIXTASK_RESPONSE_TOO_LARGE');
      await server.drained();
    });

    it('applies the cap after decoding: a small gzip bomb is stopped', async () => {
      const bomb = gzipSync(Buffer.alloc(32 * MiB)); // about 32 KB on the wire
      expect(bomb.length).toBeLessThan(MiB);
      const server = await serve(
        startHttpServer((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb)),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.code).toBe('ERR_MIXTASK_RESPONSE_TOO_LARGE');
    });

    it('applies the cap after decoding brotli too', async () => {
      const bomb = brotliCompressSync(Buffer.alloc(8 * MiB));
      const server = await serve(
        startHttpServer((_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(bomb)),
      );
      const failed = await rejection(transport.send(stopRequest(server.url), sendOptions()));
      expect(failed.code).toBe('ERR_MIXTASK_RESPONSE_TOO_LARGE');
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const)('decodes a %s body', async (encoding, compress) => {
      const server = await serve(
        startHttpServer((_req, res) =>
          res.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(envelope))),
        ),
      );
      const response = await transport.send(stopRequest(server.url), sendOptions());
      expect(response.body).toBe(envelope);
    });

    // A custom transport gets an AbortSignal; the built-in ones get the runner's AttemptSignal (attempt-signal.ts).
    describe.each([
      ['an AbortSignal', () => new AbortController()],
      ["the runner's AttemptSignal", () => new AttemptSignal()],
    ] as const)('abort, through %s', (_kind, newController) => {
      it('rejects at once when the signal is already aborted, sending nothing', async () => {
        const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
        const controller = newController();
        controller.abort();
        const failed = await rejection(
          transport.send(stopRequest(server.url), sendOptions(controller.signal as AbortSignal)),
        );
        expect(failed.name).toBe('AbortError');
        expect(server.accepted).toBe(0);
      });

      it('while connecting', async () => {
        const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
        const controller = newController();
        const sent = transport.send(stopRequest(server.url), sendOptions(controller.signal as AbortSignal));
        controller.abort(); // same tick: the socket has not connected yet
        const failed = await rejection(sent);
        expect(failed.name).toBe('AbortError');
        expect(failed.requestSent).not.toBe(true);
        await server.drained();
      });

      it('in the TLS handshake', async () => {
        const server = await serve(startSilentServer());
        const controller = newController();
        const sent = transport.send(stopRequest(server.url), sendOptions(controller.signal as AbortSignal));
        await until(() => server.accepted === 1);
        controller.abort();
        const failed = await rejection(sent);
        expect(failed.name).toBe('AbortError');
        await server.drained();
      });

      it('while waiting for the headers', async () => {
        let asked = false;
        const server = await serve(
          startHttpServer((req) => {
            req.resume();
            req.on('end', () => (asked = true));
          }),
        );
        const controller = newController();
        const sent = transport.send(stopRequest(server.url), sendOptions(controller.signal as AbortSignal));
        await until(() => asked);
        controller.abort();
        const failed = await rejection(sent);
        expect(failed.name).toBe('AbortError');
        expect(failed.requestSent).toBe(true);
        expect(failed.httpStatus).toBeUndefined();
        await server.drained();
      });

      it('mid-body, keeping the status', async () => {
        let wrote = false;
        const server = await serve(
          startHttpServer((_req, res) => {
            res.writeHead(200, { 'content-length': '1000' });
            res.write('{"Response":', () => (wrote = true));
          }),
        );
        const controller = newController();
        const sent = transport.send(stopRequest(server.url), sendOptions(controller.signal as AbortSignal));
        await until(() => wrote);
        // The part of the body is on the wire; give the client a moment to read the status line (a network wait).
        await new Promise((resolve) => setTimeout(resolve, 50));
        controller.abort();
        const failed = await rejection(sent);
        expect(failed.name).toBe('AbortError');
        expect(failed.httpStatus).toBe(200);
        await server.drained();
      });
    });

    it('rejects TLS to a plain HTTP port with a TLS code that is not retried', async () => {
      const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
      const failed = await rejection(transport.send(stopRequest(server.url.replace('http:', 'https:')), sendOptions()));
      expect(failed.code).toMatch(/^(EPROTO|ERR_SSL_)/);
      expect(classifySendError(failed.error, { timedOut: false, callerAborted: false, timeoutMs: 1 })).toMatchObject({
        tag: 'NetworkError',
        retryable: false,
        maybeDelivered: false,
      });
    });

    it('talks https to a server signed by the given CA', async () => {
      const server = await serve(startHttpsServer((_req, res) => res.end(envelope)));
      const response = await transport.send(stopRequest(server.url), sendOptions());
      expect(response.body).toBe(envelope);
    });

    it('refuses a certificate it was not told to trust', async () => {
      const server = await serve(startHttpsServer((_req, res) => res.end(envelope)));
      const untrusting = make();
      try {
        const failed = await rejection(untrusting.send(stopRequest(server.url), sendOptions()));
        expect(failed.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      } finally {
        await untrusting.close?.();
      }
    });

    it('close() ends its kept-alive sockets and leaves no handle behind', async () => {
      const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
      const own = make();
      const before = sockets();
      await own.send(stopRequest(server.url), sendOptions());
      expect(server.open.size).toBe(1); // kept alive
      await own.close?.();
      await server.drained();
      await until(() => sockets() <= before);
      expect(sockets()).toBeLessThanOrEqual(before);
    });

    it('leaves no listener on a signal shared by 1000 sends', async () => {
      const server = await serve(startHttpServer((_req, res) => res.end(envelope)));
      const shared = new AbortController().signal;
      for (let batch = 0; batch < 100; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, () => transport.send(stopRequest(server.url), sendOptions(shared))),
        );
      }
      expect(getEventListeners(shared, 'abort')).toHaveLength(0);
    });
  });
}
