import type { MixErrorTag } from '../contract/errors.js';
import { foreignErrorCause } from '../runner/foreign-error-cause.js';
import { proxyRefusedCode, proxyUnreachableCode } from './proxy/proxy-codes.js';

/** A request that did not produce a readable response. */
export interface TransportFailure {
  readonly tag: Extract<MixErrorTag, 'NetworkError' | 'Timeout' | 'Aborted' | 'MalformedResponse'>;
  readonly retryable: boolean;
  readonly reason: string;
  /** Whether the request may have reached the provider (it matters for the ambiguous-retry rule). */
  readonly maybeDelivered: boolean;
  readonly httpStatus?: number;
  /** The underlying error reduced by `foreignErrorCause`: its name and code, never its message or request options. */
  readonly cause: Error;
}

/** Failures that happen before a byte reaches the provider. */
const undeliveredCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // A proxy that refused the CONNECT tunnel, or could not be reached (both transports): nothing reached the vendor.
  proxyRefusedCode,
  proxyUnreachableCode,
]);

/** What a MixError's message says for the proxy's own failures: it was the proxy, not the vendor. */
const proxyReasons: Readonly<Record<string, string>> = {
  [proxyRefusedCode]: `the proxy refused the tunnel (${proxyRefusedCode})`,
  [proxyUnreachableCode]: `the proxy could not be reached (${proxyUnreachableCode})`,
};

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

/** Classifies a failure of the HTTP layer (got or node) once, for every provider. */
export function classifyTransportError(error: RawTransportError, timeoutMs: number): TransportFailure {
  const code = error.code ?? '';
  const cause = foreignErrorCause(error, 'the HTTP request failed');
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
    const reason = proxyReasons[code] ?? `network failure (${code})`;
    return { tag: 'NetworkError', retryable: true, reason, maybeDelivered: false, cause };
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
