import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixErrorTag } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';

/**
 * Every code the seed page (StopLiveMPUTask) and the reference's common list name, injected into the emulator
 * and read back through the whole stack: HTTP, envelope codec, code table, error union.
 */
const cases: readonly { code: string; status?: number; tag: MixErrorTag; retryable: boolean }[] = [
  // The seed page.
  { code: 'InvalidParam', tag: 'InvalidArgument', retryable: false },
  { code: 'InvalidAppId', tag: 'ConfigurationError', retryable: false },
  { code: 'MissingParam', tag: 'InvalidArgument', retryable: false },
  { code: 'MissingParam', status: 404, tag: 'InvalidArgument', retryable: false },
  { code: 'InternalError', tag: 'ProviderUnavailable', retryable: true },
  { code: 'OperationDenied', tag: 'ServiceDisabled', retryable: false },
  { code: 'Forbidden', tag: 'PermissionDenied', retryable: false },
  // The gateway's common codes.
  { code: 'InvalidApi.NotFound', tag: 'ConfigurationError', retryable: false },
  { code: 'InvalidAction.NotFound', tag: 'ConfigurationError', retryable: false },
  { code: 'MissingTaskId', tag: 'InvalidArgument', retryable: false },
  { code: 'MissingParameter', tag: 'InvalidArgument', retryable: false },
  { code: 'MissingParameter.CommandId', tag: 'InvalidArgument', retryable: false },
  { code: 'InvalidAccessKeyId.NotFound', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidAccessKeyId.Inactive', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidTimeStamp.Format', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidTimeStamp.Expired', tag: 'AuthenticationFailed', retryable: false },
  { code: 'SignatureNonceUsed', tag: 'AuthenticationFailed', retryable: true },
  { code: 'InvalidParameter', tag: 'InvalidArgument', retryable: false },
  { code: 'InvalidParameter.Format', tag: 'InvalidArgument', retryable: false },
  { code: 'InvalidTaskId', tag: 'Unknown', retryable: false },
  { code: 'InvalidSignatureMethod', tag: 'AuthenticationFailed', retryable: false },
  { code: 'SignatureDoesNotMatch', tag: 'AuthenticationFailed', retryable: false },
  { code: 'IncompleteSignature', tag: 'AuthenticationFailed', retryable: false },
  { code: 'UnsupportedHTTPMethod', tag: 'ConfigurationError', retryable: false },
  { code: 'Throttling', tag: 'RateLimited', retryable: true },
  { code: 'Throttling.User', tag: 'RateLimited', retryable: true },
  { code: 'Throttling.Api', tag: 'RateLimited', retryable: true },
  { code: 'Forbidden.RAM', tag: 'PermissionDenied', retryable: false },
  { code: 'Forbidden.AccessKeyDisabled', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidSecurityToken.Expired', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidSecurityToken.Malformed', tag: 'AuthenticationFailed', retryable: false },
  { code: 'InvalidSecurityToken.MismatchWithAccessKey', tag: 'AuthenticationFailed', retryable: false },
  { code: 'ServiceUnavailable', tag: 'ProviderUnavailable', retryable: true },
  // "Task does not exist": StopLiveMPUTask documents none, its siblings use these.
  { code: 'NotFound.Task', tag: 'SessionNotFound', retryable: false },
  { code: 'InvalidTask.NotFound', tag: 'SessionNotFound', retryable: false },
  { code: 'CodeTaskNotExist', tag: 'SessionNotFound', retryable: false },
  { code: 'TaskNotExist', tag: 'SessionNotFound', retryable: false },
  { code: 'TaskNotFound', tag: 'SessionNotFound', retryable: false },
  // Not in the table: kept raw.
  { code: 'Some.FutureCode', tag: 'Unknown', retryable: false },
];

describe('every documented Aliyun code comes back as its tag', () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator();
  });
  afterAll(async () => {
    await em.close();
  });

  it.each(cases.map((c) => ({ ...c, answered: c.status === undefined ? 'its default status' : `HTTP ${c.status}` })))(
    '$code ($answered) → $tag',
    async ({ code, status, tag, retryable }) => {
      const provider = createAliyunProvider({
        credentials: em.aliyun.credentials,
        appId: em.aliyun.appId,
        endpoint: em.url,
        retry: false,
      });
      await em.aliyun.startTask('task-1');
      em.inject({ vendor: 'aliyun', action: { type: 'code', code, ...(status === undefined ? {} : { status }) } });
      const result = await provider.stopMix('task-1')();
      const answered = em.requests().at(-1);

      expect(E.isLeft(result)).toBe(true);
      const error = (result as E.Left<MixError>).left;
      expect(error).toMatchObject({
        _tag: tag,
        provider: 'aliyun',
        id: 'task-1',
        providerCode: code,
        retryable,
        attempts: 1,
        httpStatus: answered?.status,
        requestId: answered?.requestId,
      });
      if (status !== undefined) expect(error.httpStatus).toBe(status);
      expect(error.message).toContain(code);
      expect(error.message).toContain(answered?.requestId);
      expect(error.details).toEqual({
        recommend: expect.stringContaining('https://api.aliyun.com/troubleshoot'),
        hostId: 'live.aliyuncs.com',
      });
    },
  );
});
