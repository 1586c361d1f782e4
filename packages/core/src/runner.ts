import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { timerDelay, type Clock } from './clock.js';
import { describeId } from './describe-id.js';
import { defaultRetryable, mixError, type MixError, type MixErrorTag } from './errors.js';
import type { MixEvent, MixEventListener } from './events.js';
import { describeValidationErrors, type CredentialsSource } from './options.js';
import type { IncomingResponse, ProviderFailure, ProviderProtocol } from './protocol.js';
import type { StopMixOptions, StopMixSuccess } from './provider.js';
import type { RateLimiter } from './rate-limiter.js';
import { safeCause } from './transport-errors.js';
import type { Transport } from './transport.js';

export interface RunnerConfig<C> {
  readonly protocol: ProviderProtocol<C>;
  readonly credentials: CredentialsSource<C>;
  readonly endpoint: URL;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly backoff: BackoffPolicy;
  /** Structural, so that a limiter object passed as `rateLimit` fits through an adapter. */
  readonly limiter: Pick<RateLimiter, 'acquire'> | undefined;
  readonly notFound: 'error' | 'already-stopped';
  readonly onEvent: MixEventListener | undefined;
  readonly clock: Clock;
  readonly transport: Transport;
  readonly random?: () => number;
}

/** A failure plus what the runner needs to decide on it. */
interface AttemptFailure extends ProviderFailure {
  /** The provider may have acted on the request (a stop that timed out may still have stopped the mix). */
  readonly maybeDelivered: boolean;
  readonly cause?: unknown;
}

type AttemptResult = E.Either<AttemptFailure, { readonly requestId: string }>;

/** A day: the same bound the provider options put on deadlineMs. */
const maxCallBudgetMs = 86_400_000;

/** Answers after which the provider may still have acted on the stop (a 5xx, a 408): a later "not found" means it did. */
const maybeDeliveredTags: ReadonlySet<MixErrorTag> = new Set(['ProviderUnavailable', 'Timeout']);

/**
 * The one place that turns an adapter's protocol into a resilient stop: validate → rate limit → credentials →
 * sign → send → classify → retry (re-signed) → one Either. It resolves in every case and never rejects.
 */
export function createStopMix<C>(
  config: RunnerConfig<C>,
): (id: string, options?: StopMixOptions) => TaskEither<MixError, StopMixSuccess> {
  return (id, options) => () =>
    run(config, id, options).catch((error: unknown) =>
      // A bug in an adapter or a listener must still come back as a value.
      E.left(
        mixError('Unknown', {
          provider: config.protocol.name,
          id: describeId(id),
          reason: 'internal error in mixtask',
          cause: safeCause(error as Error),
        }),
      ),
    );
}

