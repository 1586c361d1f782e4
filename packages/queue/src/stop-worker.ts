import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import * as E from 'fp-ts/lib/Either.js';
import {
  adaptiveConcurrency,
  inFlightFor,
  pacingOf,
  type ConcurrencyControl,
  type MixError,
  type MixTaskProvider,
  type ProviderPacing,
  type StopMixSuccess,
} from '@mixtask/core';
import { backoffDelay } from '@mixtask/core/internal';
import { within } from './bounded.js';
import { quit, redisProblem, workerClient, type RedisOption } from './connection.js';
import { classifyQueueFailure, type StopQueueError } from './errors.js';
import { defaultPrefix, defaultQueueName, isIntIn, namePattern, unknownOption } from './options.js';
import { storedMixError, type StopJobData, type StopJobReturn } from './stop-job.js';
import { dropConnections, stopTimers } from './worker-shutdown.js';

/** One finished attempt of a job, as the worker saw it. */
export interface StopJobResult {
  readonly id: string;
  readonly kind: 'stop' | 'lease';
  /** The provider's answer (a Right also when "not found" followed a possible earlier run: `already-stopped`). */
  readonly result: E.Either<MixError, StopMixSuccess>;
  /** This job's run number for the id (1 on the first; a stalled job taken over counts again). */
  readonly attemptsStarted: number;
  /** Whether the queue will try again (a retryable error within the horizon). */
  readonly willRetry: boolean;
}

export interface StopWorkerOptions {
  /** As for createStopQueue. An app's client is duplicated (BullMQ's blocking reads need their own connection). */
  readonly redis: RedisOption;
  /** Runs each stop: its retries, rate limiter (local or @mixtask/redis) and telemetry all apply. */
  readonly provider: MixTaskProvider;
  /**
   * Stops in flight at once in this process, fixed. Default: adaptive, as for `stopMixes` — the provider's quota ×
   * the round trip it observes (`inFlightFor`), from 16 growing by one per finished job — but never fewer than 16
   * (or the quota per second, when that is smaller), and 16 when the provider tells no pacing (`rateLimit: false`).
   * The provider's limiter holds the vendor quota either way.
   */
  readonly concurrency?: number;
  /** The queue's name and prefix, as given to createStopQueue. */
  readonly name?: string;
  readonly prefix?: string;
  /** Called after each attempt; a listener that throws is ignored. */
  readonly onResult?: (result: StopJobResult) => void;
  /** Redis trouble of the worker (it keeps reconnecting); a listener that throws is ignored. */
  readonly onError?: (error: StopQueueError) => void;
  /** How long retryable failures are retried, from the first failed attempt. Default 24 h. */
  readonly horizonMs?: number;
  /** Backoff between the queue's retries: full jitter from `baseDelayMs` doubling up to `maxDelayMs`. */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /**
   * How long a job stays locked to a worker that stopped renewing the lock (it died): after this, BullMQ's stalled
   * check hands the job to another worker. Default 30 000 ms (BullMQ's). The check runs every `lockDurationMs`.
   */
  readonly lockDurationMs?: number;
}

export interface StopWorker {
  /** How many stops this worker may have in flight now: the fixed `concurrency`, or the adaptive default's figure. */
  readonly concurrency: number;
  /**
   * Stops taking jobs, lets the stops in flight settle (each within its provider's deadline), then gives BullMQ up to
   * `stopWorkerDefaults.closeGraceMs` to record their results before it drops the connections: with Redis gone, a
   * close must still end (the jobs whose results could not be written are taken over after the stall window, and a
   * stop that ran already answers `already-stopped`). Never rejects.
   */
  close(): Promise<void>;
}

const workerOptionNames = [
  'redis',
  'provider',
  'concurrency',
  'name',
  'prefix',
  'onResult',
  'onError',
  'horizonMs',
  'retry',
  'lockDurationMs',
] as const satisfies readonly (keyof StopWorkerOptions)[];

export const stopWorkerDefaults = {
  concurrency: 16,
  horizonMs: 86_400_000,
  baseDelayMs: 1000,
  maxDelayMs: 300_000,
  lockDurationMs: 30_000,
  closeGraceMs: 5000,
} as const;

/**
 * The default: `stopMixes`'s adaptive figure (rate × the vendor's round trip × 4), but never below `fixed` (16), nor
 * above the rate. A job holds its place for more than the vendor's round trip: the fleet limiter's acquire and
 * release and BullMQ's move to finished are Redis round trips the provider's pacing does not see. And more jobs at
 * once let one event-loop turn carry several: at 500/s on a shared 2-core host, 16 per worker cost 0.73 ms of worker
 * CPU per stop where the adaptive 4–5 cost 0.85 (docs/durability.md, "Measured"). Above the rate more would only
 * wait in the limiter, so a slow quota (IVS's 5/s) keeps as few as before.
 */
