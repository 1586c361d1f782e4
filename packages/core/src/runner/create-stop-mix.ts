import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { timerDelay, type Clock } from './clock.js';
import { describeId } from '../contract/describe-id.js';
import { defaultRetryable, mixError, type MixError, type MixErrorTag } from '../contract/errors.js';
import type { MixEvent, MixEventListener } from '../contract/events.js';
import { describeValidationErrors, type CredentialsSource } from '../config/options.js';
import type { IncomingResponse, OutgoingRequest, ProviderFailure, ProviderProtocol } from '../contract/protocol.js';
import type { ProviderName, StopMixOptions, StopMixSuccess } from '../contract/provider.js';
import type { RateLimiter, RateLimitWait } from '../limiter/rate-limiter.js';
import { isCredentialSourceError } from './credential-source.js';
import { sendAttempt } from '../transport/send-attempt.js';
import { maxResponseBytes, type Transport } from '../transport/transport.js';
import { foreignErrorCause } from './foreign-error-cause.js';
import { tolerantOf, unknownKeyProblems } from '../config/strict-object.js';
import { retryAfterFromHeaders } from '../adapter-kit/http-status.js';
import type * as t from 'io-ts';

export interface RunnerConfig<C> {
  readonly protocol: ProviderProtocol<C>;
  readonly credentials: CredentialsSource<C>;
  readonly endpoint: URL;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly backoff: BackoffPolicy;
  readonly limiter: RateLimiter | undefined;
  readonly notFound: 'error' | 'already-stopped';
  readonly onEvent: MixEventListener | undefined;
  readonly clock: Clock;
  readonly transport: Transport;
  /** Sent as User-Agent with every attempt: `mixtask/<version> (<provider>)` and what the app adds. */
  readonly userAgent: string;
}

/** The config plus what one provider instance keeps between calls (held here, not in module globals). */
interface Runner<C> extends RunnerConfig<C> {
  /** The credentials function's answer codec (tolerant of extra fields), built at the first answer. */
  readonly answerCodec: () => t.Type<C, unknown, unknown>;
}

/** A failure plus what the runner needs to decide on it. */
interface AttemptFailure extends ProviderFailure {
  /** The provider may have acted on the request (a stop that timed out may still have stopped the mix). */
  readonly maybeDelivered: boolean;
  readonly cause?: unknown;
}

type AttemptResult = E.Either<AttemptFailure, { readonly requestId: string }>;

/** An attempt that ended the call before a request was answered (abort, deadline, bad credentials). */
type Settled = { readonly settled: E.Either<MixError, StopMixSuccess> };

/** What a call's options may hold (StopMixOptions). */
const callOptionNames = ['signal', 'timeoutMs'];

/** A day: the same bound the provider options put on deadlineMs. */
const maxCallBudgetMs = 86_400_000;

/** Answers after which the provider may still have acted on the stop (a 5xx, a 408): a later "not found" means it did. */
const maybeDeliveredTags: ReadonlySet<MixErrorTag> = new Set(['ProviderUnavailable', 'Timeout']);

/** The answers whose Retry-After (or the vendor's own wait header) the backoff honours. */
const retryAfterTags: ReadonlySet<MixErrorTag> = new Set(['RateLimited', 'ProviderUnavailable']);

/**
 * The one place that turns an adapter's protocol into a resilient stop. It reads as the pipeline it is:
 *
 *   validate → (per attempt: rate limit → credentials → sign → send → classify) → retry (re-signed) → one Either.
 *
 * The task resolves in every case and never rejects.
 */
