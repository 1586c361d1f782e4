import * as E from 'fp-ts/lib/Either.js';
import type { Task } from 'fp-ts/lib/Task.js';
import { describeId } from '../contract/describe-id.js';
import { isMixError, mixError, type MixError, type MixErrorTag } from '../contract/errors.js';
import type { MixTaskProvider, StopMixSuccess } from '../contract/provider.js';
import { adaptiveConcurrency, pacingOf } from './adaptive-concurrency.js';

/**
 * The concurrency when the provider does not tell its pacing (`rateLimit: false`, or a limiter that does not say its
 * rate). With pacing, the default follows the quota and the round trip instead (`inFlightFor`).
 */
export const defaultStopMixesConcurrency = 16;
/** More than this many calls at once is a mistake, not a tuning: the provider's limiter would queue them anyway. */
export const maxStopMixesConcurrency = 1024;

export interface StopMixesOptions {
  /**
   * How many stops run at once: a whole number from 1 to 1024, fixed. Default: adaptive — the provider's quota ×
   * its recent round trip × 2 (`inFlightFor`), read again before each stop, so it reaches the quota and follows the
   * latency; 16 when the provider tells no pacing (`rateLimit: false`). The provider's limiter paces them.
   */
  readonly concurrency?: number;
  /**
   * Stops dispatching: no id is started once it aborts. What happens to the calls already in flight is
   * `inFlightOnAbort`'s choice.
   */
  readonly signal?: AbortSignal;
  /**
   * 'settle' (default): calls in flight finish on their own, bounded by the provider's deadline (or `timeoutMs`),
   * so no stop ends in the ambiguous "aborted, maybe delivered" state. 'abort': they get the signal too and settle
   * at once, most as `Aborted`.
   */
  readonly inFlightOnAbort?: 'settle' | 'abort';
  /** Passed to every stopMix: the deadline of each call, retries included. */
  readonly timeoutMs?: number;
  /** Called once per attempted id, as it settles. A throw is counted in `onResultErrors` and otherwise ignored. */
  readonly onResult?: (result: StopMixesResult) => void;
}

export interface StopMixesResult {
  readonly id: string;
  readonly result: E.Either<MixError, StopMixSuccess>;
}

export interface StopMixesFailure {
  readonly id: string;
  readonly error: MixError;
}

export interface StopMixesTotals {
  /** Ids handed to stopMix: stopped + alreadyStopped + failed. */
  readonly attempted: number;
  readonly stopped: number;
  readonly alreadyStopped: number;
  readonly failed: number;
  /** Ids read from `ids` but never started: `notAttempted.length`. */
  readonly notAttempted: number;
}

export interface StopMixesReport {
  /**
   * 'completed': every id was read and settled. 'aborted': the signal stopped it. 'ids-failed': reading `ids`
   * threw (see `problem`); the ids read before settled normally. 'invalid-options': nothing was read or sent.
   */
  readonly ended: 'completed' | 'aborted' | 'ids-failed' | 'invalid-options';
  /**
   * Whether `ids` was read to its end. When false after an abort, stopMixes has NOT closed the iterator (it never
   * calls `return()`): the rest of the ids are still there for the caller to read, list or close. An array is
   * restartable instead: its rest is `ids.slice(totals.attempted + totals.notAttempted)`.
   */
  readonly exhausted: boolean;
  readonly totals: StopMixesTotals;
  /** Failures counted by error tag. */
  readonly byTag: Readonly<Partial<Record<MixErrorTag, number>>>;
  /** Every failure, in the order they settled: the only part of the report that grows with the ids. */
  readonly failures: readonly StopMixesFailure[];
  /** Ids read from `ids` that were never started (at most one: ids are read only when a slot is free). */
  readonly notAttempted: readonly string[];
  /** Why it ended early, for 'ids-failed' and 'invalid-options': an InvalidArgument with an empty id. */
  readonly problem?: MixError;
  /** How many times `onResult` threw. */
  readonly onResultErrors: number;
}

type Ids = Iterable<unknown> | AsyncIterable<unknown>;

/**
 * Stops many mixes through one provider, `concurrency` at a time, reading `ids` lazily (a generator or a file's
 * lines are streamed, never collected), and reports every id exactly once: in `failures`, in the success counts or
 * in `notAttempted`. The task never rejects — not when `ids` throws, not when the provider breaks its contract,
 * not when `onResult` throws. Ids are not de-duplicated (that would cost memory per id): a repeated id is stopped
 * again, and reads as already stopped or SessionNotFound depending on the provider's `notFound`.
 */
export function stopMixes(
  provider: MixTaskProvider,
  ids: Iterable<string> | AsyncIterable<string>,
  options: StopMixesOptions = {},
): Task<StopMixesReport> {
  return () => run(provider, ids, options);
}

