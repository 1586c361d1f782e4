import {
  classifyByStatus,
  codeClassifier,
  describeId,
  firstHeader,
  parseJsonBody,
  type IncomingResponse,
  type ProviderFailure,
  type ProviderProtocol,
} from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import { awsIvsCodeRules } from './errors.js';
import { awsCredentialsCodec, type AwsCredentials } from './options.js';
import { ivsSigningName, signSigV4, sigV4Date, SigV4KeyCache } from './sign.js';

export const awsIvsOperation = 'StopComposition';
export const awsIvsPath = '/StopComposition';
/** StopComposition's quota: 5 TPS per account per region, and "API call rate quotas are not adjustable". */
export const awsIvsRequestsPerSecond = 5;

/** The regional endpoint the SDK resolves for the `aws` partition (no FIPS, no dual-stack). */
export function awsIvsDefaultEndpoint(region: string): string {
  return `https://ivsrealtime.${region}.amazonaws.com`;
}

/** The API reference's pattern and length (1–128) of a composition ARN; the groups are its region and account. */
export const compositionArnPattern = /^arn:aws:ivs:([a-z0-9-]+):([0-9]+):composition\/([a-zA-Z0-9-]+)$/;
export const compositionArnMaxLength = 128;

/**
 * The pattern and the length in one RegExp: the descriptor's idRule, which the fake provider checks. The provider
 * also refuses an ARN of another region than its own (a fake has no region).
 */
export const compositionArnIdRule = new RegExp(
  `^(?=[\\s\\S]{1,${compositionArnMaxLength}}$)${compositionArnPattern.source.slice(1)}`,
);

/** The region, account and resource id of a well-formed composition ARN; undefined for anything else. */
export function parseCompositionArn(
  arn: string,
): { readonly region: string; readonly accountId: string; readonly compositionId: string } | undefined {
  if (arn.length > compositionArnMaxLength) return undefined;
  const match = compositionArnPattern.exec(arn);
  if (match === null) return undefined;
  const [, region = '', accountId = '', compositionId = ''] = match;
  return { region, accountId, compositionId };
}

/** restJson1's default content type, sent and signed byte for byte as the SDK does (no charset). */
const contentType = 'application/json';

const classify = codeClassifier(awsIvsCodeRules);

export interface AwsIvsProtocolSettings {
  readonly region: string;
}

/** The protocol of StopComposition in one region: the region is in every signature and must be every ARN's. */
export function awsIvsProtocol(settings: AwsIvsProtocolSettings): ProviderProtocol<AwsCredentials> {
  const { region } = settings;
  const keyCache = new SigV4KeyCache();
  return {
    name: 'aws-ivs',
    defaultEndpoint: awsIvsDefaultEndpoint(region),
    defaultRequestsPerSecond: awsIvsRequestsPerSecond,
    credentialsCodec: awsCredentialsCodec,
    telemetry: { system: 'aws-api', service: 'IVSRealTime', method: awsIvsOperation, cloudProvider: 'aws' },

    validateId(id) {
      const arn = typeof id === 'string' ? parseCompositionArn(id) : undefined;
      if (arn === undefined) {
        return E.left({
          tag: 'InvalidArgument',
          reason:
            `a composition ARN is at most 128 characters matching arn:aws:ivs:<region>:<account>:composition/<id>; ` +
            `got ${describeId(id)}`,
        });
      }
      // Sent to this region the ARN would come back as ResourceNotFoundException: a stop that looks done but is not.
      if (arn.region !== region) {
        return E.left({
          tag: 'InvalidArgument',
          reason: `the composition is in ${arn.region}, this provider stops compositions in ${region}`,
        });
      }
      return E.right(id as string);
    },

    buildRequest({ id, credentials, endpoint, timestampMs }) {
      const body = JSON.stringify({ arn: id });
      const amzDate = sigV4Date(timestampMs);
      // The Host sent is the Host signed: with a port for the emulator, without one for the cloud.
      const signedHeaders: Record<string, string> = {
        'content-type': contentType,
        host: endpoint.host,
        'x-amz-date': amzDate,
        ...(credentials.sessionToken === undefined ? {} : { 'x-amz-security-token': credentials.sessionToken }),
      };
      const signed = signSigV4(
        {
          method: 'POST',
          path: awsIvsPath,
          query: '',
          headers: signedHeaders,
          payload: body,
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          region,
          service: ivsSigningName,
          amzDate,
        },
        keyCache,
      );
      return {
        method: 'POST',
        url: `${endpoint.origin}${awsIvsPath}`,
        headers: { ...signedHeaders, authorization: signed.authorization },
        body,
      };
    },

    readResponse(response) {
      const requestId = awsRequestId(response);
      const json = parseJsonBody(response.body);
      const body = E.isRight(json) && isRecord(json.right) ? json.right : undefined;
      const code = awsErrorCode(response, body);
      if (code !== undefined) return E.left(codeFailure(code, body, requestId, response));
      if (response.status >= 200 && response.status < 300) {
        // A success is an empty body (or `{}`) with AWS's request id: anything else did not come from the API.
        const empty = response.body.trim() === '' || (body !== undefined && Object.keys(body).length === 0);
        if (!empty) return E.left(malformed(response, 'a 2xx whose body is not an empty restJson1 output', requestId));
        if (requestId === undefined) return E.left(malformed(response, 'a 2xx without x-amzn-RequestId', requestId));
        return E.right({ requestId });
      }
      // A gateway's Retry-After on a throttle or an outage is read by the runner (core).
      const failure = classifyByStatus(response, `HTTP ${response.status} without an AWS error type`);
      return E.left({ ...failure, ...(requestId === undefined ? {} : { requestId }) });
    },
  };
}