function workerConcurrency(pacing: ProviderPacing | undefined, fixed: number): ConcurrencyControl {
  const adaptive = adaptiveConcurrency(pacing, fixed);
  if (pacing === undefined) return adaptive;
  // inFlightFor with no bound on the round trip is its cap: the rate, at least 4.
  const floor = Math.min(fixed, inFlightFor(pacing.requestsPerSecond, Number.POSITIVE_INFINITY));
  return { limit: () => Math.max(floor, adaptive.limit()), settled: () => adaptive.settled() };
}

/** Carries a retryable MixError's wait to the backoff strategy. */
class RetryableStop extends Error {
  override readonly name = 'RetryableStop';
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * A worker that runs queued stops through `provider.stopMix`. Bad options throw a TypeError here (construction,
 * as with createRedisRateLimiter): a worker that cannot work must not start quietly.
 */
export function createStopWorker(given: StopWorkerOptions): StopWorker {
  const options = checkedWorkerOptions(given);
  const { provider } = options;
  const horizonMs = options.horizonMs ?? stopWorkerDefaults.horizonMs;
  const policy = {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    baseDelayMs: options.retry?.baseDelayMs ?? stopWorkerDefaults.baseDelayMs,
    maxDelayMs: options.retry?.maxDelayMs ?? stopWorkerDefaults.maxDelayMs,
  };
  const lockDuration = options.lockDurationMs ?? stopWorkerDefaults.lockDurationMs;
  const control: ConcurrencyControl =
    options.concurrency === undefined
      ? workerConcurrency(pacingOf(provider), stopWorkerDefaults.concurrency)
      : { limit: () => options.concurrency!, settled: () => undefined };
  /**
   * BullMQ reads its concurrency before it takes each job: a finished one may let the next ones in. (Only ever
   * called from a job, so after `worker` below exists.)
   */
  const followPace = () => {
    control.settled();
    const limit = control.limit();
    if (worker.concurrency !== limit) worker.concurrency = limit;
  };
  const report = (result: StopJobResult) => {
    try {
      options.onResult?.(result);
    } catch {
      // a listener's bug must not fail or retry a stop
    }
  };

  /** The stops running now: close() waits for them, not for Redis. */
  const inFlight = new Set<Promise<unknown>>();
  function run(job: Job<StopJobData, StopJobReturn>): Promise<StopJobReturn> {
    const running = runJob(job);
    const settled: Promise<unknown> = running.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    inFlight.add(settled);
    return running;
  }

  async function runJob(job: Job<StopJobData, StopJobReturn>): Promise<StopJobReturn> {
    const { id, kind } = job.data;
    const answer = await provider.stopMix(id)();
    followPace();
    const base = { id, kind, attemptsStarted: job.attemptsStarted };
    if (E.isRight(answer)) {
      report({ ...base, result: answer, willRetry: false });
      return returned(answer.right);
    }
    const error = answer.left;
    // An earlier run may have stopped it (a stalled job taken over, a retry after a timeout, a repeated stop).
    if (error._tag === 'SessionNotFound' && mayHaveRunBefore(job)) {
      const success: StopMixSuccess = {
        provider: error.provider,
        id,
        requestId: error.requestId ?? '',
        outcome: 'already-stopped',
        attempts: error.attempts,
      };
      report({ ...base, result: E.right(success), willRetry: false });
      return returned(success);
    }
    if (!error.retryable) {
      report({ ...base, result: answer, willRetry: false });
      throw unrecoverable(storedMixError(error, 'not-retryable'));
    }
    const now = Date.now();
    const firstFailedAt = job.attemptsMade === 0 ? now : (job.data.firstFailedAt ?? now);
    if (now - firstFailedAt >= horizonMs) {
      report({ ...base, result: answer, willRetry: false });
      throw unrecoverable(storedMixError(error, 'horizon'));
    }
    if (job.data.firstFailedAt !== firstFailedAt) await job.updateData({ ...job.data, firstFailedAt });
    report({ ...base, result: answer, willRetry: true });
    throw new RetryableStop(JSON.stringify(storedMixError(error)), error.retryAfterMs);
  }

  const client = clientFor(options.redis);
  // BullMQ duplicates our client for its blocking reads: kept, so that a close without Redis can drop them too.
  const duplicates: Redis[] = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const made = duplicate(...args);
    duplicates.push(made);
    return made;
  };
  const worker = new Worker<StopJobData, StopJobReturn>(options.name ?? defaultQueueName, run, {
    connection: client,
    prefix: options.prefix ?? defaultPrefix,
    concurrency: control.limit(),
    // The provider's limiter (local or @mixtask/redis) holds the vendor's sliding-second quota; BullMQ's limiter is a
    // fixed window counted per job start (up to 2× at a window edge, retries spend it too), so it stays off.
    limiter: undefined,
    lockDuration,
    stalledInterval: lockDuration,
    // A stop is never given up for having stalled: each stall is a worker that died, and the next one must stop it.
    maxStalledCount: 1_000_000_000,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
        backoffDelay(policy, attemptsMade, error instanceof RetryableStop ? error.retryAfterMs : undefined),
    },
  });
  worker.on('error', (error) => {
    try {
      options.onError?.(classifyQueueFailure('stop', error));
    } catch {
      // ignored, as for onResult
    }
  });

  let closing: Promise<void> | undefined;
  return {
    get concurrency() {
      return worker.concurrency;
    },
    close: () =>
      (closing ??= (async () => {
        // BullMQ's close waits for Redis (its loop's next command, the results' writes): without Redis, for ever.
        const graceful = worker.close().then(
          () => true,
          () => false,
        );
        await Promise.all([...inFlight]);
        if (!(await within(graceful, stopWorkerDefaults.closeGraceMs))) {
          // Redis is gone, and BullMQ's close waits for it for ever (bullmq#4656): drop every connection instead.
          dropConnections([client, ...duplicates]);
          // Still waiting (its loop's command sits in a client that will never answer): what it would have stopped
          // next, its lock renewal and stalled-job check, are what keep the process alive.
          if (!(await within(graceful, 1000))) stopTimers(worker);
        }
        await quit(client);
      })()),
  };
}

