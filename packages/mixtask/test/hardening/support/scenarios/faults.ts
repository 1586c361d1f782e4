import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { gzipSync } from 'node:zlib';
import type { MixErrorTag } from '@mixtask/core';
import type { FaultAction } from '@mixtask/emulator';
import { leftOf, peakMemoryGrowth, pinned, settle } from '../helpers.js';
import { deadlineMs } from '../budgets.js';
import type { MatrixContext } from '../fault-matrix.js';

/** What every row of the matrix pins down. `'status-line'`: the status line arrived before the fault, and is kept. */
interface Expected {
  readonly tag: MixErrorTag;
  readonly retryable: boolean;
  readonly attempts: number;
  readonly httpStatus: number | 'absent' | 'status-line';
  /** How many requests the emulator must have received. */
  readonly requests: number;
}

interface FaultRow {
  readonly name: string;
  /** The fault every request of the call meets (the emulator's injection), or a different endpoint. */
  readonly fault?: () => FaultAction;
  readonly endpoint?: 'refused' | 'tls';
  readonly expected: Expected;
  /** Bounds on the call's duration, in ms. */
  readonly minMs?: number;
  readonly maxMs: number;
  /** Whether to sample memory: a body bigger than the 1 MiB cap must never be buffered. */
  readonly boundedMemory?: boolean;
}

const MiB = 1024 * 1024;
/** A buffered 64 MB body would grow heap + array buffers by 64 MB at least; the cap keeps it near 1 MiB. */
const memoryBudget = 32 * MiB;

