import { describe, expect, it } from '@jest/globals';
import type { MixEvent } from '@mixtask/core';
import { leftOf, pinned, settle } from '../helpers.js';
import type { Subject } from '../subjects.js';
import type { MatrixContext } from '../fault-matrix.js';

/** An abort ends the call at once with Aborted, wherever the call is: connect, answer, body, backoff, limiter, credentials. */
export function abortScenario(ctx: MatrixContext): void {
  const { subject, base, attemptMs, freshId, received, title } = ctx;
  describe(`${title}: an abort ends the call at once with Aborted`, () => {
    /** Starts the call, aborts when `when` says, and returns the result with how long it took after the abort. */
    const abortWhen = async (
      makeProvider: (onEvent: (e: MixEvent) => void) => ReturnType<Subject['make']>,
      id: string,
      when: 'after-a-moment' | 'on-retry',
    ) => {
      const controller = new AbortController();
      let abortedAt = Number.NaN;
      const abort = () => {
        abortedAt = performance.now();
        controller.abort();
      };
      const provider = makeProvider((event) => {
        if (when === 'on-retry' && event.type === 'retry') setTimeout(abort, 20);
      });
      if (when === 'after-a-moment') setTimeout(abort, attemptMs / 2);
      const settled = await settle(provider, id, { signal: controller.signal });
      return { error: leftOf(settled.result), afterAbortMs: settled.settledAt - abortedAt };
    };

    it('during connect (a TLS handshake that never completes)', async () => {
      const id = await freshId();
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(ctx.em, { ...base, timeoutMs: 5000, deadlineMs: 10_000, endpoint: ctx.silent.url }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 1, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
    });

    it('while waiting for the answer', async () => {
      const id = await freshId();
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(ctx.em, { ...base, timeoutMs: 5000, deadlineMs: 10_000 }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 1, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
      expect(received()).toBe(1);
    });

    it('during the body (headers came, the body stalls)', async () => {
      const id = await freshId();
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'stall-body' } });
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(ctx.em, { ...base, timeoutMs: 5000, deadlineMs: 10_000 }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toMatchObject({ _tag: 'Aborted', retryable: false, attempts: 1 });
      expect(afterAbortMs).toBeLessThan(250);
    });

    it('during a backoff wait (Retry-After: 10)', async () => {
      const id = await freshId();
      ctx.em.inject({
        vendor: subject.vendor,
        action: { type: 'body', status: 503, body: '', headers: { 'retry-after': '10' } },
      });
      const { error, afterAbortMs } = await abortWhen(
        (onEvent) =>
          subject.make(ctx.em, {
            ...base,
            deadlineMs: 30_000,
            retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 },
            onEvent,
          }),
        id,
        'on-retry',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 1, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
      expect(received()).toBe(1);
    });

    it('during a rate-limiter wait (no request is sent)', async () => {
      const id = await freshId();
      const provider = subject.make(ctx.em, { ...base, rateLimit: { requestsPerSecond: 1 }, deadlineMs: 10_000 });
      await settle(provider, await freshId()); // takes the one token: it comes back a second after this answer
      ctx.em.clearRequests();
      const { error, afterAbortMs } = await abortWhen(() => provider, id, 'after-a-moment');
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 0, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
      expect(received()).toBe(0);
    });

    it('during a credentials function that never returns', async () => {
      const id = await freshId();
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(ctx.em, { ...base, deadlineMs: 10_000, credentials: () => new Promise(() => undefined) }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 0, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
    });
  });
}
