// PLACEHOLDER — to be written by the Aliyun half work (issue 4).
import type { VendorContext } from './tencent.js';
import type { VendorHalf } from './vendor.js';

export interface AliyunEmulator {
  /** The credentials it accepts. */
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string };
  /** The AppId it accepts. */
  readonly appId: string;
  /** Starts an MPU task with this id (as StartLiveMPUTask would). */
  startTask(id: string): Promise<void>;
  /** The ids of the tasks running now. */
  tasks(): readonly string[];
}

export function createAliyunHalf(_context: VendorContext): { half: VendorHalf; api: AliyunEmulator } {
  throw new Error('not yet written');
}
