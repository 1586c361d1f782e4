import type { IncomingResponse, ProviderFailure } from '../contract/protocol.js';

/**
 * The fallback for a response that carries no vendor code (an HTML page from a proxy, an empty 503 …):
 * the status is all there is to go on (errors.md, "No code at all").
 */
export function classifyByStatus(response: IncomingResponse, reason: string): ProviderFailure {
  const status = response.status;
  const base = { httpStatus: status, reason };
  if (status === 408) return { ...base, tag: 'Timeout' };
  // A Retry-After on these is read by the runner (against its clock), for every protocol alike.
  if (status === 429) return { ...base, tag: 'RateLimited' };
  if (status >= 500 && status <= 599) return { ...base, tag: 'ProviderUnavailable' };
  if (status === 401) return { ...base, tag: 'AuthenticationFailed' };
  if (status === 403) return { ...base, tag: 'PermissionDenied' };
  return { ...base, tag: 'MalformedResponse' };
}

/**
 * The standard `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) in ms; undefined when absent or
 * unreadable. `nowMs` is the caller's clock (the runner's injected one): an HTTP-date is measured against it. The
 * runner reads it for every protocol; a protocol reports only a vendor's own wait header (`retryAfterMs`).
 */
export function retryAfterFromHeaders(headers: IncomingResponse['headers'], nowMs: number): number | undefined {
  const value = firstHeader(headers, 'retry-after');
  if (value === undefined) return undefined;
  return parseRetryAfter(value, nowMs);
}

export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Math.round(Number(trimmed) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export function firstHeader(headers: IncomingResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
