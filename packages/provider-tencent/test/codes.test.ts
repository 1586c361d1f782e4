import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { codeClassifier, defaultRetryable } from '@mixtask/core/adapter';
import { type MixError, type MixErrorTag } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider, tencentCodeRules } from '@mixtask/provider-tencent';

/** The seed page's codes and the API 3.0 common codes, with the tag design/errors.md gives each (written out, not derived). */
const seedCodes: Record<string, MixErrorTag> = {
  FailedOperation: 'OperationFailed',
  'FailedOperation.CallOtherSvrError': 'ProviderUnavailable',
  'FailedOperation.CallOtherSvrFailed': 'ProviderUnavailable',
  'FailedOperation.CancelSessionNotExist': 'SessionNotFound',
  InternalError: 'ProviderUnavailable',
  InvalidParameter: 'InvalidArgument',
  'InvalidParameter.CancelSessionNotExist': 'SessionNotFound',
  'InvalidParameter.OtherError': 'InvalidArgument',
  'ResourceNotFound.ForbidService': 'ServiceDisabled',
  'ResourceNotFound.FreezeService': 'ServiceDisabled',
  'ResourceNotFound.StopService': 'ServiceDisabled',
  'ResourceNotFound.UserDisableService': 'ServiceDisabled',
};

const commonCodes: Record<string, MixErrorTag> = {
  ActionOffline: 'ConfigurationError',
  'AuthFailure.InvalidAuthorization': 'AuthenticationFailed',
  'AuthFailure.InvalidSecretId': 'AuthenticationFailed',
  'AuthFailure.MFAFailure': 'AuthenticationFailed',
  'AuthFailure.SecretIdNotFound': 'AuthenticationFailed',
  'AuthFailure.SignatureExpire': 'AuthenticationFailed',
  'AuthFailure.SignatureFailure': 'AuthenticationFailed',
  'AuthFailure.TokenFailure': 'AuthenticationFailed',
  'AuthFailure.UnauthorizedOperation': 'PermissionDenied',
  DryRunOperation: 'OperationFailed',
  FailedOperation: 'OperationFailed',
  InternalError: 'ProviderUnavailable',
  InvalidAction: 'ConfigurationError',
  InvalidParameter: 'InvalidArgument',
  InvalidParameterValue: 'InvalidArgument',
  InvalidRequest: 'InvalidArgument',
  IpInBlacklist: 'PermissionDenied',
  IpNotInWhitelist: 'PermissionDenied',
  LimitExceeded: 'OperationFailed',
  MissingParameter: 'InvalidArgument',
  NoSuchProduct: 'ConfigurationError',
  NoSuchVersion: 'ConfigurationError',
  RequestLimitExceeded: 'RateLimited',
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded': 'RateLimited',
  'RequestLimitExceeded.IPLimitExceeded': 'RateLimited',
  'RequestLimitExceeded.UinLimitExceeded': 'RateLimited',
  RequestSizeLimitExceeded: 'InvalidArgument',
  ResourceInUse: 'OperationFailed',
  ResourceInsufficient: 'OperationFailed',
  ResourceNotFound: 'SessionNotFound',
  ResourceUnavailable: 'ProviderUnavailable',
  ResponseSizeLimitExceeded: 'OperationFailed',
  ServiceUnavailable: 'ProviderUnavailable',
  UnauthorizedOperation: 'PermissionDenied',
  UnknownParameter: 'InvalidArgument',
  UnsupportedOperation: 'OperationFailed',
  UnsupportedProtocol: 'ConfigurationError',
  UnsupportedRegion: 'ConfigurationError',
};

/** Codes the table reaches by prefix, and codes it must not pretend to know. */
const otherCodes: Record<string, MixErrorTag> = {
  'RequestLimitExceeded.SomeFutureLimit': 'RateLimited',
  'InternalError.DbError': 'ProviderUnavailable',
  'FailedOperation.SomethingElse': 'OperationFailed',
  'Brand.NewCode': 'Unknown',
  'ResourceNotFound.SomethingElse': 'Unknown',
};

const everyCode = { ...seedCodes, ...commonCodes };

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false } });
});
afterAll(async () => {
  await em.close();
});

async function stopWith(code: string, options: { retry: false | { maxAttempts: number; baseDelayMs: number } }) {
  const provider = createTencentProvider({
    credentials: em.tencent.credentials,
    endpoint: em.url,
    rateLimit: false,
    retry: options.retry,
  });
  await em.tencent.createSession('room_codes');
  em.clearRequests();
  em.inject({ vendor: 'tencent', action: { type: 'code', code, message: `message of ${code}` }, times: 3 });
  const result = await provider.stopMix('room_codes')();
  em.clearFaults();
  if (E.isRight(result)) throw new Error(`${code}: expected a failure`);
  return result.left;
}

describe('every Tencent code comes back as the tag of design/errors.md', () => {
  it('lists every code of the seed page and of the common-code page in the table', () => {
    const listed = new Set(tencentCodeRules.flatMap((rule) => rule.codes ?? []));
    for (const code of Object.keys(everyCode)) expect(listed).toContain(code);
  });

  it('classifies with the table exactly as written in errors.md', () => {
    const classify = codeClassifier(tencentCodeRules);
    for (const [code, tag] of Object.entries({ ...everyCode, ...otherCodes }))
      expect([code, classify(code).tag]).toEqual([code, tag]);
  });

  it.each(Object.entries({ ...everyCode, ...otherCodes }))(
    '%s → %s, with the raw code, message and request id',
    async (code, tag) => {
      const error: MixError = await stopWith(code, { retry: false });
      const answered = em.requests();
      expect(answered).toHaveLength(1);
      expect(error).toMatchObject({
        _tag: tag,
        provider: 'tencent',
        id: 'room_codes',
        providerCode: code,
        providerMessage: `message of ${code}`,
        requestId: answered[0]?.requestId,
        retryable: defaultRetryable[tag],
        attempts: 1,
      });
      expect(error.httpStatus).toBeUndefined();
      expect(error.message).toContain(code);
      expect(error.message).toContain(answered[0]?.requestId);
    },
  );

  it.each(Object.entries(everyCode))('%s is retried only when %s is retryable', async (code, tag) => {
    const error = await stopWith(code, { retry: { maxAttempts: 3, baseDelayMs: 0 } });
    const expectedAttempts = defaultRetryable[tag] ? 3 : 1;
    expect(error.attempts).toBe(expectedAttempts);
    expect(em.requests()).toHaveLength(expectedAttempts);
    // The error is the last attempt's: its request id is the last one answered.
    expect(error.requestId).toBe(em.requests().at(-1)?.requestId);
  });
});
