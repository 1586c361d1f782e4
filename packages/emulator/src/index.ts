export {
  startEmulator,
  type Emulator,
  type EmulatorIdentity,
  type EmulatorOptions,
  type RecordedRequest,
} from './server.js';
export type { Fault, FaultAction } from './faults.js';
export type { TencentEmulator } from './tencent.js';
export type { AliyunEmulator } from './aliyun.js';
export type { AwsIvsEmulator, AwsTemporaryCredentials, CompositionState } from './aws-ivs.js';
export type { VendorName } from './vendor.js';
