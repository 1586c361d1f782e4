import * as E from 'fp-ts/lib/Either.js';
import { AttemptSignal, takesAttemptSignal } from './attempt-signal.js';
import { timerDelay } from '../runner/clock.js';
import type { IncomingResponse, OutgoingRequest } from '../contract/protocol.js';
import {
  abortedError,
  maxResponseBytes as defaultMaxResponseBytes,
  responseTooLargeCode,
  type Transport,
} from './transport.js';
import { classifyTransportError, type RawTransportError, type TransportFailure } from './classify-transport-error.js';
import { foreignErrorCause } from '../runner/foreign-error-cause.js';

export interface SendErrorContext {
  /** The attempt's own timer fired (the runner aborted the transport's signal for it). */
  readonly timedOut: boolean;
  /** The caller's signal aborted. It wins over the timer: the caller asked to stop. */
  readonly callerAborted: boolean;
  readonly timeoutMs: number;
  /** The attempt's body cap, for the message of a too-large answer. Default `maxResponseBytes`. */
  readonly maxResponseBytes?: number;
}

/** Codes of a body that arrived but could not be decoded: retrying will fetch the same bytes. */
const undecodableBody = /^(Z_|ERR_BROTLI|ERR__ZLIB|ERR_ZLIB)/;

/**
 * Turns whatever a transport rejected with into a TransportFailure, once, for every transport: the runner knows
 * why the signal aborted (caller or timer), the raw error says what failed, and the transport's `requestSent`
 * and `httpStatus` marks say how far the attempt got. Never throws, whatever `error` is.
 */
export function classifySendError(error: unknown, ctx: SendErrorContext): TransportFailure {
  const raw = rawFacts(error);
  const cause = () => foreignErrorCause(raw.error, 'the HTTP request failed');
  const requestSent = typeof raw.requestSent === 'boolean' ? raw.requestSent : undefined;
  const withStatus = (failure: TransportFailure): TransportFailure =>
    raw.httpStatus === undefined ? failure : { ...failure, httpStatus: raw.httpStatus };

  if (ctx.callerAborted) {
    return withStatus({
      tag: 'Aborted',
      retryable: false,
      reason: 'aborted by the caller',
      maybeDelivered: requestSent ?? false,
      cause: cause(),
    });
  }
  if (ctx.timedOut) {
    return withStatus({
      tag: 'Timeout',
      retryable: true,
      reason: `no complete answer within ${ctx.timeoutMs} ms`,
      // Unknown means the transport did not say: a timeout may come after the provider acted.
      maybeDelivered: requestSent ?? true,
      cause: cause(),
    });
  }
  const code = raw.error.code ?? '';
  if (code === responseTooLargeCode || undecodableBody.test(code)) {
    return withStatus({
      tag: 'MalformedResponse',
      retryable: false,
      reason:
        code === responseTooLargeCode
          ? `response body larger than ${ctx.maxResponseBytes ?? defaultMaxResponseBytes} bytes`
          : `undecodable body (${code})`,
      // An answer came: the provider read the request.
      maybeDelivered: true,
      cause: cause(),
    });
  }
  const failure = classifyTransportError(raw.error, ctx.timeoutMs);
  // A code that proves nothing reached the provider (refused, TLS failure) wins over the transport's mark.
  if (!failure.maybeDelivered || requestSent === undefined) return withStatus(failure);
  return withStatus({ ...failure, maybeDelivered: requestSent });
}

interface RawFacts {
  readonly error: RawTransportError;
  readonly requestSent?: unknown;
  readonly httpStatus?: number;
}

/**
 * Reads only plain string/number/boolean facts, each once: a library's (or a custom transport's) error may hold
 * getters, proxies or secrets. Never throws; the message is not read at all (foreignErrorCause keeps none).
 */
