import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import * as E from 'fp-ts/lib/Either.js';
import { gzipSync } from 'node:zlib';
import type { MixErrorTag, MixEvent } from '@mixtask/core';
import type { Emulator, FaultAction } from '@mixtask/emulator';
import {
  activeTimers,
  FakeClock,
  leftOf,
  pause,
  peakMemoryGrowth,
  pinned,
  rightOf,
  settle,
  silentTcpServer,
  type LoopbackServer,
  type Outcome,
} from './helpers.js';
import { direct, type MatrixEnvironment, type MatrixSetup } from './matrix-setup.js';
import type { Overrides, RetryAfterRow, Subject } from './subjects.js';

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

/** Small budgets: a fault row must end in well under a second or two. */
const timeoutMs = 200;
const deadlineMs = 2000;
const plainBase: Overrides = {
  rateLimit: false,
  timeoutMs,
  deadlineMs,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 20 },
};

const httpDate = (inMs: number) => new Date(Date.now() + inMs).toUTCString();

/**
 * A budget longer than a timer can hold (2^31 - 1 ms, ~24.8 days) must not become Node's 1 ms timer and a false
 * "deadline spent": either the call runs (and stops the mix), or such a budget is refused up front.
 */
function expectNoSpuriousDeadline(result: Outcome, id: string): void {
  if (E.isRight(result)) expect(result.right).toMatchObject({ id, outcome: 'stopped', attempts: 1 });
  else expect(pinned(result.left)).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
}

/**
 * The fault matrix of issue 7, for one provider against the emulator's fault injection. Every row asserts the tag,
 * `retryable`, `attempts` and `httpStatus` of errors.md, that the call never rejects, and that it ends within its
 * bounds; the big-body rows also that memory stays bounded.
 */
