import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { activeTimers, pause } from '../helpers.js';
import type { MatrixContext } from '../fault-matrix.js';

/** The setup's own checks afterwards, then nothing left behind: no abort listener, no timer. */
export function leftBehindScenario(ctx: MatrixContext): void {
  const { subject, shared, title, setup } = ctx;
  const afterwards = Object.entries(setup.afterwards ?? {});
  if (afterwards.length > 0) {
    describe(`${title}: afterwards`, () => {
      it.each(afterwards)('%s', async (_name, check) => check(ctx.env, subject));
    });
  }

  describe(`${title}: nothing left behind`, () => {
    it('no abort listener stays on a signal shared by every call, no timer keeps running', async () => {
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
      ctx.em.clearFaults();
      await pause(50);
      expect(activeTimers()).toBeLessThanOrEqual(ctx.timersAtStart);
    });
  });
}
