import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  liveService,
  mixStreamSessionIdPattern,
  parseTc3Authorization,
  signTc3,
  tencentAction,
  tencentVersion,
  tc3Date,
} from '@mixtask/provider-tencent/signing';
import { SlidingWindow } from './sliding-window.js';
import type { Now, ReceivedRequest, VendorHalf, VendorResponse } from './vendor.js';

export interface TencentKeyPair {
  readonly secretId: string;
  readonly secretKey: string;
}

export interface TencentTemporaryCredentials extends TencentKeyPair {
  readonly sessionToken: string;
}

export interface TencentEmulator {
  /** The credentials it accepts. */
  readonly credentials: { readonly secretId: string; readonly secretKey: string };
  /** Starts a mix session with this id (as CreateCommonMixStream would). */
  createSession(id: string): Promise<void>;
  /** The ids of the sessions running now. */
  sessions(): readonly string[];
  /** Issues temporary credentials (as STS GetFederationToken would): valid only with their X-TC-Token. */
  issueTemporaryCredentials(): TencentTemporaryCredentials;
  /** Accepts another key pair too, e.g. one with recognisable secrets for a leak test. */
  acceptCredentials(credentials: TencentKeyPair): void;
}

export interface VendorContext {
  readonly now: Now;
  readonly requestsPerSecond: number | false;
  /** The key pair it accepts; default: a random one per emulator. */
  readonly credentials?: TencentKeyPair;
}

/** The cloud refuses a signature whose timestamp is further than this from its own clock. */
const maxSkewMs = 5 * 60 * 1000;

const knownLanguages = new Set(['zh-CN', 'en-US']);

/** Messages in the spirit of the cloud's (which change often, so no client may branch on them). */
const messages: Readonly<Record<string, string>> = {
  'AuthFailure.InvalidAuthorization': 'The Authorization header is missing or not a valid TC3-HMAC-SHA256 header.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureFailure':
    'The provided credentials could not be validated. Please check your signature is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. The timestamp is more than 5 minutes away from the server time.',
  'AuthFailure.TokenFailure': 'The provided token is invalid.',
  'FailedOperation.CancelSessionNotExist': 'The mix session to cancel does not exist.',
  InvalidAction: 'The action is not found.',
  NoSuchVersion: 'The API version does not exist.',
  RequestLimitExceeded:
    'Your current request times exceed the frequency limit for a second. Please reduce the frequency of calls.',
  UnsupportedProtocol: 'The emulator speaks POST / with a JSON body only.',
};

