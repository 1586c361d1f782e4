import type { Either } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { MixErrorTag } from './errors.js';
import type { ProviderName } from './provider.js';

/**
 * What a provider adapter supplies: data and pure functions. Everything that is the same for every vendor
 * (credentials, rate limiting, HTTP, retries, deadlines, events) lives in the runner, once.
 */
export interface ProviderProtocol<Credentials> {
  readonly name: ProviderName;
  /** The documented default origin, e.g. https://live.example.com. */
  readonly defaultEndpoint: string;
  /** The documented per-account quota, the default of `rateLimit`. */
  readonly defaultRequestsPerSecond: number;
  /** The shape of one set of credentials; checked on every attempt (a credentials function may return anything). */
  readonly credentialsCodec: t.Type<Credentials, unknown, unknown>;
  /** Rejects a malformed id before any request is made. */
  validateId(id: unknown): Either<ProviderFailure, string>;
  /** Builds the signed request of one attempt. Pure: the same input gives the same request. */
  buildRequest(attempt: AttemptInput<Credentials>): OutgoingRequest;
  /** Reads one response into the vendor's request id, or a classified failure. */
  readResponse(response: IncomingResponse): Either<ProviderFailure, { readonly requestId: string }>;
  /** The names OpenTelemetry spans and metrics use for this API (telemetry.ts); optional for other adapters. */
  readonly telemetry?: ProtocolTelemetry;
}

/** How one provider's stop reads in traces: rpc.system.name, `{service}/{method}`, cloud.provider. */
export interface ProtocolTelemetry {
  /** `rpc.system.name`: the vendor's API system, e.g. 'example_cloud_api'. */
  readonly system: string;
  /** The vendor's service, e.g. 'live'. */
  readonly service: string;
  /** The vendor's action, e.g. 'CancelCommonMixStream'. */
  readonly method: string;
  /** `cloud.provider` of the called cloud: e.g. 'example_cloud'. */
  readonly cloudProvider?: string;
}

export interface AttemptInput<Credentials> {
  readonly id: string;
  readonly credentials: Credentials;
  /** The endpoint's origin, e.g. https://live.example.com or http://127.0.0.1:4000. */
  readonly endpoint: URL;
  /** The attempt's time in ms since the epoch: every attempt is signed afresh. */
  readonly timestampMs: number;
  /** A random UUID, unique per attempt (a signature nonce header, say). */
  readonly nonce: string;
}

export interface OutgoingRequest {
  readonly method: 'POST' | 'GET';
  readonly url: string;
  /** Sent as given (Host included: it is what was signed). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IncomingResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A failure as the adapter knows it; the runner adds provider, id and attempt count. */
export interface ProviderFailure {
  readonly tag: MixErrorTag;
  /** Overrides the tag's default retryability (e.g. a 'nonce already used' code: a retry carries a fresh one). */
  readonly retryable?: boolean;
  readonly reason?: string;
  readonly providerCode?: string;
  readonly providerMessage?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  /**
   * A wait the vendor asked for in its own header (e.g. Alibaba's x-acs-retry-after, in ms). Report it on any
   * answer: the runner honours it only for RateLimited and ProviderUnavailable, and reads the standard Retry-After
   * itself (an HTTP-date against its clock) when this is absent.
   */
  readonly retryAfterMs?: number;
  readonly details?: Readonly<Record<string, string>>;
}
