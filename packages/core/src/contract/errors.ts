import { escapeInvisible } from './invisible-characters.js';
import type { ProviderName } from './provider.js';

/** Every way a stop can fail. Programs branch on `_tag`; humans read `providerCode` and `requestId`. */
export const mixErrorTags = [
  'InvalidArgument',
  'SessionNotFound',
  'AuthenticationFailed',
  'PermissionDenied',
  'ServiceDisabled',
  'ConfigurationError',
  'RateLimited',
  'ProviderUnavailable',
  'OperationFailed',
  'NetworkError',
  'Timeout',
  'Aborted',
  'MalformedResponse',
  'Unknown',
  'Internal',
] as const;

export type MixErrorTag = (typeof mixErrorTags)[number];

/** Whether a tag is worth retrying when nothing more specific is known (errors.md, "default retryable"). */
export const defaultRetryable: Readonly<Record<MixErrorTag, boolean>> = {
  InvalidArgument: false,
  SessionNotFound: false,
  AuthenticationFailed: false,
  PermissionDenied: false,
  ServiceDisabled: false,
  ConfigurationError: false,
  RateLimited: true,
  ProviderUnavailable: true,
  OperationFailed: false,
  NetworkError: true,
  Timeout: true,
  Aborted: false,
  MalformedResponse: false,
  Unknown: false,
  Internal: false,
};

/** The fields every variant carries, so any of them can be logged the same way. */
export interface MixErrorFields {
  readonly provider: ProviderName;
  readonly operation: 'stopMix';
  /** The session / task id that was asked for (non-strings are described, long ids shortened). */
  readonly id: string;
  /** Human text: the tag, the provider code and the request id when there is one. */
  readonly message: string;
  readonly retryable: boolean;
  /** How many attempts reached the point of sending a request (0 when the call failed before any). */
  readonly attempts: number;
  readonly requestId?: string;
  /** The vendor's raw code, e.g. `FailedOperation.CancelSessionNotExist`. */
  readonly providerCode?: string;
  /** The vendor's raw message. */
  readonly providerMessage?: string;
  readonly httpStatus?: number;
  /** RateLimited: how long the provider asked us to wait. */
  readonly retryAfterMs?: number;
  /** Extra vendor diagnostics worth a ticket, e.g. a `Recommend` URL and a `HostId`. */
  readonly details?: Readonly<Record<string, string>>;
  /** The underlying failure, reduced to name/code/message. Non-enumerable: it never lands in JSON logs. */
  readonly cause?: unknown;
}

export type MixErrorOf<T extends MixErrorTag> = MixErrorFields & { readonly _tag: T };

export type InvalidArgument = MixErrorOf<'InvalidArgument'>;
export type SessionNotFound = MixErrorOf<'SessionNotFound'>;
export type AuthenticationFailed = MixErrorOf<'AuthenticationFailed'>;
export type PermissionDenied = MixErrorOf<'PermissionDenied'>;
export type ServiceDisabled = MixErrorOf<'ServiceDisabled'>;
export type ConfigurationError = MixErrorOf<'ConfigurationError'>;
export type RateLimited = MixErrorOf<'RateLimited'>;
export type ProviderUnavailable = MixErrorOf<'ProviderUnavailable'>;
export type OperationFailed = MixErrorOf<'OperationFailed'>;
export type NetworkError = MixErrorOf<'NetworkError'>;
export type Timeout = MixErrorOf<'Timeout'>;
export type Aborted = MixErrorOf<'Aborted'>;
export type MalformedResponse = MixErrorOf<'MalformedResponse'>;
/** A vendor code this library does not map yet: kept raw (`providerCode`), never dropped. */
export type Unknown = MixErrorOf<'Unknown'>;
/** A bug inside mixtask (or an adapter): not the vendor's answer, not the caller's input. Please report it. */
export type Internal = MixErrorOf<'Internal'>;

export type MixError =
  | InvalidArgument
  | SessionNotFound
  | AuthenticationFailed
  | PermissionDenied
  | ServiceDisabled
  | ConfigurationError
  | RateLimited
  | ProviderUnavailable
  | OperationFailed
  | NetworkError
  | Timeout
  | Aborted
  | MalformedResponse
  | Unknown
  | Internal;

