import type { Clock } from '@mixtask/core';

export { FakeClock } from '@mixtask/core/testing';

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