function rawFacts(error: unknown): RawFacts {
  try {
    if (typeof error !== 'object' || error === null) return { error: { name: 'Error' } };
    const e = error as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const status = e['httpStatus'];
    const timings = e['timings'] as { upload?: unknown } | undefined;
    const upload = typeof timings === 'object' && timings !== null ? timings.upload : undefined;
    const name = text(e['name']);
    const code = text(e['code']);
    const requestSent = e['requestSent'];
    return {
      error: {
        ...(name === undefined ? {} : { name }),
        ...(code === undefined ? {} : { code }),
        ...(typeof upload === 'number' ? { timings: { upload } } : {}),
      },
      ...(typeof requestSent === 'boolean' ? { requestSent } : {}),
      ...(typeof status === 'number' && Number.isInteger(status) ? { httpStatus: status } : {}),
    };
  } catch {
    return { error: { name: 'Error' } };
  }
}

export interface SendAttemptOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly maxResponseBytes: number;
}

/**
 * One attempt through a raw transport, the runner's side: a fresh AbortController (an AttemptSignal for a built-in
 * transport) aborted by the caller's signal or by this attempt's own timer, the transport's answer or error turned
 * into an Either. It never rejects — also when `send` throws synchronously, resolves with something that is not a
 * response, or ignores its signal (then the attempt ends shortly after the abort anyway and the transport's late
 * answer is dropped).
 */
export function sendAttempt(
  transport: Transport,
  request: OutgoingRequest,
  { timeoutMs, signal, maxResponseBytes }: SendAttemptOptions,
): Promise<E.Either<TransportFailure, IncomingResponse>> {
  const ctx = { timedOut: false, callerAborted: false, timeoutMs, maxResponseBytes };
  if (signal?.aborted) {
    return Promise.resolve(E.left(classifySendError(abortedError(), { ...ctx, callerAborted: true })));
  }
  return new Promise((resolve) => {
    // A real AbortController for a custom transport, as the contract says; a cheaper one for mixtask's own.
    const builtIn = takesAttemptSignal(transport);
    const controller = builtIn ? new AttemptSignal() : new AbortController();
    let settled = false;
    const settle = (outcome: E.Either<TransportFailure, IncomingResponse>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace !== undefined) clearTimeout(grace);
      signal?.removeEventListener('abort', onCallerAbort);
      resolve(outcome);
    };
    let grace: ReturnType<typeof setTimeout> | undefined;
    const abort = () => {
      controller.abort();
      // A transport that keeps to the contract has rejected by now, with its facts; one that does not must not
      // hold the attempt: a macrotask later the attempt ends without it.
      grace ??= setTimeout(() => settle(E.left(classifySendError(abortedError(), ctx))), 0);
    };
    const onCallerAbort = () => {
      if (ctx.timedOut) return;
      ctx.callerAborted = true;
      abort();
    };
    const timer = setTimeout(() => {
      if (ctx.callerAborted) return;
      ctx.timedOut = true;
      abort();
    }, timerDelay(timeoutMs));
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    let sent: Promise<IncomingResponse>;
    try {
      // An AttemptSignal reaches only the built-in transports, which read no more of it than AbortLike.
      const transportSignal = controller.signal as AbortSignal;
      sent = Promise.resolve(transport.send(request, { timeoutMs, signal: transportSignal, maxResponseBytes }));
    } catch (error) {
      return settle(E.left(classifySendError(error, ctx)));
    }
    sent.then(
      (response) =>
        settle(
          // A built-in transport's response is checked by its types (and its headers are built only when read).
          builtIn || isResponse(response)
            ? E.right(response)
            : E.left({
                tag: 'MalformedResponse',
                retryable: false,
                reason: 'the transport resolved with something that is not a response',
                maybeDelivered: true,
                cause: foreignErrorCause({ name: 'TypeError' }, 'not an IncomingResponse'),
              }),
        ),
      (error: unknown) => settle(E.left(classifySendError(error, ctx))),
    );
  });
}

function isResponse(u: unknown): u is IncomingResponse {
  if (typeof u !== 'object' || u === null) return false;
  const r = u as Partial<IncomingResponse>;
  return (
    typeof r.status === 'number' &&
    Number.isInteger(r.status) &&
    typeof r.body === 'string' &&
    typeof r.headers === 'object' &&
    r.headers !== null
  );
}
