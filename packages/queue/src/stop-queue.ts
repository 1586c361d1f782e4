import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { bounded } from './bounded.js';
import { queueClient, quit, redisProblem } from './connection.js';
import {
  classifyQueueFailure,
  QueueClosed,
  stopQueueError,
  type StopQueueError,
  type StopQueueOperation,
} from './errors.js';
import { idProblem, jobIdOf } from './job-id.js';
import {
  defaultPrefix,
  defaultQueueName,
  isIntIn,
  maxDelayMs,
  namePattern,
  unknownOption,
  type StopQueueOptions,
} from './options.js';
import {
  jobOptions,
  isLease,
  stateOf,
  stopJobStates,
  viewOf,
  type StopJobData,
  type StopJobReturn,
  type StopJobState,
  type StopJobView,
} from './stop-job.js';

export interface Queued {
  readonly id: string;
  /**
   * `queued`: a new stop job; `already-queued`: one was waiting, delayed or running (nothing added);
   * `lease-brought-forward`: the id was leased and its stop now runs (or at `delayMs`, if sooner than the lease).
   */
  readonly outcome: 'queued' | 'already-queued' | 'lease-brought-forward';
  /** When the stop is due (ms since the epoch); absent when it is already running. */
  readonly dueAt?: number;
}

export interface Leased {
  readonly id: string;
  readonly dueAt: number;
  /** `leased`: a new lease; `renewed`: the id was leased already; `stop-pending`: a stop is queued or running. */
  readonly outcome: 'leased' | 'renewed' | 'stop-pending';
}

/** How `renew` and `release` found the id. Only `renewed`/`released` changed anything. */
export type LeaseAnswer =
  | { readonly id: string; readonly outcome: 'renewed'; readonly dueAt: number }
  | { readonly id: string; readonly outcome: 'released' }
  | { readonly id: string; readonly outcome: 'unknown' }
  | { readonly id: string; readonly outcome: 'stop-pending' | 'stopping' | 'stopped' | 'failed' };

export interface StopQueue {
  /** Enqueues a stop of `id` (the id your provider takes). Right once Redis has the job. */
  stop(id: string, options?: { readonly delayMs?: number }): TaskEither<StopQueueError, Queued>;
  /**
   * `stop` for many ids at once (an event's end): the same answer per id, in the ids' order, but two round trips
   * per {@link stopManyBatch} new ids instead of two per id. Every id is checked first: one bad id is an
   * `invalid-argument` Left naming its index, and nothing is queued. A Left from Redis may come after some batches
   * were queued: calling again with the same ids is safe (one job per id; those answer `already-queued`).
   */
  stopMany(ids: readonly string[], options?: { readonly delayMs?: number }): TaskEither<StopQueueError, Queued[]>;
  /** The dead-man's switch: unless renewed, a stop of `id` is due at `dueAt` = now + ttlMs. */
  lease(id: string, options: { readonly ttlMs: number }): TaskEither<StopQueueError, Leased>;
  /** Pushes a lease's `dueAt` back by `ttlMs` (default: the lease's own). Never resurrects a stop. */
  renew(id: string, options?: { readonly ttlMs?: number }): TaskEither<StopQueueError, LeaseAnswer>;
  /** Removes a lease without stopping (the app ended the mix some other way). */
  release(id: string): TaskEither<StopQueueError, LeaseAnswer>;
  /** What the queue knows about `id`; `undefined` when nothing. */
  inspect(id: string): TaskEither<StopQueueError, StopJobView | undefined>;
  /** The ids in one state, oldest first, at most `limit` (default 1000). */
  list(options: { readonly state: StopJobState; readonly limit?: number }): TaskEither<StopQueueError, StopJobView[]>;
  /** Moves every failed stop back to the queue (after an operator fixed the cause). */
  retryFailed(): TaskEither<StopQueueError, { readonly retried: number }>;
  /** Quits the client the queue created (never an app's client). Later calls answer a `closed` Left. */
  close(): TaskEither<StopQueueError, void>;
}

