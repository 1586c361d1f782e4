import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import fc from 'fast-check';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsIvsProtocol, ivsSigningName, signSigV4, sigV4Date } from '@mixtask/provider-aws-ivs/signing';

// What the AWS SDK itself signs with: a devDependency only, the reference, never a runtime dependency.
class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: unknown) {
    // The signer passes strings and Uint8Arrays (its SourceData type also allows ArrayBuffers, which it never sends).
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as string | Uint8Array);
  }
  update(data: string | Uint8Array): void {
    this.#hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}

const official = async (input: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  host: string;
  headers: Record<string, string>;
  body: string;
  timestampMs: number;
  applyChecksum: boolean;
}) => {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: input.accessKeyId,
      secretAccessKey: input.secretAccessKey,
      ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
    },
    region: input.region,
    service: ivsSigningName,
    sha256: NodeSha256,
    applyChecksum: input.applyChecksum,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: input.host,
      path: '/StopComposition',
      query: {},
      headers: { ...input.headers, host: input.host },
      body: input.body,
    },
    { signingDate: new Date(input.timestampMs) },
  );
  return signed.headers as Record<string, string>;
};

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
const from = (chars: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), minLength, maxLength });
const region = fc.constantFrom('us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-south-1');
const arn = fc
  .tuple(region, fc.stringMatching(/^[0-9]{12}$/), from(`${alnum}-`, 1, 40))
  .map(([r, account, id]) => `arn:aws:ivs:${r}:${account}:composition/${id}`);
/** Half the instants fall within two minutes of a UTC midnight, where a local-time date would be wrong. */
const timestampMs = fc.oneof(
  fc.integer({ min: 1_500_000_000_000, max: 2_100_000_000_000 }),
  fc
    .tuple(fc.integer({ min: 17_000, max: 24_000 }), fc.integer({ min: -120_000, max: 120_000 }))
    .map(([day, offset]) => day * 86_400_000 + offset),
);
const credentials = fc.record(
  {
    accessKeyId: from(alnum, 16, 32).map((s) => `AKIA${s}`),
    secretAccessKey: from(printable, 1, 64),
    sessionToken: from(printable, 1, 300),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);

describe('SigV4 against @smithy/signature-v4 (the AWS SDK signer)', () => {
  it('signs every StopComposition request of the protocol identically (300 random keys, tokens, ARNs, instants)', async () => {
    await fc.assert(
      fc.asyncProperty(credentials, arn, timestampMs, fc.boolean(), async (creds, id, at, withPort) => {
        const arnRegion = id.split(':')[3] ?? '';
        const host = withPort ? '127.0.0.1:4566' : `ivsrealtime.${arnRegion}.amazonaws.com`;
        const request = awsIvsProtocol({ region: arnRegion }).buildRequest({
          id,
          credentials: creds,
          endpoint: new URL(`https://${host}`),
          timestampMs: at,
          nonce: 'unused',
        });
        const theirs = await official({
          ...creds,
          region: arnRegion,
          host,
          headers: { 'content-type': 'application/json' },
          body: request.body,
          timestampMs: at,
          applyChecksum: false,
        });
        expect(request.headers['x-amz-date']).toBe(theirs['x-amz-date']);
        expect(request.headers['x-amz-security-token']).toBe(theirs['x-amz-security-token']);
        expect(request.headers.authorization).toBe(theirs.authorization);
      }),
      { numRuns: 300 },
    );
  });

  it('canonicalises arbitrary extra headers (case, inner spaces, padding) and payload hashes identically', async () => {
    const headerName = from('abcdefghijklmnopqrstuvwxyz0123456789-', 1, 20).map((s) => `x-m-${s}`);
    const headerValue = fc
      .array(fc.oneof(from(printable, 1, 10), fc.constantFrom(' ', '  ', '\t')), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''))
      .filter((v) => v.trim() !== '');
    await fc.assert(
      fc.asyncProperty(
        credentials,
        region,
        timestampMs,
        fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
        fc.string({ maxLength: 200 }),
        fc.boolean(),
        async (creds, r, at, extra, body, upper) => {
          const host = `ivsrealtime.${r}.amazonaws.com`;
          const headers = Object.fromEntries(
            Object.entries({ 'content-type': 'application/json', ...extra }).map(([n, v]) => [
              upper ? n.toUpperCase() : n,
              v,
            ]),
          );
          const theirs = await official({
            ...creds,
            region: r,
            host,
            headers,
            body,
            timestampMs: at,
            applyChecksum: true,
          });
          const amzDate = sigV4Date(at);
          const ours = signSigV4({
            method: 'POST',
            path: '/StopComposition',
            query: '',
            headers: {
              ...headers,
              host,
              'x-amz-date': amzDate,
              'x-amz-content-sha256': theirs['x-amz-content-sha256'] ?? '',
              ...(creds.sessionToken === undefined ? {} : { 'x-amz-security-token': creds.sessionToken }),
            },
            payload: body,
            ...creds,
            region: r,
            service: ivsSigningName,
            amzDate,
          });
          expect(ours.authorization).toBe(theirs.authorization);
        },
      ),
      { numRuns: 200 },
    );
  });
});
