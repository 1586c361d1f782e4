import type { Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/**
 * A TaskEither that also runs when awaited. `stopMix(id)` returns a task, which does nothing until it is called;
 * a JavaScript caller who writes `await provider.stopMix(id)` would otherwise get the function back, send nothing,
 * and leave the mix running (and billing) without a word. Awaiting the task runs it: once, however often it is
 * awaited. Calling it (`stopMix(id)()`) stays the typed way, and each call is a new attempt at the stop.
 */
export function awaitableTask<E, A>(task: TaskEither<E, A>): TaskEither<E, A> {
  let awaited: Promise<Either<E, A>> | undefined;
  // A property set on the function rather than Object.assign: this runs on every stopMix(id), and the generic
  // copy was ~10× the cost of the plain store.
  const run = (() => task()) as TaskEither<E, A> & PromiseLike<Either<E, A>>;
  (run as { then: PromiseLike<Either<E, A>>['then'] }).then = <R1 = Either<E, A>, R2 = never>(
    onFulfilled?: ((value: Either<E, A>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> => {
    awaited ??= task();
    return awaited.then(onFulfilled, onRejected);
  };
  return run;
}
