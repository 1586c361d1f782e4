import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ProviderPacing } from '../runner/adaptive-concurrency.js';
import type { MixError } from './errors.js';

/**
 * A provider's name, as its descriptor gives it. Core knows no vendor: the union of the names offered is derived
 * where the descriptor list is known (`mixtask`'s `MixTaskProviderName`).
 */
export type ProviderName = string;

/** What an app injects: one operation, every outcome a value. */
export interface MixTaskProvider {
  readonly name: ProviderName;
  /**
   * Stops the mix with this id (what an id names is the provider's: its descriptor's `stops`). The task never
   * throws and never rejects: every failure is a `Left<MixError>`.
   */
  stopMix(sessionOrTaskId: string, options?: StopMixOptions): TaskEither<MixError, StopMixSuccess>;
  /**
   * Refuses new calls (a `ConfigurationError`, with no request made), lets calls in flight settle, then ends the
   * provider's keep-alive sockets and timers. Idempotent; resolves, never rejects. Call it on shutdown (NestJS:
   * `onModuleDestroy`) so the process can exit on its own.
   */
  close(): Promise<void>;
  /**
   * The quota its limiter keeps and its recent round trip, when it has a limiter that tells its rate: what
   * `stopMixes` sizes its default concurrency from. Absent with `rateLimit: false`.
   */
  readonly pacing?: ProviderPacing;
}

export interface StopMixOptions {
  /** Cancels the call, including a wait for the rate limiter or a backoff: the result is `Aborted`. */
  readonly signal?: AbortSignal;
  /** A deadline for this whole call (every attempt and wait), overriding the provider's `deadlineMs`. */
  readonly timeoutMs?: number;
}

export interface StopMixSuccess {
  readonly provider: ProviderName;
  readonly id: string;
  /** The vendor's request id of the attempt that settled the call. */
  readonly requestId: string;
  /**
   * 'stopped': this call stopped it. 'already-stopped': the provider no longer knew the id, after an earlier
   * attempt of this call may have stopped it, or with `notFound: 'already-stopped'`.
   */
  readonly outcome: 'stopped' | 'already-stopped';
  readonly attempts: number;
}