export function createStopMix<C>(
  config: RunnerConfig<C>,
): (id: string, options?: StopMixOptions) => TaskEither<MixError, StopMixSuccess> {
  let answerCodec: t.Type<C, unknown, unknown> | undefined;
  const runner: Runner<C> = {
    ...config,
    answerCodec: () => (answerCodec ??= tolerantOf(config.protocol.credentialsCodec) as t.Type<C, unknown, unknown>),
  };
  return (id, options) => () =>
    stopMix(runner, id, options).catch((error: unknown) =>
      // A bug in mixtask or an adapter must still come back as a value, and must not pass for a vendor's answer.
      E.left(
        mixError('Internal', {
          provider: config.protocol.name,
          id: describeId(id),
          reason: 'internal error in mixtask (please report it)',
          // App code (a getter, a Proxy) can end up here too: name and code only, never a message that may
          // quote a secret.
          cause: foreignErrorCause(error, 'internal error in mixtask'),
        }),
      ),
    );
}

/** Not async: a synchronous throw must reach createStopMix's catch as a rejection, so it is wrapped here. */
function stopMix<C>(
  config: Runner<C>,
  rawId: unknown,
  options: StopMixOptions | undefined,
): Promise<E.Either<MixError, StopMixSuccess>> {
  try {
    const call = new StopCall(config, rawId);
    const limits = call.checkOptions(options);
    if (E.isLeft(limits)) return Promise.resolve(limits);
    const validId = config.protocol.validateId(rawId);
    if (E.isLeft(validId)) return Promise.resolve(call.fail(validId.left.tag, validId.left));
    return call.withRetries(validId.right, limits.right);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** What the caller's options come to: a signal and an absolute deadline. */
interface CallLimits {
  readonly signal: AbortSignal | undefined;
  readonly budgetMs: number;
  readonly deadlineAt: number;
}

/** One stopMix call: its attempts, its events, and how it ends. */
class StopCall<C> {
  readonly #config: Runner<C>;
  readonly #provider: ProviderName;
  readonly #shownId: string;
  readonly #startedAt: number;
  #attempts = 0;
  #budgetMs = 0;

  constructor(config: Runner<C>, rawId: unknown) {
    this.#config = config;
    this.#provider = config.protocol.name;
    this.#shownId = describeId(rawId);
    this.#startedAt = config.clock.now();
  }

  /** validate: a JavaScript caller may pass anything as options. */
  checkOptions(options: StopMixOptions | undefined): E.Either<MixError, CallLimits> {
    try {
      return this.#checkOptions(options);
    } catch (error) {
      // A Proxy or a getter of the caller's options threw: the caller's input, not a bug of ours.
      return this.fail('InvalidArgument', {
        reason: 'options could not be read (a Proxy or getter threw)',
        cause: foreignErrorCause(error, 'the call options could not be read'),
      });
    }
  }

  #checkOptions(options: StopMixOptions | undefined): E.Either<MixError, CallLimits> {
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      return this.fail('InvalidArgument', { reason: 'options must be an object: { signal?, timeoutMs? }' });
    }
    // `timeoutMS` would otherwise run with the provider's deadline, which nobody chose for this call.
    const unknown = unknownKeyProblems(options, callOptionNames, 'options');
    if (unknown.length > 0) return this.fail('InvalidArgument', { reason: unknown.join('; ') });
    const signal = isAbortSignal(options?.signal) ? options.signal : undefined;
    if (options?.signal !== undefined && signal === undefined) {
      return this.fail('InvalidArgument', { reason: 'options.signal must be an AbortSignal' });
    }
    const budgetMs = options?.timeoutMs ?? this.#config.deadlineMs;
    if (typeof budgetMs !== 'number' || !Number.isFinite(budgetMs) || budgetMs <= 0 || budgetMs > maxCallBudgetMs) {
      return this.fail('InvalidArgument', {
        reason: `options.timeoutMs must be a positive number of milliseconds, at most ${maxCallBudgetMs}`,
      });
    }
    this.#budgetMs = budgetMs;
    return E.right({ signal, budgetMs, deadlineAt: this.#startedAt + budgetMs });
  }

  /** retry: attempts until one settles the call, the retries run out, or the deadline would pass. */
  async withRetries(id: string, limits: CallLimits): Promise<E.Either<MixError, StopMixSuccess>> {
    const { clock, backoff } = this.#config;
    let earlierMayHaveStopped = false;
    for (let attempt = 1; ; attempt++) {
      if (limits.signal?.aborted) return this.aborted();
      const outcome = await this.attempt(id, attempt, limits);
      if ('settled' in outcome) return outcome.settled;
      const { result, timeoutMs } = outcome;
      if (E.isRight(result)) return this.succeed(result.right.requestId, 'stopped');
      const failure = result.left;

      if (failure.tag === 'SessionNotFound' && (earlierMayHaveStopped || this.#config.notFound === 'already-stopped')) {
        // Cancelling is not idempotent server-side: "not found" after an attempt that may have landed means
        // that attempt stopped it (errors.md, "Retry semantics for a stop").
        return this.succeed(failure.requestId ?? '', 'already-stopped');
      }
      if (failure.tag === 'Aborted') return this.aborted(failure.cause);
      if (failure.tag === 'Timeout' && timeoutMs < this.#config.timeoutMs) {
        // This attempt had only what was left of the deadline, and used it up.
        return this.fail('Timeout', { ...failure, retryable: false, reason: this.#deadlineReason() });
      }
      earlierMayHaveStopped ||= failure.maybeDelivered;

      const retryable = failure.retryable ?? defaultRetryable[failure.tag];
      if (!retryable || attempt >= backoff.maxAttempts) return this.fail(failure.tag, failure);
      const delayMs = backoffDelay(backoff, attempt, failure.retryAfterMs);
      // The next attempt could not start in time: the last answer is the most useful thing to return.
      if (clock.now() + delayMs >= limits.deadlineAt) return this.fail(failure.tag, failure);
      this.emit({
        type: 'retry',
        ...this.#eventBase(id),
        attempt,
        delayMs,
        reason: failure.tag,
        ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
        ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
      });
      // Even a zero wait goes through the clock: a fake clock in tests then sees every backoff.
      if (!(await clock.sleep(delayMs, limits.signal))) return this.aborted();
    }
  }

  /** One attempt: rate limit → credentials → sign → send → classify. The limiter's slot is freed after the answer. */
  async attempt(
    id: string,
    attempt: number,
    { signal, deadlineAt }: CallLimits,
  ): Promise<Settled | { readonly result: AttemptResult; readonly timeoutMs: number }> {
    const { clock, limiter } = this.#config;
    let rateLimitWaitMs = 0;
    let release = (): void => undefined;
    if (limiter !== undefined) {
      const slot = await acquireSlot(limiter, clock, signal, deadlineAt);
      if (!slot.ok) return { settled: this.#notPaced(slot.reason) };
      rateLimitWaitMs = slot.waitedMs;
      release = slot.release;
    }
    try {
      // Static credentials were checked with the options: no promise to wait on for them.
      const source = this.#config.credentials;
      const credentials =
        typeof source === 'function' ? await resolveCredentials(this.#config, signal, deadlineAt) : E.right(source);
      if (E.isLeft(credentials)) {
        if (credentials.left === 'aborted') return { settled: this.aborted() };
        if (credentials.left === 'deadline') return { settled: this.deadlineSpent() };
        return { settled: this.fail(credentials.left.tag, credentials.left) };
      }
      const remaining = deadlineAt - clock.now();
      if (remaining <= 0) return { settled: this.deadlineSpent() };
      const timeoutMs = Math.min(this.#config.timeoutMs, remaining);

      this.#attempts = attempt;
      // Events are built only when someone listens: three objects per attempt on the per-call path otherwise.
      const listening = this.#config.onEvent !== undefined;
      if (listening) this.emit({ type: 'attempt', ...this.#eventBase(id), attempt, rateLimitWaitMs });
      const attemptStartedAt = clock.now();
      const result = await sendOnce(this.#config, id, credentials.right, timeoutMs, signal);
      if (listening) this.#emitAttemptResult(id, attempt, clock.now() - attemptStartedAt, result);
      return { result, timeoutMs };
    } finally {
      release();
    }
  }

  /** A limiter that gave no slot: the caller's abort, the deadline, or a limiter that was closed. */
  #notPaced(reason: 'aborted' | 'deadline' | 'closed'): E.Either<MixError, StopMixSuccess> {
    if (reason === 'aborted') return this.aborted();
    if (reason === 'deadline') return this.deadlineSpent();
    return this.fail('ConfigurationError', {
      reason:
        'the rate limiter was closed (close() was called on it, or on the provider that made it); nothing was sent',
    });
  }

  #emitAttemptResult(id: string, attempt: number, durationMs: number, result: AttemptResult): void {
    const requestId = E.isRight(result) ? result.right.requestId : result.left.requestId;
    const failure = E.isLeft(result) ? result.left : undefined;
    this.emit({
      type: 'attempt-result',
      ...this.#eventBase(id),
      attempt,
      durationMs,
      ...(failure?.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(failure === undefined ? {} : { errorTag: failure.tag }),
      ...(failure?.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
    });
  }

  emit(event: MixEvent): void {
    const listener = this.#config.onEvent;
    if (listener === undefined) return;
    try {
      listener(event);
    } catch {
      // A failing listener must not change the outcome of a stop.
    }
  }

  #eventBase(id: string) {
    return { provider: this.#provider, operation: 'stopMix', id } as const;
  }

  fail(tag: MixErrorTag, failure: Omit<ProviderFailure, 'tag'> & { cause?: unknown }): E.Left<MixError> {
    const error = mixError(tag, { ...failure, provider: this.#provider, id: this.#shownId, attempts: this.#attempts });
    this.emit({
      type: 'failure',
      ...this.#eventBase(this.#shownId),
      attempts: this.#attempts,
      durationMs: this.#config.clock.now() - this.#startedAt,
      errorTag: tag,
      retryable: error.retryable,
      ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      ...(error.details === undefined ? {} : { details: error.details }),
    });
    return E.left(error) as E.Left<MixError>;
  }

  succeed(requestId: string, outcome: StopMixSuccess['outcome']): E.Either<MixError, StopMixSuccess> {
    const attempts = this.#attempts;
    if (this.#config.onEvent !== undefined)
      this.emit({
        type: 'success',
        ...this.#eventBase(this.#shownId),
        attempts,
        durationMs: this.#config.clock.now() - this.#startedAt,
        requestId,
        outcome,
      });
    return E.right({ provider: this.#provider, id: this.#shownId, requestId, outcome, attempts });
  }

  aborted(cause?: unknown): E.Either<MixError, StopMixSuccess> {
    return this.fail('Aborted', { reason: 'aborted by the caller', ...(cause === undefined ? {} : { cause }) });
  }

  deadlineSpent(): E.Either<MixError, StopMixSuccess> {
    return this.fail('Timeout', { retryable: false, reason: this.#deadlineReason() });
  }

  #deadlineReason(): string {
    return `the call's deadline of ${this.#budgetMs} ms is spent`;
  }
}

/**
 * A limiter is app code when the app passes its own: whatever it does (throws, rejects, answers garbage), the stop
 * goes on unpaced rather than failing — a stop that does not happen is worse than one over the quota. One that
 * never answers is bounded like every other wait of the call: by the signal and the deadline (docs/reliability.md).
 */
async function acquireSlot(
  limiter: RateLimiter,
  clock: Clock,
  signal: AbortSignal | undefined,
  deadlineAt: number,
): Promise<RateLimitWait> {
  const asked = () =>
    limiter.acquire({ ...(signal === undefined ? {} : { signal }), timeoutMs: deadlineAt - clock.now() });
  const outcome = await raceUserCode(asked, clock, signal, deadlineAt, releaseLateSlot);
  if (outcome.kind === 'aborted' || outcome.kind === 'deadline') return { ok: false, reason: outcome.kind };
  if (outcome.kind === 'value') {
    const slot = outcome.value;
    try {
      if (slot?.ok === true && typeof slot.release === 'function') {
        return {
          ok: true,
          waitedMs: Number.isFinite(slot.waitedMs) ? slot.waitedMs : 0,
          release: guard(slot.release),
        };
      }
      if (slot?.ok === false && ['aborted', 'deadline', 'closed'].includes(slot.reason)) return slot;
    } catch {
      // fall through: unpaced (a getter of the answer threw)
    }
  }
  return signal?.aborted ? { ok: false, reason: 'aborted' } : { ok: true, waitedMs: 0, release: () => undefined };
}

/** A slot granted after the call stopped waiting for it is given back at once, so the limiter does not leak it. */
function releaseLateSlot(slot: RateLimitWait): void {
  try {
    if (slot?.ok === true && typeof slot.release === 'function') slot.release();
  } catch {
    // the limiter's own business
  }
}

function guard(release: () => void): () => void {
  return () => {
    try {
      release();
    } catch {
      // A limiter's failure to take its slot back is its own business, not this stop's.
    }
  };
}

/** Sends one signed attempt and classifies whatever happens. */
function sendOnce<C>(
  config: RunnerConfig<C>,
  id: string,
  credentials: C,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<AttemptResult> {
  const request = config.protocol.buildRequest({
    id,
    credentials,
    endpoint: config.endpoint,
    timestampMs: config.clock.now(),
    // 122 random bits, and about 20× cheaper than hex-encoding randomBytes(16) on the per-call path.
    nonce: randomUUID(),
  });
  // Not signed by either vendor, so it is added after signing: their support can find the caller in their logs.
  // Fields named rather than spread: a spread of the request is a generic copy on every attempt.
  const withAgent: OutgoingRequest = {
    method: request.method,
    url: request.url,
    headers: { ...request.headers, 'User-Agent': config.userAgent },
    body: request.body,
  };
  return sendAttempt(config.transport, withAgent, { timeoutMs, maxResponseBytes, signal }).then((sent) =>
    E.isLeft(sent) ? E.left(sent.left) : readResponse(config.protocol, sent.right, config.clock),
  );
}

/**
 * The protocol's reading of an answer, plus the Retry-After rule, which lives here and only here: a wait the
 * answer asks for counts only for RateLimited and ProviderUnavailable (errors.md). The protocol's own figure (a
 * vendor header such as Alibaba's x-acs-retry-after) comes first; else the standard Retry-After, whose HTTP-date
 * form is measured against the injected clock, not the wall clock.
 */
function readResponse<C>(protocol: ProviderProtocol<C>, response: IncomingResponse, clock: Clock): AttemptResult {
  const read = protocol.readResponse(response);
  if (E.isRight(read)) return read;
  const { retryAfterMs: asked, ...failure } = read.left;
  const retryAfterMs = retryAfterTags.has(failure.tag)
    ? (asked ?? retryAfterFromHeaders(response.headers, clock.now()))
    : undefined;
  return E.left({
    ...failure,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    maybeDelivered: maybeDeliveredTags.has(failure.tag),
  });
}

type CredentialsFailure = ProviderFailure | 'aborted' | 'deadline';

/** Static credentials, or the function's answer for this attempt, checked against the provider's shape. */
async function resolveCredentials<C>(
  config: Runner<C>,
  signal: AbortSignal | undefined,
  deadlineAt: number,
): Promise<E.Either<CredentialsFailure, C>> {
  const source = config.credentials;
  // Static credentials were checked with the options; only a function's answer is new on every attempt.
  if (typeof source !== 'function') return E.right(source);
  const outcome = await raceUserCode(() => (source as () => C | Promise<C>)(), config.clock, signal, deadlineAt);
  if (outcome.kind === 'error') {
    // A credential-source adapter's message is built from safe parts (source kind, field name): show it.
    const known = knownSourceMessage(outcome.error);
    return E.left({
      tag: 'AuthenticationFailed',
      reason: known === undefined ? 'the credentials function failed' : `credentials: ${known}`,
      // Name and code only: the app's own error text may quote the credentials it failed to fetch.
      cause: foreignErrorCause(outcome.error, known ?? 'the credentials function threw or rejected'),
    } as ProviderFailure);
  }
  if (outcome.kind !== 'value') return E.left(outcome.kind);
  const value: unknown = outcome.value;
  let checked: ReturnType<typeof config.protocol.credentialsCodec.decode>;
  try {
    checked = config.answerCodec().decode(value);
  } catch (error) {
    // The function's answer is app code too: a Proxy or a getter of it threw while it was read.
    return E.left({
      tag: 'AuthenticationFailed',
      reason: "the credentials function's result could not be read (a Proxy or getter threw)",
      cause: foreignErrorCause(error, "the credentials function's result could not be read"),
    } as ProviderFailure);
  }
  if (E.isLeft(checked)) {
    const problems = describeValidationErrors(checked.left).map((line) =>
      line.startsWith('(root)') ? line.replace('(root)', 'credentials') : `credentials.${line}`,
    );
    // A getter of the answer that threw is the credentials source failing, not a malformed config.
    const unreadable = problems.some((line) => line.includes('could not be read'));
    return E.left({
      tag: unreadable ? 'AuthenticationFailed' : 'ConfigurationError',
      reason: `${unreadable ? "the credentials function's result could not be read" : 'invalid credentials'}: ${problems.join('; ')}`,
    });
  }
  return E.right(checked.right);
}

type Raced<T> =
  { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'aborted' } | { kind: 'deadline' };

/**
 * App code that hangs (a credentials function, a custom limiter's acquire) must not hang the stop: race it with the
 * signal and the deadline. The deadline timer is a real one even under a fake clock, whose sleeps return at once
 * and would always win. What it answers after the race was lost goes to `late` (a slot to give back).
 */
async function raceUserCode<T>(
  call: () => T | Promise<T>,
  clock: Clock,
  signal: AbortSignal | undefined,
  deadlineAt: number,
  late: (value: T) => void = () => undefined,
): Promise<Raced<T>> {
  // Whichever comes first decides: an answer, or the signal or deadline (after which an answer is `late`).
  let decided: 'answer' | 'stopped' | undefined;
  let settle: (outcome: Raced<T>) => void = () => undefined;
  const stopped = new Promise<Raced<T>>((resolve) => (settle = resolve));
  const stop = (outcome: Raced<T>) => {
    decided ??= 'stopped';
    if (decided === 'stopped') settle(outcome);
  };
  const onAbort = () => stop({ kind: 'aborted' });
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop({ kind: 'deadline' }), timerDelay(deadlineAt - clock.now()));
  try {
    const answered = (outcome: Raced<T>): Raced<T> => {
      decided ??= 'answer';
      if (decided === 'stopped' && outcome.kind === 'value') late(outcome.value);
      return outcome;
    };
    const value = Promise.resolve()
      .then(call)
      .then(
        (v) => answered({ kind: 'value', value: v }),
        (error: unknown) => answered({ kind: 'error', error }),
      );
    return await (decided === 'stopped' ? stopped : Promise.race([value, stopped]));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The message of a credential-source adapter's error (built from safe parts: source kind, field name), or undefined
 * for any other error. A thrown Proxy may throw again when asked what it is: then it is not one of ours.
 */
function knownSourceMessage(error: unknown): string | undefined {
  try {
    const message: unknown = isCredentialSourceError(error) ? error.message : undefined;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Duck-typed: a signal from another realm (a test VM, a polyfill) is still a signal. */
export function isAbortSignal(u: unknown): u is AbortSignal {
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof (u as AbortSignal).aborted === 'boolean' &&
    typeof (u as AbortSignal).addEventListener === 'function' &&
    typeof (u as AbortSignal).removeEventListener === 'function'
  );
}
