import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';

/**
 * `crypto.hash()`, the one-shot digest of Node ≥ 20.12 (and 21.7): about 0.8 µs cheaper per small input than a
 * Hash object, twice on every signed request. Read from the namespace so that an older Node 20 falls back.
 */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

/** Hex SHA-256, the payload and canonical-request hash of both TC3 and ACS3. */
export const sha256Hex: (data: string | Buffer) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** Raw HMAC-SHA256 bytes, for key-derivation chains (TC3's SecretDate → SecretService → SecretSigning). */
export function hmacSha256(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Hex HMAC-SHA256, the final signature of both TC3 and ACS3. */
export function hmacSha256Hex(key: string | Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** The parts of the canonical request that TC3 and ACS3 both sign, one per line, in this order. */
export interface CanonicalRequestParts {
  readonly method: string;
  readonly path: string;
  readonly canonicalQueryString: string;
  /** `name:value\n` per signed header (see canonicalHeaderBlock), so a blank line precedes the names. */
  readonly canonicalHeaders: string;
  /** The signed header names joined by `;`. */
  readonly signedHeaders: string;
  readonly hashedPayload: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    parts.canonicalQueryString,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.hashedPayload,
  ].join('\n');
}

/**
 * Headers already normalised by the vendor's rules (lower-case names; values trimmed, and lower-cased for TC3)
 * as the canonical block and the signed-names list, both sorted by name.
 */
export function canonicalHeaderBlock(headers: Readonly<Record<string, string>>): {
  readonly block: string;
  readonly names: string;
} {
  const names = Object.keys(headers).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    block: names.map((name) => `${name}:${headers[name] ?? ''}\n`).join(''),
    names: names.join(';'),
  };
}