/**
 * The error type, read as the SDK's restJson1 protocol does (`loadRestJsonErrorCode`): the x-amzn-ErrorType header
 * first, then the body's `code` (any case), then `__type`; each cut to the bare name (`Name:uri`, `ns#Name`).
 */
export function awsErrorCode(
  response: IncomingResponse,
  body: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const header = firstHeader(response.headers, 'x-amzn-errortype');
  if (header !== undefined) return bareErrorName(header);
  if (body === undefined) return undefined;
  const codeKey = Object.keys(body).find((key) => key.toLowerCase() === 'code');
  const code = codeKey === undefined ? undefined : body[codeKey];
  if (typeof code === 'string' || typeof code === 'number') return bareErrorName(String(code));
  const type = body['__type'];
  if (typeof type === 'string' || typeof type === 'number') return bareErrorName(String(type));
  return undefined;
}

/** smithy's sanitizeErrorCode: `A,B` → A, `Name:http://…` → Name, `com.amazonaws.ivsrealtime#Name` → Name. */
export function bareErrorName(raw: string): string | undefined {
  let name = raw;
  if (name.includes(',')) name = name.split(',')[0] ?? '';
  if (name.includes(':')) name = name.split(':')[0] ?? '';
  if (name.includes('#')) name = name.split('#')[1] ?? '';
  name = name.trim();
  return name === '' ? undefined : name;
}

/** The request id headers the SDK reads for `$metadata.requestId`, in its order. */
function awsRequestId(response: IncomingResponse): string | undefined {
  for (const name of ['x-amzn-requestid', 'x-amzn-request-id', 'x-amz-request-id']) {
    const value = firstHeader(response.headers, name)?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function codeFailure(
  code: string,
  body: Readonly<Record<string, unknown>> | undefined,
  requestId: string | undefined,
  response: IncomingResponse,
): ProviderFailure {
  // Retry-After on ThrottlingException or a 5xx is read by the runner (core), whatever the code.
  const match = classify(code);
  const raw = body?.['exceptionMessage'] ?? body?.['message'] ?? body?.['Message'];
  const message = typeof raw === 'string' && raw.trim() !== '' ? safeAwsMessage(raw) : undefined;
  return {
    tag: match.tag,
    ...(match.retryable === undefined ? {} : { retryable: match.retryable }),
    providerCode: code,
    ...(message === undefined ? {} : { providerMessage: message }),
    ...(requestId === undefined ? {} : { requestId }),
    httpStatus: response.status,
  };
}

const maxMessageLength = 500;

/**
 * AWS's message minus what must not reach a log: a signature mismatch quotes the canonical request (which holds
 * X-Amz-Security-Token) and the string to sign; a 64-hex run may be a signature, a long base64 run a token.
 */
export function safeAwsMessage(message: string): string {
  const cut = message.replace(/(the\s+canonical\s+string|the\s+string[\s-]*to[\s-]*sign)[\s\S]*$/i, '[withheld]');
  const masked = cut.replace(/\b[0-9a-fA-F]{64}\b/g, '[withheld]').replace(/[A-Za-z0-9+/=_-]{100,}/g, '[withheld]');
  return masked.length > maxMessageLength ? `${masked.slice(0, maxMessageLength)}…` : masked;
}

function malformed(response: IncomingResponse, reason: string, requestId: string | undefined): ProviderFailure {
  return {
    tag: 'MalformedResponse',
    httpStatus: response.status,
    reason,
    ...(requestId === undefined ? {} : { requestId }),
  };
}

const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === 'object' && !Array.isArray(u);
