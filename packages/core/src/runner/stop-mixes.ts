import * as E from 'fp-ts/lib/Either.js';
import type { Task } from 'fp-ts/lib/Task.js';
import { describeId } from '../contract/describe-id.js';
import { isMixError, mixError, type MixError, type MixErrorTag } from '../contract/errors.js';
import type { MixTaskProvider, StopMixSuccess } from '../contract/provider.js';
import { isAbortSignal } from './create-stop-mix.js';
import { unknownKeyProblems } from '../config/strict-object.js';
import { foreignErrorCause, foreignErrorCode } from './foreign-error-cause.js';
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
   * Whether `ids` was read to its end. An array is always read to its end, after an abort too: every id of it
   * not attempted is in `notAttempted`. For any other iterable, false after an abort means stopMixes has NOT
   * closed the iterator (it never calls `return()`): the rest of the ids are still there for the caller to read,
   * list or close — after the id of `pendingRead`, if there is one.
   */
  readonly exhausted: boolean;
  readonly totals: StopMixesTotals;
  /** Failures counted by error tag. */
  readonly byTag: Readonly<Partial<Record<MixErrorTag, number>>>;
  /** Every failure, in the order they settled: the only part of the report that grows with the ids. */
  readonly failures: readonly StopMixesFailure[];
  /**
   * Ids read from `ids` that were never started: for an array, every id after the last one started; for another
   * iterable at most one (ids are read only when a slot is free).
   */
  readonly notAttempted: readonly string[];
  /**
   * Only after an abort that came while a read of a lazy iterable was waiting (stdin, a queue): stopMixes does not
   * wait for that read, and hands it over. It resolves to the id the read yields, or undefined when the ids ended
   * or failed; that id is not in `notAttempted`, and is the next of the rest the caller owns.
   */
  readonly pendingRead?: Promise<string | undefined>;
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
  return () =>
    start(provider, ids, options).catch((error: unknown) =>
      // A bug of ours must still come back as a report, never as a rejection.
      new ReportBuilder().build(
        'invalid-options',
        false,
        invalidArgument(
          'unknown',
          `internal error in stopMixes (please report it): ${foreignErrorCause(error, 'stopMixes failed').name}`,
        ),
      ),
    );
}

/** The options stopMixes takes: anything else is a typo (`concurency`) that would silently run with a default. */
const optionNames = ['concurrency', 'signal', 'inFlightOnAbort', 'timeoutMs', 'onResult'] as const;

/** The checked options, each read once (a getter is app code and may throw). */
interface Settings {
  /** Undefined: adaptive, from the provider's pacing (`adaptiveConcurrency`). */
  readonly concurrency: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly inFlightOnAbort: 'settle' | 'abort';
  readonly timeoutMs: number | undefined;
  readonly onResult: ((result: StopMixesResult) => void) | undefined;
}

function invalidArgument(provider: string, reason: string, cause?: unknown): MixError {
  return mixError('InvalidArgument', {
    provider,
    id: '',
    reason,
    ...(cause === undefined ? {} : { cause: foreignErrorCause(cause, reason) }),
  });
}

/** Checks what a JavaScript caller may hand over (anything) before a single id is read. */
async function start(provider: unknown, ids: Ids, options: unknown): Promise<StopMixesReport> {
  const name = providerName(provider);
  const refuse = (reason: string, cause?: unknown) =>
    new ReportBuilder().build('invalid-options', false, invalidArgument(name ?? 'unknown', reason, cause));
  if (name === undefined) {
    return refuse(
      `provider must be a MixTaskProvider (an object with stopMix), got ${kindOfProvider(provider)}` +
        (provider === undefined ? ": a registry's provider(name) is undefined for a name it was not given" : ''),
    );
  }
  let settings: Settings | string;
  try {
    settings = checkOptions(options);
  } catch (error) {
    return refuse('options could not be read (a Proxy or getter threw)', error);
  }
  if (typeof settings === 'string') return refuse(settings);
  return run(provider as MixTaskProvider, name, ids, settings);
}

/** The provider's name, or undefined when it is no provider at all. */
function providerName(provider: unknown): string | undefined {
  try {
    if (typeof provider !== 'object' || provider === null) return undefined;
    if (typeof (provider as MixTaskProvider).stopMix !== 'function') return undefined;
    const name: unknown = (provider as MixTaskProvider).name;
    return typeof name === 'string' ? name : 'unknown';
  } catch {
    return undefined; // a Proxy or getter that throws is no provider to call
  }
}

function kindOfProvider(provider: unknown): string {
  if (provider === null) return 'null';
  if (typeof provider === 'object') return 'an object without a stopMix function';
  return typeof provider === 'undefined' ? 'undefined' : `a ${typeof provider}`;
}

