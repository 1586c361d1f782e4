import type { IncomingHttpHeaders } from 'node:http';

/** One request as the emulator received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, e.g. `/?AppId=app&TaskId=t1`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The emulator's clock when the request arrived (ms since the epoch). */
  readonly receivedAt: number;
}

/** What a vendor half answers. */
export interface VendorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The vendor code in the body, if any (kept for the request log). */
  readonly code?: string;
  readonly requestId?: string;
}

export type VendorName = 'tencent' | 'aliyun' | 'aws-ivs';

/** A vendor's half of the emulator: recognises its requests, answers them, and builds its error envelopes. */
export interface VendorHalf {
  readonly vendor: VendorName;
  /** True when the request speaks this vendor's protocol (by its headers). */
  matches(request: ReceivedRequest): boolean;
  /** Verifies, applies and answers one request. */
  handle(request: ReceivedRequest): VendorResponse;
  /** The vendor's envelope for an error code (for injected faults); `status` overrides the vendor's default. */
  errorResponse(code: string, message?: string, status?: number): VendorResponse;
  /** Request headers that hold secrets or signatures: never recorded. */
  readonly secretHeaders: readonly string[];
}

/** The emulator's time; tests may pass a skewed one. */
export type Now = () => number;