type StopJob = Job<StopJobData, StopJobReturn | undefined>;

const defaultTimeoutMs = 5000;
/** Ids per batch of `stopMany`: each batch is one pipeline of adds and one of read-backs, bounded by `timeoutMs`. */
export const stopManyBatch = 500;
/** The first batch is smaller, so that workers have the first stops to run while the rest are being added. */
export const stopManyFirstBatch = 50;
/** The most ids one `stopMany` takes (a bigger list: call it per slice). */
export const stopManyMax = 100_000;
const delayProblem = `delayMs must be an integer number of ms from 0 to ${maxDelayMs}`;

/** Builds the queue. Bad options come back as a Left on every call, never as a throw. */
export function createStopQueue(given: StopQueueOptions): StopQueue {
  const options = checkedOptions(given);
  if (typeof options === 'string') return refusingQueue(stopQueueError('createStopQueue', 'invalid-argument', options));
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const { client, owned } = queueClient(options.redis);
  const queue = new Queue<StopJobData, StopJobReturn | undefined>(options.name ?? defaultQueueName, {
    connection: client,
    prefix: options.prefix ?? defaultPrefix,
  });
  queue.on('error', () => undefined); // each call reports its own failure as a Left
  let closed = false;

  /**
   * One call about one id: the id checked (whatever a JavaScript caller passed: `undefined` too, which must never
   * reach BullMQ as an empty job id, from which it would make one of its own), bounded by timeoutMs, every failure a
   * classified Left.
   */
  function call<T>(
    operation: StopQueueOperation,
    id: string,
    work: (jobId: string) => Promise<T>,
  ): TaskEither<StopQueueError, T> {
    const bad = idProblem(id);
    if (bad !== undefined) return invalid(operation, id, bad);
    return bound(operation, id, () => work(jobIdOf(id)));
  }
  /** One call about no id in particular (list, retry, a batch of stopMany): bounded, every failure a Left. */
  function bound<T>(operation: StopQueueOperation, id: string | undefined, work: () => Promise<T>) {
    return async (): Promise<E.Either<StopQueueError, T>> => {
      try {
        if (closed) throw new QueueClosed();
        return E.right(await bounded(work(), timeoutMs));
      } catch (error) {
        return E.left(classifyQueueFailure(operation, error, id));
      }
    };
  }

  async function current(jobId: string): Promise<{ job: StopJob; state: StopJobState } | undefined> {
    const job = (await queue.getJob(jobId)) as StopJob | undefined;
    if (job === undefined) return undefined;
    const state = stateOf(await job.getState(), job);
    return state === undefined ? undefined : { job, state };
  }

  /**
   * Adds a job unless one with its id exists (BullMQ then adds nothing); true when this add created it. Two round
   * trips, the whole cost of the common case: a stop or lease of an id the queue does not hold.
   */
  async function add(jobId: string, data: Omit<StopJobData, 'token'>, delayMs: number): Promise<boolean> {
    const token = randomUUID();
    await queue.add(data.kind, { ...data, token }, jobOptions(jobId, delayMs));
    // Only the job's `data` field, not the whole job: the read-back is half of every stop()'s cost to the app.
    return tokenOf(await client.hget(queue.toKey(jobId), 'data')) === token;
  }

  /** A finished job of the same id is removed first: mix ids can be reused, and the new stop must run. */
  async function replaceFinished(found: { job: StopJob; state: StopJobState } | undefined) {
    if (found === undefined || (found.state !== 'stopped' && found.state !== 'failed')) return {};
    await found.job.remove();
    return { after: found.state === 'stopped' ? ('stopped' as const) : ('failed' as const) };
  }

  /**
   * `stop` of an id that has a job already (the add created nothing): waiting, delayed, leased, running, or finished.
   */
  async function stopHeld(id: string, jobId: string, delayMs: number, now: number): Promise<Queued> {
    const found = await current(jobId);
    if (found?.state === 'queued' || found?.state === 'running' || found?.state === 'leased') {
      const dueAt = found.job.timestamp + found.job.delay;
      const sooner = found.state !== 'running' && found.job.delay > 0 && now + delayMs < dueAt;
      if (found.state === 'leased' || sooner) {
        const done = await moved(delayMs === 0 ? found.job.promote() : found.job.changeDelay(delayMs));
        if (!done) return { id, outcome: 'already-queued' };
        const outcome = found.state === 'leased' ? 'lease-brought-forward' : 'already-queued';
        return { id, outcome, dueAt: now + delayMs };
      }
      return { id, outcome: 'already-queued', ...(found.state === 'running' ? {} : { dueAt }) };
    }
    const after = await replaceFinished(found);
    const created = await add(jobId, { kind: 'stop', id, ...after }, delayMs);
    return created ? { id, outcome: 'queued', dueAt: now + delayMs } : { id, outcome: 'already-queued' };
  }

  /**
   * One batch of `stopMany`: every add in one pipeline (BullMQ's addBulk), every read-back in another. Answers
   * `queued` for each id whose add created its job, and undefined for the others (already held, or twice in the
   * batch), which then take `stop`'s path one by one, each bounded on its own.
   */
  async function stopBatch(ids: readonly string[], delayMs: number, now: number): Promise<(Queued | undefined)[]> {
    const jobIds = ids.map(jobIdOf);
    const tokens = ids.map(() => randomUUID());
    await queue.addBulk(
      ids.map((id, i) => ({
        name: 'stop',
        data: { kind: 'stop' as const, id, token: tokens[i]! },
        opts: jobOptions(jobIds[i]!, delayMs),
      })),
    );
    const stored = (await client.pipeline(jobIds.map((jobId) => ['hget', queue.toKey(jobId), 'data'])).exec()) ?? [];
    return ids.map((id, i) => {
      const [error, data] = stored[i] ?? [new Error('no reply')];
      if (error) throw error;
      return tokenOf(data as string | null) === tokens[i] ? { id, outcome: 'queued', dueAt: now + delayMs } : undefined;
    });
  }

  /** `stopMany`'s work, on checked ids: batch by batch, each id answered in order. */
  function stopAll(ids: readonly string[], delayMs: number): TaskEither<StopQueueError, Queued[]> {
    return async () => {
      const answers: Queued[] = [];
      for (let start = 0; start < ids.length;) {
        const end = start + (start === 0 ? stopManyFirstBatch : stopManyBatch);
        const batch = ids.slice(start, end);
        start = end;
        const now = Date.now();
        const answered = await bound('stopMany', undefined, () => stopBatch(batch, delayMs, now))();
        if (E.isLeft(answered)) return answered;
        for (const [i, id] of batch.entries()) {
          const fresh = answered.right[i];
          if (fresh !== undefined) answers.push(fresh);
          else {
            const held = await call('stopMany', id, (jobId) => stopHeld(id, jobId, delayMs, now))();
            if (E.isLeft(held)) return held;
            answers.push(held.right);
          }
        }
      }
      return E.right(answers);
    };
  }

  /** `lease`'s work on a checked id: a new lease, a renewal of the one there, or the stop already pending. */
  async function leaseOf(id: string, jobId: string, ttlMs: number): Promise<Leased> {
    const now = Date.now();
    if (await add(jobId, { kind: 'lease', id, ttlMs }, ttlMs)) return { id, outcome: 'leased', dueAt: now + ttlMs };
    const found = await current(jobId);
    if (found?.state === 'leased') {
      if (await moved(found.job.changeDelay(ttlMs))) return { id, outcome: 'renewed', dueAt: now + ttlMs };
      return { id, outcome: 'stop-pending', dueAt: now };
    }
    if (found?.state === 'queued' || found?.state === 'running') {
      return { id, outcome: 'stop-pending', dueAt: Math.min(now, found.job.timestamp + found.job.delay) };
    }
    const after = await replaceFinished(found);
    const created = await add(jobId, { kind: 'lease', id, ttlMs, ...after }, ttlMs);
    return created ? { id, outcome: 'leased', dueAt: now + ttlMs } : { id, outcome: 'stop-pending', dueAt: now };
  }

  /** `renew`'s work on a checked id. */
  async function renewOf(id: string, jobId: string, ttlMs: number | undefined): Promise<LeaseAnswer> {
    const job = (await queue.getJob(jobId)) as StopJob | undefined;
    if (job === undefined) return { id, outcome: 'unknown' };
    // changeDelay itself refuses a job that left the delayed set: the common case costs two round trips.
    if (isLease(job)) {
      const ttl = ttlMs ?? job.data.ttlMs ?? 60_000;
      const now = Date.now();
      if (await moved(job.changeDelay(ttl))) return { id, outcome: 'renewed', dueAt: now + ttl };
    }
    const state = stateOf(await job.getState(), job);
    if (state === undefined) return { id, outcome: 'unknown' };
    return { id, outcome: state === 'leased' ? 'stop-pending' : notALease(state) };
  }

  /** `release`'s work on a checked id. */
  async function releaseOf(id: string, jobId: string): Promise<LeaseAnswer> {
    const found = await current(jobId);
    if (found === undefined) return { id, outcome: 'unknown' };
    if (found.state !== 'leased') return { id, outcome: notALease(found.state) };
    // remove() refuses a job a worker has locked: then the stop has begun.
    const removed = await found.job.remove().then(
      () => true,
      () => false,
    );
    return removed ? { id, outcome: 'released' } : { id, outcome: 'stopping' };
  }

  /** `list`'s work: the ids in one state, oldest first, at most `limit`. */
  async function listOf(wanted: StopJobState, limit: number): Promise<StopJobView[]> {
    const views: StopJobView[] = [];
    const settled = bullStates[wanted];
    if (settled.length > 0) {
      const jobs = (await queue.getJobs([...settled], 0, limit - 1, true)) as (StopJob | undefined)[];
      for (const job of jobs) if (job?.data !== undefined) views.push(viewOf(job, wanted));
    }
    // Leases and delayed stops share BullMQ's delayed set: page through it for the wanted kind.
    if (wanted === 'leased' || wanted === 'queued') {
      for (let start = 0; views.length < limit; start += 1000) {
        const jobs = (await queue.getJobs(['delayed'], start, start + 999, true)) as (StopJob | undefined)[];
        for (const job of jobs) {
          if (job?.data === undefined || views.length >= limit) continue;
          if (isLease(job) === (wanted === 'leased')) views.push(viewOf(job, wanted));
        }
        if (jobs.length < 1000) break;
      }
    }
    return views;
  }

  /** changeDelay/promote fail when the job has just left the delayed set: then it is already on its way. */
  async function moved(work: Promise<void>): Promise<boolean> {
    try {
      await work;
      return true;
    } catch (error) {
      if (error instanceof Error && /not in the delayed state|does not exist|Missing key/.test(error.message)) {
        return false;
      }
      throw error;
    }
  }

  return {
    stop: (id, stopOptions = {}) =>
      guarded('stop', id, () => {
        const delayMs = delayOf(stopOptions);
        if (typeof delayMs === 'string') return invalid('stop', id, delayMs);
        return call('stop', id, async (jobId): Promise<Queued> => {
          const now = Date.now();
          if (await add(jobId, { kind: 'stop', id }, delayMs)) return { id, outcome: 'queued', dueAt: now + delayMs };
          return stopHeld(id, jobId, delayMs, now);
        });
      }),

    stopMany: (given, stopOptions = {}) =>
      guarded('stopMany', undefined, () => {
        const delayMs = delayOf(stopOptions);
        if (typeof delayMs === 'string') return invalid('stopMany', undefined, delayMs);
        if (!Array.isArray(given) || given.length > stopManyMax) {
          return invalid('stopMany', undefined, `ids must be an array of at most ${stopManyMax} ids`);
        }
        // A copy, checked: the app may change its array (or a Proxy answer differently) while the batches go out.
        const ids: readonly string[] = Array.from(given);
        for (let i = 0; i < ids.length; i++) {
          const bad = idProblem(ids[i]);
          if (bad !== undefined) return invalid('stopMany', ids[i], `ids[${i}]: ${bad}`);
        }
        return stopAll(ids, delayMs);
      }),

    lease: (id, leaseOptions) =>
      guarded('lease', id, () => {
        const unknown = unknownOption(leaseOptions, ['ttlMs'], 'options');
        if (unknown !== undefined) return invalid('lease', id, unknown);
        const ttlMs = (leaseOptions as { ttlMs?: unknown } | undefined)?.ttlMs;
        if (!isIntIn(ttlMs, 1000, maxDelayMs)) {
          return invalid('lease', id, `ttlMs must be an integer number of ms from 1000 to ${maxDelayMs}`);
        }
        return call('lease', id, (jobId) => leaseOf(id, jobId, ttlMs));
      }),

    renew: (id, renewOptions = {}) =>
      guarded('renew', id, () => {
        const unknown = unknownOption(renewOptions, ['ttlMs'], 'options');
        if (unknown !== undefined) return invalid('renew', id, unknown);
        const ttlMs = renewOptions.ttlMs;
        if (ttlMs !== undefined && !isIntIn(ttlMs, 1000, maxDelayMs)) {
          return invalid('renew', id, `ttlMs must be an integer number of ms from 1000 to ${maxDelayMs}`);
        }
        return call('renew', id, (jobId) => renewOf(id, jobId, ttlMs));
      }),

    // No options to read: the id's check reads nothing a Proxy could throw from.
    release: (id) => call('release', id, (jobId) => releaseOf(id, jobId)),

    inspect: (id) =>
      call('inspect', id, async (jobId) => {
        const found = await current(jobId);
        return found === undefined ? undefined : viewOf(found.job, found.state);
      }),

    list: (listOptions) =>
      guarded('list', undefined, () => {
        const unknown = unknownOption(listOptions, ['state', 'limit'], 'options');
        if (unknown !== undefined) return invalid('list', undefined, unknown);
        const { state, limit = 1000 } = (listOptions ?? {}) as { state?: unknown; limit?: unknown };
        if (!stopJobStates.includes(state as StopJobState)) {
          return invalid('list', undefined, `state must be one of ${stopJobStates.join(', ')}`);
        }
        if (!isIntIn(limit, 1, 100_000)) return invalid('list', undefined, 'limit must be an integer from 1 to 100000');
        return bound('list', undefined, () => listOf(state as StopJobState, limit));
      }),

    retryFailed() {
      return bound('retry', undefined, async () => {
        const retried = await queue.getJobCountByTypes('failed');
        await queue.retryJobs({ state: 'failed', count: 1000 });
        return { retried };
      });
    },

    close() {
      return async () => {
        if (closed) return E.right(undefined);
        closed = true;
        try {
          await bounded(queue.close(), timeoutMs);
        } catch {
          // closing a queue whose Redis is gone: the client below is what must not stay open
        }
        if (owned) await quit(client);
        return E.right(undefined);
      };
    },
  };
}

