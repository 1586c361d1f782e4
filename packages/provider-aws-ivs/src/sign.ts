import { canonicalHeaderBlock, canonicalRequest, hmacSha256, hmacSha256Hex, sha256Hex } from '@mixtask/core/adapter';

/**
 * AWS Signature Version 4 as pure functions, every intermediate value exposed: AWS's published test-suite vectors
 * pin each step (test/sign.test.ts), `@smithy/signature-v4` is compared on random inputs (sign-differential), and
 * the emulator verifies requests with these same functions.
 */
export const sigV4Algorithm = 'AWS4-HMAC-SHA256';

/** The signing name of IVS real-time: the SDK's auth scheme signs as `ivs`, not `ivsrealtime` (the host's prefix). */
export const ivsSigningName = 'ivs';

/** Headers as an object, or as name/value pairs when a name repeats (the vectors' duplicate-header cases). */
export type SigV4Headers = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

export interface SigV4Request {
  readonly method: string;
  /** The canonical URI, already normalised and encoded (`/StopComposition`). */
  readonly path: string;
  /** The canonical query string (`sigV4CanonicalQuery`), `''` when there is none. */
  readonly query: string;
  /** Exactly the headers to sign, names in any case; `host` and `x-amz-date` among them. */
  readonly headers: SigV4Headers;
  /** The body exactly as sent. */
  readonly payload: string | Buffer;
}

export interface SigV4Input extends SigV4Request {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** The value of X-Amz-Date, `YYYYMMDDTHHMMSSZ` (sigV4Date). */
  readonly amzDate: string;
}

export interface SigV4Signature {
  readonly hashedPayload: string;
  /** The lower-case names joined by `;`, e.g. `content-type;host;x-amz-date`. */
  readonly signedHeaderNames: string;
  readonly canonicalRequest: string;
  readonly hashedCanonicalRequest: string;
  readonly credentialScope: string;
  readonly stringToSign: string;
  readonly signingKey: Buffer;
  readonly signature: string;
  readonly authorization: string;
}

/**
 * The canonical header block and the signed names: names lower-cased, values trimmed with inner runs of spaces
 * collapsed to one (as AWS and smithy do), a repeated name's values joined by `,` in the order given.
 */
export function sigV4CanonicalHeaders(headers: SigV4Headers): { readonly block: string; readonly names: string } {
  const normalised: Record<string, string> = Object.create(null) as Record<string, string>;
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers as Readonly<Record<string, string>>);
  for (const [name, raw] of pairs as readonly (readonly [string, string])[]) {
    const key = name.trim().toLowerCase();
    const value = raw.trim().replace(/\s+/g, ' ');
    normalised[key] = key in normalised ? `${normalised[key]},${value}` : value;
  }
  return canonicalHeaderBlock(normalised);
}

