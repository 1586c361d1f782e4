import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  parseSigV4Authorization,
  parseSigV4Date,
  signSigV4,
  sigV4CanonicalQuery,
  sigV4Date,
  SigV4KeyCache,
} from '@mixtask/provider-aws-ivs/signing';

interface Vector {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly [string, string][];
  readonly body: string;
  readonly creq: string;
  readonly sts: string;
  readonly authz: string;
}
interface Suite {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  readonly service: string;
  readonly vectors: readonly Vector[];
}

// AWS's published SigV4 test suite (the vectors this package needs; see the fixture's `source`).
const suite = JSON.parse(readFileSync(new URL('./fixtures/sigv4-suite.json', import.meta.url), 'utf8')) as Suite;

const sign = (v: Vector, cache?: SigV4KeyCache) =>
  signSigV4(
    {
      method: v.method,
      path: v.path,
      query: sigV4CanonicalQuery(v.query),
      headers: v.headers,
      payload: v.body,
      ...suite.credentials,
      region: suite.region,
      service: suite.service,
      amzDate: v.headers.find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1] ?? '',
    },
    cache,
  );

describe('AWS Signature V4 test suite', () => {
  it('ships the vectors it claims', () => {
    expect(suite.vectors.map((v) => v.name)).toEqual(
      expect.arrayContaining(['get-vanilla', 'post-vanilla', 'post-sts-header-before', 'get-header-value-trim']),
    );
  });

  for (const vector of suite.vectors) {
    describe(vector.name, () => {
      const signed = sign(vector);
      it('builds the canonical request', () => expect(signed.canonicalRequest).toBe(vector.creq));
      it('builds the string to sign', () => expect(signed.stringToSign).toBe(vector.sts));
      it('gives the Authorization header', () => expect(signed.authorization).toBe(vector.authz));
      it('gives the same signature through a key cache, twice', () => {
        const cache = new SigV4KeyCache();
        expect(sign(vector, cache).authorization).toBe(vector.authz);
        expect(sign(vector, cache).authorization).toBe(vector.authz);
      });
      it('is parsed back by the verifier', () => {
        const parsed = parseSigV4Authorization(vector.authz);
        expect(parsed).toEqual({
          accessKeyId: suite.credentials.accessKeyId,
          day: '20150830',
          region: suite.region,
          service: suite.service,
          terminator: 'aws4_request',
          signedHeaderNames: signed.signedHeaderNames.split(';'),
          signature: signed.signature,
        });
      });
    });
  }

  it('derives a different key for another region or service (a cache keyed on the secret alone would not)', () => {
    const cache = new SigV4KeyCache();
    const a = cache.key('secret', '20150830', 'us-east-1', 'ivs');
    expect(cache.key('secret', '20150830', 'eu-west-1', 'ivs').equals(a)).toBe(false);
    expect(cache.key('secret', '20150830', 'us-east-1', 'service').equals(a)).toBe(false);
    expect(cache.key('secret', '20150830', 'us-east-1', 'ivs').equals(a)).toBe(true);
  });
});

describe('X-Amz-Date', () => {
  it('is the UTC second, YYYYMMDDTHHMMSSZ', () => {
    expect(sigV4Date(Date.UTC(2015, 7, 30, 12, 36, 0, 999))).toBe('20150830T123600Z');
    expect(sigV4Date(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe('20260101T000000Z');
    // The cache is per second: the next second is formatted afresh.
    expect(sigV4Date(Date.UTC(2025, 11, 31, 23, 59, 59, 500))).toBe('20251231T235959Z');
  });

  it('parses back only exact, real instants', () => {
    expect(parseSigV4Date('20150830T123600Z')).toBe(Date.UTC(2015, 7, 30, 12, 36, 0));
    for (const bad of ['2015-08-30T12:36:00Z', '20150830T123600', '20150230T123600Z', '20150830T246000Z', ''])
      expect(parseSigV4Date(bad)).toBeUndefined();
  });
});

describe('parseSigV4Authorization', () => {
  it('refuses what is not a SigV4 header', () => {
    for (const bad of [
      '',
      'TC3-HMAC-SHA256 Credential=a/2020-01-01/live/tc3_request, SignedHeaders=host, Signature=' + '0'.repeat(64),
      'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service, SignedHeaders=host, Signature=' + '0'.repeat(64),
      'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=zz',
    ])
      expect(parseSigV4Authorization(bad)).toBeUndefined();
  });
});
