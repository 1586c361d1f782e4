import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { isMixError, type MixError } from '../contract/errors.js';
import type { MixTaskProvider, StopMixSuccess } from '../contract/provider.js';
import { loadFastCheck } from './load-fast-check.js';

/** What the suite needs to know about the provider under test and its backend. */
export interface ConformanceSubject {
  /** A provider talking to the backend under test (called once per case). */
  makeProvider(): MixTaskProvider;
  /** Starts a session / task on the backend and returns its id. */
  createSession(): Promise<string>;
  /** How many requests the backend has received so far: proves an invalid id sends nothing. */
  requestCount(): number;
  /** Makes the backend hold its next answer, so an abort lands mid-request. */
  holdNextAnswer(): void;
  /** Ids this provider must refuse client-side, in addition to the suite's own. */
  readonly invalidIds?: readonly unknown[];
}

export interface ConformanceCase {
  readonly name: string;
  run(): Promise<void>;
}

/** Malformed for every vendor: empty, spaces, query injection, path tricks, non-ASCII, control characters, non-strings. */
export const commonInvalidIds: readonly unknown[] = [
  '',
  ' ',
  'room 1',
  'a&AppId=x',
  '../etc',
  'room/1',
  'é',
  '房间',
  '\u0000',
  'line\nbreak',
  'x'.repeat(100),
  null,
  undefined,
  42,
  {},
  [],
  true,
  Symbol('id'),
];

async function stop(provider: MixTaskProvider, id: unknown, signal?: AbortSignal) {
  const task = provider.stopMix(id as string, signal === undefined ? undefined : { signal });
  return task();
}

function expectLeft(result: E.Either<MixError, StopMixSuccess>, tag: MixError['_tag'], context: string): MixError {
  assert.ok(
    E.isLeft(result),
    `${context}: expected Left(${tag}), got Right(${JSON.stringify(E.isRight(result) ? result.right : null)})`,
  );
  assert.ok(isMixError(result.left), `${context}: the Left is not a MixError`);
  assert.equal(result.left._tag, tag, `${context}: ${result.left.message}`);
  return result.left;
}

/**
 * The behaviour every MixTaskProvider shares, as framework-free cases: a test file runs them with its own
 * runner, e.g. `for (const c of conformanceCases(subject)) it(c.name, c.run)`.
 */
export function conformanceCases(subject: ConformanceSubject): ConformanceCase[] {
  return [
    {
      name: 'stops a running session: Right(stopped) with a request id',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        const result = await stop(provider, id);
        assert.ok(E.isRight(result), `expected Right, got ${E.isLeft(result) ? result.left.message : ''}`);
        assert.equal(result.right.outcome, 'stopped');
        assert.equal(result.right.id, id);
        assert.equal(result.right.provider, provider.name);
        assert.equal(result.right.attempts, 1);
        assert.ok(result.right.requestId.length > 0, 'requestId is empty');
      },
    },
    {
      name: 'stopping the same session again is SessionNotFound, with the vendor code and request id',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        assert.ok(E.isRight(await stop(provider, id)), 'the first stop failed');
        const error = expectLeft(await stop(provider, id), 'SessionNotFound', 'second stop');
        assert.equal(error.retryable, false);
        assert.equal(error.id, id);
        assert.ok(error.providerCode !== undefined, 'providerCode missing');
        assert.ok(error.requestId !== undefined, 'requestId missing');
      },
    },
    {
      name: 'a malformed id is InvalidArgument and sends no request',
      run: async () => {
        const provider = subject.makeProvider();
        for (const id of [...commonInvalidIds, ...(subject.invalidIds ?? [])]) {
          const before = subject.requestCount();
          const error = expectLeft(await stop(provider, id), 'InvalidArgument', `id ${describe(id)}`);
          assert.equal(error.attempts, 0);
          assert.equal(subject.requestCount(), before, `id ${describe(id)} sent a request`);
        }
      },
    },
    {
      name: 'an already-aborted signal is Aborted and sends no request',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        const before = subject.requestCount();
        expectLeft(await stop(provider, id, AbortSignal.abort()), 'Aborted', 'pre-aborted');
        assert.equal(subject.requestCount(), before);
      },
    },
    {
      name: 'an abort while the request is in flight is Aborted at once',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        subject.holdNextAnswer();
        const before = subject.requestCount();
        const controller = new AbortController();
        const pending = stop(provider, id, controller.signal);
        await waitFor(() => subject.requestCount() > before);
        controller.abort();
        expectLeft(await pending, 'Aborted', 'mid-request abort');
      },
    },
    {
      name: 'awaiting the task without calling it still stops, exactly once (a plain-JavaScript slip)',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        const before = subject.requestCount();
        const task = provider.stopMix(id);
        // What `await provider.stopMix(id)` does in JavaScript: the task is awaited, not called.
        const awaited = (await (task as unknown as PromiseLike<E.Either<MixError, StopMixSuccess>>)) as unknown;
        assert.ok(typeof awaited !== 'function', 'awaiting the task gave the function back: nothing was sent');
        const result = awaited as E.Either<MixError, StopMixSuccess>;
        assert.ok(E.isRight(result), `expected Right, got ${E.isLeft(result) ? result.left.message : ''}`);
        assert.equal(result.right.outcome, 'stopped');
        await (task as unknown as PromiseLike<unknown>);
        assert.equal(subject.requestCount(), before + 1, 'awaiting twice sent twice');
      },
    },
    {
      name: 'close() resolves, is idempotent, and a closed provider refuses calls with no request',
      run: async () => {
        const provider = subject.makeProvider();
        const id = await subject.createSession();
        await provider.close();
        await provider.close();
        const before = subject.requestCount();
        const error = expectLeft(await stop(provider, id), 'ConfigurationError', 'a call after close()');
        assert.match(error.message, /closed/);
        assert.equal(subject.requestCount(), before, 'a closed provider sent a request');
      },
    },
    {
      name: 'any id from a JavaScript caller resolves to a value and never throws (property)',
      run: async () => {
        const fc = await loadFastCheck();
        const provider = subject.makeProvider();
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), async (id) => {
            const before = subject.requestCount();
            let result: E.Either<MixError, StopMixSuccess>;
            try {
              result = await stop(provider, id);
            } catch (thrown) {
              assert.fail(`stopMix threw for ${describe(id)}: ${String(thrown)}`);
            }
            assert.ok(E.isLeft(result) || E.isRight(result));
            if (E.isLeft(result)) {
              assert.ok(isMixError(result.left));
              if (result.left._tag === 'InvalidArgument') assert.equal(subject.requestCount(), before);
            }
          }),
          { numRuns: 60 },
        );
      },
    },
  ];
}

function describe(id: unknown): string {
  if (typeof id === 'string') return JSON.stringify(id.length > 20 ? `${id.slice(0, 20)}…` : id);
  if (typeof id === 'symbol') return 'a symbol';
  try {
    return JSON.stringify(id) ?? String(id);
  } catch {
    return typeof id;
  }
}

/** Polls briefly (no fixed sleep): the request must reach the backend before the abort is meaningful. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) assert.fail('the request never reached the backend');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
