import type { MixErrorTag } from '@mixtask/core';

/**
 * An independent reading of docs/errors.md, written from the document and not from the adapters' code: what a
 * response must turn into. The fuzz properties compare the providers against it.
 */

interface Table {
  readonly exact: Readonly<Record<string, MixErrorTag>>;
  /** Longest prefix wins; an exact code always wins over a prefix. */
  readonly prefixes: readonly (readonly [string, MixErrorTag])[];
}

const rows = (tag: MixErrorTag, codes: string[]) => Object.fromEntries(codes.map((code) => [code, tag]));

export const tencentTable: Table = {
  exact: {
    ...rows('SessionNotFound', [
      'FailedOperation.CancelSessionNotExist',
      'InvalidParameter.CancelSessionNotExist',
      'ResourceNotFound',
    ]),
    ...rows('InvalidArgument', [
      'InvalidParameter',
      'InvalidParameter.OtherError',
      'InvalidParameterValue',
      'MissingParameter',
      'UnknownParameter',
      'InvalidRequest',
      'RequestSizeLimitExceeded',
    ]),
    ...rows('AuthenticationFailed', [
      'AuthFailure.InvalidAuthorization',
      'AuthFailure.InvalidSecretId',
      'AuthFailure.MFAFailure',
      'AuthFailure.SecretIdNotFound',
      'AuthFailure.SignatureExpire',
      'AuthFailure.SignatureFailure',
      'AuthFailure.TokenFailure',
    ]),
    ...rows('PermissionDenied', [
      'AuthFailure.UnauthorizedOperation',
      'UnauthorizedOperation',
      'IpInBlacklist',
      'IpNotInWhitelist',
    ]),
    ...rows('ServiceDisabled', [
      'ResourceNotFound.ForbidService',
      'ResourceNotFound.FreezeService',
      'ResourceNotFound.StopService',
      'ResourceNotFound.UserDisableService',
    ]),
    ...rows('ConfigurationError', [
      'InvalidAction',
      'ActionOffline',
      'NoSuchVersion',
      'NoSuchProduct',
      'UnsupportedRegion',
      'UnsupportedProtocol',
    ]),
    ...rows('RateLimited', ['RequestLimitExceeded']),
    ...rows('ProviderUnavailable', [
      'InternalError',
      'ServiceUnavailable',
      'ResourceUnavailable',
      'FailedOperation.CallOtherSvrError',
      'FailedOperation.CallOtherSvrFailed',
    ]),
    ...rows('OperationFailed', [
      'FailedOperation',
      'LimitExceeded',
      'ResourceInUse',
      'ResourceInsufficient',
      'UnsupportedOperation',
      'ResponseSizeLimitExceeded',
      'DryRunOperation',
    ]),
  },
  prefixes: [
    ['RequestLimitExceeded.', 'RateLimited'],
    ['InternalError.', 'ProviderUnavailable'],
    ['FailedOperation.', 'OperationFailed'],
  ],
};

export const aliyunTable: Table = {
  exact: {
    ...rows('SessionNotFound', [
      'NotFound.Task',
      'InvalidTask.NotFound',
      'CodeTaskNotExist',
      'TaskNotExist',
      'TaskNotFound',
    ]),
    ...rows('InvalidArgument', ['InvalidParam', 'InvalidParameter', 'MissingParam', 'MissingParameter']),
    ...rows('AuthenticationFailed', [
      'InvalidAccessKeyId.NotFound',
      'InvalidAccessKeyId.Inactive',
      'Forbidden.AccessKeyDisabled',
      'SignatureDoesNotMatch',
      'IncompleteSignature',
      'InvalidSignatureMethod',
      'InvalidTimeStamp.Expired',
      'InvalidTimeStamp.Format',
      'SignatureNonceUsed',
    ]),
    ...rows('PermissionDenied', ['Forbidden', 'Forbidden.RAM']),
    ...rows('ServiceDisabled', ['OperationDenied']),
    ...rows('ConfigurationError', [
      'InvalidAppId',
      'InvalidApi.NotFound',
      'InvalidAction.NotFound',
      'UnsupportedHTTPMethod',
    ]),
    ...rows('RateLimited', ['Throttling']),
    ...rows('ProviderUnavailable', ['InternalError', 'ServiceUnavailable']),
  },
  prefixes: [
    ['InvalidParameter.', 'InvalidArgument'],
    ['Missing', 'InvalidArgument'],
    ['InvalidSecurityToken.', 'AuthenticationFailed'],
    ['Forbidden.', 'PermissionDenied'],
    ['Throttling.', 'RateLimited'],
  ],
};

export const defaultRetryableTags: ReadonlySet<MixErrorTag> = new Set([
  'RateLimited',
  'ProviderUnavailable',
  'NetworkError',
  'Timeout',
]);

export function tagOf(table: Table, code: string): MixErrorTag {
  if (Object.hasOwn(table.exact, code)) return table.exact[code] as MixErrorTag;
  const prefix = [...table.prefixes].sort((a, b) => b[0].length - a[0].length).find(([p]) => code.startsWith(p));
  return prefix?.[1] ?? 'Unknown';
}

/** errors.md, "No code at all". */
export function tagOfStatus(status: number): MixErrorTag {
  if (status === 408) return 'Timeout';
  if (status === 429) return 'RateLimited';
  if (status >= 500 && status <= 599) return 'ProviderUnavailable';
  if (status === 401) return 'AuthenticationFailed';
  if (status === 403) return 'PermissionDenied';
  return 'MalformedResponse';
}

