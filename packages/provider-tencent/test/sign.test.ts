import { describe, expect, it } from '@jest/globals';
import {
  tc3CanonicalRequest,
  hashedPayload,
  liveService,
  parseTc3Authorization,
  signTc3,
  tc3Date,
  type Tc3Input,
} from '@mixtask/provider-tencent/signing';

// The vendor's vectors (shared/reference/tencent-live.md): body of 86 bytes whose \u escapes are literal ASCII.
const vectorBody = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const secretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const secretKey = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const timestamp = 1551113065;
const jsonUtf8 = 'application/json; charset=utf-8';

const hex = (b: Buffer) => b.toString('hex');

describe('TC3-HMAC-SHA256, vector A (official, cvm, content-type;host)', () => {
  const input: Tc3Input = {
    method: 'POST',
    path: '/',
    query: '',
    signedHeaders: { 'Content-Type': jsonUtf8, Host: 'cvm.tencentcloudapi.com' },
    payload: vectorBody,
    secretId,
    secretKey,
    timestamp,
    service: 'cvm',
  };
  const signed = signTc3(input);

  it('hashes the 86-byte payload', () => {
    expect(Buffer.byteLength(vectorBody)).toBe(86);
    expect(hashedPayload(vectorBody)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  });

  it('builds the canonical request', () => {
    expect(signed.signedHeaderNames).toBe('content-type;host');
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/',
        '',
        'content-type:application/json; charset=utf-8',
        'host:cvm.tencentcloudapi.com',
        '',
        'content-type;host',
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
      ].join('\n'),
    );
    expect(tc3CanonicalRequest(input)).toBe(signed.canonicalRequest);
    expect(signed.hashedCanonicalRequest).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
  });

  it('builds the string to sign with the UTC date', () => {
    expect(signed.date).toBe('2019-02-25');
    expect(signed.credentialScope).toBe('2019-02-25/cvm/tc3_request');
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
  });

  it('derives the signing key and signs', () => {
    expect(hex(signed.secretDate)).toBe('d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a');
    expect(hex(signed.secretService)).toBe('3c7cb7c7795393edc14fd2e0e6434a518564b4504b88e94f5d11bf59ba3e7050');
    expect(hex(signed.secretSigning)).toBe('ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1');
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

describe('TC3-HMAC-SHA256, vector B (official, also signs x-tc-action, value lowercased)', () => {
  const signed = signTc3({
    method: 'POST',
    path: '/',
    query: '',
    signedHeaders: { 'Content-Type': jsonUtf8, Host: 'cvm.tencentcloudapi.com', 'X-TC-Action': 'DescribeInstances' },
    payload: vectorBody,
    secretId,
    secretKey: '*'.repeat(32),
    timestamp,
    service: 'cvm',
  });

  it('reproduces every intermediate value', () => {
    expect(signed.signedHeaderNames).toBe('content-type;host;x-tc-action');
    expect(signed.canonicalRequest).toContain('\nx-tc-action:describeinstances\n');
    expect(signed.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.hashedCanonicalRequest).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84',
    );
    expect(hex(signed.secretDate)).toBe('da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0');
    expect(hex(signed.secretService)).toBe('8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f');
    expect(hex(signed.secretSigning)).toBe('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af');
    expect(signed.signature).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
  });
});

describe('TC3-HMAC-SHA256, vector C (CancelCommonMixStream on live.tencentcloudapi.com)', () => {
  const base = {
    method: 'POST',
    path: '/',
    query: '',
    payload: '{"MixStreamSessionId":"test_room"}',
    secretId,
    secretKey,
    timestamp,
    service: liveService,
  } as const;

  it('signs content-type;host', () => {
    const signed = signTc3({ ...base, signedHeaders: { 'Content-Type': jsonUtf8, Host: 'live.tencentcloudapi.com' } });
    expect(signed.hashedPayload).toBe('848082779a6a02694ac30b2da1d29696c21a755446d49bfcc353c01e4d766d88');
    expect(signed.hashedCanonicalRequest).toBe('0b100c9517967b85bb5086f56eacb7256eb93a2a0b0ae36c079d0edba6cad444');
    expect(signed.credentialScope).toBe('2019-02-25/live/tc3_request');
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/live/tc3_request\n0b100c9517967b85bb5086f56eacb7256eb93a2a0b0ae36c079d0edba6cad444',
    );
    expect(hex(signed.secretDate)).toBe('d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a');
    expect(signed.signature).toBe('c9c77df46cc87fd5c328e724f197e54df0502e9f9bfb79df0ba593f9ba01c430');
  });

  it('signs content-type;host;x-tc-action', () => {
    const signed = signTc3({
      ...base,
      signedHeaders: {
        'Content-Type': jsonUtf8,
        Host: 'live.tencentcloudapi.com',
        'X-TC-Action': 'CancelCommonMixStream',
      },
    });
    expect(signed.hashedCanonicalRequest).toBe('1ea445a1219867719188de2bdbdf3ec35308ac4303a234875c77c1958d8700c7');
    expect(signed.signature).toBe('0c600a6fc2a818b9e746c89ff488d01df2db44186eeea0a7ec1135a778ef7517');
  });
});

describe('utcDate', () => {
  it('is the UTC date, not the local one, on both sides of midnight', () => {
    expect(tc3Date(Date.UTC(2024, 11, 31, 23, 59, 59) / 1000)).toBe('2024-12-31');
    expect(tc3Date(Date.UTC(2025, 0, 1, 0, 0, 0) / 1000)).toBe('2025-01-01');
  });
});

describe('parseTc3Authorization', () => {
  it('takes apart what signTc3 builds', () => {
    const signed = signTc3({
      method: 'POST',
      path: '/',
      query: '',
      signedHeaders: { 'Content-Type': 'application/json', Host: '127.0.0.1:4000' },
      payload: '{}',
      secretId,
      secretKey,
      timestamp,
      service: liveService,
    });
    expect(parseTc3Authorization(signed.authorization)).toEqual({
      secretId,
      date: '2019-02-25',
      service: 'live',
      signedHeaderNames: ['content-type', 'host'],
      signature: signed.signature,
    });
  });

  it('refuses what is not a TC3 header', () => {
    for (const header of [
      '',
      'Basic abc',
      'TC3-HMAC-SHA256 Credential=x',
      `TC3-HMAC-SHA256 Credential=a/2019-02-25/live/tc3_request, SignedHeaders=host, Signature=zz`,
    ]) {
      expect(parseTc3Authorization(header)).toBeUndefined();
    }
  });
});
