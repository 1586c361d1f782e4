import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** Extra trusted CAs (PEM) for the vendor endpoint (and an https:// proxy). */
export type CaOption = string | Buffer | ReadonlyArray<string | Buffer>;

/**
 * Agent options that trust exactly `ca`, through one TLS context made here. Given as `ca`, Node would build a new
 * context for every new connection: with the ~140 public roots beside the app's CA that is ~25 ms of CPU each
 * (measured; docs/transports.md), paid again whenever a kept-alive socket is replaced.
 */
export function trustOnly(ca: CaOption): { readonly secureContext: SecureContext } {
  return { secureContext: createSecureContext({ ca: ca as string | Buffer | Array<string | Buffer> }) };
}

/** Node's `ca` replaces the system's roots rather than adding to them: keep the public roots beside the app's. */
export function withPublicRoots(ca: CaOption): Array<string | Buffer> {
  return [
    ...rootCertificates,
    ...(Array.isArray(ca) ? (ca as ReadonlyArray<string | Buffer>) : [ca as string | Buffer]),
  ];
}
