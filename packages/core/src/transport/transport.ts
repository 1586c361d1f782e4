import type { IncomingResponse, OutgoingRequest } from '../contract/protocol.js';

/*
 * The raw transport contract (`@mixtask/core/adapter`): request in, response or raw error out. The runner, not the
 * transport, classifies raw errors into NetworkError / Timeout / Aborted / MalformedResponse and decides "maybe
 * delivered", so a custom transport is a page of code and cannot get the error model wrong (docs/transports.md).
 */

/** Larger bodies are not an envelope of these APIs; transports stop reading rather than buffer them. */
export const maxResponseBytes = 1024 * 1024;

export interface SendOptions {
  /** One attempt's budget. The runner enforces it itself by aborting `signal`; a transport may also use it for socket timeouts. */
  readonly timeoutMs: number;
  /** Aborted by the runner when the caller aborts OR the attempt's time is up. Stop at once, release the socket, reject. */
  readonly signal: AbortSignal;
  /** Stop reading and reject with code 'ERR_MIXTASK_RESPONSE_TOO_LARGE' once the (decoded) body passes this many bytes. */
  readonly maxResponseBytes: number;
}

export interface Transport {
  /**
   * Sends one request and reads the whole body (as utf8). Resolves with the response; rejects with the raw error
   * of the HTTP library (the runner classifies it: ECONNREFUSED, ECONNRESET, TLS codes, …). When the status line
   * was already read before the failure, set a numeric `httpStatus` property on the rejected error. When the
   * request was fully written before the failure, set `requestSent: true` on it (decides "maybe delivered").
   * A transport that knows the request was NOT fully written may set `requestSent: false`; left unset, the runner
   * decides from the error's code, erring towards "maybe delivered".
   */
  send(request: OutgoingRequest, options: SendOptions): Promise<IncomingResponse>;
  /** Ends the sockets/agents it owns. Called by provider.close() for a transport the provider created. */
  close?(): Promise<void>;
}

/** The code a transport rejects with when the decoded body passes `maxResponseBytes`. */
export const responseTooLargeCode = 'ERR_MIXTASK_RESPONSE_TOO_LARGE';

/** The error a transport rejects with when the decoded body passes `maxResponseBytes`. */
export function responseTooLarge(maxResponseBytes: number): Error {
  return Object.assign(new Error(`response body larger than ${maxResponseBytes} bytes`), {
    name: 'ResponseTooLargeError',
    code: responseTooLargeCode,
  });
}

/** The error a transport rejects with when its signal aborts (the runner knows why: caller or timer). */
export function abortedError(): Error {
  return Object.assign(new Error('the request was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * Marks a raw error with what the runner needs to classify it. Raw errors may be frozen or not even objects;
 * then nothing is added and the runner falls back to the code.
 */
export function markSendError(error: unknown, facts: { requestSent: boolean; httpStatus?: number }): unknown {
  try {
    if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return error;
    Object.assign(error, facts.httpStatus === undefined ? { requestSent: facts.requestSent } : facts);
  } catch {
    // A getter-only property on a library's error, or a Proxy: the code alone will have to do.
  }
  return error;
}
