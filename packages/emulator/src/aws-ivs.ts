import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '@mixtask/core/adapter';
import {
  awsIvsPath,
  ivsSigningName,
  parseCompositionArn,
  parseSigV4Authorization,
  parseSigV4Date,
  sigV4Algorithm,
  sigV4CanonicalQuery,
  sigV4CanonicalRequest,
  sigV4CredentialScope,
  sigV4Signature,
  sigV4SigningKey,
  sigV4StringToSign,
} from '@mixtask/provider-aws-ivs/signing';
import { expiringCredentials, randomAlnum } from './issued.js';
import { SlidingWindow } from './sliding-window.js';
import type { VendorContext } from './tencent.js';
import type { ReceivedRequest, VendorHalf, VendorResponse } from './vendor.js';

export type CompositionState = 'STARTING' | 'ACTIVE' | 'STOPPING';

export interface AwsIvsEmulator {
  /** The key pair it accepts (a long-term IAM key). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The region it serves: the credential scope of every request and the region of every ARN. */
  readonly region: string;
  /** The 12-digit account its compositions belong to. */
  readonly accountId: string;
  /**
   * Starts a composition (as StartComposition would) and returns its ARN; `ACTIVE` unless told otherwise. `id` picks
   * the ARN's resource id (letters, digits and `-`, as AWS's are), e.g. for a test that knows its ids in advance.
   */
  createComposition(options?: { readonly state?: CompositionState; readonly id?: string }): Promise<string>;
  /** The ARN a composition with this resource id has here (whether it exists or not). */
  arnOf(id: string): string;
  /** The compositions that exist now, with their states. */
  compositions(): readonly { readonly arn: string; readonly state: CompositionState }[];
  /** Moves a composition on: STARTING → ACTIVE, STOPPING → gone (stopped and deleted). */
  settle(arn: string): void;
  /** Issues STS credentials (as AssumeRole would), valid for `ttlMs` (default one hour) of the emulator's clock. */
  issueTemporaryCredentials(options?: { readonly ttlMs?: number }): AwsTemporaryCredentials;
}

export interface AwsTemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When they expire, ms since the epoch on the emulator's clock (not enumerable: the rest are `credentials`). */
  readonly expiresAt: number;
}

export interface AwsIvsContext extends VendorContext {
  readonly region: string;
}

/** SigV4's window: a signature dated more than 5 minutes from AWS's clock is refused ("Signature expired"). */
const maxSkewMs = 5 * 60 * 1000;

/** The errors of the IVS model carry `exceptionMessage`; the front door's common errors carry `message`. */
const modelErrors: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  PendingVerification: 403,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ValidationException: 400,
};

/** The Common Errors page's statuses, and the front door's for the names it uses that the page does not list. */
const commonErrors: Readonly<Record<string, number>> = {
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  InvalidSignatureException: 403,
  ExpiredTokenException: 403,
  MissingAuthenticationTokenException: 403,
  NotAuthorized: 400,
  OptInRequired: 403,
  RequestExpired: 400,
  ServiceUnavailable: 503,
  ThrottlingException: 400,
  UnknownOperationException: 404,
  UnrecognizedClientException: 403,
  ValidationError: 400,
};

const messages: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'Request references a resource which does not exist.',
  ConflictException: 'Updating or deleting a resource can cause an inconsistent state.',
  ValidationException: 'The input fails to satisfy the constraints specified by an AWS service.',
  ThrottlingException: 'Rate exceeded',
  UnrecognizedClientException: 'The security token included in the request is invalid.',
  ExpiredTokenException: 'The security token included in the request is expired',
  MissingAuthenticationTokenException: 'Missing Authentication Token',
  UnknownOperationException: 'Unknown operation',
};

const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access ' +
  'Key and signing method. Consult the service documentation for details.';

