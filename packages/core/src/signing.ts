import { createHash, createHmac } from 'node:crypto';

/** Hex SHA-256, the payload and canonical-request hash of both TC3 and ACS3. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Raw HMAC-SHA256 bytes, for key-derivation chains (TC3's SecretDate → SecretService → SecretSigning). */
export function hmacSha256(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Hex HMAC-SHA256, the final signature of both TC3 and ACS3. */
export function hmacSha256Hex(key: string | Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}
