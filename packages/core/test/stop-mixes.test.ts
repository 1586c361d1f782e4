import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { mixError } from '@mixtask/core/adapter';
import {
  stopMixes,
  type MixError,
  type MixTaskProvider,
  type StopMixesReport,
  type StopMixesResult,
  type StopMixSuccess,
} from '@mixtask/core';
import { createFakeProvider } from '@mixtask/core/testing';

const ids = (n: number, prefix = 'room_') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Every id accounted for exactly once: settled (onResult) or read but not attempted. */
function accounted(results: readonly StopMixesResult[], report: StopMixesReport): string[] {
  return [...results.map((r) => r.id), ...report.notAttempted];
}

/** A provider whose calls settle only when the test says so: what is "in flight" is visible. */
function manualProvider() {
  const pending: { id: string; signal?: AbortSignal; resolve: (r: E.Either<MixError, StopMixSuccess>) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const provider: MixTaskProvider = {
    name: 'manual',
    close: () => Promise.resolve(),
    stopMix: (id, options) => () =>
      new Promise((resolve) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.push({
          id,
          ...(options?.signal === undefined ? {} : { signal: options.signal }),
          resolve: (r) => {
            inFlight -= 1;
            resolve(r);
          },
        });
      }),
  };
  const ok = (id: string) =>
    E.right<MixError, StopMixSuccess>({
      provider: 'manual',
      id,
      requestId: `r-${id}`,
      outcome: 'stopped',
      attempts: 1,
    });
  return {
    provider,
    pending,
    maxInFlight: () => maxInFlight,
    /** Settles every pending call as stopped. */
    releaseAll: () => {
      for (const call of pending.splice(0)) call.resolve(ok(call.id));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('stopMixes', () => {
  it('reports every id exactly once, with totals by outcome and by tag, and the failures with their errors', async () => {
    const fake = createFakeProvider({ sessions: ids(40) });
    const list = [...ids(50), 'bad id!'];
    fake.failNext('room_3', { tag: 'RateLimited', providerCode: 'RequestLimitExceeded' });
    fake.failNext('room_4', 'AuthenticationFailed');
    const results: StopMixesResult[] = [];
    const report = await stopMixes(fake, list, { concurrency: 7, onResult: (r) => results.push(r) })();

    expect(report).toMatchObject({
      ended: 'completed',
      exhausted: true,
      totals: { attempted: 51, stopped: 38, alreadyStopped: 0, failed: 13, notAttempted: 0 },
      byTag: { SessionNotFound: 10, RateLimited: 1, AuthenticationFailed: 1, InvalidArgument: 1 },
      notAttempted: [],
      onResultErrors: 0,
    });
    expect(accounted(results, report).sort()).toEqual([...list].sort());
    expect(report.failures.map((f) => f.id).sort()).toEqual(
      ['room_3', 'room_4', 'bad id!', ...ids(10).map((_, i) => `room_${40 + i}`)].sort(),
    );
    expect(report.failures.find((f) => f.id === 'room_3')?.error).toMatchObject({
      _tag: 'RateLimited',
      providerCode: 'RequestLimitExceeded',
    });
    expect(fake.calls()).toHaveLength(51);
  });

  it('counts already-stopped apart from stopped', async () => {
    const provider: MixTaskProvider = {
      name: 'p',
      close: () => Promise.resolve(),
      stopMix: (id) => () =>
        Promise.resolve(
          E.right({
            provider: 'p',
            id,
            requestId: 'r',
            outcome: id.endsWith('1') ? 'already-stopped' : 'stopped',
            attempts: 1,
          }),
        ),
    };
    const report = await stopMixes(provider, ['a0', 'a1', 'b1'])();
    expect(report.totals).toEqual({ attempted: 3, stopped: 1, alreadyStopped: 2, failed: 0, notAttempted: 0 });
  });

  it('never has more than `concurrency` calls in flight, and does use that many', async () => {
    const manual = manualProvider();
    const task = stopMixes(manual.provider, ids(30), { concurrency: 4 })();
    for (let i = 0; i < 20; i++) {
      await tick();
      manual.releaseAll();
    }
    const report = await task;
    expect(report.totals.stopped).toBe(30);
    expect(manual.maxInFlight()).toBe(4);
  });

  it('reads ids lazily: never more than concurrency + 1 ahead of what has settled', async () => {
    const fake = createFakeProvider();
    let yielded = 0;
    let settled = 0;
    let maxAhead = 0;
    function* source() {
      for (let i = 0; i < 2_000; i++) {
        yielded += 1;
        maxAhead = Math.max(maxAhead, yielded - settled);
        const id = `room_${i}`;
        fake.addSession(id);
        yield id;
      }
    }
    const report = await stopMixes(fake, source(), { concurrency: 8, onResult: () => void (settled += 1) })();
    expect(report.totals.stopped).toBe(2_000);
    expect(maxAhead).toBeLessThanOrEqual(9);
  });

  it('accepts async iterables', async () => {
    const fake = createFakeProvider({ sessions: ids(5) });
    async function* source() {
      for (const id of ids(6)) {
        await tick();
        yield id;
      }
    }
    const report = await stopMixes(fake, source())();
    expect(report.totals).toMatchObject({ attempted: 6, stopped: 5, failed: 1 });
    expect(report.exhausted).toBe(true);
  });

  describe('on abort', () => {
    it("'abort': stops dispatching, aborts what is in flight, leaves the rest of the iterator unread and open", async () => {
      const fake = createFakeProvider({ sessions: ids(10) });
      for (let i = 0; i < 3; i++) fake.holdNext();
      const controller = new AbortController();
      const source = ids(10)[Symbol.iterator]();
      const results: StopMixesResult[] = [];
      const task = stopMixes(
        fake,
        { [Symbol.iterator]: () => source },
        {
          concurrency: 3,
          signal: controller.signal,
          inFlightOnAbort: 'abort',
          onResult: (r) => results.push(r),
        },
      )();
      while (fake.calls().length < 3) await tick();
      controller.abort();
      const report = await task;

      expect(report).toMatchObject({
        ended: 'aborted',
        exhausted: false,
        totals: { attempted: 3, failed: 3, notAttempted: 0 },
        byTag: { Aborted: 3 },
      });
      // The caller drains the rest itself: together, every id exactly once.
      const rest = [...{ [Symbol.iterator]: () => source }];
      expect([...accounted(results, report), ...rest]).toEqual(ids(10));
      expect(fake.sessions()).toEqual(ids(10)); // nothing was stopped
    });

    it("'settle' (the default): lets the calls in flight finish with their real results", async () => {
      const manual = manualProvider();
      const controller = new AbortController();
      const task = stopMixes(manual.provider, ids(10), { concurrency: 2, signal: controller.signal })();
      while (manual.pending.length < 2) await tick();
      controller.abort();
      await tick();
      expect(manual.pending.every((call) => call.signal === undefined)).toBe(true);
      manual.releaseAll();
      const report = await task;
      // An array is listed to its end: the eight ids not attempted are in the report.
      expect(report).toMatchObject({ ended: 'aborted', exhausted: true, totals: { attempted: 2, stopped: 2 } });
      expect(report.notAttempted).toEqual(ids(10).slice(2));
    });

    it('hands over the read that was pending when the signal aborted, without waiting for it', async () => {
      const fake = createFakeProvider({ sessions: ids(3) });
      const controller = new AbortController();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* source() {
        yield 'room_0';
        await gate; // the next line of a slow file
        yield 'room_1';
        yield 'room_2';
      }
      const generator = source();
      const task = stopMixes(fake, generator, { signal: controller.signal })();
      while (fake.calls().length < 1) await tick();
      controller.abort();
      release();
      const report = await task;
      expect(report).toMatchObject({ ended: 'aborted', exhausted: false, notAttempted: [] });
      await expect(report.pendingRead).resolves.toBe('room_1');
      const rest: string[] = [];
      for await (const id of generator) rest.push(id);
      expect(rest).toEqual(['room_2']);
    });

    it('starts nothing when the signal is already aborted', async () => {
      const fake = createFakeProvider({ sessions: ids(3) });
      const report = await stopMixes(fake, ids(3), { signal: AbortSignal.abort() })();
      expect(report).toMatchObject({ ended: 'aborted', exhausted: true, totals: { attempted: 0, notAttempted: 3 } });
      expect(fake.calls()).toHaveLength(0);
    });
  });

  describe('never rejects', () => {
    it('when the ids throw: the ids read before settle, the report says why', async () => {
      const fake = createFakeProvider({ sessions: ids(5) });
      function* source() {
        yield* ids(5);
        throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', secret: 'hidden' });
      }
      const report = await stopMixes(fake, source())();
      expect(report).toMatchObject({
        ended: 'ids-failed',
        exhausted: true,
        totals: { attempted: 5, stopped: 5 },
        problem: { _tag: 'InvalidArgument', id: '' },
      });
      expect(report.problem?.message).toContain('reading the ids failed (EIO)');
      // The id source is app code: its error keeps only its name and code, like every other (issue 23 item 12).
      expect(report.problem?.cause).toMatchObject({ name: 'Error', code: 'EIO' });
      expect(inspect(report, { showHidden: true, depth: 8 })).not.toMatch(/i\/o error|hidden/);
    });

    it('when ids is not iterable, or an iterator answers garbage', async () => {
      const fake = createFakeProvider();
      const notIterable = await stopMixes(fake, 42 as unknown as string[])();
      expect(notIterable).toMatchObject({ ended: 'invalid-options', problem: { _tag: 'InvalidArgument' } });
      const garbage = { [Symbol.iterator]: () => ({ next: () => undefined }) } as unknown as string[];
      expect(await stopMixes(fake, garbage)()).toMatchObject({ ended: 'ids-failed' });
      expect(fake.calls()).toHaveLength(0);
    });

    it('when the provider throws, rejects or answers garbage: Internal failures for those ids', async () => {
      const provider: MixTaskProvider = {
        name: 'broken',
        close: () => Promise.resolve(),
        stopMix: (id) => {
          if (id === 'throws') throw new Error('boom');
          return () => {
            if (id === 'rejects') return Promise.reject(new Error('nope'));
            if (id === 'garbage') return Promise.resolve('yes' as unknown as E.Either<MixError, StopMixSuccess>);
            if (id === 'raw-left') return Promise.resolve(E.left('no' as unknown as MixError));
            return Promise.resolve(E.left(mixError('SessionNotFound', { provider: 'broken', id }) as MixError));
          };
        },
      };
      const report = await stopMixes(provider, ['throws', 'rejects', 'garbage', 'raw-left', 'fine'])();
      expect(report.byTag).toEqual({ Internal: 4, SessionNotFound: 1 });
      expect(report.failures.find((f) => f.id === 'throws')?.error.message).toContain('broke its contract');
    });

    it('when onResult throws: counted, and every id still settles', async () => {
      const fake = createFakeProvider({ sessions: ids(4) });
      const report = await stopMixes(fake, ids(4), {
        onResult: () => {
          throw new Error('listener bug');
        },
      })();
      expect(report).toMatchObject({ ended: 'completed', totals: { stopped: 4 }, onResultErrors: 4 });
    });

    it.each([0, -1, 1.5, Number.NaN, 1025, '8'])('with concurrency %p: invalid-options, nothing read', async (c) => {
      const fake = createFakeProvider();
      let read = false;
      function* source() {
        read = true;
        yield 'room_1';
      }
      const report = await stopMixes(fake, source(), { concurrency: c as number })();
      expect(report).toMatchObject({
        ended: 'invalid-options',
        exhausted: false,
        problem: { _tag: 'InvalidArgument' },
      });
      expect(report.problem?.message).toContain('concurrency');
      expect(read).toBe(false);
    });
  });

  it('keeps memory to the failures: 200k ids through the fake provider give a small report', async () => {
    const fake = createFakeProvider();
    function* source() {
      for (let i = 0; i < 200_000; i++) {
        const id = `room_${i}`;
        if (i % 10_000 !== 0) fake.addSession(id); // 20 ids unknown
        yield id;
      }
    }
    const report = await stopMixes(fake, source(), { concurrency: 16 })();
    expect(report.totals).toEqual({
      attempted: 200_000,
      stopped: 199_980,
      alreadyStopped: 0,
      failed: 20,
      notAttempted: 0,
    });
    expect(report.failures).toHaveLength(20);
    expect(fake.sessions()).toHaveLength(0);
    expect(JSON.stringify(report).length).toBeLessThan(20_000);
  }, 60_000);
});
