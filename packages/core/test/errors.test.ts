import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { isMixError, matchMixError, mixError, mixErrorTags, withFields, type MixError } from '@mixtask/core';

describe('mixError', () => {
  it('builds every tag with the common fields', () => {
    for (const tag of mixErrorTags) {
      const error = mixError(tag, { provider: 'tencent', id: 'room_1', attempts: 2, providerCode: 'X.Y', requestId: 'r-1' });
      expect(error._tag).toBe(tag);
      expect(error).toMatchObject({ provider: 'tencent', operation: 'stopMix', id: 'room_1', attempts: 2 });
      expect(error.message).toContain(tag);
      expect(error.message).toContain('X.Y');
      expect(error.message).toContain('r-1');
      expect(isMixError(error)).toBe(true);
    }
  });
});
