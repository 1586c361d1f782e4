import { expect, it } from '@jest/globals';
import fc from 'fast-check';
import { awsIvsProvider } from '../src/descriptor.js';
import { parseCompositionArn } from '../src/protocol.js';

// The descriptor's idRule is what createFakeProvider({ like: awsIvsProvider }) checks: it must agree with the protocol.
it("the descriptor's idRule accepts exactly the ARNs the IVS protocol parses", () => {
  const rule = awsIvsProvider.idRule;
  const near = fc
    .tuple(
      fc.constantFrom('arn:aws:ivs:', 'arn:aws-cn:ivs:', 'arn:aws:ivs:'),
      fc.stringMatching(/^[a-z0-9-]{0,14}$/),
      fc.constantFrom(':', '::'),
      fc.stringMatching(/^[0-9a]{0,13}$/),
      fc.constantFrom(':composition/', ':stage/', ':composition/'),
      fc.stringMatching(/^[a-zA-Z0-9_-]{0,100}$/),
    )
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.oneof(near, fc.string()), (id) => {
      expect(rule.test(id)).toBe(parseCompositionArn(id) !== undefined);
    }),
    { numRuns: 2000 },
  );
});
