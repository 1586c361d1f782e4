/**
 * @mixtask/queue — stops that survive the process that asked for them: durable stops and leases on BullMQ.
 * See docs/durability.md.
 */
export {
  createStopQueue,
  stopManyBatch,
  stopManyMax,
  type LeaseAnswer,
  type Leased,
  type Queued,
  type StopQueue,
} from './stop-queue.js';
export {
  createStopWorker,
  stopWorkerDefaults,
  type StopJobResult,
  type StopWorker,
  type StopWorkerOptions,
} from './stop-worker.js';
export { defaultPrefix, defaultQueueName, type StopQueueOptions } from './options.js';
export type { RedisOption } from './connection.js';
export { isStopQueueError, type StopQueueError, type StopQueueErrorReason, type StopQueueOperation } from './errors.js';
export {
  stopJobStates,
  type StopJobReturn,
  type StopJobState,
  type StopJobView,
  type StoredMixError,
} from './stop-job.js';
export { jobIdOf, idOfJobId } from './job-id.js';
