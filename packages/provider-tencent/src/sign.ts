import {
  canonicalHeaderBlock,
  canonicalRequest as buildCanonicalRequest,
  hmacSha256,
  hmacSha256Hex,
  sha256Hex,
} from '@mixtask/core/adapter';

/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), one pure function per step so each intermediate value
 * can be checked against the vendor's published vectors and recomputed by the emulator that verifies it.
 */

export const tc3Algorithm = 'TC3-HMAC-SHA256';

/**
 * The credential scope's service for every Live host (China, international, regional, the emulator's 127.0.0.1):
 * deriving it from the host name would sign for `127` or `intl` and be refused.
 */
export const liveService = 'live';

export interface Tc3Request {
  readonly method: string;
  /** Always `/` for API 3.0; kept as an input so the canonical request shows where it goes. */
  readonly path: string;
  /** The canonical query string: empty for POST. */
  readonly query: string;
  /** Exactly the headers to sign (names in any case), e.g. Content-Type and Host. */
  readonly signedHeaders: Readonly<Record<string, string>>;
  /** The body exactly as sent. */
  readonly payload: string | Buffer;
}

export interface Tc3Input extends Tc3Request {
  readonly secretId: string;
  readonly secretKey: string;
  /** Unix seconds, the value of X-TC-Timestamp. */
  readonly timestamp: number;
  /** The credential scope's service; `live` for this library, `cvm` in the vendor's own vectors. */
  readonly service: string;
}

/** Every value the algorithm produces on the way to the Authorization header. */
export interface Tc3Signature {
  readonly hashedPayload: string;
  /** The lowercase names joined by `;`, e.g. `content-type;host`. */
  readonly signedHeaderNames: string;
  readonly canonicalRequest: string;
  readonly hashedCanonicalRequest: string;
  /** UTC date of the timestamp, YYYY-MM-DD. */
  readonly date: string;
  readonly credentialScope: string;
  readonly stringToSign: string;
  readonly secretDate: Buffer;
  readonly secretService: Buffer;
  readonly secretSigning: Buffer;
  readonly signature: string;
  readonly authorization: string;
}

export function hashedPayload(payload: string | Buffer): string {
  return sha256Hex(payload);
}

/**
 * The canonical header block and the signed-header list. Names and values are lowercased and trimmed, as the
 * API 3.0 signing document prescribes: that is why its vector B signs `x-tc-action:describeinstances`.
 */
export function tc3CanonicalHeaders(headers: Readonly<Record<string, string>>): {
  readonly block: string;
  readonly names: string;
} {
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    normalised[name.trim().toLowerCase()] = value.trim().toLowerCase();
  return canonicalHeaderBlock(normalised);
}

export function tc3CanonicalRequest(request: Tc3Request): string {
  const headers = tc3CanonicalHeaders(request.signedHeaders);
  return buildCanonicalRequest({
    method: request.method,
    path: request.path,
    canonicalQueryString: request.query,
    canonicalHeaders: headers.block,
    signedHeaders: headers.names,
    hashedPayload: hashedPayload(request.payload),
  });
}

/** The UTC calendar date of a Unix-seconds timestamp: local time would sign for the wrong day near midnight. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function tc3CredentialScope(date: string, service: string): string {
  return `${date}/${service}/tc3_request`;
}

export function tc3StringToSign(timestamp: number, scope: string, hashedCanonical: string): string {
  return `${tc3Algorithm}\n${timestamp}\n${scope}\n${hashedCanonical}`;
}

/** The key-derivation chain: SecretDate → SecretService → SecretSigning, each the raw HMAC bytes. */
export function tc3SigningKey(
  secretKey: string,
  date: string,
  service: string,
): { readonly secretDate: Buffer; readonly secretService: Buffer; readonly secretSigning: Buffer } {
  const secretDate = hmacSha256(`TC3${secretKey}`, date);
  const secretService = hmacSha256(secretDate, service);
  const secretSigning = hmacSha256(secretService, 'tc3_request');
  return { secretDate, secretService, secretSigning };
}

export function tc3Signature(secretSigning: Buffer, toSign: string): string {
  return hmacSha256Hex(secretSigning, toSign);
}

