import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { conformanceCases } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAwsIvsProvider } from '@mixtask/provider-aws-ivs';

let em: Emulator;

beforeAll(async () => {
  // The suite's cases run back to back; IVS's 5/s is the rate limiter's business (rate-limit.test.ts), not this one's.
  em = await startEmulator({ quota: { awsIvs: false } });
});
afterAll(async () => {
  await em.close();
});

describe.each(['got', 'node'] as const)(
  'the core conformance suite, Amazon IVS provider against the emulator (transport %s)',
  (transport) => {
    const cases = conformanceCases({
      makeProvider: () =>
        createAwsIvsProvider({
          region: em.awsIvs.region,
          credentials: em.awsIvs.credentials,
          endpoint: em.url,
          transport,
          rateLimit: false,
        }),
      createSession: () => em.awsIvs.createComposition(),
      requestCount: () => em.requests().length,
      holdNextAnswer: () => {
        // The suite then waits for requestCount() > 0: start from 0, so the abort lands on the held request.
        em.clearRequests();
        em.inject({ vendor: 'aws-ivs', action: { type: 'no-answer' } });
      },
      invalidIds: [
        'room_1',
        'arn:aws:ivs:eu-west-1:123456789012:composition/abcdEFGH1234', // another region than the provider's
        'arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234',
        'arn:aws:ivs:us-east-1:123456789012:composition/abc_def',
        'arn:aws-cn:ivs:us-east-1:123456789012:composition/abcd',
        `arn:aws:ivs:us-east-1:123456789012:composition/${'a'.repeat(82)}`, // 129 characters
        ' arn:aws:ivs:us-east-1:123456789012:composition/abcd',
      ],
    });
    for (const c of cases) it(c.name, c.run);
  },
);
