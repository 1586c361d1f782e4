import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { codeClassifier } from '@mixtask/core/adapter';
import type { MixErrorTag } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { awsIvsCodeRules, createAwsIvsProvider } from '@mixtask/provider-aws-ivs';

/** StopComposition's own errors (API reference), with the tag this library gives each: written out, not derived. */
const operationErrors: Record<string, MixErrorTag> = {
  AccessDeniedException: 'PermissionDenied',
  ConflictException: 'OperationFailed',
  InternalServerException: 'ProviderUnavailable',
  ResourceNotFoundException: 'SessionNotFound',
  ServiceQuotaExceededException: 'OperationFailed',
  ValidationException: 'InvalidArgument',
  PendingVerification: 'ServiceDisabled', // in the SDK's model for IVS real-time
};

/** AWS's "Common Errors" page (current and older editions), and what the front door answers in practice. */
const commonErrors: Record<string, MixErrorTag> = {
  AccessDeniedException: 'PermissionDenied',
  IncompleteSignature: 'AuthenticationFailed',
  InternalFailure: 'ProviderUnavailable',
  InvalidAction: 'ConfigurationError',
  InvalidClientTokenId: 'AuthenticationFailed',
  InvalidParameterCombination: 'InvalidArgument',
  InvalidParameterValue: 'InvalidArgument',
  InvalidQueryParameter: 'InvalidArgument',
  MalformedQueryString: 'InvalidArgument',
  MissingAction: 'InvalidArgument',
  MissingAuthenticationToken: 'AuthenticationFailed',
  MissingParameter: 'InvalidArgument',
  NotAuthorized: 'PermissionDenied',
  OptInRequired: 'ServiceDisabled',
  RequestExpired: 'AuthenticationFailed',
  ServiceUnavailable: 'ProviderUnavailable',
  ThrottlingException: 'RateLimited',
  Throttling: 'RateLimited',
  ValidationError: 'InvalidArgument',
  UnrecognizedClientException: 'AuthenticationFailed',
  InvalidSignatureException: 'AuthenticationFailed',
  ExpiredTokenException: 'AuthenticationFailed',
  MissingAuthenticationTokenException: 'AuthenticationFailed',
  UnknownOperationException: 'ConfigurationError',
  TooManyRequestsException: 'RateLimited',
  RequestTimeout: 'Timeout',
};

const classify = codeClassifier(awsIvsCodeRules);

describe('the code table', () => {
  it.each(Object.entries({ ...operationErrors, ...commonErrors }))('%s → %s', (code, tag) => {
    expect(classify(code).tag).toBe(tag);
  });

  it('leaves only names no page lists to Unknown', () => {
    expect(classify('SomethingNewException').tag).toBe('Unknown');
  });
});

describe('through the provider, each documented error answered by the emulator', () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator({ quota: { awsIvs: false } });
  });
  afterAll(async () => {
    await em.close();
  });

  it.each(Object.entries({ ...operationErrors, ...commonErrors }))(
    '%s comes back as %s with the raw name, status and request id',
    async (code, tag) => {
      em.inject({ vendor: 'aws-ivs', action: { type: 'code', code } });
      const provider = createAwsIvsProvider({
        region: em.awsIvs.region,
        credentials: em.awsIvs.credentials,
        endpoint: em.url,
        retry: false,
      });
      const result = await provider.stopMix(await em.awsIvs.createComposition())();
      expect(E.isLeft(result) && result.left).toMatchObject({
        _tag: tag,
        providerCode: code,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        httpStatus: expect.any(Number),
        attempts: 1,
      });
      await provider.close();
    },
  );
});
