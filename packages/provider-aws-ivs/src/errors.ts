import type { CodeRule } from '@mixtask/core/adapter';

/**
 * The exception type AWS names (x-amzn-ErrorType, or the body's `code` / `__type`, as `@aws-sdk/client-ivs-realtime`
 * reads them) → the shared tag (design/errors.md). Every error of the StopComposition page, every code of AWS's
 * "Common Errors" page, and the other names the SDK's retry strategy knows for throttling, clock skew and transient
 * failures are here; only a name none of them lists is `Unknown`, with the raw name kept.
 */
export const awsIvsCodeRules: readonly CodeRule[] = [
  { tag: 'SessionNotFound', codes: ['ResourceNotFoundException'], note: 'no such composition: stopped, or never was' },
  {
    tag: 'OperationFailed',
    codes: ['ConflictException'],
    retryable: true,
    note:
      'the composition is changing state (STARTING or already STOPPING): retried with backoff, a stopped one then ' +
      'answers ResourceNotFoundException. Never already-stopped by itself: the code cannot say which state it was',
  },
  {
    tag: 'OperationFailed',
    codes: ['ServiceQuotaExceededException'],
    note: 'a service quota, not the call rate: waiting a second does not help',
  },
  {
    tag: 'InvalidArgument',
    codes: [
      'ValidationException',
      'ValidationError',
      'InvalidParameterValue',
      'InvalidParameterCombination',
      'InvalidQueryParameter',
      'MalformedQueryString',
      'MissingParameter',
      'MissingAction',
      'SerializationException',
    ],
  },
  {
    tag: 'AuthenticationFailed',
    codes: [
      'IncompleteSignature',
      'InvalidClientTokenId',
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
      'MissingAuthenticationToken',
      'MissingAuthenticationTokenException',
      'ExpiredToken',
      'ExpiredTokenException',
      'InvalidToken',
      'AuthFailure',
    ],
  },
  {
    tag: 'AuthenticationFailed',
    codes: ['RequestExpired', 'RequestTimeTooSkewed', 'RequestInTheFuture'],
    note: 'X-Amz-Date more than 5 minutes from AWS time: fix the clock (a retry signs with the same clock)',
  },
  { tag: 'PermissionDenied', codes: ['AccessDeniedException', 'AccessDenied', 'NotAuthorized'] },
  {
    tag: 'ServiceDisabled',
    codes: ['OptInRequired', 'PendingVerification', 'SubscriptionRequiredException'],
    note: 'the account is not subscribed to IVS in this region, or is pending verification',
  },
  { tag: 'ConfigurationError', codes: ['InvalidAction', 'UnknownOperationException'] },
  {
    tag: 'RateLimited',
    codes: [
      'ThrottlingException',
      'Throttling',
      'TooManyRequestsException',
      'RequestLimitExceeded',
      'RequestThrottled',
      'RequestThrottledException',
      'ThrottledException',
      'SlowDown',
      'BandwidthLimitExceeded',
      'LimitExceededException',
      'PriorRequestNotComplete',
      'ProvisionedThroughputExceededException',
      'TransactionInProgressException',
      'EC2ThrottledException',
    ],
    note: "the SDK's throttling names; retryAfterMs from Retry-After when sent",
  },
  {
    tag: 'ProviderUnavailable',
    codes: [
      'InternalServerException',
      'InternalFailure',
      'InternalServerError',
      'InternalError',
      'ServiceUnavailable',
      'ServiceUnavailableException',
    ],
  },
  {
    tag: 'Timeout',
    codes: ['RequestTimeout', 'RequestTimeoutException'],
    note: 'AWS gave up reading the request: it may or may not have been applied',
  },
];
