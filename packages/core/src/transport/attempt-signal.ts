import type { SendOptions, Transport } from './transport.js';

/**
 * What the built-in transports read of their signal: whether it aborted, and one listener at a time.
 * A real AbortSignal is one; so is the runner's AttemptSignal.
 */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** SendOptions as the built-in transports read them: the runner hands them an AttemptSignal. */
export interface BuiltInSendOptions extends Omit<SendOptions, 'signal'> {
  readonly signal: AbortLike;
}

/**
 * The abort of one attempt through a transport mixtask made itself. On Node 20 an AbortController per attempt,
 * with its EventTarget and an add/removeEventListener pair, costs about 10 µs of CPU: a twentieth of a whole stop
 * at concurrency 1 (docs/benchmarks.md, "The second round: what closed c1"). The built-in transports need
 * only `aborted` and a listener or two, so they get this plain object; a custom transport always gets a real
 * AbortSignal, as the `Transport` contract says. It has `signal` (itself) so that it stands where an
 * AbortController does.
 */
export class AttemptSignal implements AbortLike {
  aborted = false;
  #first: (() => void) | undefined = undefined;
  #more: Array<() => void> | undefined = undefined;

  get signal(): AttemptSignal {
    return this;
  }

  /** Listeners run once, on the first abort: `once` is how every built-in transport listens anyway. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    if (this.#first === undefined) this.#first = listener;
    else (this.#more ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.#first === listener) this.#first = undefined;
    else if (this.#more !== undefined) {
      const at = this.#more.indexOf(listener);
      if (at !== -1) this.#more.splice(at, 1);
    }
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const first = this.#first;
    const more = this.#more;
    this.#first = this.#more = undefined;
    if (first !== undefined) runListener(first);
    if (more !== undefined) for (const listener of more) runListener(listener);
  }
}

/**
 * The listeners are the built-in transports' own. One that threw would keep the others from hearing the abort,
 * and rethrown it would crash the app: swallowed, the attempt still ends (sendAttempt's grace timer).
 */
function runListener(listener: () => void): void {
  try {
    listener();
  } catch {
    // see above
  }
}

/** The transports createNodeTransport and createGotTransport made: only these get an AttemptSignal. */
const builtInTransports = new WeakSet<Transport>();

/** Marks a transport of mixtask's own (not a copy or a wrapper of it, which get a real AbortSignal). */
export function markBuiltIn<T extends Transport>(transport: T): T {
  builtInTransports.add(transport);
  return transport;
}

export function takesAttemptSignal(transport: Transport): boolean {
  return builtInTransports.has(transport);
}
