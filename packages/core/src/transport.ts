import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as E from 'fp-ts/lib/Either.js';
import got, { type Got } from 'got';
import type { IncomingResponse, OutgoingRequest } from './protocol.js';
import { classifyTransportError, safeCause, type TransportFailure } from './transport-errors.js';

export interface SendOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Sends one request and reads the whole response. Resolves to a value in every case, never rejects. */
export type Transport = (
  request: OutgoingRequest,
  options: SendOptions,
) => Promise<E.Either<TransportFailure, IncomingResponse>>;

/** Larger bodies are not an envelope of these APIs; stop reading rather than buffer them. */
export const maxResponseBytes = 1024 * 1024;

/**
 * One got instance per provider, with its options merged once and keep-alive sockets. got's own retry is off:
 * the runner is the only retry layer, so attempts are counted, re-signed and bounded by the deadline in one place.
 */
export function createGotTransport(): Transport {
  const client: Got = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: true,
    agent: {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({ keepAlive: true }),
    },
  });

  return async (request, { timeoutMs, signal }) => {
    let tooLarge = false;
    try {
      const pending = client(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeout: { request: timeoutMs },
        responseType: 'buffer',
        ...(signal === undefined ? {} : { signal }),
      });
      pending.on('downloadProgress', (progress: { transferred: number }) => {
        if (progress.transferred > maxResponseBytes && !tooLarge) {
          tooLarge = true;
          pending.cancel();
        }
      });
      const response = await pending;
      return E.right({
        status: response.statusCode,
        headers: response.headers,
        body: response.body.toString('utf8'),
      });
    } catch (error) {
      const raw = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
        name?: string;
        code?: string;
        message?: string;
        timings?: { upload?: number };
        response?: { statusCode?: number };
      };
      if (tooLarge) {
        return E.left({
          tag: 'MalformedResponse',
          retryable: false,
          reason: `response body larger than ${maxResponseBytes} bytes`,
          maybeDelivered: true,
          ...(raw.response?.statusCode === undefined ? {} : { httpStatus: raw.response.statusCode }),
          cause: safeCause(raw),
        });
      }
      const failure = classifyTransportError(raw, timeoutMs);
      // A body cut off after the status line still tells what the status was.
      const status = raw.response?.statusCode;
      return E.left(status === undefined ? failure : { ...failure, httpStatus: status });
    }
  };
}
