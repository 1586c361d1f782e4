import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Got } from 'got';
import { markBuiltIn, type BuiltInSendOptions } from '../attempt-signal.js';
import { readCappedBody } from '../capped-body.js';
import type { CertificateAuthority } from '../node/node-transport.js';
import type { IncomingResponse, OutgoingRequest } from '../../contract/protocol.js';
import type { TransportAgents } from '../proxy/proxy-agents.js';
import { trustOnly } from '../trust.js';
import { abortedError, markSendError, type Transport } from '../transport.js';
import { readOptionsOnce } from '../../config/strict-object.js';

export interface GotTransportOptions {
  /**
   * The app's own got instance (`got.extend({ hooks, agent, … })`): its hooks, agents, proxy and logging are used as
   * they are. mixtask extends it with the three settings its runner relies on — got's retry off (the runner is the
   * only retry layer), no throw on an HTTP error status (the protocol reads the body), no redirects — and `close()`
   * leaves its agents alone. Not with `ca` or `agents`: the instance carries its own trust and agents.
   */
  readonly got?: Got;
  /** Certificate authorities to trust for https targets. */
  readonly ca?: CertificateAuthority;
  /** Agents to send through (proxy-agents.ts: keep-alive, proxy, extra CAs); `close()` destroys them. */
  readonly agents?: TransportAgents;
}

/**
 * got is loaded on the first request, not at import: half of this library's import time is got's, and a
 * serverless function that never stops a mix on a cold start should not pay it (docs/benchmarks.md).
 */
let loadingGot: Promise<{ default: Got }> | undefined;

/**
 * The got transport over the raw contract: it sends and reads, and rejects with got's own error, marked with
 * `requestSent` and `httpStatus`; the runner classifies. One got instance per transport, with its options merged
 * once and keep-alive agents that `close()` destroys. got's own retry is off (the runner is the only retry layer)
 * and redirects are not followed (a vendor API answers, it does not redirect). The stream API, not the promise
 * one: it skips got's promise wrapper and lets the body cap stop reading at the chunk that crosses it (measured:
 * ~25% less CPU per call, docs/benchmarks.md).
 */
export function createGotTransport(given: GotTransportOptions = {}): Transport {
  const options = readOptionsOnce('createGotTransport', given, ['got', 'ca', 'agents']) as GotTransportOptions;
  const appGot = options.got;
  if (appGot !== undefined && (options.ca !== undefined || options.agents !== undefined)) {
    throw new TypeError('createGotTransport: give `got` or `ca`/`agents`, not both (the instance carries its own)');
  }
  // The settings the runner relies on, whatever instance they extend.
  const fixed = { retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false } as const;
  let client: Got | undefined = appGot?.extend(fixed);
  const agent =
    appGot !== undefined
      ? undefined
      : (options.agents?.agent ?? {
          http: new HttpAgent({ keepAlive: true }),
          https: new HttpsAgent({ keepAlive: true, ...(options.ca === undefined ? {} : trustOnly(options.ca)) }),
        });
  const loadClient = async (): Promise<Got> => {
    try {
      loadingGot ??= import('got');
      const { default: got } = await loadingGot;
      return (client ??= got.extend({ ...fixed, ...(agent === undefined ? {} : { agent }) }));
    } catch (error) {
      loadingGot = undefined;
      throw markSendError(error, { requestSent: false });
    }
  };
  return markBuiltIn({
    // Once got is loaded, straight to it: no async wrapper on the per-call path.
    send: (request, sendOptions: BuiltInSendOptions) =>
      client === undefined
        ? loadClient().then((loaded) => send(loaded, request, sendOptions))
        : send(client, request, sendOptions),
    close: () => {
      agent?.http.destroy();
      agent?.https.destroy();
      return Promise.resolve();
    },
  });
}

type GotStream = ReturnType<Got['stream']>;

function send(
  client: Got,
  request: OutgoingRequest,
  { timeoutMs, signal, maxResponseBytes }: BuiltInSendOptions,
): Promise<IncomingResponse> {
  return new Promise((resolve, reject) => {
    let stream: GotStream | undefined;
    let status: number | undefined;
    let requestSent = false;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(markSendError(error, status === undefined ? { requestSent } : { requestSent, httpStatus: status }));
      stream?.destroy();
    };
    // The signal is handled here rather than handed to got: got's stream leaves its abort listener on the signal
    // after a normal end, and an app that shares one signal across many stops would collect them.
    const onAbort = () => fail(abortedError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    try {
      stream = client.stream(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        // A socket-level backstop only: the runner's own timer aborts the signal at the same time.
        timeout: { request: timeoutMs },
      });
    } catch (error) {
      return fail(error);
    }
    const body = stream;
    let headers: IncomingResponse['headers'] = {};
    // got's 'request' hands over the ClientRequest; its 'finish' means the whole request was written.
    body.on('request', (req: { once(event: 'finish', listener: () => void): void }) =>
      req.once('finish', () => (requestSent = true)),
    );
    body.on('response', (response: { statusCode: number; headers: IncomingResponse['headers'] }) => {
      status = response.statusCode;
      headers = response.headers;
    });
    // got has decoded gzip/deflate/br already: the cap counts decoded bytes.
    readCappedBody(body, maxResponseBytes, fail, (text) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve({ status: status ?? 0, headers, body: text });
    });
    body.on('error', (error: { timings?: { upload?: number } }) => {
      // got's timings say the same as 'finish' and also cover a failure before 'request' was seen.
      if (error?.timings?.upload !== undefined) requestSent = true;
      fail(error);
    });
  });
}
