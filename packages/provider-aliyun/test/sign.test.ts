import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  acs3Date,
  acs3HeadersToSign,
  aliyunProtocol,
  canonicalQueryString,
  emptyBodySha256,
  parseAcs3Authorization,
  parseAcs3Date,
  percentEncode,
  signAcs3,
} from '@mixtask/provider-aliyun/signing';

// Both vectors: reference/aliyun-live.md ("Official vector" and "Computed vector").
const key = { accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret' };
const commonHeaders = {
  'x-acs-date': '2023-10-26T10:22:32Z',
  'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
  'x-acs-content-sha256': emptyBodySha256,
};
const signedHeaderNames = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';

describe('ACS3-HMAC-SHA256', () => {
  it('reproduces the vendor vector (ECS RunInstances) step by step', () => {
    const signed = signAcs3({
      method: 'POST',
      path: '/',
      query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        ...commonHeaders,
      },
      hashedPayload: emptyBodySha256,
      ...key,
    });
    expect(emptyBodySha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(signed.canonicalQueryString).toBe(
      'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
    );
    expect(signed.canonicalHeaders).toBe(
      [
        'host:ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action:RunInstances',
        `x-acs-content-sha256:${emptyBodySha256}`,
        'x-acs-date:2023-10-26T10:22:32Z',
        'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
        'x-acs-version:2014-05-26',
        '',
      ].join('\n'),
    );
    expect(signed.signedHeaders).toBe(signedHeaderNames);
    expect(signed.canonicalRequest).toBe(
      ['POST', '/', signed.canonicalQueryString, signed.canonicalHeaders, signedHeaderNames, emptyBodySha256].join(
        '\n',
      ),
    );
    expect(signed.hashedCanonicalRequest).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signed.stringToSign).toBe(`ACS3-HMAC-SHA256\n${signed.hashedCanonicalRequest}`);
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(signed.authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=${signedHeaderNames},Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0`,
    );
  });

  it('reproduces the computed StopLiveMPUTask vector', () => {
    const signed = signAcs3({
      method: 'POST',
      path: '/',
      query: { TaskId: 'yourTaskId', AppId: 'yourAppId' },
      headers: {
        host: 'live.aliyuncs.com',
        'x-acs-action': 'StopLiveMPUTask',
        'x-acs-version': '2016-11-01',
        ...commonHeaders,
      },
      hashedPayload: emptyBodySha256,
      ...key,
    });
    expect(signed.canonicalQueryString).toBe('AppId=yourAppId&TaskId=yourTaskId');
    expect(signed.hashedCanonicalRequest).toBe('c4e6d87504c537f854d383c27dba23e2c5d23c96d29d182addcc799b816f19aa');
    expect(signed.signature).toBe('47c89ecf932c529ba7b756dddde2e83c05913bf9025eade7d81505fbef18d162');
    expect(signed.signedHeaders).toBe(signedHeaderNames);
  });

  it('the protocol builds exactly that request from the vector inputs', () => {
    const request = aliyunProtocol('yourAppId').buildRequest({
      id: 'yourTaskId',
      credentials: key,
      endpoint: new URL('https://live.aliyuncs.com'),
      timestampMs: Date.parse('2023-10-26T10:22:32.789Z'),
      nonce: '3156853299f313e23d1673dc12e1703d',
    });
    expect(request).toEqual({
      method: 'POST',
      url: 'https://live.aliyuncs.com/?AppId=yourAppId&TaskId=yourTaskId',
      headers: {
        host: 'live.aliyuncs.com',
        accept: 'application/json',
        'x-acs-action': 'StopLiveMPUTask',
        'x-acs-version': '2016-11-01',
        ...commonHeaders,
        authorization: `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=${signedHeaderNames},Signature=47c89ecf932c529ba7b756dddde2e83c05913bf9025eade7d81505fbef18d162`,
      },
      body: '',
    });
  });

  it('signs the STS token and the port of a non-default endpoint', () => {
    const request = aliyunProtocol('app').buildRequest({
      id: 'task',
      credentials: { ...key, securityToken: 'token+/=' },
      endpoint: new URL('http://127.0.0.1:4312'),
      timestampMs: 0,
      nonce: '0'.repeat(32),
    });
    expect(request.headers.host).toBe('127.0.0.1:4312');
    expect(request.headers['x-acs-security-token']).toBe('token+/=');
    expect(request.headers['x-acs-date']).toBe('1970-01-01T00:00:00Z');
    expect(request.headers.authorization).toContain(
      'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,',
    );
  });

  it('percent-encodes per RFC 3986', () => {
    expect(percentEncode("a b*c~d!e'f(g)h+i/j=k")).toBe('a%20b%2Ac~d%21e%27f%28g%29h%2Bi%2Fj%3Dk');
    expect(canonicalQueryString({ b: '2', a: '1 ', 'a*': 'x' })).toBe('a=1%20&a%2A=x&b=2');
  });

  it("percent-encodes any string as encodeURIComponent plus ! ' ( ) * would, the unreserved fast path included", () => {
    const reference = (value: string) =>
      encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (value) => {
        expect(percentEncode(value)).toBe(reference(value));
      }),
    );
    expect(percentEncode('task_01-A.b~')).toBe('task_01-A.b~');
  });

  it('picks the same signed headers from lower-case names (fast path) as from any other casing', () => {
    const lower = { host: ' live.aliyuncs.com ', 'x-acs-date': 'd', accept: 'application/json', 'x-acs-action': 'A' };
    const mixed = { Host: ' live.aliyuncs.com ', 'X-Acs-Date': 'd', Accept: 'application/json', 'x-acs-action': 'A' };
    const expected = { host: 'live.aliyuncs.com', 'x-acs-date': 'd', 'x-acs-action': 'A' };
    expect(acs3HeadersToSign(lower)).toEqual(expected);
    expect(acs3HeadersToSign(mixed)).toEqual(expected);
    expect(acs3HeadersToSign({ 'x-acs-a': 'b', 'X-Acs-A': 'a' })).toEqual({ 'x-acs-a': 'a,b' });
  });

  it('formats and reads x-acs-date at second precision', () => {
    expect(acs3Date(Date.parse('2024-02-29T23:59:59.999Z'))).toBe('2024-02-29T23:59:59Z');
    expect(parseAcs3Date('2024-02-29T23:59:59Z')).toBe(Date.parse('2024-02-29T23:59:59Z'));
    for (const bad of ['2024-02-30T00:00:00Z', '2024-02-29T23:59:59.000Z', '2024-02-29 23:59:59Z', 'yesterday', '']) {
      expect(parseAcs3Date(bad)).toBeUndefined();
    }
  });

  it('parses an Authorization header, and refuses what is not one', () => {
    expect(
      parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=ABCDEF'),
    ).toEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      accessKeyId: 'ak',
      signedHeaders: ['host', 'x-acs-date'],
      signature: 'abcdef',
    });
    expect(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=ak, SignedHeaders=host, Signature=ab')).toBeUndefined();
    expect(
      parseAcs3Authorization('TC3-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=ab'),
    ).toBeUndefined();
  });
});