/** The Amazon IVS real-time half: SigV4 verification, StopComposition, composition states and the 5 TPS quota. */
export function createAwsIvsHalf(context: AwsIvsContext): { half: VendorHalf; api: AwsIvsEmulator } {
  const { region } = context;
  const credentials = { accessKeyId: `AKIA${upperAlnum(16)}`, secretAccessKey: randomBytes(30).toString('base64') };
  const accountId = String(100_000_000_000 + (randomBytes(4).readUInt32BE() % 800_000_000_000));
  const temporary = new Map<string, AwsTemporaryCredentials>();
  const compositions = new Map<string, CompositionState>();
  const window = context.requestsPerSecond === false ? undefined : new SlidingWindow(context.requestsPerSecond);

  const errorResponse = (code: string, message?: string, status?: number): VendorResponse => {
    const requestId = randomUUID();
    const model = Object.hasOwn(modelErrors, code);
    const text = message ?? (Object.hasOwn(messages, code) ? messages[code] : undefined) ?? `${code} (emulated)`;
    const namespace = model ? 'com.amazonaws.ivsrealtime' : 'com.amazon.coral.service';
    return {
      status: status ?? (model ? modelErrors[code] : commonErrors[code]) ?? 400,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        date: httpDate(context.now()),
        // As the service sends it: the name, then the model's namespace, which clients must cut off.
        'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/${namespace}/`,
      },
      body: JSON.stringify(model ? { exceptionMessage: text } : { message: text }),
      code,
      requestId,
    };
  };

  const handle = (request: ReceivedRequest): VendorResponse => {
    const refused = authenticate(request);
    if (refused !== undefined) return refused;
    if (window !== undefined && !window.admit(request.receivedAt)) return errorResponse('ThrottlingException');
    if (request.method !== 'POST' || pathOf(request) !== awsIvsPath) return errorResponse('UnknownOperationException');

    let arn: unknown;
    try {
      arn = (JSON.parse(request.body) as { arn?: unknown } | null)?.arn;
    } catch {
      return errorResponse('ValidationException', 'The request body is not valid JSON.');
    }
    if (typeof arn !== 'string') {
      return errorResponse(
        'ValidationException',
        "1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null",
      );
    }
    if (parseCompositionArn(arn) === undefined) {
      return errorResponse(
        'ValidationException',
        "1 validation error detected: Value at 'arn' failed to satisfy constraint: Member must satisfy regular " +
          'expression pattern: arn:aws:ivs:[a-z0-9-]+:[0-9]+:composition/[a-zA-Z0-9-]+',
      );
    }
    const state = compositions.get(arn);
    if (state === undefined) return errorResponse('ResourceNotFoundException');
    if (state !== 'ACTIVE') return errorResponse('ConflictException');
    // "Stops and deletes a Composition resource": a second stop finds nothing.
    compositions.delete(arn);
    const requestId = randomUUID();
    return {
      status: 200,
      headers: { 'x-amzn-requestid': requestId, date: httpDate(context.now()) },
      body: '',
      requestId,
    };
  };

  /** The front door's checks, in its order: header shape, date and window, scope, key, signature, then token. */
  const authenticate = (request: ReceivedRequest): VendorResponse | undefined => {
    const raw = header(request, 'authorization');
    if (raw === undefined) return errorResponse('MissingAuthenticationTokenException');
    if (!raw.startsWith(`${sigV4Algorithm} `)) {
      return errorResponse('IncompleteSignature', `Unsupported authorization type; expected ${sigV4Algorithm}.`);
    }
    const authorization = parseSigV4Authorization(raw);
    if (authorization === undefined) {
      return errorResponse(
        'IncompleteSignature',
        'Authorization header requires Credential, SignedHeaders, Signature.',
      );
    }
    const amzDate = header(request, 'x-amz-date');
    const signedAt = amzDate === undefined ? undefined : parseSigV4Date(amzDate);
    if (amzDate === undefined || signedAt === undefined) {
      return errorResponse('IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date'.");
    }
    for (const required of ['host', 'x-amz-date']) {
      if (!authorization.signedHeaderNames.includes(required)) {
        return errorResponse(
          'InvalidSignatureException',
          `'${required}' must be a 'SignedHeader' in the AWS Authorization.`,
        );
      }
    }
    if (Math.abs(request.receivedAt - signedAt) > maxSkewMs) {
      return errorResponse(
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now outside the 5 minute window of ${new Date(request.receivedAt).toISOString()}.`,
      );
    }
    if (authorization.day !== amzDate.slice(0, 8)) {
      return errorResponse(
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.day}' != '${amzDate.slice(0, 8)}'`,
      );
    }
    if (authorization.region !== region) {
      return errorResponse(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${authorization.region}'.`,
      );
    }
    if (authorization.service !== ivsSigningName) {
      return errorResponse(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${ivsSigningName}'.`,
      );
    }
    if (authorization.terminator !== 'aws4_request') {
      return errorResponse(
        'IncompleteSignature',
        "Credential should be scoped with a valid terminator: 'aws4_request'.",
      );
    }

    const sts = temporary.get(authorization.accessKeyId);
    const secret =
      authorization.accessKeyId === credentials.accessKeyId ? credentials.secretAccessKey : sts?.secretAccessKey;
    if (secret === undefined) return errorResponse('UnrecognizedClientException');

    const signed: [string, string][] = [];
    for (const name of authorization.signedHeaderNames) {
      const value = header(request, name);
      if (value === undefined) {
        return errorResponse('InvalidSignatureException', `The signed header ${name} is missing from the request.`);
      }
      signed.push([name, value]);
    }
    const url = new URL(request.url, 'http://emulator');
    const canonical = sigV4CanonicalRequest({
      method: request.method,
      path: url.pathname,
      query: sigV4CanonicalQuery(url.search.slice(1)),
      headers: signed,
      payload: request.body,
    });
    const scope = sigV4CredentialScope(amzDate, region, ivsSigningName);
    const toSign = sigV4StringToSign(amzDate, scope, sha256Hex(canonical));
    const expected = sigV4Signature(sigV4SigningKey(secret, authorization.day, region, ivsSigningName), toSign);
    if (!sameText(expected, authorization.signature)) {
      // AWS quotes both here, token included; so does the emulator, so clients prove they redact it.
      return errorResponse(
        'InvalidSignatureException',
        `${signatureMismatch}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n` +
          `The String-to-Sign should have been\n'${toSign}'\n`,
      );
    }
    const contentSha = header(request, 'x-amz-content-sha256');
    if (contentSha !== undefined && contentSha !== sha256Hex(request.body)) {
      return errorResponse('InvalidSignatureException', 'The provided x-amz-content-sha256 does not match the body.');
    }

    const token = header(request, 'x-amz-security-token');
    if (sts === undefined) {
      // A long-term key signs alone: a token beside it belongs to some other key.
      return token === undefined ? undefined : errorResponse('UnrecognizedClientException');
    }
    if (token === undefined || !sameText(token, sts.sessionToken)) return errorResponse('UnrecognizedClientException');
    if (request.receivedAt >= sts.expiresAt) return errorResponse('ExpiredTokenException');
    return undefined;
  };

  const half: VendorHalf = {
    vendor: 'aws-ivs',
    matches: (request) =>
      Object.keys(request.headers).some((name) => name.startsWith('x-amz-')) ||
      (header(request, 'authorization')?.startsWith('AWS4-') ?? false),
    handle,
    errorResponse,
    secretHeaders: ['authorization', 'x-amz-security-token'],
  };

  const api: AwsIvsEmulator = {
    credentials,
    region,
    accountId,
    createComposition: async (options) => {
      const arn = api.arnOf(options?.id ?? randomAlnum(12));
      if (parseCompositionArn(arn) === undefined) throw new Error(`not a composition resource id: ${options?.id}`);
      compositions.set(arn, options?.state ?? 'ACTIVE');
      return arn;
    },
    arnOf: (id) => `arn:aws:ivs:${region}:${accountId}:composition/${id}`,
    compositions: () => [...compositions].map(([arn, state]) => ({ arn, state })),
    settle: (arn) => {
      const state = compositions.get(arn);
      if (state === 'STARTING') compositions.set(arn, 'ACTIVE');
      else if (state === 'STOPPING') compositions.delete(arn);
    },
    issueTemporaryCredentials: (options) => {
      const issued: AwsTemporaryCredentials = expiringCredentials(
        {
          accessKeyId: `ASIA${upperAlnum(16)}`,
          secretAccessKey: randomBytes(30).toString('base64'),
          sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(120).toString('base64')}`,
        },
        context.now() + (options?.ttlMs ?? 3_600_000),
      );
      temporary.set(issued.accessKeyId, issued);
      return issued;
    },
  };
  return { half, api };
}

/**
 * The emulator's clock in the Date header, as AWS sends its own: the SDK corrects its clock skew from it, and
 * Node's default (the machine's clock) would send it away from an emulator running on a test clock.
 */
function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function pathOf(request: ReceivedRequest): string {
  try {
    return new URL(request.url, 'http://emulator').pathname;
  } catch {
    return '';
  }
}

/** Compared in constant time: a verifier that answers faster for a longer matching prefix leaks the secret. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function upperAlnum(length: number): string {
  return randomAlnum(length * 2)
    .toUpperCase()
    .slice(0, length);
}