/** The Tencent Cloud Live half: TC3 verification, CancelCommonMixStream, the quota and the API 3.0 envelope. */
export function createTencentHalf(context: VendorContext): { half: VendorHalf; api: TencentEmulator } {
  const credentials: TencentKeyPair = context.credentials ?? { secretId: `AKID${token(16)}`, secretKey: token(16) };
  const keys = new Map<string, { secretKey: string; sessionToken?: string }>([
    [credentials.secretId, { secretKey: credentials.secretKey }],
  ]);
  const issuedTokens = new Set<string>();
  const sessions = new Set<string>();
  const quota = context.requestsPerSecond === false ? undefined : new SlidingWindow(context.requestsPerSecond);

  function errorResponse(code: string, message?: string, status = 200): VendorResponse {
    const requestId = randomUUID();
    const envelope = {
      Response: {
        Error: { Code: code, Message: message ?? messages[code] ?? `${code} (emulated)` },
        RequestId: requestId,
      },
    };
    return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope), code, requestId };
  }

  function success(): VendorResponse {
    const requestId = randomUUID();
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Response: { RequestId: requestId } }),
      requestId,
    };
  }

  /** The checks of the API gateway, in the order a refusal is most useful to the caller. */
  function handle(request: ReceivedRequest): VendorResponse {
    if (request.method !== 'POST' || request.url !== '/') return errorResponse('UnsupportedProtocol');

    const action = header(request, 'x-tc-action');
    if (action === undefined)
      return errorResponse('MissingParameter', 'The request is missing a required header `X-TC-Action`.');
    if (action !== tencentAction) return errorResponse('InvalidAction', `The action \`${action}\` is not found.`);
    const version = header(request, 'x-tc-version');
    if (version === undefined)
      return errorResponse('MissingParameter', 'The request is missing a required header `X-TC-Version`.');
    if (version !== tencentVersion)
      return errorResponse('NoSuchVersion', `The API version \`${version}\` does not exist.`);
    const language = header(request, 'x-tc-language');
    if (language !== undefined && !knownLanguages.has(language)) {
      return errorResponse('InvalidParameterValue', 'X-TC-Language must be zh-CN or en-US.');
    }

    const refused = authenticate(request);
    if (refused !== undefined) return refused;

    if (quota !== undefined && !quota.admit(request.receivedAt)) return errorResponse('RequestLimitExceeded');

    const id = sessionId(request.body);
    if (typeof id !== 'string') return id;
    if (!sessions.delete(id)) return errorResponse('FailedOperation.CancelSessionNotExist');
    return success();
  }

  /** TC3 as the cloud checks it; undefined when the request is authentic. */
  function authenticate(request: ReceivedRequest): VendorResponse | undefined {
    const authorization = header(request, 'authorization');
    const parsed = authorization === undefined ? undefined : parseTc3Authorization(authorization);
    if (parsed === undefined) return errorResponse('AuthFailure.InvalidAuthorization');
    if (!parsed.signedHeaderNames.includes('content-type') || !parsed.signedHeaderNames.includes('host')) {
      return errorResponse('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
    }

    const rawTimestamp = header(request, 'x-tc-timestamp');
    if (rawTimestamp === undefined) {
      return errorResponse('MissingParameter', 'The request is missing a required header `X-TC-Timestamp`.');
    }
    if (!/^\d{1,12}$/.test(rawTimestamp))
      return errorResponse('InvalidParameter', 'X-TC-Timestamp must be Unix seconds.');
    const timestamp = Number(rawTimestamp);

    const key = keys.get(parsed.secretId);
    if (key === undefined) return errorResponse('AuthFailure.SecretIdNotFound');

    // A token must be one this emulator issued, for this very SecretId; temporary keys are useless without it.
    const sessionToken = header(request, 'x-tc-token');
    if (sessionToken !== key.sessionToken) {
      const tokenWasIssued = sessionToken !== undefined && issuedTokens.has(sessionToken);
      return errorResponse(
        'AuthFailure.TokenFailure',
        tokenWasIssued ? 'The token does not belong to this SecretId.' : 'The provided token is invalid or missing.',
      );
    }

    if (Math.abs(request.receivedAt - timestamp * 1000) > maxSkewMs)
      return errorResponse('AuthFailure.SignatureExpire');

    const signedHeaders: Record<string, string> = {};
    for (const name of parsed.signedHeaderNames) {
      const value = header(request, name);
      if (value === undefined)
        return errorResponse('AuthFailure.SignatureFailure', `The signed header \`${name}\` is missing.`);
      signedHeaders[name] = value;
    }
    const expected = signTc3({
      method: request.method,
      path: '/',
      query: '',
      signedHeaders,
      payload: request.body,
      secretId: parsed.secretId,
      secretKey: key.secretKey,
      timestamp,
      // The cloud knows which product it is: a scope for another service or another day does not verify.
      service: liveService,
    });
    const scopeMatches = parsed.service === liveService && parsed.date === tc3Date(timestamp);
    if (!scopeMatches || !sameHex(parsed.signature, expected.signature))
      return errorResponse('AuthFailure.SignatureFailure');
    return undefined;
  }

  /** The MixStreamSessionId of a body, or the error the cloud gives for a body it cannot use. */
  function sessionId(body: string): string | VendorResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return errorResponse('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return errorResponse('InvalidParameter', 'The request body must be a JSON object.');
    }
    const fields = parsed as Record<string, unknown>;
    const unknownField = Object.keys(fields).find((name) => name !== 'MixStreamSessionId');
    if (unknownField !== undefined)
      return errorResponse('UnknownParameter', `The parameter \`${unknownField}\` is not recognized.`);
    const id = fields.MixStreamSessionId;
    if (id === undefined)
      return errorResponse('MissingParameter', 'The request is missing a required parameter `MixStreamSessionId`.');
    if (typeof id !== 'string' || !mixStreamSessionIdPattern.test(id)) {
      return errorResponse('InvalidParameter', 'MixStreamSessionId must be 1 to 80 letters, digits or underscores.');
    }
    return id;
  }

  const half: VendorHalf = {
    vendor: 'tencent',
    matches: (request) =>
      header(request, 'x-tc-action') !== undefined ||
      (header(request, 'authorization') ?? '').startsWith('TC3-HMAC-SHA256'),
    handle,
    errorResponse,
    secretHeaders: ['authorization', 'x-tc-token'],
  };

  const api: TencentEmulator = {
    credentials,
    createSession: async (id) => {
      // CreateCommonMixStream refuses such an id, so no test should be able to start a session the client cannot name.
      if (!mixStreamSessionIdPattern.test(id))
        throw new Error('a MixStreamSessionId is 1 to 80 letters, digits or underscores');
      sessions.add(id);
    },
    sessions: () => [...sessions],
    issueTemporaryCredentials: () => {
      const issued = { secretId: `AKID${token(16)}`, secretKey: token(16), sessionToken: token(48) };
      keys.set(issued.secretId, { secretKey: issued.secretKey, sessionToken: issued.sessionToken });
      issuedTokens.add(issued.sessionToken);
      return issued;
    },
    acceptCredentials: ({ secretId, secretKey }) => {
      keys.set(secretId, { secretKey });
    },
  };

  return { half, api };
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Compares signatures in constant time: the emulator should not teach a timing oracle by example. */
function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
