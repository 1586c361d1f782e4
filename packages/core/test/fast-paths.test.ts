import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseTarget, RequestTargets } from '../src/transport/node/request-target.js';

/**
 * Each fast path against its slow path (issue 20 item 6): whatever sequence of requests one transport sends, the
 * remembered parse gives what `new URL` gives. The cache is the transport's own, so two transports never share it.
 */
describe("the node transport's request targets", () => {
  const bases = fc.constantFrom(
    'https://live.tencentcloudapi.com/',
    'https://live.aliyuncs.com',
    'http://127.0.0.1:8080/',
    'https://[::1]:8443/path',
    'https://Example.COM:443/a/b',
    'http://localhost/x#frag',
  );
  const queryChars = fc.constantFrom(...'aZ09-._~%=&?#/ +é[]'.split(''));
  const query = fc.oneof(
    fc.constant(''),
    fc.string({ unit: queryChars, maxLength: 12 }).map((q) => `?${q}`),
  );
  const url = fc.tuple(bases, query).map(([base, q]) => base + q);

  it('gives what new URL gives, for any sequence of URLs', () => {
    fc.assert(
      fc.property(fc.array(url, { minLength: 1, maxLength: 12 }), (urls) => {
        const targets = new RequestTargets();
        for (const raw of urls) expect(targets.of(raw)).toEqual(parseTarget(raw));
      }),
      { numRuns: 500 },
    );
  });

  it("is held per transport: one instance never answers from another one's last URL", () => {
    const one = new RequestTargets();
    const two = new RequestTargets();
    one.of('https://a.example/?x=1');
    expect(two.of('https://b.example/?x=1')).toEqual(parseTarget('https://b.example/?x=1'));
    expect(one.of('https://a.example/?y=2')).toEqual(parseTarget('https://a.example/?y=2'));
  });
});
