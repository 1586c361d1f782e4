import type { Job, JobsOptions } from 'bullmq';
import { idOfJobId } from './job-id.js';

/** What a job carries. `kind` says whether the app asked for the stop or a lease ran out. */
export interface StopJobData {
  readonly kind: 'stop' | 'lease';
  readonly id: string;
  /** Random per enqueue: tells "my add created the job" from "an add of the same id won the race". */
  readonly token: string;
  /** A lease's time to live, the default of `renew`. */
  readonly ttlMs?: number;
  /** Set when this job replaced a finished stop of the same id: a "not found" then means already stopped. */
  readonly after?: 'stopped' | 'failed';
  /** When the first failed attempt of this run was made: the retry horizon counts from it. */
  readonly firstFailedAt?: number;
}

/** What a completed job returns (BullMQ keeps it as the job's `returnvalue`). */
export interface StopJobReturn {
  readonly outcome: 'stopped' | 'already-stopped';
  readonly provider: string;
  readonly requestId: string;
  readonly attempts: number;
}

export type StopJobState = 'leased' | 'queued' | 'running' | 'stopped' | 'failed';
export const stopJobStates: readonly StopJobState[] = ['leased', 'queued', 'running', 'stopped', 'failed'];

/** What `inspect` and `list` say about one id. */
export interface StopJobView {
  readonly id: string;
  readonly state: StopJobState;
  readonly kind: 'stop' | 'lease';
  /** When a leased or delayed stop is due (ms since the epoch). */
  readonly dueAt?: number;
  /** Jobs started for this id so far (a stalled job taken over counts twice). */
  readonly attemptsStarted: number;
  readonly finishedAt?: number;
  /** For `stopped`. */
  readonly result?: StopJobReturn;
  /** For `failed` (and for a queued job between retries): the last MixError, as stored — free of secrets. */
  readonly error?: StoredMixError;
}

/** The fields of a MixError the queue stores: every documented one except `cause` (which may hold anything). */
export interface StoredMixError {
  readonly _tag: string;
  readonly provider?: string;
  readonly id?: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly attempts?: number;
  readonly requestId?: string;
  readonly providerCode?: string;
  readonly providerMessage?: string;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  /** Why the queue gave up: the error was not retryable, or the retry horizon passed. */
  readonly gaveUp?: 'not-retryable' | 'horizon';
}

const storedFields = [
  '_tag',
  'provider',
  'id',
  'message',
  'retryable',
  'attempts',
  'requestId',
  'providerCode',
  'providerMessage',
  'httpStatus',
  'retryAfterMs',
] as const;

/** Copies the documented fields only, so nothing the error might carry beyond them reaches Redis. */
export function storedMixError(error: object, gaveUp?: StoredMixError['gaveUp']): StoredMixError {
  const out: Record<string, unknown> = {};
  for (const field of storedFields) {
    const value = (error as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  if (gaveUp !== undefined) out.gaveUp = gaveUp;
  return out as unknown as StoredMixError;
}

function parseStoredError(reason: string | undefined): StoredMixError | undefined {
  if (reason === undefined || reason === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(reason);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { _tag?: unknown })._tag === 'string') {
      return parsed as StoredMixError;
    }
  } catch {
    // not ours (e.g. BullMQ's own "job stalled more than allowable limit"): report it as an Unknown below
  }
  return { _tag: 'Unknown', message: reason.slice(0, 500), retryable: false };
}

/**
 * A lease is a delayed job of kind `lease` that no worker has started: once its stop began, a delayed job of the
 * same id is that stop waiting for its next retry, which renew must not push back.
 */
export function isLease(job: Pick<Job<StopJobData>, 'data' | 'attemptsStarted'>): boolean {
  return job.data.kind === 'lease' && !(job.attemptsStarted > 0);
}

/** BullMQ's state names → the queue's five. */
export function stateOf(
  bullState: string,
  job: Pick<Job<StopJobData>, 'data' | 'attemptsStarted'>,
): StopJobState | undefined {
  switch (bullState) {
    case 'delayed':
      return isLease(job) ? 'leased' : 'queued';
    case 'waiting':
    case 'wait':
    case 'prioritized':
    case 'paused':
    case 'waiting-children':
      return 'queued';
    case 'active':
      return 'running';
    case 'completed':
      return 'stopped';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

export function viewOf(job: Job<StopJobData, StopJobReturn | undefined>, state: StopJobState): StopJobView {
  const id = idOfJobId(job.id) ?? job.data.id;
  const delayed = state === 'leased' || (state === 'queued' && job.delay > 0);
  const error = parseStoredError(job.failedReason);
  return {
    id,
    state,
    kind: job.data.kind,
    ...(delayed ? { dueAt: job.timestamp + job.delay } : {}),
    attemptsStarted: job.attemptsStarted,
    ...(job.finishedOn === undefined ? {} : { finishedAt: job.finishedOn }),
    ...(state === 'stopped' && job.returnvalue ? { result: job.returnvalue } : {}),
    ...(error === undefined || state === 'stopped' ? {} : { error }),
  };
}

/** The job options every stop and lease gets. */
export function jobOptions(jobId: string, delayMs: number): JobsOptions {
  return {
    jobId,
    delay: delayMs,
    // The worker decides when to give up (the retry horizon) and throws an UnrecoverableError then.
    attempts: 1_000_000,
    backoff: { type: 'mixtask' },
    // Finished stops are kept a day (inspect answers "stopped"; a repeated stop knows it may hit "not found");
    // failed ones until an operator retries or removes them.
    removeOnComplete: { age: 86_400 },
    removeOnFail: false,
    // A stack trace says nothing to an operator that the stored MixError does not.
    stackTraceLimit: 0,
  };
}
