import { randomBytes } from 'node:crypto';

/** Letters and digits, like the vendors' key ids and secrets. */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length)
    out += randomBytes(length)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '');
  return out.slice(0, length);
}

/**
 * Temporary credentials with their expiry readable but not enumerable: the object is meant to be passed as
 * `credentials`, which take exactly the key pair and token (an unknown key is a ConfigurationError,
 * docs/configuration.md).
 */
export function expiringCredentials<C extends object>(
  credentials: C,
  expiresAt: number,
): C & { readonly expiresAt: number } {
  Object.defineProperty(credentials, 'expiresAt', { value: expiresAt, enumerable: false });
  return credentials as C & { readonly expiresAt: number };
}
