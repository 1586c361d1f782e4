import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import type { MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator, type FaultAction } from '@mixtask/emulator';
import { createTencentProvider, type TencentCredentials, type TencentProviderOptions } from '@mixtask/provider-tencent';
import { recordingTransport, skewedClock, steppingClock } from '@mixtask/test-kit';

const secretKey = 'SECRETKEY_canary_9f3b1c';
const secretId = 'AKIDsecretsTestCanary';
const wrongSecretKey = 'WRONGKEY_canary_77a2e0';

let em: Emulator;
let sessionToken: string;
let temporary: TencentCredentials;
beforeAll(async () => {
  em = await startEmulator();
  em.tencent.acceptCredentials({ secretId, secretKey });
  temporary = em.tencent.issueTemporaryCredentials();
  sessionToken = temporary.sessionToken ?? '';
});
afterAll(async () => {
  await em.close();
});

interface Scenario {
  readonly name: string;
  readonly credentials?: TencentProviderOptions['credentials'];
  readonly fault?: FaultAction;
  readonly options?: Partial<TencentProviderOptions>;
  readonly id?: string;
  /** Invalid options fail before the runner exists, so no event is emitted. */
  readonly silent?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'success' },
  { name: 'success with STS credentials', credentials: () => temporary },
  { name: 'wrong secret key', credentials: { secretId, secretKey: wrongSecretKey } },
  { name: 'wrong token', credentials: () => ({ ...temporary, sessionToken: `${sessionToken}x` }) },
  { name: 'clock skew', options: { clock: skewedClock(-10 * 60_000) } },
  { name: 'unknown session', id: 'room_never' },
  { name: 'vendor code', fault: { type: 'code', code: 'AuthFailure.SignatureFailure' } },
  {
    name: 'retried vendor code',
    fault: { type: 'code', code: 'InternalError' },
    options: { retry: { maxAttempts: 3, baseDelayMs: 0 } },
  },
  { name: 'HTML 502', fault: { type: 'body', status: 502, body: '<html>bad gateway</html>' } },
  { name: 'garbage 200', fault: { type: 'body', status: 200, body: 'garbage' } },
  { name: 'reset', fault: { type: 'reset' } },
  { name: 'timeout', fault: { type: 'no-answer' }, options: { timeoutMs: 100 } },
  { name: 'invalid id', id: 'room 1' },
  {
    name: 'credentials function that fails',
    credentials: async () => {
      throw Object.assign(new Error('vault unreachable'), { config: { secretKey } });
    },
  },
  {
    name: 'credentials function of the wrong shape',
    credentials: async () => ({ secretId, secretKey: `${secretKey} ` }),
  },
  { name: 'invalid options holding a secret', credentials: { secretId, secretKey: `bad ${secretKey}` }, silent: true },
];

describe('no secret, token or signature in any error or event', () => {
  const signatures: string[] = [];
  const outputs: string[] = [];

  it.each(scenarios)('$name', async (scenario) => {
    em.clearFaults();
    const id = scenario.id ?? `room_${outputs.length}`;
    await em.tencent.createSession(id).catch(() => undefined);
    if (scenario.fault !== undefined) em.inject({ vendor: 'tencent', action: scenario.fault, times: 3 });
    const events: MixEvent[] = [];
    const { transport, sent } = recordingTransport();
    const provider = createTencentProvider({
      credentials: scenario.credentials ?? { secretId, secretKey },
      endpoint: em.url,
      rateLimit: false,
      retry: false,
      clock: steppingClock(1),
      onEvent: (event) => events.push(event),
      ...scenario.options,
      transport,
    });
    const result = await provider.stopMix(id)();
    for (const request of sent)
      signatures.push(/Signature=([0-9a-f]{64})/.exec(request.headers.Authorization ?? '')?.[1] ?? '');
    if (E.isLeft(result)) {
      const error = result.left;
      outputs.push(
        error.message,
        JSON.stringify(error),
        inspect(error),
        inspect(error, { showHidden: true, depth: Infinity }),
        String(error.cause),
        inspect(error.cause, { showHidden: true, depth: Infinity }),
      );
    } else {
      outputs.push(JSON.stringify(result.right), inspect(result.right, { showHidden: true, depth: Infinity }));
    }
    for (const event of events)
      outputs.push(JSON.stringify(event), inspect(event, { showHidden: true, depth: Infinity }));
    expect(events.length > 0).toBe(scenario.silent !== true);
  });

  it('the scan found none of them', () => {
    const haystack = outputs.join('\n');
    expect(outputs.length).toBeGreaterThan(scenarios.length * 2);
    expect(signatures.filter((s) => s !== '').length).toBeGreaterThan(10);
    for (const secret of [
      secretKey,
      wrongSecretKey,
      temporary.secretKey,
      sessionToken,
      em.tencent.credentials.secretKey,
    ]) {
      expect(haystack.includes(secret) ? secret : 'absent').toBe('absent');
    }
    for (const signature of signatures.filter((s) => s !== '')) {
      expect(haystack.includes(signature) ? signature : 'absent').toBe('absent');
    }
    expect(haystack).not.toMatch(/TC3-HMAC-SHA256|Signature=|X-TC-Token|authorization/i);
  });
});
