import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { leftOf, pause, pinned, settle, type Outcome } from '../helpers.js';
import { timeoutMs } from '../budgets.js';
import type { MatrixContext } from '../fault-matrix.js';

/**
 * A budget longer than a timer can hold (2^31 - 1 ms, ~24.8 days) must not become Node's 1 ms timer and a false
 * "deadline spent": either the call runs (and stops the mix), or such a budget is refused up front.
 */
function expectNoSpuriousDeadline(result: Outcome, id: string): void {
  if (E.isRight(result)) expect(result.right).toMatchObject({ id, outcome: 'stopped', attempts: 1 });
  else expect(pinned(result.left)).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
}

/** The deadline bounds the whole call: retries, the per-call timeoutMs, limiter waits, slow credentials, budgets past 2^31 ms. */
export function deadlineScenario(ctx: MatrixContext): void {
  const { subject, base, freshId, shared, title } = ctx;
  describe(`${title}: the deadline bounds the whole call`, () => {
    it('across retries: every attempt times out, the call ends at its deadline with a final Timeout', async () => {
      const id = await freshId();
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' }, times: Infinity });
      const provider = subject.make(ctx.em, {
        ...base,
        timeoutMs, // attempts of 200 ms, whatever the setup: they all time out
        deadlineMs: 700,
        retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
      });
      const { result, elapsedMs } = await settle(provider, id, { signal: shared.signal });
      const error = leftOf(result);
      expect(error).toMatchObject({ _tag: 'Timeout', retryable: false });
      expect(error.attempts).toBeGreaterThanOrEqual(3);
      expect(error.attempts).toBeLessThanOrEqual(4);
      expect(elapsedMs).toBeGreaterThanOrEqual(650);
      expect(elapsedMs).toBeLessThan(1200);
    });

    it('the per-call timeoutMs replaces deadlineMs', async () => {
      const id = await freshId();
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' }, times: Infinity });
      const provider = subject.make(ctx.em, {
        ...base,
        timeoutMs, // attempts of 200 ms, whatever the setup: they all time out
        deadlineMs: 60_000,
        retry: { maxAttempts: 10, baseDelayMs: 1 },
      });
      const { result, elapsedMs } = await settle(provider, id, { timeoutMs: 450, signal: shared.signal });
      expect(leftOf(result)).toMatchObject({ _tag: 'Timeout', retryable: false, attempts: 3 });
      expect(elapsedMs).toBeLessThan(1000);
    });

    it('a rate-limiter turn that would come after the deadline fails at once', async () => {
      const provider = subject.make(ctx.em, { ...base, rateLimit: { requestsPerSecond: 1 } });
      await settle(provider, await freshId());
      const { result, elapsedMs } = await settle(provider, await freshId(), { timeoutMs: 300 });
      expect(pinned(leftOf(result))).toEqual({
        _tag: 'Timeout',
        retryable: false,
        attempts: 0,
        httpStatus: undefined,
      });
      expect(elapsedMs).toBeLessThan(150);
    });

    it('waiting for a token held by a request in flight ends at the deadline', async () => {
      const provider = subject.make(ctx.em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
      const holder = settle(provider, await freshId(), { timeoutMs: 600 });
      await pause(30);
      const { result, elapsedMs } = await settle(provider, await freshId(), { timeoutMs: 300 });
      expect(pinned(leftOf(result))).toEqual({
        _tag: 'Timeout',
        retryable: false,
        attempts: 0,
        httpStatus: undefined,
      });
      expect(elapsedMs).toBeGreaterThanOrEqual(280);
      expect(elapsedMs).toBeLessThan(800);
      await holder;
    });

    it('waiting in the rate limiter’s line, behind a caller who waits for a token, ends at the deadline', async () => {
      const provider = subject.make(ctx.em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
      // The holder keeps the only token for 800 ms (it comes back a second after that).
      const holder = settle(provider, await freshId(), { timeoutMs: 800 });
      await pause(30);
      // First in line: a more patient caller, waiting for that token until ~800 ms, when it sees it cannot have it.
      const patient = settle(provider, await freshId(), { timeoutMs: 1500 });
      await pause(30);
      // Second in line, with a 300 ms deadline: it must not wait for the patient caller's turn.
      const { result, elapsedMs } = await settle(provider, await freshId(), { timeoutMs: 300 });
      expect(pinned(leftOf(result))).toEqual({
        _tag: 'Timeout',
        retryable: false,
        attempts: 0,
        httpStatus: undefined,
      });
      expect(elapsedMs).toBeLessThan(600);
      await Promise.all([holder, patient]);
    });

    it('a credentials function slower than the deadline ends the call at the deadline', async () => {
      const provider = subject.make(ctx.em, {
        ...base,
        deadlineMs: 300,
        credentials: () => new Promise(() => undefined),
      });
      const { result, elapsedMs } = await settle(provider, await freshId(), { signal: shared.signal });
      expect(pinned(leftOf(result))).toEqual({
        _tag: 'Timeout',
        retryable: false,
        attempts: 0,
        httpStatus: undefined,
      });
      expect(elapsedMs).toBeGreaterThanOrEqual(280);
      expect(elapsedMs).toBeLessThan(800);
    });

    it('a per-call timeoutMs beyond 2^31 ms does not turn into a 1 ms timer (credentials function)', async () => {
      const id = await freshId();
      const credentials = subject.credentials(ctx.em);
      const provider = subject.make(ctx.em, {
        ...base,
        credentials: () => pause(30).then(() => credentials),
      });
      const { result } = await settle(provider, id, { timeoutMs: 3_000_000_000 });
      expectNoSpuriousDeadline(result, id);
    });

    it('a per-call timeoutMs beyond 2^31 ms does not turn into a 1 ms timer (rate-limiter wait)', async () => {
      const provider = subject.make(ctx.em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      ctx.em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
      const holder = settle(provider, await freshId(), { timeoutMs: 200 });
      await pause(30);
      const id = await freshId();
      const { result, elapsedMs } = await settle(provider, id, { timeoutMs: 3_000_000_000 });
      expectNoSpuriousDeadline(result, id);
      // Stopped after waiting for the token (back a second after the holder's answer), or refused up front.
      if (E.isRight(result)) expect(elapsedMs).toBeGreaterThan(900);
      await holder;
    });
  });
}
