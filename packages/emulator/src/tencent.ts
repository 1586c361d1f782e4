// PLACEHOLDER — to be written by the Tencent half work (issue 3).
import type { Now, VendorHalf } from './vendor.js';

export interface TencentEmulator {
  /** The credentials it accepts. */
  readonly credentials: { readonly secretId: string; readonly secretKey: string };
  /** Starts a mix session with this id (as CreateCommonMixStream would). */
  createSession(id: string): Promise<void>;
  /** The ids of the sessions running now. */
  sessions(): readonly string[];
}

export interface VendorContext {
  readonly now: Now;
  readonly requestsPerSecond: number | false;
}

export function createTencentHalf(_context: VendorContext): { half: VendorHalf; api: TencentEmulator } {
  throw new Error('not yet written');
}