/** RFC 3986 encoding, as SigV4 wants it: encodeURIComponent leaves `! ' ( ) *`, which SigV4 encodes. */
export function sigV4UriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A raw query string (`b=2&a=1`) as SigV4 signs it: each part decoded, re-encoded, sorted by name then value. */
export function sigV4CanonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? '' : part.slice(at + 1);
      return [sigV4UriEncode(safeDecode(name)), sigV4UriEncode(safeDecode(value))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A malformed escape (`%zz`) is kept as written: the verifier must refuse the signature, not throw. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function sigV4CanonicalRequest(request: SigV4Request): string {
  const headers = sigV4CanonicalHeaders(request.headers);
  return canonicalRequest({
    method: request.method,
    path: request.path,
    canonicalQueryString: request.query,
    canonicalHeaders: headers.block,
    signedHeaders: headers.names,
    hashedPayload: sha256Hex(request.payload),
  });
}

/** X-Amz-Date of an instant: UTC, `YYYYMMDDTHHMMSSZ`. */
export function sigV4Date(timestampMs: number): string {
  // Formatting a Date is a few µs on every request; the value changes once a second.
  const second = Math.floor(timestampMs / 1000);
  if (second !== lastSecond) {
    lastDate = new Date(second * 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    lastSecond = second;
  }
  return lastDate;
}
let lastSecond = Number.NaN;
let lastDate = '';

/** The inverse of sigV4Date; undefined unless the value has exactly that shape and is a real instant. */
export function parseSigV4Date(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const ms = Date.parse(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(ms) || sigV4Date(ms) !== value ? undefined : ms;
}

export function sigV4CredentialScope(amzDate: string, region: string, service: string): string {
  return `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
}

export function sigV4StringToSign(amzDate: string, scope: string, hashedCanonical: string): string {
  return `${sigV4Algorithm}\n${amzDate}\n${scope}\n${hashedCanonical}`;
}

/** kDate → kRegion → kService → kSigning, each the raw HMAC bytes of the one before. */
export function sigV4SigningKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const kDate = hmacSha256(`AWS4${secretAccessKey}`, day);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

export function sigV4Signature(signingKey: Buffer, stringToSign: string): string {
  return hmacSha256Hex(signingKey, stringToSign);
}

export function sigV4Authorization(accessKeyId: string, scope: string, names: string, signature: string): string {
  return `${sigV4Algorithm} Credential=${accessKeyId}/${scope}, SignedHeaders=${names}, Signature=${signature}`;
}

/**
 * Remembers the last derived key (it changes once a day per secret, region and service) and the canonical block
 * of the last frozen headers object. One per provider, so it holds nothing the provider does not already hold.
 */
export class SigV4KeyCache {
  #for = '';
  #key: Buffer | undefined;

  key(secretAccessKey: string, day: string, region: string, service: string): Buffer {
    const id = `${day}\n${region}\n${service}\n${secretAccessKey}`;
    if (this.#key === undefined || this.#for !== id) {
      this.#key = sigV4SigningKey(secretAccessKey, day, region, service);
      this.#for = id;
    }
    return this.#key;
  }
}

/** Signs one request, returning every intermediate value. */
export function signSigV4(input: SigV4Input, cache?: SigV4KeyCache): SigV4Signature {
  const headers = sigV4CanonicalHeaders(input.headers);
  const payloadHash = sha256Hex(input.payload);
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    canonicalQueryString: input.query,
    canonicalHeaders: headers.block,
    signedHeaders: headers.names,
    hashedPayload: payloadHash,
  });
  const hashedCanonicalRequest = sha256Hex(canonical);
  const scope = sigV4CredentialScope(input.amzDate, input.region, input.service);
  const toSign = sigV4StringToSign(input.amzDate, scope, hashedCanonicalRequest);
  const day = input.amzDate.slice(0, 8);
  const signingKey =
    cache?.key(input.secretAccessKey, day, input.region, input.service) ??
    sigV4SigningKey(input.secretAccessKey, day, input.region, input.service);
  const signature = sigV4Signature(signingKey, toSign);
  return {
    hashedPayload: payloadHash,
    signedHeaderNames: headers.names,
    canonicalRequest: canonical,
    hashedCanonicalRequest,
    credentialScope: scope,
    stringToSign: toSign,
    signingKey,
    signature,
    authorization: sigV4Authorization(input.accessKeyId, scope, headers.names, signature),
  };
}

/** An Authorization header taken apart; undefined when it is not a well-formed SigV4 header. */
export interface ParsedSigV4Authorization {
  readonly accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  readonly day: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaderNames: readonly string[];
  readonly signature: string;
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/([^/\s,]+), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The verifier's side of the header: what the emulator needs to recompute a signature. */
export function parseSigV4Authorization(header: string): ParsedSigV4Authorization | undefined {
  const match = authorizationPattern.exec(header.trim());
  if (match === null) return undefined;
  const [, accessKeyId = '', day = '', region = '', service = '', terminator = '', names = '', signature = ''] = match;
  return { accessKeyId, day, region, service, terminator, signedHeaderNames: names.split(';'), signature };
}