function returned(success: StopMixSuccess): StopJobReturn {
  return {
    outcome: success.outcome,
    provider: success.provider,
    requestId: success.requestId,
    attempts: success.attempts,
  };
}

function mayHaveRunBefore(job: Job<StopJobData, StopJobReturn>): boolean {
  return job.attemptsStarted > 1 || job.stalledCounter > 0 || job.data.after === 'stopped';
}

function unrecoverable(stored: object): UnrecoverableError {
  const error = new UnrecoverableError(JSON.stringify(stored));
  error.stack = '';
  return error;
}

/**
 * The options, each read once (a getter or a Proxy is app code and may throw) and checked; a TypeError naming the
 * field otherwise, and one that says so when reading them threw.
 */
function checkedWorkerOptions(given: StopWorkerOptions): StopWorkerOptions {
  let problem: string | undefined;
  try {
    if (typeof given !== 'object' || given === null) problem = 'options must be an object';
    problem ??= unknownOption(given, workerOptionNames);
    const read = problem === undefined ? readOnce(given) : undefined;
    problem ??= unknownOption(read?.retry, ['baseDelayMs', 'maxDelayMs'], 'retry');
    if (problem === undefined && read !== undefined) {
      const { retry } = read;
      const checked =
        retry === undefined
          ? read
          : { ...read, retry: { baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs } };
      problem = workerOptionsProblem(checked);
      if (problem === undefined) return checked;
    }
  } catch {
    problem = 'options could not be read (a Proxy or getter threw)';
  }
  throw new TypeError(`createStopWorker: ${problem}`);
}

/** The worker's own client; an app's object that only looked like an ioredis client is a TypeError that says so. */
function clientFor(redis: RedisOption) {
  try {
    const client = workerClient(redis);
    if (typeof client.on === 'function') return client;
  } catch {
    // reported below, without the app's error text (it may name the host or the credentials)
  }
  throw new TypeError('createStopWorker: redis: its duplicate() did not give an ioredis client');
}

/** Each known option read once, into a plain object. */
function readOnce(given: StopWorkerOptions): StopWorkerOptions {
  return Object.fromEntries(workerOptionNames.map((name) => [name, given[name]])) as unknown as StopWorkerOptions;
}

function workerOptionsProblem(options: StopWorkerOptions): string | undefined {
  const redis = redisProblem(options.redis);
  if (redis !== undefined) return `redis: ${redis}`;
  if (typeof options.provider?.stopMix !== 'function') return 'provider: expected a MixTaskProvider';
  if (options.concurrency !== undefined && !isIntIn(options.concurrency, 1, 10_000)) {
    return 'concurrency: expected an integer from 1 to 10000';
  }
  if (options.name !== undefined && !namePattern.test(options.name))
    return 'name: expected 1 to 100 letters, digits, _, . or -';
  if (options.prefix !== undefined && !namePattern.test(options.prefix)) {
    return 'prefix: expected 1 to 100 letters, digits, _, . or -';
  }
  if (options.horizonMs !== undefined && !isIntIn(options.horizonMs, 0, 30 * 86_400_000)) {
    return 'horizonMs: expected an integer number of ms from 0 to 30 days';
  }
  if (options.lockDurationMs !== undefined && !isIntIn(options.lockDurationMs, 500, 600_000)) {
    return 'lockDurationMs: expected an integer number of ms from 500 to 600000';
  }
  const { baseDelayMs, maxDelayMs } = options.retry ?? {};
  if (baseDelayMs !== undefined && !isIntIn(baseDelayMs, 1, 3_600_000))
    return 'retry.baseDelayMs: expected 1 to 3600000';
  if (maxDelayMs !== undefined && !isIntIn(maxDelayMs, 1, 86_400_000))
    return 'retry.maxDelayMs: expected 1 to 86400000';
  for (const listener of ['onResult', 'onError'] as const) {
    if (options[listener] !== undefined && typeof options[listener] !== 'function')
      return `${listener}: expected a function`;
  }
  return undefined;
}
