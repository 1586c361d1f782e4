import {
  canonicalHeaderBlock,
  canonicalRequest,
  hmacSha256Hex,
  sha256Hex,
  type CanonicalRequestParts,
} from '@mixtask/core/adapter';

/**
 * ACS3-HMAC-SHA256, Alibaba Cloud's signature V3, as pure functions. Every intermediate value is exposed: the
 * vendor's vectors pin each step, and the emulator verifies requests with the same functions.
 */
export const acs3Algorithm = 'ACS3-HMAC-SHA256';

/** sha256 of an empty body: the x-acs-content-sha256 of every StopLiveMPUTask request. */
export const emptyBodySha256 = sha256Hex('');

export interface Acs3Input {
  readonly method: string;
  /** The canonical URI; RPC-style APIs such as StopLiveMPUTask always use `/`. */
  readonly path: string;
  /** Decoded query parameters: they are encoded here, once, exactly as signed. */
  readonly query: Readonly<Record<string, string>>;
  /** The headers to sign (any case): `host`, `content-type` when sent, and every `x-acs-*` header. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex sha256 of the body, the same value as the x-acs-content-sha256 header. */
  readonly hashedPayload: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface Acs3Signature {
  readonly canonicalQueryString: string;
  readonly canonicalHeaders: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly hashedCanonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly authorization: string;
}

/** RFC 3986's unreserved characters, which percent-encoding leaves as they are. */
const unreserved = /^[A-Za-z0-9\-._~]*$/;

/**
 * RFC 3986 percent-encoding: encodeURIComponent leaves `! ' ( ) *` alone, which the gateway encodes before
 * signing; a value with one of them would otherwise be signed differently from how the server reads it.
 */
export function percentEncode(value: string): string {
  // Every TaskId and AppId is made of unreserved characters only: nothing to encode, and no regex replace to run.
  if (unreserved.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** key=value pairs, both percent-encoded, sorted by encoded key, joined by `&`. Also the query string sent. */
export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Whether V3 signs a header of this (lower-case) name. */
export function isSignedHeaderName(name: string): boolean {
  return name === 'host' || name === 'content-type' || name.startsWith('x-acs-');
}

/**
 * The headers V3 signs, by lower-case name with trimmed values. Two spellings of one name are joined by `,`
 * in sorted order, as the official SDK does, so a caller's odd casing cannot make the two sides disagree.
 */
export function acs3HeadersToSign(headers: Readonly<Record<string, string>>): Record<string, string> {
  // The provider's own headers are already lower-case, so each name is given once: no grouping needed.
  const names = Object.keys(headers);
  if (names.every((name) => name === name.toLowerCase())) {
    const out: Record<string, string> = {};
    for (const name of names) if (isSignedHeaderName(name)) out[name] = headers[name]!.trim();
    return out;
  }
  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!isSignedHeaderName(lower)) continue;
    // Pushed in place: this runs on every request, and a name is almost always given once.
    const values = grouped.get(lower);
    if (values === undefined) grouped.set(lower, [value.trim()]);
    else values.push(value.trim());
  }
  const out: Record<string, string> = {};
  for (const [name, values] of grouped) out[name] = values.length === 1 ? values[0]! : values.sort().join(',');
  return out;
}

/** `name:value\n` per header, sorted by name (so the canonical request has a blank line before SignedHeaders). */
export function acs3CanonicalHeaders(signed: Readonly<Record<string, string>>): string {
  return canonicalHeaderBlock(signed).block;
}

export function acs3SignedHeaders(signed: Readonly<Record<string, string>>): string {
  return canonicalHeaderBlock(signed).names;
}

/** The canonical request's layout is the same as TC3's, so it lives in core; this is its ACS3 name. */
export function acs3CanonicalRequest(parts: CanonicalRequestParts): string {
  return canonicalRequest(parts);
}
export type { CanonicalRequestParts };

export function hashedCanonicalRequest(request: string): string {
  return sha256Hex(request);
}

export function acs3StringToSign(hashedRequest: string): string {
  return `${acs3Algorithm}\n${hashedRequest}`;
}

/** V3 keys the HMAC with the secret as is (V1 appended `&`). */
export function acs3Signature(accessKeySecret: string, toSign: string): string {
  return hmacSha256Hex(accessKeySecret, toSign);
}

/** The vendor's format, with no spaces after the commas. */
export function acs3Authorization(accessKeyId: string, signed: string, signature: string): string {
  return `${acs3Algorithm} Credential=${accessKeyId},SignedHeaders=${signed},Signature=${signature}`;
}

/** Signs one request, returning every intermediate value. */
export function signAcs3(input: Acs3Input): Acs3Signature {
  const signed = acs3HeadersToSign(input.headers);
  const parts = {
    method: input.method,
    path: input.path,
    canonicalQueryString: canonicalQueryString(input.query),
    canonicalHeaders: acs3CanonicalHeaders(signed),
    signedHeaders: acs3SignedHeaders(signed),
    hashedPayload: input.hashedPayload,
  };
  const request = acs3CanonicalRequest(parts);
  const hashed = hashedCanonicalRequest(request);
  const toSign = acs3StringToSign(hashed);
  const signature = acs3Signature(input.accessKeySecret, toSign);
  return {
    canonicalQueryString: parts.canonicalQueryString,
    canonicalHeaders: parts.canonicalHeaders,
    signedHeaders: parts.signedHeaders,
    canonicalRequest: request,
    hashedCanonicalRequest: hashed,
    stringToSign: toSign,
    signature,
    authorization: acs3Authorization(input.accessKeyId, parts.signedHeaders, signature),
  };
}

export interface ParsedAcs3Authorization {
  readonly algorithm: string;
  readonly accessKeyId: string;
  /** Lower-case header names, in the order given. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Reads an Authorization header the way the gateway does; undefined when it is not a V3 one at all. */
export function parseAcs3Authorization(value: string): ParsedAcs3Authorization | undefined {
  const match = /^(\S+) Credential=([^,\s]+),SignedHeaders=([^,\s]*),Signature=([0-9a-fA-F]+)$/.exec(value.trim());
  if (match === null) return undefined;
  const [, algorithm = '', accessKeyId = '', names = '', signature = ''] = match;
  return {
    algorithm,
    accessKeyId,
    signedHeaders: names === '' ? [] : names.split(';').map((n) => n.toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

/** `x-acs-date`: UTC, second precision (`yyyy-MM-ddTHH:mm:ssZ`); the gateway refuses milliseconds. */
export function acs3Date(timestampMs: number): string {
  return new Date(timestampMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * acs3Date of the last second signed, held by one protocol instance: formatting a Date is a few µs on every request
 * (measured), and the value changes once a second.
 */
export class Acs3DateCache {
  #second = Number.NaN;
  #date = '';

  date(timestampMs: number): string {
    const second = Math.floor(timestampMs / 1000);
    if (second !== this.#second) {
      this.#date = acs3Date(timestampMs);
      this.#second = second;
    }
    return this.#date;
  }
}

/** The inverse of acs3Date; undefined unless the value has exactly that shape and is a real instant. */
export function parseAcs3Date(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || acs3Date(ms) !== value ? undefined : ms;
}