/** Every fault (refused, reset, silent, stalled, huge, endless, HTML, truncated, TLS to plain) ends in the right tag, within its bounds, without a rejection; a gzip bomb is cut at the cap. */
export function faultScenario(ctx: MatrixContext): void {
  const { subject, base, attemptMs, freshId, received, shared, title } = ctx;
  const faultRows: FaultRow[] = [
    {
      name: 'connection refused',
      endpoint: 'refused',
      expected: { tag: 'NetworkError', retryable: true, attempts: 2, httpStatus: 'absent', requests: 0 },
      maxMs: deadlineMs,
    },
    {
      name: 'reset before any byte',
      fault: () => ({ type: 'reset' }),
      expected: { tag: 'NetworkError', retryable: true, attempts: 2, httpStatus: 'absent', requests: 2 },
      maxMs: deadlineMs,
    },
    {
      name: 'reset mid-body',
      fault: () => ({ type: 'reset-mid-body' }),
      expected: { tag: 'NetworkError', retryable: true, attempts: 2, httpStatus: 'status-line', requests: 2 },
      maxMs: deadlineMs,
    },
    {
      name: 'no answer at all',
      fault: () => ({ type: 'no-answer' }),
      expected: { tag: 'Timeout', retryable: true, attempts: 2, httpStatus: 'absent', requests: 2 },
      minMs: 2 * attemptMs - 20,
      maxMs: deadlineMs,
    },
    {
      name: 'headers, then a stalled body',
      fault: () => ({ type: 'stall-body' }),
      expected: { tag: 'Timeout', retryable: true, attempts: 2, httpStatus: 'status-line', requests: 2 },
      minMs: 2 * attemptMs - 20,
      maxMs: deadlineMs,
    },
    {
      name: 'a 64 MB body',
      fault: () => ({ type: 'huge-body', bytes: 64 * MiB }),
      expected: { tag: 'MalformedResponse', retryable: false, attempts: 1, httpStatus: 200, requests: 1 },
      maxMs: deadlineMs,
      boundedMemory: true,
    },
    {
      name: 'a body that never ends',
      fault: () => ({ type: 'huge-body', bytes: 'endless' }),
      expected: { tag: 'MalformedResponse', retryable: false, attempts: 1, httpStatus: 200, requests: 1 },
      maxMs: deadlineMs,
      boundedMemory: true,
    },
    {
      name: 'a 200 with an HTML page',
      fault: () => ({ type: 'body', status: 200, body: '<!doctype html><html><body>502 Bad Gateway</body></html>' }),
      expected: { tag: 'MalformedResponse', retryable: false, attempts: 1, httpStatus: 200, requests: 1 },
      maxMs: deadlineMs,
    },
    {
      name: 'a 200 with a truncated envelope',
      fault: () => ({
        type: 'body',
        status: 200,
        body: subject.truncatedEnvelope,
        headers: { 'content-type': 'application/json' },
      }),
      expected: { tag: 'MalformedResponse', retryable: false, attempts: 1, httpStatus: 200, requests: 1 },
      maxMs: deadlineMs,
    },
    {
      name: 'TLS to a plain-http port',
      endpoint: 'tls',
      expected: { tag: 'NetworkError', retryable: false, attempts: 1, httpStatus: 'absent', requests: 0 },
      maxMs: deadlineMs,
    },
  ];

  describe(`${title}: every fault ends in the right tag, within its bounds, without a rejection`, () => {
    it.each(faultRows)('$name', async (row) => {
      const id = await freshId();
      const endpoint =
        row.endpoint === 'refused' ? ctx.env.refusedUrl : row.endpoint === 'tls' ? ctx.env.tlsToPlainUrl : ctx.em.url;
      if (row.fault !== undefined) ctx.em.inject({ vendor: subject.vendor, action: row.fault(), times: Infinity });
      const provider = subject.make(ctx.em, { ...base, endpoint });

      const { value: settled, growth } = await peakMemoryGrowth(() => settle(provider, id, { signal: shared.signal }));
      const error = leftOf(settled.result);
      const { expected } = row;
      expect(pinned(error)).toEqual({
        _tag: expected.tag,
        retryable: expected.retryable,
        attempts: expected.attempts,
        httpStatus: typeof expected.httpStatus === 'number' ? expected.httpStatus : error.httpStatus,
      });
      if (expected.httpStatus === 'absent') expect(error.httpStatus).toBeUndefined();
      if (expected.httpStatus === 'status-line') expect(error.httpStatus).toBe(ctx.em.requests().at(-1)?.status);
      expect(error).toMatchObject({ provider: subject.vendor, operation: 'stopMix', id });
      expect(received()).toBe(expected.requests);
      expect(settled.elapsedMs).toBeLessThan(row.maxMs + 500);
      if (row.minMs !== undefined) expect(settled.elapsedMs).toBeGreaterThanOrEqual(row.minMs);
      if (row.boundedMemory === true) expect(growth).toBeLessThan(memoryBudget);
      // The mix was not stopped by a call that never got through: it is still running.
      if (row.fault?.().type !== 'reset-mid-body') expect(subject.running(ctx.em)).toContain(id);
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    });

    it('a gzip bomb (64 MB that compress to 64 KB) is cut at the 1 MiB cap after decompression', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * MiB, 0x20), { level: 9 });
      const server = await ctx.env.serve((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            'content-length': String(bomb.length),
          });
          res.end(bomb);
        });
      });
      try {
        // An attempt of its own length: inflating past the cap is real CPU work, and on a loaded machine the
        // matrix's 200 ms attempts could time out first (a retryable Timeout, then the cap on attempt 2).
        const provider = subject.make(ctx.em, { ...base, timeoutMs: 5000, deadlineMs: 10_000, endpoint: server.url });
        const { value: settled, growth } = await peakMemoryGrowth(() =>
          settle(provider, subject.idFor(ctx.em, 'room_gzip')),
        );
        expect(pinned(leftOf(settled.result))).toEqual({
          _tag: 'MalformedResponse',
          retryable: false,
          attempts: 1,
          httpStatus: 200,
        });
        expect(growth).toBeLessThan(memoryBudget);
      } finally {
        await server.close();
      }
    });
  });
}
