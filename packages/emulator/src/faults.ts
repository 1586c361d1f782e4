import type { VendorName } from './vendor.js';

/** What a fault does to a request. */
export type FaultAction =
  /** Answer with the vendor's envelope for this code (and this HTTP status, for Aliyun or to override). */
  | {
      readonly type: 'code';
      readonly code: string;
      readonly message?: string;
      readonly status?: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Answer with this status and raw body (HTML from a proxy, a truncated envelope, an empty 503 …). */
  | {
      readonly type: 'body';
      readonly status?: number;
      readonly body: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Wait, then answer normally. */
  | { readonly type: 'delay'; readonly ms: number }
  /** Never answer (the socket stays open until the client gives up or the emulator closes). */
  | { readonly type: 'no-answer' }
  /** Destroy the connection before any byte of the answer. */
  | { readonly type: 'reset' }
  /** Send the status line, headers and half the body, then destroy the connection. */
  | { readonly type: 'reset-mid-body' }
  /** Send the headers and the first bytes of the body, then nothing more. */
  | { readonly type: 'stall-body' }
  /** A 200 whose body is `bytes` long (or never ends, with `bytes: 'endless'`). */
  | { readonly type: 'huge-body'; readonly bytes: number | 'endless' };

export interface Fault {
  readonly action: FaultAction;
  /** Only requests of this vendor (default: either). */
  readonly vendor?: VendorName;
  /** How many matching requests it applies to (default 1; Infinity for all until cleared). */
  readonly times?: number;
  /**
   * Apply the request first (cancel the session / stop the task), then answer with the fault: the case of a stop
   * that worked but whose answer was lost. Default false: the request is not applied.
   */
  readonly afterApplying?: boolean;
}

/** Faults wait in FIFO order; each matching request takes the first one that fits. */
export class FaultQueue {
  #faults: { fault: Fault; left: number }[] = [];

  add(fault: Fault): void {
    this.#faults.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault for this request, if any (counting it as used). */
  take(vendor: VendorName): Fault | undefined {
    const entry = this.#faults.find((f) => f.fault.vendor === undefined || f.fault.vendor === vendor);
    if (entry === undefined) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.#faults = this.#faults.filter((f) => f !== entry);
    return entry.fault;
  }
}
