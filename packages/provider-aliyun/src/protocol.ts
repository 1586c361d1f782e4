import {
  classifyByStatus,
  codeClassifier,
  firstHeader,
  parseJsonBody,
  type IncomingResponse,
  type ProviderFailure,
  type ProviderProtocol,
} from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { aliyunCodeRules } from './errors.js';
import { aliyunCredentialsCodec, type AliyunCredentials } from './options.js';
import { Acs3DateCache, emptyBodySha256, signAcs3 } from './sign.js';

export const aliyunAction = 'StopLiveMPUTask';
export const aliyunVersion = '2016-11-01';
export const aliyunDefaultEndpoint = 'https://live.aliyuncs.com';
/** StopLiveMPUTask's documented quota per account. */
export const aliyunRequestsPerSecond = 500;
/** What the vendor's page allows for a TaskId; anything else (e.g. `a&AppId=x`) is refused before sending. */
export const mpuTaskIdPattern = /^[A-Za-z0-9_-]{1,55}$/;

/** The RPC envelope, success or error. Fields are optional because a gateway error may lack any of them. */
const envelopeCodec = t.partial({
  RequestId: t.string,
  HostId: t.string,
  Code: t.string,
  Message: t.string,
  Recommend: t.string,
});

type Envelope = t.TypeOf<typeof envelopeCodec>;

const classifyCode = codeClassifier(aliyunCodeRules);

/** The protocol of StopLiveMPUTask for one application: the AppId is part of every request. */
export function aliyunProtocol(appId: string): ProviderProtocol<AliyunCredentials> {
  const dates = new Acs3DateCache();
  return {
    name: 'aliyun',
    defaultEndpoint: aliyunDefaultEndpoint,
    defaultRequestsPerSecond: aliyunRequestsPerSecond,
    credentialsCodec: aliyunCredentialsCodec,
    telemetry: { system: 'alibaba_cloud_api', service: 'live', method: aliyunAction, cloudProvider: 'alibaba_cloud' },

    validateId: (id) =>
      typeof id === 'string' && mpuTaskIdPattern.test(id)
        ? E.right(id)
        : E.left({ tag: 'InvalidArgument', reason: 'a TaskId is 1 to 55 letters, digits, _ or -' }),

    buildRequest: ({ id, credentials, endpoint, timestampMs, nonce }) => {
      const query = { AppId: appId, TaskId: id };
      // The host as it travels, port included: the gateway (or the emulator) verifies against what it receives.
      const signedHeaders: Record<string, string> = {
        host: endpoint.host,
        'x-acs-action': aliyunAction,
        'x-acs-version': aliyunVersion,
        'x-acs-date': dates.date(timestampMs),
        'x-acs-signature-nonce': nonce,
        'x-acs-content-sha256': emptyBodySha256,
        ...(credentials.securityToken === undefined ? {} : { 'x-acs-security-token': credentials.securityToken }),
      };
      const signature = signAcs3({
        method: 'POST',
        path: '/',
        query,
        headers: signedHeaders,
        hashedPayload: emptyBodySha256,
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
      });
      return {
        method: 'POST',
        url: `${endpoint.origin}/?${signature.canonicalQueryString}`,
        headers: { ...signedHeaders, accept: 'application/json', authorization: signature.authorization },
        body: '',
      };
    },

    readResponse: (response) => {
      const parsed = parseJsonBody(response.body);
      if (E.isLeft(parsed)) return E.left(byStatus(response, parsed.left));
      const decoded = envelopeCodec.decode(parsed.right);
      if (E.isLeft(decoded)) return E.left(byStatus(response, 'the body is not the RPC envelope'));
      const envelope = decoded.right;
      const code = nonEmpty(envelope.Code);
      const requestId = nonEmpty(envelope.RequestId);
      if (code !== undefined)
        return E.left(codeFailure(code, envelope, requestId ?? headerRequestId(response), response));
      // Only the body's RequestId proves the API answered: a stop must never succeed on an envelope it cannot read.
      if (response.status >= 200 && response.status < 300 && requestId !== undefined) return E.right({ requestId });
      return E.left(byStatus(response, 'an answer without a Code or a RequestId', requestId));
    },
  };
}

/** No code to go on: core's status rules, plus what the gateway's headers add. */
function byStatus(response: IncomingResponse, reason: string, requestId?: string): ProviderFailure {
  const failure = classifyByStatus(response, reason);
  const id = requestId ?? headerRequestId(response);
  const retryAfterMs = acsRetryAfterMs(response);
  return {
    ...failure,
    ...(id === undefined ? {} : { requestId: id }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function codeFailure(
  code: string,
  envelope: Envelope,
  requestId: string | undefined,
  response: IncomingResponse,
): ProviderFailure {
  const match = classifyCode(code);
  const retryAfterMs = acsRetryAfterMs(response);
  const details = {
    ...(nonEmpty(envelope.Recommend) === undefined ? {} : { recommend: envelope.Recommend as string }),
    ...(nonEmpty(envelope.HostId) === undefined ? {} : { hostId: envelope.HostId as string }),
  };
  const message = envelope.Message === undefined ? undefined : safeProviderMessage(envelope.Message);
  return {
    tag: match.tag,
    ...(match.retryable === undefined ? {} : { retryable: match.retryable }),
    providerCode: code,
    ...(message === undefined ? {} : { providerMessage: message }),
    ...(requestId === undefined ? {} : { requestId }),
    httpStatus: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(Object.keys(details).length === 0 ? {} : { details }),
  };
}

/**
 * `x-acs-retry-after` is in milliseconds: Alibaba Cloud's own OpenAPI clients (Darabonba, every language) wait
 * that many ms and ignore a value that is not a positive integer. Reported on any answer: the runner (core) honours
 * it only for RateLimited and ProviderUnavailable, and reads the standard `Retry-After` when this is absent.
 */
export function acsRetryAfterMs(response: IncomingResponse): number | undefined {
  const acs = firstHeader(response.headers, 'x-acs-retry-after')?.trim();
  return acs !== undefined && /^\d+$/.test(acs) && Number(acs) > 0 ? Number(acs) : undefined;
}

const maxMessageLength = 500;

/**
 * The vendor's message, minus what must not reach a log: a SignatureDoesNotMatch message carries the server's
 * string-to-sign (under signature V1 that holds the AccessKeyId and the STS token), a 64-hex run may be a
 * signature, and a long base64 run may be an echoed token. Cut, not dropped: the rest is what a human needs
 * for a ticket.
 */
export function safeProviderMessage(message: string): string {
  const cut = message.replace(/(string[\s_-]*to[\s_-]*sign\s*(is)?\s*:?)[\s\S]*$/i, '$1 [withheld]');
  const masked = cut.replace(/\b[0-9a-fA-F]{64}\b/g, '[withheld]').replace(/[A-Za-z0-9+/=_-]{100,}/g, '[withheld]');
  return masked.length > maxMessageLength ? `${masked.slice(0, maxMessageLength)}…` : masked;
}

/** The gateway also sends the request id as a header, which survives a body a proxy replaced. */
function headerRequestId(response: IncomingResponse): string | undefined {
  return nonEmpty(firstHeader(response.headers, 'x-acs-request-id'));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
