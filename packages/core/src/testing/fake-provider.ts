import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { awaitableTask } from '../runner/awaitable-task.js';
import { describeId } from '../contract/describe-id.js';
import { mixError, type MixError, type MixErrorInput, type MixErrorTag } from '../contract/errors.js';
import type { MixTaskProvider, ProviderName, StopMixOptions, StopMixSuccess } from '../contract/provider.js';
import { idRuleFor } from './provider-id-rules.js';

export interface FakeProviderOptions {
  /** Default 'fake'. */
  readonly name?: ProviderName;
  /** Sessions that exist from the start. */
  readonly sessions?: Iterable<string>;
  /**
   * Which ids are well-formed. Default: the named provider's own rule (`tencent`: 1–80 letters, digits or `_`;
   * `aliyun`: 1–55 letters, digits, `_` or `-`), else 1–64 letters, digits, `_` or `-`.
   */
  readonly isValidId?: (id: string) => boolean;
}

/** A scripted failure: the tag, and any fields the error should carry. */
export type ScriptedError =
  MixErrorTag | ({ readonly tag: MixErrorTag } & Partial<Omit<MixErrorInput, 'provider' | 'id'>>);

export interface RecordedCall {
  readonly id: string;
  readonly options?: StopMixOptions;
}

/** An in-memory MixTaskProvider for apps' own tests: sessions you add, errors you script, calls it records. */
export interface FakeProvider extends MixTaskProvider {
  addSession(id: string): void;
  sessions(): readonly string[];
  /** The next `times` (default 1) calls for `id` (or '*' for any id) fail with this error. */
  failNext(id: string, error: ScriptedError, times?: number): void;
  /** The next call for `id` (or '*') waits until its signal aborts: a request stuck in flight. */
  holdNext(id?: string): void;
  /** Every call, in order, invalid ids included. */
  calls(): readonly RecordedCall[];
  /** Calls that passed id validation: what a real provider would have sent. */
  requestCount(): number;
  reset(): void;
}

export function createFakeProvider(options: FakeProviderOptions = {}): FakeProvider {
  const name = options.name ?? 'fake';
  const idRule = idRuleFor(name);
  const isValidId = options.isValidId ?? ((id: string) => idRule.test(id));
  const live = new Set(options.sessions ?? []);
  const scripted: { id: string; error: ScriptedError; left: number }[] = [];
  const holds: string[] = [];
  const recorded: RecordedCall[] = [];
  let requests = 0;
  let requestSeq = 0;

  const nextRequestId = () => `fake-${(++requestSeq).toString(16).padStart(8, '0')}`;
  const failure = (tag: MixErrorTag, id: string, fields: Partial<Omit<MixErrorInput, 'provider' | 'id'>> = {}) =>
    E.left<MixError, StopMixSuccess>(mixError(tag, { provider: name, id, attempts: 1, ...fields }) as MixError);

  const held = new Set<() => void>();
  let closed = false;

  const stop = async (rawId: unknown, callOptions?: StopMixOptions): Promise<E.Either<MixError, StopMixSuccess>> => {
    const shownId = describeId(rawId);
    recorded.push({ id: shownId, ...(callOptions === undefined ? {} : { options: callOptions }) });
    if (closed) {
      return failure('ConfigurationError', shownId, { attempts: 0, reason: 'the provider is closed' });
    }
    if (typeof rawId !== 'string' || !isValidId(rawId)) {
      return failure('InvalidArgument', shownId, { attempts: 0, reason: 'malformed id' });
    }
    const signal = callOptions?.signal;
    if (signal?.aborted) return failure('Aborted', rawId, { attempts: 0 });
    requests += 1;

    const hold = holds.findIndex((h) => h === rawId || h === '*');
    if (hold >= 0) {
      holds.splice(hold, 1);
      // Held until the signal aborts (for ever without one, as a stuck request would be) or the fake is closed.
      await new Promise<void>((resolve) => {
        held.add(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      return failure('Aborted', rawId);
    }

    const script = scripted.find((s) => s.id === rawId || s.id === '*');
    if (script !== undefined) {
      script.left -= 1;
      if (script.left <= 0) scripted.splice(scripted.indexOf(script), 1);
      const { tag, ...fields } = typeof script.error === 'string' ? { tag: script.error } : script.error;
      return failure(tag, rawId, { requestId: nextRequestId(), ...fields });
    }
    if (!live.delete(rawId)) {
      return failure('SessionNotFound', rawId, { requestId: nextRequestId(), providerCode: 'SessionNotFound' });
    }
    return E.right({ provider: name, id: rawId, requestId: nextRequestId(), outcome: 'stopped', attempts: 1 });
  };

  return {
    name,
    stopMix: (id, callOptions): TaskEither<MixError, StopMixSuccess> => awaitableTask(() => stop(id, callOptions)),
    addSession: (id) => void live.add(id),
    sessions: () => [...live],
    failNext: (id, error, times = 1) => void scripted.push({ id, error, left: times }),
    holdNext: (id = '*') => void holds.push(id),
    calls: () => [...recorded],
    requestCount: () => requests,
    close: () => {
      closed = true;
      for (const release of held) release();
      held.clear();
      return Promise.resolve();
    },
    reset: () => {
      live.clear();
      scripted.length = 0;
      holds.length = 0;
      recorded.length = 0;
      requests = 0;
    },
  };
}
