import { RedisCallTimeout } from './errors.js';

/** `work`, or a RedisCallTimeout after `ms`: a queue call answers within its bound even when Redis hangs. */
export function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisCallTimeout()), ms);
  });
  work.catch(() => undefined); // a late rejection after the timeout is expected, not unhandled
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Whether `work` resolved true within `ms` (the timer does not hold the process open). */
export function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  return Promise.race([work.then((done) => done !== false), late]).finally(() => clearTimeout(timer));
}