async function run(provider: MixTaskProvider, ids: Ids, options: StopMixesOptions): Promise<StopMixesReport> {
  const report = new ReportBuilder();
  const problem = (reason: string, cause?: unknown) =>
    mixError('InvalidArgument', {
      provider: provider.name,
      id: '',
      reason,
      ...(cause === undefined ? {} : { cause: reducedCause(cause) }),
    });

  const concurrency = options.concurrency;
  if (
    concurrency !== undefined &&
    (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maxStopMixesConcurrency)
  ) {
    return report.build(
      'invalid-options',
      false,
      problem(
        `concurrency must be a whole number from 1 to ${maxStopMixesConcurrency}, got ${describeId(concurrency)}`,
      ),
    );
  }
  let iterator: Iterator<unknown> | AsyncIterator<unknown>;
  try {
    iterator = iteratorOf(ids);
  } catch (error) {
    return report.build('invalid-options', false, problem('ids must be an Iterable or AsyncIterable of ids', error));
  }

  const control =
    concurrency === undefined
      ? adaptiveConcurrency(pacingOf(provider), defaultStopMixesConcurrency)
      : { limit: () => concurrency, settled: () => undefined };
  const signal = options.signal;
  const callSignal = options.inFlightOnAbort === 'abort' ? signal : undefined;
  const callOptions = {
    ...(callSignal === undefined ? {} : { signal: callSignal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };

  // One waiter at most: the dispatch loop, parked until a slot frees or the signal aborts.
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  signal?.addEventListener('abort', wakeUp, { once: true });

  const settle = (id: string, result: E.Either<MixError, StopMixSuccess>) => {
    report.add(id, result);
    if (options.onResult !== undefined) {
      try {
        options.onResult({ id, result });
      } catch {
        report.onResultErrors += 1;
      }
    }
  };
  const start = (raw: unknown) => {
    const id = typeof raw === 'string' ? raw : describeId(raw);
    inFlight += 1;
    void callProvider(provider, raw, id, callOptions).then((result) => {
      inFlight -= 1;
      control.settled();
      settle(id, result);
      wakeUp();
    });
  };

  let ended: StopMixesReport['ended'] = 'completed';
  let exhausted = false;
  let idsProblem: MixError | undefined;
  try {
    for (;;) {
      if (signal?.aborted) {
        ended = 'aborted';
        break;
      }
      if (inFlight >= control.limit()) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      // A read is never raced against the signal: an id it yields after an abort would otherwise be lost.
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
        if (typeof next !== 'object' || next === null) throw new TypeError('the iterator returned a non-object');
      } catch (error) {
        ended = 'ids-failed';
        exhausted = true; // an iterator that threw is finished
        idsProblem = problem(`reading the ids failed: ${reducedCause(error).message}`, error);
        break;
      }
      if (next.done === true) {
        exhausted = true;
        break;
      }
      if (signal?.aborted) {
        report.notAttempted.push(typeof next.value === 'string' ? next.value : describeId(next.value));
        ended = 'aborted';
        break;
      }
      start(next.value);
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    signal?.removeEventListener('abort', wakeUp);
  }
  return report.build(ended, exhausted, idsProblem);
}

/** One stop, whatever the provider does: a throw, a rejection or a non-Either becomes an Internal failure (a provider
 * that breaks its contract is a bug, not a vendor's answer). */
async function callProvider(
  provider: MixTaskProvider,
  raw: unknown,
  id: string,
  callOptions: { signal?: AbortSignal; timeoutMs?: number },
): Promise<E.Either<MixError, StopMixSuccess>> {
  const broken = (reason: string, cause?: unknown) =>
    E.left(
      mixError('Internal', {
        provider: provider.name,
        id,
        reason: `the provider broke its contract: ${reason}`,
        ...(cause === undefined ? {} : { cause: reducedCause(cause) }),
      }) as MixError,
    );
  try {
    const result: unknown = await provider.stopMix(raw as string, callOptions)();
    if (E.isLeft(result as E.Either<unknown, unknown>)) {
      const left = (result as E.Left<unknown>).left;
      return isMixError(left) ? E.left(left) : broken('stopMix resolved to a Left that is not a MixError');
    }
    if (E.isRight(result as E.Either<unknown, unknown>)) return result as E.Either<MixError, StopMixSuccess>;
    return broken('stopMix resolved to something other than an Either');
  } catch (error) {
    return broken('stopMix threw or rejected', error);
  }
}

function iteratorOf(ids: Ids): Iterator<unknown> | AsyncIterator<unknown> {
  const asyncIterable = ids as AsyncIterable<unknown>;
  if (typeof asyncIterable?.[Symbol.asyncIterator] === 'function') return asyncIterable[Symbol.asyncIterator]();
  const iterable = ids as Iterable<unknown>;
  if (typeof iterable?.[Symbol.iterator] === 'function' && typeof ids !== 'string') {
    return iterable[Symbol.iterator]();
  }
  throw new TypeError(`not iterable: ${describeId(ids)}`);
}

/** A thrown value reduced to name/code/message, so nothing else it holds reaches a report or a log. */
function reducedCause(error: unknown): Error {
  const source = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
  };
  const cause = new Error(typeof source.message === 'string' ? source.message : String(error));
  cause.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.code === 'string') Object.assign(cause, { code: source.code });
  return cause;
}

class ReportBuilder {
  stopped = 0;
  alreadyStopped = 0;
  readonly byTag: Partial<Record<MixErrorTag, number>> = {};
  readonly failures: StopMixesFailure[] = [];
  readonly notAttempted: string[] = [];
  onResultErrors = 0;

  add(id: string, result: E.Either<MixError, StopMixSuccess>): void {
    if (E.isRight(result)) {
      if (result.right.outcome === 'already-stopped') this.alreadyStopped += 1;
      else this.stopped += 1;
      return;
    }
    this.failures.push({ id, error: result.left });
    this.byTag[result.left._tag] = (this.byTag[result.left._tag] ?? 0) + 1;
  }

  build(ended: StopMixesReport['ended'], exhausted: boolean, problem?: MixError): StopMixesReport {
    const failed = this.failures.length;
    return {
      ended,
      exhausted,
      totals: {
        attempted: this.stopped + this.alreadyStopped + failed,
        stopped: this.stopped,
        alreadyStopped: this.alreadyStopped,
        failed,
        notAttempted: this.notAttempted.length,
      },
      byTag: { ...this.byTag },
      failures: this.failures,
      notAttempted: this.notAttempted,
      ...(problem === undefined ? {} : { problem }),
      onResultErrors: this.onResultErrors,
    };
  }
}
