import {
  classifyByStatus,
  codeClassifier,
  kindOf,
  parseJsonBody,
  type IncomingResponse,
  type ProviderFailure,
  type ProviderProtocol,
} from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { tencentCodeRules } from './errors.js';
import { tencentCredentialsCodec, type TencentCredentials, type TencentLanguage } from './options.js';
import { liveService, signTc3, Tc3KeyCache } from './sign.js';

export const tencentAction = 'CancelCommonMixStream';
export const tencentVersion = '2018-08-01';
export const tencentDefaultEndpoint = 'https://live.tencentcloudapi.com';
/** The documented quota of CancelCommonMixStream, per account. */
export const tencentRequestsPerSecond = 100;

/** "Up to 80 bytes of letters, digits and underscores" (CreateCommonMixStream), which also rules out injection. */
export const mixStreamSessionIdPattern = /^[A-Za-z0-9_]{1,80}$/;

/** The JSON body's content type, sent and signed byte for byte as the official SDK does (no charset). */
const contentType = 'application/json';

const classify = codeClassifier(tencentCodeRules);

const errorEnvelope = t.type({
  Response: t.intersection([
    t.type({ Error: t.intersection([t.type({ Code: t.string }), t.partial({ Message: t.string })]) }),
    // A request that never reached the API proper may come back without one; the code is still worth having.
    t.partial({ RequestId: t.string }),
  ]),
});

/** A success has no `Error` at all: an `Error` this library cannot read must never pass for a stopped mix. */
const nonEmptyString = t.refinement(t.string, (s) => s.trim() !== '', 'a non-empty string');

const successEnvelope = t.type({
  // An empty RequestId proves nothing was processed, and leaves the caller nothing to quote.
  Response: t.intersection([t.type({ RequestId: nonEmptyString }), t.partial({ Error: t.undefined })]),
});

export interface TencentProtocolSettings {
  readonly language?: TencentLanguage;
}

export function tencentProtocol(settings: TencentProtocolSettings = {}): ProviderProtocol<TencentCredentials> {
  const keyCache = new Tc3KeyCache();
  // One frozen object per host, so the key cache recognises it and canonicalises it once.
  let lastSigned: Readonly<Record<string, string>> | undefined;
  const signedHeadersFor = (host: string): Readonly<Record<string, string>> => {
    if (lastSigned === undefined || lastSigned['Host'] !== host)
      lastSigned = Object.freeze({ 'Content-Type': contentType, Host: host });
    return lastSigned;
  };
  return {
    name: 'tencent',
    defaultEndpoint: tencentDefaultEndpoint,
    defaultRequestsPerSecond: tencentRequestsPerSecond,
    credentialsCodec: tencentCredentialsCodec,
    telemetry: {
      system: 'tencent_cloud_api',
      service: liveService,
      method: tencentAction,
      cloudProvider: 'tencent_cloud',
    },

    validateId(id) {
      if (typeof id === 'string' && mixStreamSessionIdPattern.test(id)) return E.right(id);
      return E.left({
        tag: 'InvalidArgument',
        reason: `MixStreamSessionId must be 1 to 80 letters, digits or underscores; got ${describeLength(id)}`,
      });
    },

    buildRequest({ id, credentials, endpoint, timestampMs }) {
      const body = JSON.stringify({ MixStreamSessionId: id });
      const timestamp = Math.floor(timestampMs / 1000);
      // The Host sent is the Host signed: with a port for the emulator, without one for the cloud.
      const signedHeaders = signedHeadersFor(endpoint.host);
      const signed = signTc3(
        {
          method: 'POST',
          path: '/',
          query: '',
          signedHeaders,
          payload: body,
          secretId: credentials.secretId,
          secretKey: credentials.secretKey,
          timestamp,
          service: liveService,
        },
        keyCache,
      );
      return {
        method: 'POST',
        url: `${endpoint.origin}/`,
        headers: {
          ...signedHeaders,
          'X-TC-Action': tencentAction,
          'X-TC-Version': tencentVersion,
          'X-TC-Timestamp': String(timestamp),
          Authorization: signed.authorization,
          ...(credentials.sessionToken === undefined ? {} : { 'X-TC-Token': credentials.sessionToken }),
          ...(settings.language === undefined ? {} : { 'X-TC-Language': settings.language }),
        },
        body,
      };
    },

    readResponse(response) {
      const json = parseJsonBody(response.body);
      // Without an `Error` member the error codec cannot match: skip building its failed decode (the common case).
      const error = E.isRight(json) && mayHoldError(json.right) ? errorEnvelope.decode(json.right) : undefined;
      if (error !== undefined && E.isRight(error)) return E.left(fromErrorEnvelope(error.right, response));
      if (response.status !== 200) {
        return E.left(classifyByStatus(response, `HTTP ${response.status} without a Tencent Cloud error envelope`));
      }
      if (E.isLeft(json)) return E.left(malformed(`${json.left}`));
      const fast = plainSuccessRequestId(json.right);
      if (fast !== undefined) return E.right({ requestId: fast });
      const success = successEnvelope.decode(json.right);
      if (E.isLeft(success)) return E.left(malformed('the body is not a Tencent Cloud API 3.0 response envelope'));
      return E.right({ requestId: success.right.Response.RequestId });
    },
  };
}

/** io-ts's UnknownRecord, which `t.type` checks first. */
const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === 'object' && !Array.isArray(u);

/** False only when `errorEnvelope` cannot match: no `Response.Error` at all. */
function mayHoldError(json: unknown): boolean {
  return isRecord(json) && isRecord(json['Response']) && json['Response']['Error'] !== undefined;
}

/**
 * The success envelope's RequestId when the body is plainly one (what `successEnvelope` accepts, checked by hand:
 * the codec costs a few µs per call); undefined sends anything else through the codec as before.
 */
function plainSuccessRequestId(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const response = json['Response'];
  if (!isRecord(response) || 'Error' in response) return undefined;
  const requestId = response['RequestId'];
  return typeof requestId === 'string' && requestId.trim() !== '' ? requestId : undefined;
}

function fromErrorEnvelope(envelope: t.TypeOf<typeof errorEnvelope>, response: IncomingResponse): ProviderFailure {
  const { Error: vendorError, RequestId } = envelope.Response;
  // A gateway's Retry-After on a throttle or an outage is read by the runner (core), whatever the body's code.
  const match = classify(vendorError.Code);
  return {
    tag: match.tag,
    ...(match.retryable === undefined ? {} : { retryable: match.retryable }),
    providerCode: vendorError.Code,
    ...(vendorError.Message === undefined ? {} : { providerMessage: vendorError.Message }),
    ...(RequestId === undefined ? {} : { requestId: RequestId }),
    // The API answers 200 even for errors; another status means a gateway in between, worth seeing.
    ...(response.status === 200 ? {} : { httpStatus: response.status }),
  };
}

function malformed(reason: string): ProviderFailure {
  return { tag: 'MalformedResponse', httpStatus: 200, reason };
}

function describeLength(id: unknown): string {
  return typeof id === 'string' ? `a string of ${id.length} characters` : kindOf(id);
}