export function tc3Authorization(secretId: string, scope: string, signedHeaderNames: string, sig: string): string {
  return `${tc3Algorithm} Credential=${secretId}/${scope}, SignedHeaders=${signedHeaderNames}, Signature=${sig}`;
}

type SigningKeys = ReturnType<typeof tc3SigningKey>;

/**
 * Remembers the last derived key: it changes once a day per secret, and deriving it is three HMACs on every
 * request otherwise. One per provider, so it holds nothing the provider does not already hold.
 */
export class Tc3KeyCache {
  #day = Number.NaN;
  #date = '';
  #for = '';
  #keys: SigningKeys | undefined;
  #headersFor: object | undefined;
  #headers: ReturnType<typeof tc3CanonicalHeaders> | undefined;

  /**
   * The canonical block of the last headers object signed: a provider signs the same (frozen) one on every
   * request. Only a frozen object is remembered, so a headers object changed in place is never signed stale.
   */
  canonicalHeaders(headers: Readonly<Record<string, string>>): ReturnType<typeof tc3CanonicalHeaders> {
    if (!Object.isFrozen(headers)) return tc3CanonicalHeaders(headers);
    if (this.#headers === undefined || this.#headersFor !== headers) {
      this.#headers = tc3CanonicalHeaders(headers);
      this.#headersFor = headers;
    }
    return this.#headers;
  }

  /**
   * tc3Date of the last day signed: formatting a Date is a few µs on every request (measured), and the value
   * changes once a day (Unix days are 86 400 s).
   */
  date(timestamp: number): string {
    const day = Math.floor(timestamp / 86_400);
    if (day !== this.#day) {
      this.#date = tc3Date(timestamp);
      this.#day = day;
    }
    return this.#date;
  }

  keys(secretKey: string, date: string, service: string): SigningKeys {
    const id = `${date}\n${service}\n${secretKey}`;
    if (this.#keys === undefined || this.#for !== id) {
      this.#keys = tc3SigningKey(secretKey, date, service);
      this.#for = id;
    }
    return this.#keys;
  }
}

/** Signs one request, returning every intermediate value. */
export function signTc3(input: Tc3Input, cache?: Tc3KeyCache): Tc3Signature {
  const headers = cache?.canonicalHeaders(input.signedHeaders) ?? tc3CanonicalHeaders(input.signedHeaders);
  const payloadHash = hashedPayload(input.payload);
  const canonical = buildCanonicalRequest({
    method: input.method,
    path: input.path,
    canonicalQueryString: input.query,
    canonicalHeaders: headers.block,
    signedHeaders: headers.names,
    hashedPayload: payloadHash,
  });
  const hashedCanonicalRequest = sha256Hex(canonical);
  const date = cache?.date(input.timestamp) ?? tc3Date(input.timestamp);
  const scope = tc3CredentialScope(date, input.service);
  const toSign = tc3StringToSign(input.timestamp, scope, hashedCanonicalRequest);
  const keys = cache?.keys(input.secretKey, date, input.service) ?? tc3SigningKey(input.secretKey, date, input.service);
  const sig = tc3Signature(keys.secretSigning, toSign);
  return {
    hashedPayload: payloadHash,
    signedHeaderNames: headers.names,
    canonicalRequest: canonical,
    hashedCanonicalRequest,
    date,
    credentialScope: scope,
    stringToSign: toSign,
    ...keys,
    signature: sig,
    authorization: tc3Authorization(input.secretId, scope, headers.names, sig),
  };
}

/** An Authorization header taken apart; undefined when it is not a well-formed TC3 header. */
export interface ParsedTc3Authorization {
  readonly secretId: string;
  readonly date: string;
  readonly service: string;
  readonly signedHeaderNames: readonly string[];
  readonly signature: string;
}

const authorizationPattern =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The verifier's side of the header: what the emulator (and only it) needs to recompute a signature. */
export function parseTc3Authorization(header: string): ParsedTc3Authorization | undefined {
  const match = authorizationPattern.exec(header.trim());
  if (match === null) return undefined;
  const [, secretId, date, service, names, sig] = match;
  if (
    secretId === undefined ||
    date === undefined ||
    service === undefined ||
    names === undefined ||
    sig === undefined
  ) {
    return undefined;
  }
  return { secretId, date, service, signedHeaderNames: names.split(';'), signature: sig };
}
