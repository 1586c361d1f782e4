import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { acs3Date, Acs3DateCache } from '../src/sign.js';

/** The x-acs-date fast path against its slow path, for any sequence of calls on one cache (issue 20 item 6). */
describe('Acs3DateCache (one per protocol instance)', () => {
  it('date() is acs3Date, whatever the order of the timestamps', () => {
    const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
    // Runs of timestamps within one second, and jumps back and forth.
    const run = fc.tuple(ms, fc.array(fc.integer({ min: -1500, max: 1500 }), { maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 8 }), (runs) => {
        const cache = new Acs3DateCache();
        for (const [start, steps] of runs) {
          for (const t of [start, ...steps.map((d) => Math.max(0, start + d))]) expect(cache.date(t)).toBe(acs3Date(t));
        }
      }),
    );
  });
});
