import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '@mixtask/core/adapter';
import {
  acs3Algorithm,
  acs3Signature,
  aliyunAction,
  aliyunVersion,
  acs3CanonicalHeaders,
  canonicalQueryString,
  acs3CanonicalRequest,
  hashedCanonicalRequest,
  isSignedHeaderName,
  mpuTaskIdPattern,
  parseAcs3Authorization,
  parseAcs3Date,
  acs3StringToSign,
} from '@mixtask/provider-aliyun/signing';
import { expiringCredentials, randomAlnum } from './issued.js';
import { SlidingWindow } from './sliding-window.js';
import type { VendorContext } from './tencent.js';
import type { ReceivedRequest, VendorHalf, VendorResponse } from './vendor.js';

export interface AliyunEmulator {
  /** The credentials it accepts. */
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string };
  /** The AppId it accepts. */
  readonly appId: string;
  /** Starts an MPU task with this id (as StartLiveMPUTask would). */
  startTask(id: string): Promise<void>;
  /** The ids of the tasks running now. */
  tasks(): readonly string[];
  /** Issues STS credentials (as AssumeRole would), valid for `ttlMs` (default one hour) of the emulator's clock. */
  issueTemporaryCredentials(options?: { readonly ttlMs?: number }): TemporaryCredentials;
}

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  /** When they expire, ms since the epoch on the emulator's clock (not enumerable: the rest are `credentials`). */
  readonly expiresAt: number;
}

/** The gateway's window for x-acs-date and for remembering nonces. */
const timeWindowMs = 15 * 60 * 1000;
const hostId = 'live.aliyuncs.com';

/** Headers the client must sign: an unsigned one could be changed in transit. */
const requiredSignedHeaders = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
];

/** Statuses as the vendor's pages give them; a code not listed gets its family's status. */
const statusOf: Readonly<Record<string, number>> = {
  InvalidParam: 400,
  InvalidAppId: 400,
  MissingParam: 400,
  InternalError: 500,
  ServiceUnavailable: 503,
  OperationDenied: 403,
  Forbidden: 403,
  'InvalidApi.NotFound': 404,
  'InvalidAction.NotFound': 400,
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidTask.NotFound': 404,
  'NotFound.Task': 400,
  UnsupportedHTTPMethod: 400,
};

function defaultStatus(code: string): number {
  if (Object.hasOwn(statusOf, code)) return statusOf[code] as number;
  if (code.startsWith('Forbidden')) return 403;
  if (code.startsWith('InternalError')) return 500;
  if (code.startsWith('ServiceUnavailable')) return 503;
  // Throttling included: the vendor's SDKs and gateway answer it with 400, not 429.
  return 400;
}

const messages: Readonly<Record<string, string>> = {
  InvalidParam: 'The specified parameter is invalid.',
  InvalidAppId: 'The specified AppId is invalid, please check and try again later.',
  MissingParam: 'A required parameter is missing, please check and try again later.',
  InternalError: 'The request processing has failed due to some unknown error, exception or failure.',
  ServiceUnavailable: 'The request has failed due to a temporary failure of the server.',
  OperationDenied: 'Your account has not enabled the Live service',
  Forbidden: 'User not authorized to operate on the specified resource.',
  'Forbidden.RAM': 'User not authorized to operate on the specified resource, or this API does not support RAM.',
  'InvalidApi.NotFound': 'Specified api is not found, please check your url and method.',
  'InvalidAction.NotFound': 'Specified api is not found, please check your url and method.',
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  'InvalidAccessKeyId.Inactive': 'Specified access key is disabled.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  'InvalidTimeStamp.Format': 'Specified time stamp or date value is not well formatted.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  SignatureDoesNotMatch: 'Specified signature does not match our calculation.',
  IncompleteSignature: 'The request signature does not conform to Aliyun standards.',
  InvalidSignatureMethod: 'Specified signature method is not supported.',
  'Throttling.User': 'Request was denied due to user flow control.',
  'NotFound.Task': 'The specified task does not exist.',
};

/** What the Aliyun half is told besides the shared context: a fixed key pair and AppId, for scripts. */
export interface AliyunContext extends Omit<VendorContext, 'credentials'> {
  readonly credentials?: { readonly accessKeyId: string; readonly accessKeySecret: string };
  readonly appId?: string;
}

