import { describe, expect, it } from '@jest/globals';
import { FakeClock, leftOf, pinned, settle } from '../helpers.js';
import type { RetryAfterRow } from '../subjects.js';
import type { MatrixContext } from '../fault-matrix.js';

const httpDate = (inMs: number) => new Date(Date.now() + inMs).toUTCString();

/** 429 and 503 with Retry-After, in seconds or as an HTTP-date: the one backoff wait honours it (fake clock). */
export function retryAfterScenario(ctx: MatrixContext): void {
  const { subject, base, freshId, received, shared, title } = ctx;
  const retryAfterRows: RetryAfterRow[] = [
    {
      name: '429 with Retry-After in seconds',
      action: () => ({ type: 'body', status: 429, body: '', headers: { 'retry-after': '1' } }),
      tag: 'RateLimited',
      httpStatus: 429,
      retryAfterMs: 1000,
    },
    {
      name: '429 with Retry-After as an HTTP-date',
      action: () => ({ type: 'body', status: 429, body: '', headers: { 'retry-after': httpDate(3000) } }),
      tag: 'RateLimited',
      httpStatus: 429,
      retryAfterMs: [1000, 3000],
    },
    {
      name: `429 with the vendor's throttling code and Retry-After in seconds`,
      action: () => ({ type: 'code', code: subject.throttleCode, status: 429, headers: { 'retry-after': '2' } }),
      tag: 'RateLimited',
      httpStatus: 429,
      retryAfterMs: 2000,
      providerCode: subject.throttleCode,
    },
    {
      name: '503 (HTML) with Retry-After in seconds',
      action: () => ({ type: 'body', status: 503, body: '<html>down</html>', headers: { 'retry-after': '1' } }),
      tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryAfterMs: 1000,
    },
    {
      name: '503 (empty) with Retry-After as an HTTP-date',
      action: () => ({ type: 'body', status: 503, body: '', headers: { 'retry-after': httpDate(3000) } }),
      tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryAfterMs: [1000, 3000],
    },
    {
      name: `503 with the vendor's unavailable code and Retry-After in seconds`,
      action: () => ({ type: 'code', code: subject.unavailableCode, status: 503, headers: { 'retry-after': '2' } }),
      tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryAfterMs: 2000,
      providerCode: subject.unavailableCode,
    },
    {
      name: `503 with the vendor's unavailable code and Retry-After as an HTTP-date`,
      action: () => ({
        type: 'code',
        code: subject.unavailableCode,
        status: 503,
        headers: { 'retry-after': httpDate(3000) },
      }),
      tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryAfterMs: [1000, 3000],
      providerCode: subject.unavailableCode,
    },
    ...subject.extraRetryAfterRows,
  ];

  describe(`${title}: 429 and 503 with Retry-After — the wait honours it (fake clock)`, () => {
    it.each(retryAfterRows)('$name', async (row) => {
      const id = await freshId();
      ctx.em.inject({ vendor: subject.vendor, action: row.action(), times: Infinity });
      const clock = new FakeClock();
      const provider = subject.make(ctx.em, {
        ...base,
        clock,
        deadlineMs: 30_000,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 60_000 },
      });
      const { result } = await settle(provider, id, { signal: shared.signal });
      const error = leftOf(result);
      expect(pinned(error)).toEqual({ _tag: row.tag, retryable: true, attempts: 2, httpStatus: row.httpStatus });
      if (row.providerCode !== undefined) expect(error.providerCode).toBe(row.providerCode);
      const [min, max] = typeof row.retryAfterMs === 'number' ? [row.retryAfterMs, row.retryAfterMs] : row.retryAfterMs;
      // The one backoff wait was at least what the vendor asked for. The error says what the last answer asked
      // for: an HTTP-date is measured against the provider's clock, which the wait moved on (issue 20 item 3).
      expect(clock.sleeps).toHaveLength(1);
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(min);
      expect(clock.sleeps[0]).toBeLessThanOrEqual(max);
      const asDate = row.name.includes('HTTP-date');
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(asDate ? 0 : min);
      expect(error.retryAfterMs).toBeLessThanOrEqual(asDate ? Math.max(0, max - (clock.sleeps[0] ?? 0)) : max);
      expect(received()).toBe(2);
    });

    it('a Retry-After longer than the deadline ends the call at once with the vendor’s answer', async () => {
      const id = await freshId();
      ctx.em.inject({
        vendor: subject.vendor,
        action: { type: 'body', status: 429, body: '', headers: { 'retry-after': '120' } },
        times: Infinity,
      });
      const provider = subject.make(ctx.em, {
        ...base,
        deadlineMs: 1000,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 200_000 },
      });
      const { result, elapsedMs } = await settle(provider, id, { signal: shared.signal });
      const error = leftOf(result);
      expect(pinned(error)).toEqual({ _tag: 'RateLimited', retryable: true, attempts: 1, httpStatus: 429 });
      expect(error.retryAfterMs).toBe(120_000);
      expect(elapsedMs).toBeLessThan(1000);
    });
  });
}
