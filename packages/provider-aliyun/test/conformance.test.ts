import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { conformanceCases } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';

describe.each(['got', 'node'] as const)(
  'the Aliyun provider passes the core conformance suite against the emulator (transport %s)',
  (transport) => {
    let em: Emulator;
    let taskSeq = 0;
    beforeAll(async () => {
      em = await startEmulator();
    });
    afterAll(async () => {
      await em.close();
    });

    const cases = conformanceCases({
      makeProvider: () =>
        createAliyunProvider({
          credentials: em.aliyun.credentials,
          appId: em.aliyun.appId,
          endpoint: em.url,
          transport,
        }),
      createSession: async () => {
        const id = `conformance-${++taskSeq}`;
        await em.aliyun.startTask(id);
        return id;
      },
      requestCount: () => em.requests().length,
      // The suite waits for requestCount() > 0 after holding, so the count restarts here; otherwise the abort
      // fires before the request is sent and the hold catches the next case's request instead.
      holdNextAnswer: () => {
        em.clearRequests();
        em.inject({ vendor: 'aliyun', action: { type: 'no-answer' } });
      },
      // Valid for Tencent's session ids, not for a TaskId: one character too long, and a dot.
      invalidIds: ['x'.repeat(56), 'task.1', 'a=b', 'task%31'],
    });
    for (const c of cases) it(c.name, c.run);
  },
);