/** Every code the tables name, for the generators. */
export const knownCodes = [...Object.keys(tencentTable.exact), ...Object.keys(aliyunTable.exact)];
export const codePrefixes = [...tencentTable.prefixes, ...aliyunTable.prefixes].map(([p]) => p);

export interface ServedResponse {
  readonly status: number;
  /** As the client receives them: lower-case names, values trimmed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Expectation =
  | { readonly kind: 'right'; readonly requestId: string }
  | {
      readonly kind: 'left';
      readonly tag: MixErrorTag;
      readonly retryable: boolean;
      readonly httpStatus: number | undefined;
      readonly providerCode: string | undefined;
      /** Checked only when defined. */
      readonly requestId?: string | undefined;
      /** RateLimited with a readable delay: what retryAfterMs must be (undefined: not checked). */
      readonly retryAfterMs?: number | undefined;
    };

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const optionalString = (u: unknown) => u === undefined || typeof u === 'string';
const nonEmpty = (s: unknown) => (typeof s === 'string' && s.trim() !== '' ? s : undefined);

function parse(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/** `Retry-After` in plain seconds, when it is that simple (the HTTP-date form is checked by the matrix). */
function simpleRetryAfter(headers: ServedResponse['headers']): number | undefined {
  const value = headers['retry-after'];
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) * 1000 : undefined;
}

function byStatus(response: ServedResponse, requestId?: string): Expectation {
  const tag = tagOfStatus(response.status);
  return {
    kind: 'left',
    tag,
    retryable: defaultRetryableTags.has(tag),
    httpStatus: response.status,
    providerCode: undefined,
    ...(requestId === undefined ? {} : { requestId }),
  };
}

export function tencentExpectation(response: ServedResponse): Expectation {
  const parsed = parse(response.body);
  const envelope = parsed.ok && isRecord(parsed.value) ? parsed.value.Response : undefined;
  const error = isRecord(envelope) ? envelope.Error : undefined;
  if (
    isRecord(envelope) &&
    isRecord(error) &&
    typeof error.Code === 'string' &&
    optionalString(error.Message) &&
    optionalString(envelope.RequestId)
  ) {
    const tag = tagOf(tencentTable, error.Code);
    return {
      kind: 'left',
      tag,
      retryable: defaultRetryableTags.has(tag),
      // The API answers errors with 200; another status is a gateway's, and is kept.
      httpStatus: response.status === 200 ? undefined : response.status,
      providerCode: error.Code,
      requestId: envelope.RequestId as string | undefined,
      retryAfterMs: tag === 'RateLimited' ? simpleRetryAfter(response.headers) : undefined,
    };
  }
  if (response.status !== 200) {
    const expectation = byStatus(response);
    return expectation.kind === 'left' && expectation.tag === 'RateLimited'
      ? { ...expectation, retryAfterMs: simpleRetryAfter(response.headers) }
      : expectation;
  }
  // A success needs a RequestId that says something: an empty or blank one proves nothing was processed
  // (provider-tencent's protocol.ts refuses it as a malformed envelope).
  if (
    isRecord(envelope) &&
    typeof envelope.RequestId === 'string' &&
    envelope.RequestId.trim() !== '' &&
    !('Error' in envelope)
  ) {
    return { kind: 'right', requestId: envelope.RequestId };
  }
  return byStatus(response);
}

export function aliyunExpectation(response: ServedResponse): Expectation {
  const headerRequestId = nonEmpty(response.headers['x-acs-request-id']);
  const parsed = parse(response.body);
  const fields = ['RequestId', 'HostId', 'Code', 'Message', 'Recommend'];
  const envelope =
    parsed.ok &&
    isRecord(parsed.value) &&
    fields.every((f) => optionalString((parsed.value as Record<string, unknown>)[f]))
      ? parsed.value
      : undefined;
  const acsRetryAfter = response.headers['x-acs-retry-after'];
  const retryAfterMs =
    acsRetryAfter !== undefined && /^\d{1,9}$/.test(acsRetryAfter) && Number(acsRetryAfter) > 0
      ? Number(acsRetryAfter)
      : /^\d+$/.test(acsRetryAfter ?? '') && Number(acsRetryAfter) > 0
        ? undefined // a huge x-acs-retry-after: not pinned here
        : simpleRetryAfter(response.headers);
  if (envelope === undefined) {
    const expectation = byStatus(response, headerRequestId);
    return expectation.kind === 'left' && expectation.tag === 'RateLimited'
      ? { ...expectation, retryAfterMs }
      : expectation;
  }
  const code = nonEmpty(envelope.Code);
  const requestId = nonEmpty(envelope.RequestId);
  if (code !== undefined) {
    const tag = tagOf(aliyunTable, code);
    return {
      kind: 'left',
      tag,
      retryable: code === 'SignatureNonceUsed' || defaultRetryableTags.has(tag),
      httpStatus: response.status,
      providerCode: code,
      requestId: requestId ?? headerRequestId,
      retryAfterMs: tag === 'RateLimited' ? retryAfterMs : undefined,
    };
  }
  if (response.status >= 200 && response.status < 300 && requestId !== undefined) return { kind: 'right', requestId };
  const expectation = byStatus(response, requestId ?? headerRequestId);
  return expectation.kind === 'left' && expectation.tag === 'RateLimited'
    ? { ...expectation, retryAfterMs }
    : expectation;
}