export function faultMatrix(plain: Subject, options: { readonly setup?: MatrixSetup } = {}): void {
  const setup = options.setup ?? direct;
  let env: MatrixEnvironment;
  // Every provider the matrix makes carries the setup's options (e.g. proxy and ca), under the row's own.
  const subject: Subject = {
    ...plain,
    make: (e, overrides = {}, transport) =>
      plain.make(e, { ...env.options, ...(overrides as object) } as Overrides, transport),
  };
  const title = setup.label === undefined ? subject.vendor : `${subject.vendor} (${setup.label})`;
  // A setup whose connections are slow to open (TLS through a proxy) gives each attempt more time to get through.
  const attemptMs = setup.attemptTimeoutMs ?? timeoutMs;
  const base: Overrides = { ...plainBase, timeoutMs: attemptMs };
  let em: Emulator;
  let silent: LoopbackServer;
  let timersAtStart: number;
  /** Every call of the matrix carries this signal: its abort listeners must not pile up. */
  const shared = new AbortController();
  let counter = 0;
  const freshId = async (start = true) => {
    const id = subject.idFor(em, `hardening_${subject.vendor}_${counter++}`);
    if (start) await subject.start(em, id);
    return id;
  };
  const received = () => em.requests().filter((r) => r.vendor === subject.vendor).length;

  beforeAll(async () => {
    timersAtStart = activeTimers();
    env = await setup.start();
    em = env.em;
    silent = await silentTcpServer();
  });
  afterAll(async () => {
    await silent.close();
    await env.close();
  });
  beforeEach(() => {
    em.clearFaults();
    em.clearRequests();
  });

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
        row.endpoint === 'refused' ? env.refusedUrl : row.endpoint === 'tls' ? env.tlsToPlainUrl : em.url;
      if (row.fault !== undefined) em.inject({ vendor: subject.vendor, action: row.fault(), times: Infinity });
      const provider = subject.make(em, { ...base, endpoint });

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
      if (expected.httpStatus === 'status-line') expect(error.httpStatus).toBe(em.requests().at(-1)?.status);
      expect(error).toMatchObject({ provider: subject.vendor, operation: 'stopMix', id });
      expect(received()).toBe(expected.requests);
      expect(settled.elapsedMs).toBeLessThan(row.maxMs + 500);
      if (row.minMs !== undefined) expect(settled.elapsedMs).toBeGreaterThanOrEqual(row.minMs);
      if (row.boundedMemory === true) expect(growth).toBeLessThan(memoryBudget);
      // The mix was not stopped by a call that never got through: it is still running.
      if (row.fault?.().type !== 'reset-mid-body') expect(subject.running(em)).toContain(id);
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    });

    it('a gzip bomb (64 MB that compress to 64 KB) is cut at the 1 MiB cap after decompression', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * MiB, 0x20), { level: 9 });
      const server = await env.serve((req, res) => {
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
        const provider = subject.make(em, { ...base, timeoutMs: 5000, deadlineMs: 10_000, endpoint: server.url });
        const { value: settled, growth } = await peakMemoryGrowth(() =>
          settle(provider, subject.idFor(em, 'room_gzip')),
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

  describe(`${title}: a retryable fault once, then the vendor answers`, () => {
    it.each([
      { name: 'reset before any byte', action: { type: 'reset' }, afterApplying: false, outcome: 'stopped' },
      { name: 'no answer', action: { type: 'no-answer' }, afterApplying: false, outcome: 'stopped' },
      { name: 'stalled body', action: { type: 'stall-body' }, afterApplying: false, outcome: 'stopped' },
      { name: '503 with HTML', action: { type: 'body', status: 503, body: '<html/>' }, afterApplying: false },
      // The emulator applied the stop, then the answer was lost: the retry hears "not found", which means stopped.
      { name: 'reset mid-body (stop applied)', action: { type: 'reset-mid-body' }, outcome: 'already-stopped' },
      { name: 'reset after applying', action: { type: 'reset' }, afterApplying: true, outcome: 'already-stopped' },
      {
        name: 'no answer after applying',
        action: { type: 'no-answer' },
        afterApplying: true,
        outcome: 'already-stopped',
      },
      {
        name: `${subject.unavailableCode} after applying`,
        action: { type: 'code', code: subject.unavailableCode },
        afterApplying: true,
        outcome: 'already-stopped',
      },
    ] as { name: string; action: FaultAction; afterApplying?: boolean; outcome?: string }[])(
      '$name',
      async ({ action, afterApplying, outcome }) => {
        const id = await freshId();
        em.inject({ vendor: subject.vendor, action, afterApplying: afterApplying === true });
        const { result } = await settle(subject.make(em, base), id, { signal: shared.signal });
        expect(rightOf(result)).toMatchObject({ id, attempts: 2, outcome: outcome ?? 'stopped' });
        expect(subject.running(em)).not.toContain(id);
        expect(received()).toBe(2);
      },
    );
  });

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
      em.inject({ vendor: subject.vendor, action: row.action(), times: Infinity });
      const clock = new FakeClock();
      const provider = subject.make(em, {
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
      // The error says how long the vendor asked for, and the one backoff wait was at least that.
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(min);
      expect(error.retryAfterMs).toBeLessThanOrEqual(max);
      expect(clock.sleeps).toHaveLength(1);
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(min);
      expect(clock.sleeps[0]).toBeLessThanOrEqual(max);
      expect(received()).toBe(2);
    });

    it('a Retry-After longer than the deadline ends the call at once with the vendor’s answer', async () => {
      const id = await freshId();
      em.inject({
        vendor: subject.vendor,
        action: { type: 'body', status: 429, body: '', headers: { 'retry-after': '120' } },
        times: Infinity,
      });
      const provider = subject.make(em, {
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
        () => subject.make(em, { ...base, timeoutMs: 5000, deadlineMs: 10_000, endpoint: silent.url }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 1, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
    });

    it('while waiting for the answer', async () => {
      const id = await freshId();
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(em, { ...base, timeoutMs: 5000, deadlineMs: 10_000 }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 1, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
      expect(received()).toBe(1);
    });

    it('during the body (headers came, the body stalls)', async () => {
      const id = await freshId();
      em.inject({ vendor: subject.vendor, action: { type: 'stall-body' } });
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(em, { ...base, timeoutMs: 5000, deadlineMs: 10_000 }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toMatchObject({ _tag: 'Aborted', retryable: false, attempts: 1 });
      expect(afterAbortMs).toBeLessThan(250);
    });

    it('during a backoff wait (Retry-After: 10)', async () => {
      const id = await freshId();
      em.inject({
        vendor: subject.vendor,
        action: { type: 'body', status: 503, body: '', headers: { 'retry-after': '10' } },
      });
      const { error, afterAbortMs } = await abortWhen(
        (onEvent) =>
          subject.make(em, {
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
      const provider = subject.make(em, { ...base, rateLimit: { requestsPerSecond: 1 }, deadlineMs: 10_000 });
      await settle(provider, await freshId()); // takes the one token: it comes back a second after this answer
      em.clearRequests();
      const { error, afterAbortMs } = await abortWhen(() => provider, id, 'after-a-moment');
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 0, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
      expect(received()).toBe(0);
    });

    it('during a credentials function that never returns', async () => {
      const id = await freshId();
      const { error, afterAbortMs } = await abortWhen(
        () => subject.make(em, { ...base, deadlineMs: 10_000, credentials: () => new Promise(() => undefined) }),
        id,
        'after-a-moment',
      );
      expect(pinned(error)).toEqual({ _tag: 'Aborted', retryable: false, attempts: 0, httpStatus: undefined });
      expect(afterAbortMs).toBeLessThan(250);
    });
  });

  describe(`${title}: the deadline bounds the whole call`, () => {
    it('across retries: every attempt times out, the call ends at its deadline with a final Timeout', async () => {
      const id = await freshId();
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' }, times: Infinity });
      const provider = subject.make(em, {
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
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' }, times: Infinity });
      const provider = subject.make(em, {
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
      const provider = subject.make(em, { ...base, rateLimit: { requestsPerSecond: 1 } });
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
      const provider = subject.make(em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
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
      const provider = subject.make(em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
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
      const provider = subject.make(em, { ...base, deadlineMs: 300, credentials: () => new Promise(() => undefined) });
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
      const credentials = subject.credentials(em);
      const provider = subject.make(em, {
        ...base,
        credentials: () => pause(30).then(() => credentials),
      });
      const { result } = await settle(provider, id, { timeoutMs: 3_000_000_000 });
      expectNoSpuriousDeadline(result, id);
    });

    it('a per-call timeoutMs beyond 2^31 ms does not turn into a 1 ms timer (rate-limiter wait)', async () => {
      const provider = subject.make(em, { ...base, timeoutMs: 5000, rateLimit: { requestsPerSecond: 1 } });
      em.inject({ vendor: subject.vendor, action: { type: 'no-answer' } });
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

  const afterwards = Object.entries(setup.afterwards ?? {});
  if (afterwards.length > 0) {
    describe(`${title}: afterwards`, () => {
      it.each(afterwards)('%s', async (_name, check) => check(env, subject));
    });
  }

  describe(`${title}: nothing left behind`, () => {
    it('no abort listener stays on a signal shared by every call, no timer keeps running', async () => {
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
      em.clearFaults();
      await pause(50);
      expect(activeTimers()).toBeLessThanOrEqual(timersAtStart);
    });
  });
}