/** The delay `stop` and `stopMany` take from their options, read once; or what is wrong with the options. */
function delayOf(stopOptions: { readonly delayMs?: number }): number | string {
  const unknown = unknownOption(stopOptions, ['delayMs'], 'options');
  if (unknown !== undefined) return unknown;
  const delayMs = stopOptions.delayMs ?? 0;
  return isIntIn(delayMs, 0, maxDelayMs) ? delayMs : delayProblem;
}

const invalid =
  <T>(operation: StopQueueOperation, id: unknown, message: string): TaskEither<StopQueueError, T> =>
  async () =>
    E.left(
      stopQueueError(operation, 'invalid-argument', `${operation}: ${message}`, typeof id === 'string' ? { id } : {}),
    );

/**
 * A method's checks of its arguments, which are app code (a getter or a Proxy may throw): whatever they throw is an
 * `invalid-argument` Left, as the contract promises, never a throw. Each value is read once, here, so the task works
 * on what was checked.
 */
function guarded<T>(
  operation: StopQueueOperation,
  id: unknown,
  check: () => TaskEither<StopQueueError, T>,
): TaskEither<StopQueueError, T> {
  try {
    return check();
  } catch {
    return invalid(operation, id, 'its arguments could not be read (a Proxy or getter threw)');
  }
}

