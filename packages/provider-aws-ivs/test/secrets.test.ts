import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import type { MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator, type FaultAction } from '@mixtask/emulator';
import {
  createAwsIvsProvider,
  fromAwsCredentialProvider,
  type AwsCredentials,
  type AwsIvsProviderOptions,
} from '@mixtask/provider-aws-ivs';
// The test kit's helpers: a clock that steps on every sleep, and a transport that keeps what it sent.
import { recordingTransport, skewedClock, steppingClock } from '@mixtask/test-kit';

const wrongSecret = 'WRONGSECRET_canary_77a2e0';

let em: Emulator;
let temporary: AwsCredentials & { readonly sessionToken: string };
beforeAll(async () => {
  em = await startEmulator({ quota: { awsIvs: false } });
  temporary = em.awsIvs.issueTemporaryCredentials();
});
afterAll(async () => {
  await em.close();
});

interface Scenario {
  readonly name: string;
  readonly credentials?: () => AwsIvsProviderOptions['credentials'];
  readonly fault?: FaultAction;
  readonly options?: Partial<AwsIvsProviderOptions>;
  readonly id?: string;
  readonly silent?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'success' },
  { name: 'success with STS credentials', credentials: () => temporary },
  {
    name: 'success through fromAwsCredentialProvider',
    credentials: () => fromAwsCredentialProvider(async () => temporary),
  },
  {
    name: 'wrong secret (AWS quotes the canonical request)',
    credentials: () => ({ ...temporary, secretAccessKey: wrongSecret }),
  },
  { name: 'wrong token', credentials: () => ({ ...temporary, sessionToken: `${temporary.sessionToken}x` }) },
  { name: 'clock skew', credentials: () => temporary, options: { clock: skewedClock(-10 * 60_000) } },
  { name: 'unknown composition', id: 'arn:aws:ivs:us-east-1:123456789012:composition/never' },
  { name: 'vendor code', fault: { type: 'code', code: 'UnrecognizedClientException' } },
  {
    name: 'retried vendor code',
    credentials: () => temporary,
    fault: { type: 'code', code: 'InternalServerException' },
    options: { retry: { maxAttempts: 3, baseDelayMs: 0 } },
  },
  { name: 'HTML 502', fault: { type: 'body', status: 502, body: '<html>bad gateway</html>' } },
  { name: 'reset', fault: { type: 'reset' } },
  { name: 'timeout', fault: { type: 'no-answer' }, options: { timeoutMs: 100 } },
  { name: 'region mismatch', id: 'arn:aws:ivs:eu-west-1:123456789012:composition/abcd' },
  {
    name: 'credential provider that fails',
    credentials: () =>
      fromAwsCredentialProvider(async () => {
        throw Object.assign(new Error(`could not load ${temporary.secretAccessKey}`), {
          name: 'CredentialsProviderError',
        });
      }),
  },
  {
    name: 'invalid options holding a secret',
    credentials: () => ({ ...temporary, secretAccessKey: `bad ${temporary.secretAccessKey}` }),
    silent: true,
  },
];

describe('no secret, token or signature in any error or event', () => {
  const signatures: string[] = [];
  const outputs: string[] = [];

  it.each(scenarios)('$name', async (scenario) => {
    em.clearFaults();
    const id = scenario.id ?? (await em.awsIvs.createComposition());
    if (scenario.fault !== undefined) em.inject({ vendor: 'aws-ivs', action: scenario.fault, times: 3 });
    const events: MixEvent[] = [];
    const { transport, sent } = recordingTransport();
    const provider = createAwsIvsProvider({
      region: em.awsIvs.region,
      credentials: scenario.credentials?.() ?? em.awsIvs.credentials,
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
      signatures.push(/Signature=([0-9a-f]{64})/.exec(request.headers.authorization ?? '')?.[1] ?? '');
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
    await provider.close();
  });

  it('the scan found none of them', () => {
    const haystack = outputs.join('\n');
    expect(outputs.length).toBeGreaterThan(scenarios.length * 2);
    expect(signatures.filter((s) => s !== '').length).toBeGreaterThan(8);
    for (const secret of [
      wrongSecret,
      temporary.secretAccessKey,
      temporary.sessionToken,
      em.awsIvs.credentials.secretAccessKey,
    ]) {
      expect(haystack.includes(secret) ? secret : 'absent').toBe('absent');
    }
    for (const signature of signatures.filter((s) => s !== '')) {
      expect(haystack.includes(signature) ? signature : 'absent').toBe('absent');
    }
    expect(haystack).not.toMatch(/AWS4-HMAC-SHA256|Signature=|x-amz-security-token|authorization/i);
  });
});