/** The options as settings, or the one line that says what is wrong with them. */
function checkOptions(options: unknown): Settings | string {
  if (options === undefined) options = {};
  const unknown = unknownKeyProblems(options, optionNames, 'options');
  if (unknown.length > 0) return unknown.join('; ');
  const given = options as Record<(typeof optionNames)[number], unknown>;
  const concurrency = given.concurrency;
  if (
    concurrency !== undefined &&
    (typeof concurrency !== 'number' ||
      !Number.isInteger(concurrency) ||
      concurrency < 1 ||
      concurrency > maxStopMixesConcurrency)
  ) {
    return `concurrency must be a whole number from 1 to ${maxStopMixesConcurrency}, got ${describeId(concurrency)}`;
  }
  const signal = given.signal;
  if (signal !== undefined && !isAbortSignal(signal)) return 'options.signal must be an AbortSignal';
  const inFlightOnAbort = given.inFlightOnAbort ?? 'settle';
  if (inFlightOnAbort !== 'settle' && inFlightOnAbort !== 'abort') {
    return `options.inFlightOnAbort must be 'settle' or 'abort', got ${describeId(inFlightOnAbort)}`;
  }
  const timeoutMs = given.timeoutMs;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    return 'options.timeoutMs must be a positive number of milliseconds';
  }
  const onResult = given.onResult;
  if (onResult !== undefined && typeof onResult !== 'function') return 'options.onResult must be a function';
  return {
    concurrency,
    signal,
    inFlightOnAbort,
    timeoutMs,
    onResult: onResult as Settings['onResult'],
  };
}

async function run(provider: MixTaskProvider, name: string, ids: Ids, options: Settings): Promise<StopMixesReport> {
  const report = new ReportBuilder();
  const problem = (reason: string, cause?: unknown) => invalidArgument(name, reason, cause);
  const concurrency = options.concurrency;
  let iterator: Iterator<unknown> | AsyncIterator<unknown>;
  try {
    iterator = iteratorOf(ids);
  } catch (error) {
    return report.build('invalid-options', false, problem('ids must be an Iterable or AsyncIterable of ids', error));
  }
  // An array is finite and already in memory: after an abort its rest is listed, not left for the caller to slice.
  const finite = Array.isArray(ids);

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
    void callProvider(provider, name, raw, id, callOptions).then((result) => {
      inFlight -= 1;
      control.settled();
      settle(id, result);
      wakeUp();
    });
  };

  let ended: StopMixesReport['ended'] = 'completed';
  let exhausted = false;
  let idsProblem: MixError | undefined;
  let pendingRead: Promise<string | undefined> | undefined;
  const shown = (value: unknown) => (typeof value === 'string' ? value : describeId(value));
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
      // The read races the signal: a source that waits (stdin, a queue) must not hold an abort up. A read the
      // abort overtakes is handed over as `pendingRead`, so the id it yields later is not lost.
      const reading = readNext(iterator);
      const next = signal === undefined ? await reading : await raceAbort(reading, signal);
      if (next === aborted) {
        ended = 'aborted';
        if (finite) {
          // An array's read never waits: the id it yields is listed with the rest below.
          const read = await reading;
          if ('value' in read) report.notAttempted.push(shown(read.value));
        } else pendingRead = reading.then((read) => ('value' in read ? shown(read.value) : undefined));
        break;
      }
      if ('problem' in next) {
        ended = 'ids-failed';
        exhausted = true; // an iterator that threw is finished
        const code = foreignErrorCode(next.problem);
        idsProblem = problem(`reading the ids failed${code === undefined ? '' : ` (${code})`}`, next.problem);
        break;
      }
      if (!('value' in next)) {
        exhausted = true;
        break;
      }
      if (signal?.aborted) {
        report.notAttempted.push(shown(next.value));
        ended = 'aborted';
        break;
      }
      start(next.value);
    }
    if (ended === 'aborted' && finite) {
      // An array's rest cannot wait or throw (its iterator is the array's own): every id of it is listed.
      for (let read = await readNext(iterator); 'value' in read; read = await readNext(iterator)) {
        report.notAttempted.push(shown(read.value));
      }
      exhausted = true;
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    signal?.removeEventListener('abort', wakeUp);
  }
  const built = report.build(ended, exhausted, idsProblem);
  return pendingRead === undefined ? built : { ...built, pendingRead };
}

type Read = { readonly value: unknown } | { readonly done: true } | { readonly problem: unknown };

/** One read of the ids, never throwing: an iterator that throws or answers garbage is a problem, not a crash. */
async function readNext(iterator: Iterator<unknown> | AsyncIterator<unknown>): Promise<Read> {
  try {
    const next = await iterator.next();
    if (typeof next !== 'object' || next === null) throw new TypeError('the iterator returned a non-object');
    return next.done === true ? { done: true } : { value: next.value };
  } catch (problem) {
    return { problem };
  }
}

const aborted = Symbol('aborted');

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof aborted> {
  if (signal.aborted) return Promise.resolve(aborted);
  let onAbort: () => void = () => undefined;
  const abortion = new Promise<typeof aborted>((resolve) => {
    onAbort = () => resolve(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, abortion]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** One stop, whatever the provider does: a throw, a rejection or a non-Either becomes an Internal failure (a provider
 * that breaks its contract is a bug, not a vendor's answer). */
async function callProvider(
  provider: MixTaskProvider,
  providerName: string,
  raw: unknown,
  id: string,
  callOptions: { signal?: AbortSignal; timeoutMs?: number },
): Promise<E.Either<MixError, StopMixSuccess>> {
  const broken = (reason: string, cause?: unknown) =>
    E.left(
      mixError('Internal', {
        provider: providerName,
        id,
        reason: `the provider broke its contract: ${reason}`,
        ...(cause === undefined ? {} : { cause: foreignErrorCause(cause, reason) }),
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
