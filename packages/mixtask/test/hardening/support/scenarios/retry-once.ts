import { describe, expect, it } from '@jest/globals';
import type { FaultAction } from '@mixtask/emulator';
import { rightOf, settle } from '../helpers.js';
import type { MatrixContext } from '../fault-matrix.js';

/** A retryable fault once, then the vendor answers: stopped, or already-stopped when the first attempt had applied the stop. */
export function retryOnceScenario(ctx: MatrixContext): void {
  const { subject, base, freshId, received, shared, title } = ctx;
  describe(`${title}: a retryable fault once, then the vendor answers`, () => {
    it.each([
      { name: 'reset before any byte', action: { type: 'reset' }, afterApplying: false, outcome: 'stopped' },
      { name: 'no answer', action: { type: 'no-answer' }, afterApplying: false, outcome: 'stopped' },
      { name: 'stalled body', action: { type: 'stall-body' }, afterApplying: false, outcome: 'stopped' },
      { name: '503 with HTML', action: { type: 'body', status: 503, body: '<html/>' }, afterApplying: false },
      // The emulator applied the stop, then the answer was lost: the retry hears "not found", which means stopped.
      { name: 'reset mid-body (stop applied)', action: { type: 'reset-mid-body' }, outcome: 'already-stopped' },
      { name: 'reset after applying', action: { type: 'reset' }, afterApplying: true, outcome: 'already-stopped' },
      {
        name: 'no answer after applying',
        action: { type: 'no-answer' },
        afterApplying: true,
        outcome: 'already-stopped',
      },
      {
        name: `${subject.unavailableCode} after applying`,
        action: { type: 'code', code: subject.unavailableCode },
        afterApplying: true,
        outcome: 'already-stopped',
      },
    ] as { name: string; action: FaultAction; afterApplying?: boolean; outcome?: string }[])(
      '$name',
      async ({ action, afterApplying, outcome }) => {
        const id = await freshId();
        ctx.em.inject({ vendor: subject.vendor, action, afterApplying: afterApplying === true });
        const { result } = await settle(subject.make(ctx.em, base), id, { signal: shared.signal });
        expect(rightOf(result)).toMatchObject({ id, attempts: 2, outcome: outcome ?? 'stopped' });
        expect(subject.running(ctx.em)).not.toContain(id);
        expect(received()).toBe(2);
      },
    );
  });
}
