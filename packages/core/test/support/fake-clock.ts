import type { Clock } from '@mixtask/core';

/** A clock whose sleeps return at once, moving time forward: backoff and rate-limit waits without waiting. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = 1_700_000_000_000) {}
  now = (): number => this.time;
  sleep = async (ms: number, signal?: AbortSignal): Promise<boolean> => {
    if (signal?.aborted) return false;
    this.sleeps.push(ms);
    this.time += ms;
    return true;
  };
}

/** A clock whose sleeps last until aborted: the call is parked in a backoff or rate-limit wait. */
export class ParkingClock implements Clock {
  parked = 0;
  now = (): number => 1_700_000_000_000;
  sleep = (_ms: number, signal?: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      this.parked += 1;
      if (signal?.aborted) return resolve(false);
      signal?.addEventListener('abort', () => resolve(false), { once: true });
    });
}
