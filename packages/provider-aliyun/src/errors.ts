import type { CodeRule } from '@mixtask/core/adapter';

/**
 * Aliyun's `Code` → tag (errors.md). Classified by code, never by HTTP status: product pages give different
 * statuses for the same code. Exact codes win over prefixes, so `Forbidden.AccessKeyDisabled` stays an
 * authentication failure although `Forbidden.*` is a permission one.
 */
export const aliyunCodeRules: readonly CodeRule[] = [
  {
    tag: 'SessionNotFound',
    codes: ['NotFound.Task', 'InvalidTask.NotFound', 'CodeTaskNotExist', 'TaskNotExist', 'TaskNotFound'],
    note: 'StopLiveMPUTask documents none; these are the codes of its sibling APIs',
  },
  {
    tag: 'InvalidArgument',
    codes: ['InvalidParam', 'InvalidParameter', 'MissingParam', 'MissingParameter'],
    prefixes: ['InvalidParameter.', 'Missing'],
  },
  {
    tag: 'AuthenticationFailed',
    codes: [
      'InvalidAccessKeyId.NotFound',
      'InvalidAccessKeyId.Inactive',
      'Forbidden.AccessKeyDisabled',
      'SignatureDoesNotMatch',
      'IncompleteSignature',
      'InvalidSignatureMethod',
      'InvalidTimeStamp.Expired',
      'InvalidTimeStamp.Format',
    ],
    prefixes: ['InvalidSecurityToken.'],
  },
  {
    tag: 'AuthenticationFailed',
    codes: ['SignatureNonceUsed'],
    retryable: true,
    note: 'a retry carries a fresh nonce',
  },
  { tag: 'PermissionDenied', codes: ['Forbidden', 'Forbidden.RAM'], prefixes: ['Forbidden.'] },
  { tag: 'ServiceDisabled', codes: ['OperationDenied'], note: 'the account has not enabled the Live service' },
  {
    tag: 'ConfigurationError',
    codes: ['InvalidAppId', 'InvalidApi.NotFound', 'InvalidAction.NotFound', 'UnsupportedHTTPMethod'],
  },
  {
    tag: 'RateLimited',
    codes: ['Throttling'],
    prefixes: ['Throttling.'],
    note: 'retryAfterMs from x-acs-retry-after',
  },
  { tag: 'ProviderUnavailable', codes: ['InternalError', 'ServiceUnavailable'] },
];
