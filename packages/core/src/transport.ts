import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as E from 'fp-ts/lib/Either.js';
import type { Got } from 'got';
import type { IncomingResponse, OutgoingRequest } from './protocol.js';
import type { TransportAgents } from './proxy-agents.js';
import {
  classifyTransportError,
  safeCause,
  type RawTransportError,
  type TransportFailure,
} from './transport-errors.js';

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
 * got is loaded on the first request, not at import: half of this library's import time is got's, and a
 * serverless function that never stops a mix on a cold start should not pay it (docs/benchmarks.md).
 */
let loadingGot: Promise<{ default: Got }> | undefined;

/**
 * One got instance per provider, with its options merged once and keep-alive sockets. got's own retry is off:
 * the runner is the only retry layer, so attempts are counted, re-signed and bounded by the deadline in one place.
 * The stream API, not the promise one: it skips got's promise wrapper and lets the body cap stop reading at the
 * chunk that crosses it (measured: ~25% less CPU per call, docs/benchmarks.md).
 */
export function createGotTransport(options: { readonly agents?: TransportAgents } = {}): Transport & {
  close(): Promise<void>;
} {
  let client: Got | undefined;
  // Proxy agents and extra CAs (proxy-agents.ts) when given; plain keep-alive agents otherwise.
  const agent = options.agents?.agent ?? {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  const https =
    options.agents?.certificateAuthority === undefined
      ? {}
      : { https: { certificateAuthority: options.agents.certificateAuthority } };

  const transport = async (request: OutgoingRequest, sendOptions: SendOptions) => {
    if (client === undefined) {
      try {
        loadingGot ??= import('got');
        const { default: got } = await loadingGot;
        client ??= got.extend({ retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false, agent, ...https });
      } catch (error) {
        loadingGot = undefined;
        return E.left(classifyTransportError(error as RawTransportError, sendOptions.timeoutMs));
      }
    }
    return send(client, request, sendOptions);
  };
  return Object.assign(transport, {
    /** Ends the agents' sockets (keep-alive ones would otherwise hold the process open). */
    close: () => {
      agent.http.destroy();
      agent.https.destroy();
      return Promise.resolve();
    },
  });
}

function send(
  client: Got,
  request: OutgoingRequest,
  { timeoutMs, signal }: SendOptions,
): Promise<E.Either<TransportFailure, IncomingResponse>> {
  return new Promise((resolve) => {
    let stream: ReturnType<Got['stream']> | undefined;
    let settled = false;
    const settle = (outcome: E.Either<TransportFailure, IncomingResponse>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // The signal is handled here rather than handed to got: got's stream leaves its abort listener on the signal
    // after a normal end, and an app that shares one signal across many stops would collect them.
    const onAbort = () => {
      settle(
        E.left(classifyTransportError({ name: 'AbortError', code: 'ERR_ABORTED', message: 'aborted' }, timeoutMs)),
      );
      stream?.destroy();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let status: number | undefined;
    let headers: IncomingResponse['headers'] = {};
    const chunks: Buffer[] = [];
    let size = 0;

    try {
      stream = client.stream(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeout: { request: timeoutMs },
      });
    } catch (error) {
      return settle(E.left(classifyTransportError(error as RawTransportError, timeoutMs)));
    }
    const body = stream;
    body.on('response', (response: { statusCode: number; headers: IncomingResponse['headers'] }) => {
      status = response.statusCode;
      headers = response.headers;
    });
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxResponseBytes) {
        settle(
          E.left({
            tag: 'MalformedResponse',
            retryable: false,
            reason: `response body larger than ${maxResponseBytes} bytes`,
            maybeDelivered: true,
            ...(status === undefined ? {} : { httpStatus: status }),
            cause: safeCause({ name: 'ResponseTooLarge', message: `more than ${maxResponseBytes} bytes` }),
          }),
        );
        body.destroy();
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => {
      settle(E.right({ status: status ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    body.on('error', (error: RawTransportError) => {
      const failure = classifyTransportError(error, timeoutMs);
      // A body cut off after the status line still tells what the status was.
      settle(E.left(status === undefined ? failure : { ...failure, httpStatus: status }));
    });
  });
}