export function createAliyunHalf(context: AliyunContext): { half: VendorHalf; api: AliyunEmulator } {
  const credentials = context.credentials ?? {
    accessKeyId: `LTAI5t${randomAlnum(18)}`,
    accessKeySecret: randomAlnum(30),
  };
  const appId = context.appId ?? `mixtask-emulator-${randomBytes(4).toString('hex')}`;
  const running = new Set<string>();
  const temporary = new Map<string, TemporaryCredentials>();
  const nonces = new Map<string, number>();
  const window = context.requestsPerSecond === false ? undefined : new SlidingWindow(context.requestsPerSecond);

  const errorResponse = (code: string, message?: string, status?: number): VendorResponse => {
    const requestId = randomUUID().toUpperCase();
    const body = {
      RequestId: requestId,
      HostId: hostId,
      Code: code,
      Message:
        message ??
        (Object.hasOwn(messages, code) ? messages[code] : undefined) ??
        `The request failed with code ${code}.`,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=live&requestId=${requestId}`,
    };
    return json(status ?? defaultStatus(code), body, code, requestId);
  };

  const handle = (request: ReceivedRequest): VendorResponse => {
    const refused = authenticate(request);
    if (refused !== undefined) return refused;

    if (header(request, 'x-acs-action') !== aliyunAction) {
      return errorResponse(
        'InvalidAction.NotFound',
        `Specified api is not found: ${header(request, 'x-acs-action') ?? ''}`,
      );
    }
    if (header(request, 'x-acs-version') !== aliyunVersion) return errorResponse('InvalidApi.NotFound');
    if (request.method !== 'POST' && request.method !== 'GET') return errorResponse('UnsupportedHTTPMethod');
    if (window !== undefined && !window.admit(request.receivedAt)) return errorResponse('Throttling.User');

    const params = queryOf(request);
    if (params === undefined)
      return errorResponse('InvalidParam', 'The query string is malformed or repeats a parameter.');
    const requestAppId = params.AppId;
    const taskId = params.TaskId;
    if (requestAppId === undefined || requestAppId === '') {
      return errorResponse('MissingParam', 'AppId is mandatory for this action.');
    }
    if (taskId === undefined || taskId === '') {
      return errorResponse('MissingParam', 'TaskId is mandatory for this action.');
    }
    if (requestAppId !== appId) return errorResponse('InvalidAppId');
    if (!mpuTaskIdPattern.test(taskId)) return errorResponse('InvalidParam', 'The TaskId is invalid.');
    if (!running.delete(taskId)) return errorResponse('NotFound.Task');
    const requestId = randomUUID().toUpperCase();
    return json(200, { RequestId: requestId }, undefined, requestId);
  };

  /**
   * Checks as the gateway makes them: shape, date, key, signature, token, and the nonce last, so that only a
   * correctly signed request can use one up.
   */
  const authenticate = (request: ReceivedRequest): VendorResponse | undefined => {
    const rawAuthorization = header(request, 'authorization');
    if (rawAuthorization === undefined) {
      return errorResponse('IncompleteSignature', 'The Authorization header is missing.');
    }
    if (!rawAuthorization.startsWith(`${acs3Algorithm} `)) {
      return errorResponse('InvalidSignatureMethod', 'Only ACS3-HMAC-SHA256 is supported by this emulator.');
    }
    const authorization = parseAcs3Authorization(rawAuthorization);
    if (authorization === undefined) return errorResponse('IncompleteSignature');
    const sentSigned = Object.keys(request.headers).filter(isSignedHeaderName);
    const unsigned = [...requiredSignedHeaders, ...sentSigned].find(
      (name) => !authorization.signedHeaders.includes(name),
    );
    if (unsigned !== undefined) return errorResponse('IncompleteSignature', `The header ${unsigned} must be signed.`);

    const date = header(request, 'x-acs-date') ?? '';
    const signedAt = parseAcs3Date(date);
    if (signedAt === undefined) return errorResponse('InvalidTimeStamp.Format');
    if (Math.abs(request.receivedAt - signedAt) > timeWindowMs) return errorResponse('InvalidTimeStamp.Expired');
    const nonce = header(request, 'x-acs-signature-nonce') ?? '';
    if (nonce === '') return errorResponse('MissingSignatureNonce', 'x-acs-signature-nonce is mandatory.');

    const sts = temporary.get(authorization.accessKeyId);
    const secret =
      authorization.accessKeyId === credentials.accessKeyId ? credentials.accessKeySecret : sts?.accessKeySecret;
    if (secret === undefined) return errorResponse('InvalidAccessKeyId.NotFound');

    const signed = emptyRecord();
    for (const name of authorization.signedHeaders) {
      const value = header(request, name);
      if (value === undefined) return errorResponse('IncompleteSignature', `The signed header ${name} is missing.`);
      signed[name] = value.trim();
    }
    const url = parseUrl(request);
    const params = queryOf(request);
    if (url === undefined || params === undefined) {
      return errorResponse('InvalidParam', 'The query string is malformed or repeats a parameter.');
    }
    const expected = acs3StringToSign(
      hashedCanonicalRequest(
        acs3CanonicalRequest({
          method: request.method,
          path: url.pathname,
          canonicalQueryString: canonicalQueryString(params),
          canonicalHeaders: acs3CanonicalHeaders(signed),
          signedHeaders: authorization.signedHeaders.join(';'),
          hashedPayload: signed['x-acs-content-sha256'] ?? '',
        }),
      ),
    );
    if (acs3Signature(secret, expected) !== authorization.signature) {
      // The real gateway embeds its string-to-sign here; so does the emulator, so clients prove they redact it.
      return errorResponse(
        'SignatureDoesNotMatch',
        `${messages.SignatureDoesNotMatch} server string to sign is:${expected}`,
      );
    }
    if (signed['x-acs-content-sha256'] !== sha256Hex(request.body)) {
      return errorResponse('SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the request body.');
    }

    const token = header(request, 'x-acs-security-token');
    if (sts !== undefined || token !== undefined) {
      const refused = checkToken(authorization.accessKeyId, sts, token, request.receivedAt);
      if (refused !== undefined) return refused;
    }

    // A Map iterates in insertion order, which is arrival order: stop at the first nonce still inside the window,
    // or a long-running emulator rescans every nonce it ever saw on every request.
    for (const [seen, at] of nonces) {
      if (at > request.receivedAt - timeWindowMs) break;
      nonces.delete(seen);
    }
    if (nonces.has(nonce)) return errorResponse('SignatureNonceUsed');
    nonces.set(nonce, request.receivedAt);
    return undefined;
  };

  const checkToken = (
    accessKeyId: string,
    sts: TemporaryCredentials | undefined,
    token: string | undefined,
    now: number,
  ): VendorResponse | undefined => {
    if (token === undefined)
      return errorResponse('InvalidSecurityToken.Malformed', 'A temporary AccessKey needs its security token.');
    const issuedFor = [...temporary.values()].find((c) => c.securityToken === token);
    if (issuedFor === undefined)
      return errorResponse('InvalidSecurityToken.Malformed', 'The security token is malformed.');
    if (issuedFor.accessKeyId !== accessKeyId || sts === undefined) {
      return errorResponse(
        'InvalidSecurityToken.MismatchWithAccessKey',
        'The security token does not belong to this AccessKey.',
      );
    }
    if (now >= issuedFor.expiresAt)
      return errorResponse('InvalidSecurityToken.Expired', 'The security token has expired.');
    return undefined;
  };

  const half: VendorHalf = {
    vendor: 'aliyun',
    matches: (request) =>
      Object.keys(request.headers).some((name) => name.startsWith('x-acs-')) ||
      (header(request, 'authorization')?.startsWith(acs3Algorithm) ?? false),
    handle,
    errorResponse,
    secretHeaders: ['authorization', 'x-acs-security-token'],
  };

  const api: AliyunEmulator = {
    credentials,
    appId,
    startTask: async (id) => {
      // As createSession: no test should start a task the client cannot name (StopLiveMPUTask's TaskId rule).
      if (!mpuTaskIdPattern.test(id)) throw new Error('an MPU TaskId is 1 to 55 letters, digits, _ or -');
      running.add(id);
    },
    tasks: () => [...running],
    issueTemporaryCredentials: (options) => {
      const issued: TemporaryCredentials = expiringCredentials(
        {
          accessKeyId: `STS.${randomAlnum(24)}`,
          accessKeySecret: randomAlnum(30),
          securityToken: `CAIS${randomBytes(96).toString('base64')}`,
        },
        context.now() + (options?.ttlMs ?? 3_600_000),
      );
      temporary.set(issued.accessKeyId, issued);
      return issued;
    },
  };
  return { half, api };
}

/** Keys come from the request (header names, parameter names): `__proto__` must stay a plain key. */
function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseUrl(request: ReceivedRequest): URL | undefined {
  try {
    return new URL(request.url, 'http://emulator');
  } catch {
    return undefined;
  }
}

/** The query's parameters, decoded; undefined when one is repeated (the signature could not say which counts). */
function queryOf(request: ReceivedRequest): Record<string, string> | undefined {
  const url = parseUrl(request);
  if (url === undefined) return undefined;
  const params = emptyRecord();
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(params, key)) return undefined;
    params[key] = value;
  }
  return params;
}

function json(status: number, body: object, code: string | undefined, requestId: string): VendorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId },
    body: JSON.stringify(body),
    ...(code === undefined ? {} : { code }),
    requestId,
  };
}
