import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { tc3CanonicalHeaders, tc3Date, tc3SigningKey, Tc3KeyCache } from '../src/sign.js';

/** The signing fast paths against their slow paths, for any sequence of calls on one cache (issue 20 item 6). */
describe('Tc3KeyCache (one per protocol instance)', () => {
  const timestamp = fc.integer({ min: 0, max: 4_102_444_800 }); // up to 2100
  const secret = fc.constantFrom('k1', 'k2', 'a-much-longer-secret-key');
  const service = fc.constantFrom('live', 'cvm');

  it('date() is tc3Date, whatever the order of the timestamps', () => {
    fc.assert(
      fc.property(fc.array(timestamp, { maxLength: 20 }), (timestamps) => {
        const cache = new Tc3KeyCache();
        for (const t of timestamps) expect(cache.date(t)).toBe(tc3Date(t));
      }),
    );
  });

  it('keys() are tc3SigningKey for any sequence of secrets, dates and services', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(secret, timestamp, service), { maxLength: 12 }), (calls) => {
        const cache = new Tc3KeyCache();
        for (const [key, t, svc] of calls) {
          const date = tc3Date(t);
          expect(cache.keys(key, date, svc)).toEqual(tc3SigningKey(key, date, svc));
        }
      }),
    );
  });

  it('canonicalHeaders() is tc3CanonicalHeaders, also when an unfrozen object is changed in place', () => {
    const headers = fc.dictionary(fc.constantFrom('Host', 'Content-Type', 'X-TC-Action'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(headers, fc.boolean()), { maxLength: 10 }), (calls) => {
        const cache = new Tc3KeyCache();
        const shared: Record<string, string> = {};
        for (const [h, frozen] of calls) {
          if (frozen) {
            const object = Object.freeze({ ...h });
            expect(cache.canonicalHeaders(object)).toEqual(tc3CanonicalHeaders(object));
          } else {
            for (const k of Object.keys(shared)) delete shared[k];
            Object.assign(shared, h);
            expect(cache.canonicalHeaders(shared)).toEqual(tc3CanonicalHeaders(shared));
          }
        }
      }),
    );
  });
});
