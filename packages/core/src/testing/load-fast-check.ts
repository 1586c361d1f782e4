import assert from 'node:assert/strict';
import type * as fc from 'fast-check';

type FastCheck = typeof fc;

/** The message a user without fast-check sees instead of a bare ERR_MODULE_NOT_FOUND. */
export const fastCheckMissing =
  "the conformance suite's property case needs fast-check: install it with `npm install -D fast-check`";

/**
 * Loads fast-check (an optional peer of @mixtask/core) for the property case. When it is missing, fails the case with
 * an assertion saying what to install. `load` is injectable so the missing case can be tested.
 */
export async function loadFastCheck(load: () => Promise<FastCheck> = () => import('fast-check')): Promise<FastCheck> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    assert.fail(`${fastCheckMissing} (${typeof code === 'string' ? code : 'import failed'})`);
  }
}