async function run<C>(
  config: RunnerConfig<C>,
  rawId: unknown,
  options: StopMixOptions | undefined,
): Promise<E.Either<MixError, StopMixSuccess>> {
  const { protocol, clock } = config;
  const provider = protocol.name;
  const shownId = describeId(rawId);
  const startedAt = clock.now();
  const signal = isAbortSignal(options?.signal) ? options.signal : undefined;
  let attempts = 0;

  const emit = (event: MixEvent): void => {
    if (config.onEvent === undefined) return;
    try {
      config.onEvent(event);
    } catch {
      // A failing listener must not change the outcome of a stop.
    }
  };
  const fail = (tag: MixErrorTag, failure: Omit<ProviderFailure, 'tag'> & { cause?: unknown }) => {
    const error = mixError(tag, { ...failure, provider, id: shownId, attempts });
    emit({
      type: 'failure',
      provider,
      operation: 'stopMix',
      id: shownId,
      attempts,
      durationMs: clock.now() - startedAt,
      errorTag: tag,
      retryable: error.retryable,
      ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      ...(error.details === undefined ? {} : { details: error.details }),
    });
    return E.left(error);
  };

  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    return fail('InvalidArgument', { reason: 'options must be an object: { signal?, timeoutMs? }' });
  }
  if (options?.signal !== undefined && signal === undefined) {
    return fail('InvalidArgument', { reason: 'options.signal must be an AbortSignal' });
  }
  const budget = options?.timeoutMs ?? config.deadlineMs;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0 || budget > maxCallBudgetMs) {
    return fail('InvalidArgument', {
      reason: `options.timeoutMs must be a positive number of milliseconds, at most ${maxCallBudgetMs}`,
    });
  }
  const deadlineAt = startedAt + budget;
  const deadlineSpent = () =>
    fail('Timeout', { retryable: false, reason: `the call's deadline of ${budget} ms is spent` });
  const aborted = (cause?: unknown) =>
    fail('Aborted', { reason: 'aborted by the caller', ...(cause === undefined ? {} : { cause }) });

  const validId = protocol.validateId(rawId);
  if (E.isLeft(validId)) return fail(validId.left.tag, validId.left);
  const id = validId.right;

  let earlierMayHaveStopped = false;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return aborted();

    let rateLimitWaitMs = 0;
    let release = (): void => undefined;
    if (config.limiter !== undefined) {
      const slot = await config.limiter.acquire(signal, deadlineAt);
      if (!slot.ok) return slot.reason === 'aborted' ? aborted() : deadlineSpent();
      rateLimitWaitMs = slot.waitedMs;
      release = slot.release;
    }

    let result: AttemptResult;
    let timeoutMs: number;
    let attemptStartedAt: number;
    try {
      const credentials = await resolveCredentials(config, signal, deadlineAt);
      if (E.isLeft(credentials)) {
        if (credentials.left === 'aborted') return aborted();
        if (credentials.left === 'deadline') return deadlineSpent();
        return fail(credentials.left.tag, credentials.left);
      }

      const remaining = deadlineAt - clock.now();
      if (remaining <= 0) return deadlineSpent();
      timeoutMs = Math.min(config.timeoutMs, remaining);

      attempts = attempt;
      emit({ type: 'attempt', provider, operation: 'stopMix', id, attempt, rateLimitWaitMs });
      attemptStartedAt = clock.now();
      result = await sendOnce(config, id, credentials.right, timeoutMs, signal);
    } finally {
      release();
    }
    const requestId = E.isRight(result) ? result.right.requestId : result.left.requestId;
    const httpStatus = E.isRight(result) ? undefined : result.left.httpStatus;
    emit({
      type: 'attempt-result',
      provider,
      operation: 'stopMix',
      id,
      attempt,
      durationMs: clock.now() - attemptStartedAt,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(E.isLeft(result) ? { errorTag: result.left.tag } : {}),
      ...(E.isLeft(result) && result.left.providerCode !== undefined ? { providerCode: result.left.providerCode } : {}),
    });

    if (E.isRight(result)) return succeed(result.right.requestId, 'stopped');
    const failure = result.left;

    if (failure.tag === 'SessionNotFound' && (earlierMayHaveStopped || config.notFound === 'already-stopped')) {
      // Cancelling is not idempotent server-side: "not found" after an attempt that may have landed means
      // that attempt stopped it (errors.md, "Retry semantics for a stop").
      return succeed(failure.requestId ?? '', 'already-stopped');
    }
    if (failure.tag === 'Aborted') return aborted(failure.cause);
    if (failure.tag === 'Timeout' && timeoutMs < config.timeoutMs) {
      // This attempt had only what was left of the deadline, and used it up.
      return fail('Timeout', { ...failure, retryable: false, reason: `the call's deadline of ${budget} ms is spent` });
    }
    earlierMayHaveStopped ||= failure.maybeDelivered;

    const retryable = failure.retryable ?? defaultRetryable[failure.tag];
    if (!retryable || attempt >= config.backoff.maxAttempts) return fail(failure.tag, failure);

    const delayMs = backoffDelay(config.backoff, attempt, failure.retryAfterMs, config.random);
    if (clock.now() + delayMs >= deadlineAt) {
      // The next attempt could not start in time: the last answer is the most useful thing to return.
      return fail(failure.tag, failure);
    }
    emit({
      type: 'retry',
      provider,
      operation: 'stopMix',
      id,
      attempt,
      delayMs,
      reason: failure.tag,
      ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
      ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
    });
    // Even a zero wait goes through the clock: a fake clock in tests then sees every backoff.
    if (!(await clock.sleep(delayMs, signal))) return aborted();
  }

  function succeed(requestId: string, outcome: StopMixSuccess['outcome']): E.Either<MixError, StopMixSuccess> {
    emit({
      type: 'success',
      provider,
      operation: 'stopMix',
      id: shownId,
      attempts,
      durationMs: clock.now() - startedAt,
      requestId,
      outcome,
    });
    return E.right({ provider, id: shownId, requestId, outcome, attempts });
  }
}

