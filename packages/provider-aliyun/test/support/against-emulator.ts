import { afterAll, beforeAll } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, StopMixSuccess } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider, type AliyunProviderOptions } from '@mixtask/provider-aliyun';

export const left = (result: E.Either<MixError, StopMixSuccess>): MixError => {
  if (E.isRight(result)) throw new Error(`expected a Left, got ${JSON.stringify(result.right)}`);
  return result.left;
};
export const right = (result: E.Either<MixError, StopMixSuccess>): StopMixSuccess => {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${result.left.message}`);
  return result.right;
};

let taskSeq = 0;
export const nextTaskId = (): string => `task-${Date.now().toString(36)}-${++taskSeq}`;

/**
 * One emulator for a test file (started before its tests, closed after), and the helpers the Aliyun stop tests
 * share: a provider on it with fast retries, a running task, the Aliyun requests it received.
 */
export function againstEmulator() {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator();
  });
  afterAll(async () => {
    await em.close();
  });
  const emulator = (): Emulator => em;
  const provider = (overrides: Partial<AliyunProviderOptions> = {}) =>
    createAliyunProvider({
      credentials: em.aliyun.credentials,
      appId: em.aliyun.appId,
      endpoint: em.url,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...overrides,
    });
  const running = async (): Promise<string> => {
    const id = nextTaskId();
    await em.aliyun.startTask(id);
    return id;
  };
  const aliyunRequests = () => em.requests().filter((r) => r.vendor === 'aliyun');
  const sentSince = (before: number) => aliyunRequests().slice(before);
  return { emulator, provider, running, aliyunRequests, sentSince };
}
