import { describe, expect, it } from '@jest/globals';
import { againstEmulator, left, right, nextTaskId } from './support/against-emulator.js';

describe('retries, against the emulator', () => {
  const { emulator, provider, running, aliyunRequests, sentSince } = againstEmulator();

  it('re-signs every attempt with a fresh nonce: a retried call never reuses one', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    emulator().inject({ vendor: 'aliyun', action: { type: 'code', code: 'InternalError' }, times: 2 });
    const success = right(await provider().stopMix(id)());
    expect(success).toMatchObject({ outcome: 'stopped', attempts: 3 });
    const nonces = sentSince(before).map((r) => r.headers['x-acs-signature-nonce']);
    expect(nonces).toHaveLength(3);
    expect(new Set(nonces).size).toBe(3);
  });

  it('retries SignatureNonceUsed with a fresh nonce, and succeeds', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    emulator().inject({ vendor: 'aliyun', action: { type: 'code', code: 'SignatureNonceUsed' } });
    expect(right(await provider().stopMix(id)())).toMatchObject({ outcome: 'stopped', attempts: 2 });
    const [first, second] = sentSince(before);
    expect(first?.code).toBe('SignatureNonceUsed');
    expect(second?.headers['x-acs-signature-nonce']).not.toBe(first?.headers['x-acs-signature-nonce']);
  });

  it('a stop whose answer was lost, retried, is already-stopped', async () => {
    const id = await running();
    emulator().inject({ vendor: 'aliyun', action: { type: 'reset' }, afterApplying: true });
    expect(right(await provider().stopMix(id)())).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
    expect(emulator().aliyun.tasks()).not.toContain(id);
  });

  it("notFound: 'already-stopped' turns an unknown task into success", async () => {
    const result = right(await provider({ notFound: 'already-stopped' }).stopMix(nextTaskId())());
    expect(result).toMatchObject({ outcome: 'already-stopped', attempts: 1 });
    expect(result.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('Throttling: x-acs-retry-after is read as milliseconds, Retry-After as seconds', async () => {
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling.User', headers: { 'x-acs-retry-after': '1500' } },
    });
    const acs = left(await provider({ retry: false }).stopMix(nextTaskId())());
    expect(acs).toMatchObject({ _tag: 'RateLimited', retryable: true, retryAfterMs: 1500, httpStatus: 400 });
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling', headers: { 'retry-after': '2' } },
    });
    expect(left(await provider({ retry: false }).stopMix(nextTaskId())())).toMatchObject({ retryAfterMs: 2000 });
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'code', code: 'Throttling', headers: { 'x-acs-retry-after': '0' } },
    });
    expect(left(await provider({ retry: false }).stopMix(nextTaskId())()).retryAfterMs).toBeUndefined();
  });
});
