import type { CodeRule } from '@mixtask/core/adapter';

/**
 * Tencent's `Response.Error.Code` → the shared tag (design/errors.md). Every code the CancelCommonMixStream page
 * and the API 3.0 common-code page list appears here; a code not matched is `Unknown`, with the raw code kept.
 */
export const tencentCodeRules: readonly CodeRule[] = [
  {
    tag: 'SessionNotFound',
    codes: ['FailedOperation.CancelSessionNotExist', 'InvalidParameter.CancelSessionNotExist', 'ResourceNotFound'],
  },
  {
    tag: 'InvalidArgument',
    codes: [
      'InvalidParameter',
      'InvalidParameter.OtherError',
      'InvalidParameterValue',
      'MissingParameter',
      'UnknownParameter',
      'InvalidRequest',
      'RequestSizeLimitExceeded',
    ],
  },
  {
    tag: 'AuthenticationFailed',
    codes: [
      'AuthFailure.InvalidAuthorization',
      'AuthFailure.InvalidSecretId',
      'AuthFailure.MFAFailure',
      'AuthFailure.SecretIdNotFound',
      'AuthFailure.SignatureExpire',
      'AuthFailure.SignatureFailure',
      'AuthFailure.TokenFailure',
    ],
  },
  {
    tag: 'PermissionDenied',
    codes: ['AuthFailure.UnauthorizedOperation', 'UnauthorizedOperation', 'IpInBlacklist', 'IpNotInWhitelist'],
  },
  {
    tag: 'ServiceDisabled',
    codes: [
      'ResourceNotFound.ForbidService',
      'ResourceNotFound.FreezeService',
      'ResourceNotFound.StopService',
      'ResourceNotFound.UserDisableService',
    ],
  },
  {
    tag: 'ConfigurationError',
    codes: [
      'InvalidAction',
      'ActionOffline',
      'NoSuchVersion',
      'NoSuchProduct',
      'UnsupportedRegion',
      'UnsupportedProtocol',
    ],
  },
  {
    tag: 'RateLimited',
    codes: [
      'RequestLimitExceeded',
      'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
      'RequestLimitExceeded.IPLimitExceeded',
      'RequestLimitExceeded.UinLimitExceeded',
    ],
    prefixes: ['RequestLimitExceeded.'],
  },
  {
    tag: 'ProviderUnavailable',
    codes: [
      'InternalError',
      'ServiceUnavailable',
      'ResourceUnavailable',
      'FailedOperation.CallOtherSvrError',
      'FailedOperation.CallOtherSvrFailed',
    ],
    prefixes: ['InternalError.'],
  },
  {
    tag: 'OperationFailed',
    codes: [
      'FailedOperation',
      'LimitExceeded',
      'ResourceInUse',
      'ResourceInsufficient',
      'UnsupportedOperation',
      'ResponseSizeLimitExceeded',
    ],
    prefixes: ['FailedOperation.'],
  },
  {
    tag: 'OperationFailed',
    codes: ['DryRunOperation'],
    note: 'a dry run stops nothing, and this library never asks for one',
  },
];