/** BullMQ's states behind each of ours, but for the delayed set (read by kind in list). */
const bullStates = {
  leased: [],
  queued: ['waiting', 'prioritized', 'waiting-children'],
  running: ['active'],
  stopped: ['completed'],
  failed: ['failed'],
} as const satisfies Record<StopJobState, readonly string[]>;

function notALease(state: Exclude<StopJobState, 'leased'>): 'stop-pending' | 'stopping' | 'stopped' | 'failed' {
  return state === 'queued' ? 'stop-pending' : state === 'running' ? 'stopping' : state;
}

/** The token in a job's stored `data`, or undefined (no job, or data that is not ours). */
function tokenOf(data: string | null): string | undefined {
  if (data === null) return undefined;
  try {
    const token: unknown = (JSON.parse(data) as { token?: unknown } | null)?.token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The options, each read once (a getter or a Proxy is app code and may throw), and checked; or the problem. A
 * throw while reading is a problem too: createStopQueue answers Lefts, it never throws.
 */
function checkedOptions(given: StopQueueOptions): StopQueueOptions | string {
  try {
    if (typeof given !== 'object' || given === null) return 'createStopQueue: options must be an object';
    const unknown = unknownOption(given, ['redis', 'name', 'prefix', 'timeoutMs']);
    if (unknown !== undefined) return `createStopQueue: ${unknown}`;
    const { redis, name, prefix, timeoutMs } = given;
    const options = { redis, name, prefix, timeoutMs };
    return optionsProblem(options) ?? options;
  } catch {
    return 'createStopQueue: options could not be read (a Proxy or getter threw)';
  }
}

function optionsProblem(options: StopQueueOptions): string | undefined {
  const redis = redisProblem(options.redis);
  if (redis !== undefined) return `createStopQueue: redis: ${redis}`;
  if (options.name !== undefined && !namePattern.test(options.name)) {
    return 'createStopQueue: name: expected 1 to 100 letters, digits, _, . or -';
  }
  if (options.prefix !== undefined && !namePattern.test(options.prefix)) {
    return 'createStopQueue: prefix: expected 1 to 100 letters, digits, _, . or -';
  }
  if (options.timeoutMs !== undefined && !isIntIn(options.timeoutMs, 1, 600_000)) {
    return 'createStopQueue: timeoutMs: expected an integer number of ms from 1 to 600000';
  }
  return undefined;
}

/** A queue whose options were bad: every call answers the same Left. */
function refusingQueue(error: StopQueueError): StopQueue {
  const refuse = () => async () => E.left(error);
  return {
    stop: refuse,
    stopMany: refuse,
    lease: refuse,
    renew: refuse,
    release: refuse,
    inspect: refuse,
    list: refuse,
    retryFailed: refuse,
    close: () => async () => E.right(undefined),
  };
}
