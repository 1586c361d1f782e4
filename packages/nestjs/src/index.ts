export { MixTaskModule } from './module.js';
export { InjectMixTask, getMixTaskToken } from './tokens.js';
export {
  MixTaskHealthIndicator,
  type MixTaskHealthOptions,
  type MixTaskHealthResult,
  type MixTaskMemberHealth,
} from './health.js';
export type {
  MixTaskConfigFactory,
  MixTaskModuleAsyncOptions,
  MixTaskModuleConfig,
  MixTaskModuleOptions,
  MixTaskModuleScope,
} from './options.js';
export {
  getStopQueueToken,
  InjectStopQueue,
  type MixTaskQueueAsyncOptions,
  type MixTaskQueueConfig,
  type MixTaskQueueOptions,
  type MixTaskQueueScope,
  type MixTaskQueueWorkerOptions,
} from './queue.js';
