import type { MixErrorTag } from '../contract/errors.js';

/** A request that did not produce a readable response. */
export interface TransportFailure {
  readonly tag: Extract<MixErrorTag, 'NetworkError' | 'Timeout' | 'Aborted' | 'MalformedResponse'>;
  readonly retryable: boolean;
  readonly reason: string;
  /** Whether the request may have reached the provider (it matters for the ambiguous-retry rule). */
  readonly maybeDelivered: boolean;
  readonly httpStatus?: number;
  /** name, code and message of the underlying error: never its request options, which hold signed headers. */
  readonly cause: Error;
}

/** Failures that happen before a byte reaches the provider. */
const undeliveredCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // A proxy that refused the CONNECT tunnel (proxy-agents.ts): nothing reached the vendor.
  'ERR_MIXTASK_PROXY_REFUSED',
]);

/** TLS failures that retrying cannot fix: a bad certificate or talking TLS to a plain port. */
const tlsCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export interface RawTransportError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  /** got's timings: `upload` is set once the request was fully written. */
  readonly timings?: { readonly upload?: number; readonly connect?: number };
}

/** Reduces an error to what is safe to keep: got's errors carry the request options, signed headers included. */
export function safeCause(error: RawTransportError): Error {
  const cause = new Error(error.message ?? 'request failed');
  cause.name = error.name ?? 'Error';
  if (error.code !== undefined) Object.assign(cause, { code: error.code });
  return cause;
}

/** Classifies a failure of the HTTP layer (got or node) once, for every provider. */
export function classifyTransportError(error: RawTransportError, timeoutMs: number): TransportFailure {
  const code = error.code ?? '';
  const cause = safeCause(error);
  const delivered = error.timings?.upload !== undefined;
  if (error.name === 'AbortError' || code === 'ERR_ABORTED') {
    return { tag: 'Aborted', retryable: false, reason: 'aborted by the caller', maybeDelivered: delivered, cause };
  }
  if (error.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return {
      tag: 'Timeout',
      retryable: true,
      reason: `no complete answer within ${timeoutMs} ms`,
      maybeDelivered: true,
      cause,
    };
  }
  if (tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return { tag: 'NetworkError', retryable: false, reason: `TLS failure (${code})`, maybeDelivered: false, cause };
  }
  if (undeliveredCodes.has(code)) {
    return { tag: 'NetworkError', retryable: true, reason: `network failure (${code})`, maybeDelivered: false, cause };
  }
  return {
    tag: 'NetworkError',
    retryable: true,
    reason: `network failure (${code === '' ? (error.name ?? 'unknown') : code})`,
    // A reset or broken pipe after connecting may come after the provider acted on the request.
    maybeDelivered: true,
    cause,
  };
}