/**
 * A marker shared by every copy of this package (Symbol.for is global), so `isMixError` still works when an app
 * ends up with two installs of @mixtask/core, where `instanceof` would not.
 */
const mixErrorMarker = Symbol.for('mixtask.error');

/** What builds an error: its identity, plus any of the optional fields; `message` is made from them. */
export interface MixErrorInput
  extends
    Pick<MixErrorFields, 'provider' | 'id'>,
    Partial<Omit<MixErrorFields, 'provider' | 'id' | 'operation' | 'message'>> {
  /** What went wrong in our words; the tag, provider code and request id are added around it. */
  readonly reason?: string;
}

/** Builds any variant. It takes no credentials, so none can end up in an error. */
export function mixError<T extends MixErrorTag>(tag: T, input: MixErrorInput): MixErrorOf<T> {
  const error: Record<string, unknown> = {
    _tag: tag,
    provider: input.provider,
    operation: 'stopMix',
    id: input.id,
    message: describe(tag, input),
    retryable: input.retryable ?? defaultRetryable[tag],
    attempts: input.attempts ?? 0,
  };
  if (input.requestId !== undefined) error.requestId = input.requestId;
  if (input.providerCode !== undefined) error.providerCode = input.providerCode;
  if (input.providerMessage !== undefined) error.providerMessage = input.providerMessage;
  if (input.httpStatus !== undefined) error.httpStatus = input.httpStatus;
  if (input.retryAfterMs !== undefined) error.retryAfterMs = input.retryAfterMs;
  if (input.details !== undefined) error.details = Object.freeze({ ...input.details });
  Object.defineProperty(error, mixErrorMarker, { value: true, enumerable: false });
  if (input.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: input.cause, enumerable: false });
  }
  return Object.freeze(error) as unknown as MixErrorOf<T>;
}

function describe(tag: MixErrorTag, input: MixErrorInput): string {
  // No id: an error about the configuration itself, not about one call.
  // Quoted as JSON would, and with invisible characters (bidi overrides, zero-width spaces) escaped too, so the
  // message shows the id that was asked for. An id from describeId is already escaped and passes unchanged.
  const quoted = `"${escapeInvisible(input.id).replace(/"/g, '\\"')}"`;
  const subject = input.id === '' ? input.provider : `${input.provider} stopMix(${quoted})`;
  const parts = [`${tag}: ${subject}`];
  if (input.reason !== undefined) parts.push(input.reason);
  if (input.providerCode !== undefined) {
    const vendorText = input.providerMessage === undefined ? '' : ` ${input.providerMessage}`;
    parts.push(`[${input.providerCode}]${vendorText}`);
  }
  if (input.httpStatus !== undefined) parts.push(`HTTP ${input.httpStatus}`);
  if (input.requestId !== undefined) parts.push(`RequestId ${input.requestId}`);
  return parts.join(' — ');
}

const tagSet: ReadonlySet<string> = new Set(mixErrorTags);

/** True for any MixError, even one made by another copy of @mixtask/core. */
export function isMixError(u: unknown): u is MixError {
  try {
    return (
      typeof u === 'object' &&
      u !== null &&
      (u as Record<symbol, unknown>)[mixErrorMarker] === true &&
      tagSet.has((u as { _tag?: unknown })._tag as string)
    );
  } catch {
    // A Proxy (revoked, or with throwing traps) is not one of ours, and asking must not throw.
    return false;
  }
}

export type MixErrorHandlers<R> = {
  readonly [K in MixErrorTag]: (e: Extract<MixError, { _tag: K }>) => R;
};

/** Exhaustive match: leaving out a tag is a compile error. */
export function matchMixError<R>(handlers: MixErrorHandlers<R>): (e: MixError) => R {
  return (e) => (handlers[e._tag] as (e: MixError) => R)(e);
}

/**
 * Non-exhaustive match: handle the tags you care about, the rest go to `otherwise`. Prefer it to
 * `matchMixError` where a tag added in a later version should not break your build.
 */
export function matchMixErrorOrElse<R>(
  handlers: Partial<MixErrorHandlers<R>>,
  otherwise: (e: MixError) => R,
): (e: MixError) => R {
  return (e) => {
    const handler = handlers[e._tag] as ((e: MixError) => R) | undefined;
    return handler === undefined ? otherwise(e) : handler(e);
  };
}