/** Sends one signed attempt and classifies whatever happens. */
async function sendOnce<C>(
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
  const sent = await config.transport(request, { timeoutMs, ...(signal === undefined ? {} : { signal }) });
  if (E.isLeft(sent)) return E.left(sent.left);
  return readResponse(config.protocol, sent.right);
}

function readResponse<C>(protocol: ProviderProtocol<C>, response: IncomingResponse): AttemptResult {
  const read = protocol.readResponse(response);
  if (E.isRight(read)) return read;
  return E.left({ ...read.left, maybeDelivered: maybeDeliveredTags.has(read.left.tag) });
}

type CredentialsFailure = ProviderFailure | 'aborted' | 'deadline';

/** Static credentials, or the function's answer for this attempt, checked against the provider's shape. */
async function resolveCredentials<C>(
  config: RunnerConfig<C>,
  signal: AbortSignal | undefined,
  deadlineAt: number,
): Promise<E.Either<CredentialsFailure, C>> {
  const source = config.credentials;
  // Static credentials were checked with the options; only a function's answer is new on every attempt.
  if (typeof source !== 'function') return E.right(source);
  const outcome = await raceCredentials(() => (source as () => C | Promise<C>)(), config.clock, signal, deadlineAt);
  if (outcome.kind === 'error') {
    return E.left({
      tag: 'AuthenticationFailed',
      reason: 'the credentials function failed',
      // Name and code only: the app's own error text may quote the credentials it failed to fetch.
      cause: credentialsFailureCause(outcome.error),
    } as ProviderFailure);
  }
  if (outcome.kind !== 'value') return E.left(outcome.kind);
  const value: unknown = outcome.value;
  const checked = config.protocol.credentialsCodec.decode(value);
  if (E.isLeft(checked)) {
    const problems = describeValidationErrors(checked.left).map((line) =>
      line.startsWith('(root)') ? line.replace('(root)', 'credentials') : `credentials.${line}`,
    );
    return E.left({ tag: 'ConfigurationError', reason: `invalid credentials: ${problems.join('; ')}` });
  }
  return E.right(checked.right);
}

type Raced<T> =
  { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'aborted' } | { kind: 'deadline' };

/**
 * A credentials function that hangs must not hang the stop: race it with the signal and the deadline. The
 * deadline timer is a real one even under a fake clock, whose sleeps return at once and would always win.
 */
async function raceCredentials<T>(
  call: () => T | Promise<T>,
  clock: Clock,
  signal: AbortSignal | undefined,
  deadlineAt: number,
): Promise<Raced<T>> {
  let settle: (outcome: Raced<T>) => void = () => undefined;
  const stopped = new Promise<Raced<T>>((resolve) => (settle = resolve));
  const onAbort = () => settle({ kind: 'aborted' });
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => settle({ kind: 'deadline' }), timerDelay(deadlineAt - clock.now()));
  try {
    const value = Promise.resolve()
      .then(call)
      .then(
        (v): Raced<T> => ({ kind: 'value', value: v }),
        (error: unknown): Raced<T> => ({ kind: 'error', error }),
      );
    return await Promise.race([value, stopped]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function credentialsFailureCause(error: unknown): Error {
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  return safeCause({
    name: typeof name === 'string' ? name : 'Error',
    message: 'the credentials function threw or rejected',
    ...(typeof code === 'string' ? { code } : {}),
  });
}

/** Duck-typed: a signal from another realm (a test VM, a polyfill) is still a signal. */
function isAbortSignal(u: unknown): u is AbortSignal {
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof (u as AbortSignal).aborted === 'boolean' &&
    typeof (u as AbortSignal).addEventListener === 'function' &&
    typeof (u as AbortSignal).removeEventListener === 'function'
  );
}
