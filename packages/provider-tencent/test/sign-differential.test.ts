import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { tencentProtocol } from '@mixtask/provider-tencent/signing';

// The official Node SDK is CommonJS and a devDependency only: it is the reference, never a runtime dependency.
const require = createRequire(import.meta.url);
interface Sign3Input {
  method: string;
  url: string;
  payload: Buffer;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  headers: Record<string, string>;
}
const officialSigner = (
  require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign') as {
    default: { sign3(input: Sign3Input): string };
  }
).default;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';
const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
const from = (chars: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), minLength, maxLength });

const dayS = 86_400;
/** Half the timestamps fall within two minutes of a UTC midnight, where a local-time date would be wrong. */
const timestampS = fc.oneof(
  fc.integer({ min: 1_500_000_000, max: 2_100_000_000 }),
  fc
    .tuple(fc.integer({ min: 17_000, max: 24_000 }), fc.integer({ min: -120, max: 120 }))
    .map(([day, offset]) => day * dayS + offset),
);

const host = fc.constantFrom(
  'live.tencentcloudapi.com',
  'live.intl.tencentcloudapi.com',
  'live.ap-guangzhou.tencentcloudapi.com',
  'live.ap-singapore.tencentcloudapi.com',
);

describe('TC3 Authorization against the official tencentcloud-sdk-nodejs-common signer', () => {
  it('is identical for 300 random ids, keys, hosts and timestamps (content-type;host)', () => {
    const protocol = tencentProtocol();
    fc.assert(
      fc.property(
        from(alphabet, 1, 80),
        from(alphabet, 1, 40).map((s) => `AKID${s}`),
        from(printable, 1, 64),
        fc.option(from(printable, 1, 200), { nil: undefined }),
        timestampS,
        host,
        (id, secretId, secretKey, sessionToken, timestamp, hostname) => {
          const endpoint = new URL(`https://${hostname}`);
          const request = protocol.buildRequest({
            id,
            credentials: { secretId, secretKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
            endpoint,
            timestampMs: timestamp * 1000 + 999,
            nonce: '0'.repeat(32),
          });
          const official = officialSigner.sign3({
            method: 'POST',
            url: request.url,
            payload: Buffer.from(request.body),
            timestamp,
            service: 'live',
            secretId,
            secretKey,
            headers: { 'Content-Type': request.headers['Content-Type'] ?? '' },
          });
          expect(request.headers['X-TC-Timestamp']).toBe(String(timestamp));
          expect(request.headers.Authorization).toBe(official);
        },
      ),
      { numRuns: 300 },
    );
  });
});
