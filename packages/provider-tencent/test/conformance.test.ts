import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { conformanceCases } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';

let em: Emulator;
let sessions = 0;

beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});

describe.each(['got', 'node'] as const)(
  'the core conformance suite, Tencent provider against the emulator (transport %s)',
  (transport) => {
    const cases = conformanceCases({
      makeProvider: () => createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url, transport }),
      createSession: async () => {
        const id = `room_${++sessions}`;
        await em.tencent.createSession(id);
        return id;
      },
      requestCount: () => em.requests().length,
      holdNextAnswer: () => {
        // The suite then waits for requestCount() > 0: start from 0, so the abort lands on the held request.
        em.clearRequests();
        em.inject({ vendor: 'tencent', action: { type: 'no-answer' } });
      },
      // Valid for other vendors' ids, not for MixStreamSessionId.
      invalidIds: ['room-1', 'room.1', 'x'.repeat(81)],
    });
    for (const c of cases) it(c.name, c.run);
  },
);
