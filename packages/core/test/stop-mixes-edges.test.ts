import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
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

/** Settles within `ms` or says it hung: a hang is what these tests are about, so it must not hang the suite. */
function settledWithin<T>(promise: Promise<T>, ms = 2000): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** A provider whose calls settle when the test says so. */
function manualProvider() {
  const pending: { id: string; resolve: () => void }[] = [];
  const provider: MixTaskProvider = {
    name: 'manual',
    close: () => Promise.resolve(),
    stopMix: (id) => () =>
      new Promise<E.Either<MixError, StopMixSuccess>>((resolve) => {
        pending.push({
          id,
          resolve: () =>
            resolve(E.right({ provider: 'manual', id, requestId: `r-${id}`, outcome: 'stopped', attempts: 1 })),
        });
      }),
  };
  return { provider, pending, releaseAll: () => pending.splice(0).forEach((call) => call.resolve()) };
}

describe('stopMixes with something that is not a provider (item 1)', () => {
  const notProviders: [string, unknown][] = [
    ['undefined (a registry provider() for a name it lacks)', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'tencent'],
    ['an empty object', {}],
    ['an object whose stopMix is not a function', { name: 'x', stopMix: 'no' }],
    ['an array', []],
    [
      'a Proxy that throws on every read',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('secret-in-proxy');
          },
        },
      ),
    ],
  ];
  it.each(notProviders)('%s: a report with ended invalid-options, never a rejection', async (_name, value) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const report = await settledWithin(stopMixes(value as MixTaskProvider, ['a', 'b'])());
      expect(report).not.toBe('hung');
      const r = report as StopMixesReport;
      expect(r.ended).toBe('invalid-options');
      expect(r.problem?._tag).toBe('InvalidArgument');
      expect(r.problem?.message).toMatch(/provider must be a MixTaskProvider/);
      expect(r.totals.attempted).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('stopMixes options are exact (item 7)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a typo of concurrency', { concurency: 4 }, /options\.concurency: unknown field; did you mean concurrency\?/],
    ['a typo of timeoutMs', { timeoutMS: 100 }, /options\.timeoutMS: unknown field; did you mean timeoutMs\?/],
    ['a bad inFlightOnAbort', { inFlightOnAbort: 'cancel' }, /inFlightOnAbort must be 'settle' or 'abort'/],
    ['a signal that is not one', { signal: 'abort' }, /options\.signal must be an AbortSignal/],
    ['onResult that is not a function', { onResult: 1 }, /onResult must be a function/],
    ['a non-positive timeoutMs', { timeoutMs: -1 }, /timeoutMs must be a positive number/],
    ['a string for options', 'fast', /options: expected an object of \{ concurrency, signal/],
    ['an array for options', ['a', 'b', 'c'], /options: expected an object.*got an array/],
    ['null for options', null, /got null/],
  ];
  it.each(cases)('%s: invalid-options with a hint, nothing sent', async (_name, options, message) => {
    const provider = createFakeProvider();
    const report = await stopMixes(provider, ['a'], options as never)();
    expect(report.ended).toBe('invalid-options');
    expect(report.problem?.message).toMatch(message);
    // One problem, not one line per character or element.
    expect(report.problem?.message).not.toMatch(/options\.[0-9]/);
    expect(provider.calls).toHaveLength(0);
  });

  it('keys that live on the prototype are unknown fields, with no function text as a hint (item 8)', async () => {
    const provider = createFakeProvider();
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const options = JSON.parse(`{"${key}": 1}`) as object;
      const report = await stopMixes(provider, ['a'], options as never)();
      expect(report.ended).toBe('invalid-options');
      expect(report.problem?.message).toContain(`options.${key}: unknown field`);
      expect(report.problem?.message).not.toMatch(/function|native code|\[object/);
    }
  });

  it('a getter of the options that throws is invalid-options, and its message is not kept', async () => {
    const options = {
      get concurrency(): number {
        throw new Error('secret-key-in-getter');
      },
    };
    const report = await stopMixes(createFakeProvider(), ['a'], options)();
    expect(report.ended).toBe('invalid-options');
    expect(JSON.stringify(report)).not.toContain('secret-key-in-getter');
  });
});

describe('an abort while the id source waits (item 2)', () => {
  it('ends promptly: aborted, not exhausted, the ids already pulled accounted for, the waiting read handed over', async () => {
    const { provider, releaseAll } = manualProvider();
    let giveLast: (value: IteratorResult<string>) => void = () => undefined;
    let reads = 0;
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          reads += 1;
          if (reads <= 2) return Promise.resolve({ done: false, value: `pulled_${reads}` });
          // The third read waits for ever (stdin with nothing typed), until the test gives it an id.
          return new Promise<IteratorResult<string>>((resolve) => (giveLast = resolve));
        },
      }),
    };
    const controller = new AbortController();
    const results: StopMixesResult[] = [];
    const running = stopMixes(provider, source, {
      signal: controller.signal,
      onResult: (r) => results.push(r),
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(3);
    releaseAll();
    controller.abort();
    const report = await settledWithin(running);
    expect(report).not.toBe('hung');
    const r = report as StopMixesReport;
    expect(r.ended).toBe('aborted');
    expect(r.exhausted).toBe(false);
    expect(r.totals.attempted).toBe(2);
    expect(results.map((x) => x.id).sort()).toEqual(['pulled_1', 'pulled_2']);
    // The read the abort overtook is not lost: its id comes through pendingRead.
    expect(r.pendingRead).toBeDefined();
    giveLast({ done: false, value: 'late_3' });
    await expect(r.pendingRead).resolves.toBe('late_3');
  });

  it('an abort while waiting for a slot, with the source waiting too, still ends at once', async () => {
    const { provider, releaseAll } = manualProvider();
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<string>>(() => undefined) }),
    };
    const controller = new AbortController();
    const running = stopMixes(provider, source, { signal: controller.signal })();
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const report = (await settledWithin(running)) as StopMixesReport;
    expect(report.ended).toBe('aborted');
    expect(report.exhausted).toBe(false);
    releaseAll();
  });
});

describe('an aborted run over an array lists every id not attempted (item 3)', () => {
  it.each([1, 3, 16])('concurrency %i: each input id exactly once across results and notAttempted', async (c) => {
    const { provider, pending, releaseAll } = manualProvider();
    const input = ids(50);
    const controller = new AbortController();
    const results: StopMixesResult[] = [];
    const running = stopMixes(provider, input, {
      concurrency: c,
      signal: controller.signal,
      onResult: (r) => results.push(r),
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pending.length).toBe(c);
    // Settle the first batch; then abort while the next ones are in flight.
    releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    releaseAll();
    const report = await running;
    expect(report.ended).toBe('aborted');
    expect(report.exhausted).toBe(true);
    const seen = [...results.map((x) => x.id), ...report.notAttempted];
    expect(seen.sort()).toEqual([...input].sort());
    expect(report.totals.attempted + report.totals.notAttempted).toBe(input.length);
    expect(report.pendingRead).toBeUndefined();
  });

  it('aborted before the start: the whole array is not attempted', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await stopMixes(createFakeProvider(), ['a', 'b', 'c'], { signal: controller.signal })();
    expect(report.notAttempted).toEqual(['a', 'b', 'c']);
  });
});
