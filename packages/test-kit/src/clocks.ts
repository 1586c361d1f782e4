import { systemClock, type Clock } from '@mixtask/core';

/**
 * Real time plus an offset that every sleep advances by at least `minStepMs`: backoffs return at once, yet each
 * attempt is signed at a later second (X-TC-Timestamp has one-second resolution). Stays within the emulator's
 * five-minute skew window.
 */
export function steppingClock(minStepMs = 1500): Clock & { readonly sleeps: number[] } {
  let offset = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now() + offset,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return false;
      sleeps.push(ms);
      offset += Math.max(ms, minStepMs);
      return true;
    },
  };
}

/** The system clock, off by `skewMs` (a client whose clock is wrong). */
export function skewedClock(skewMs: number): Clock {
  return { now: () => Date.now() + skewMs, sleep: systemClock.sleep };
}
