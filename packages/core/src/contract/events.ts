import type { MixErrorTag } from './errors.js';
import type { ProviderName } from './provider.js';

/** What `onEvent` receives. Every field is safe to log: no credentials, signatures or signed URLs. */
export type MixEvent = AttemptEvent | AttemptResultEvent | RetryEvent | SuccessEvent | FailureEvent;

interface EventBase {
  readonly provider: ProviderName;
  readonly operation: 'stopMix';
  readonly id: string;
}

/** A request is about to be sent. */
export interface AttemptEvent extends EventBase {
  readonly type: 'attempt';
  readonly attempt: number;
  /** How long the call waited for the rate limiter before this attempt. */
  readonly rateLimitWaitMs: number;
}

/** One attempt settled. */
export interface AttemptResultEvent extends EventBase {
  readonly type: 'attempt-result';
  readonly attempt: number;
  readonly durationMs: number;
  readonly httpStatus?: number;
  readonly requestId?: string;
  /** Absent when the attempt succeeded. */
  readonly errorTag?: MixErrorTag;
  readonly providerCode?: string;
}

/** A retryable failure; the next attempt follows after `delayMs`. */
export interface RetryEvent extends EventBase {
  readonly type: 'retry';
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: MixErrorTag;
  readonly providerCode?: string;
  readonly requestId?: string;
}

export interface SuccessEvent extends EventBase {
  readonly type: 'success';
  readonly attempts: number;
  readonly durationMs: number;
  readonly requestId: string;
  readonly outcome: 'stopped' | 'already-stopped';
}

export interface FailureEvent extends EventBase {
  readonly type: 'failure';
  readonly attempts: number;
  readonly durationMs: number;
  readonly errorTag: MixErrorTag;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly requestId?: string;
  readonly details?: Readonly<Record<string, string>>;
}

export type MixEventListener = (event: MixEvent) => void;
