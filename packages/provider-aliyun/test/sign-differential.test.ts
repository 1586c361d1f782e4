import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { aliyunProtocol, emptyBodySha256, signAcs3 } from '@mixtask/provider-aliyun/signing';

// The official SDK is CommonJS and a devDependency only: it checks our signer, it never runs in the library.
interface TeaRequest {
  pathname: string;
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}
const require = createRequire(import.meta.url);
const { default: OpenApiUtil } = require('@alicloud/openapi-util') as {
  default: {
    getAuthorization(
      request: TeaRequest,
      algorithm: string,
      payload: string,
      accessKeyId: string,
      secret: string,
    ): string;
  };
};

const sdkAuthorization = (request: TeaRequest, accessKeyId: string, secret: string) =>
  OpenApiUtil.getAuthorization(request, 'ACS3-HMAC-SHA256', emptyBodySha256, accessKeyId, secret);

const idChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split('');
const idOf = (maxLength: number) =>
  fc.array(fc.constantFrom(...idChars), { minLength: 1, maxLength }).map((chars) => chars.join(''));
// Printable ASCII without spaces (what the options accept), biased towards the base64 characters + / =.
const printable = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
const secret = fc
  .array(fc.oneof(fc.constantFrom('+', '/', '='), printable), { minLength: 1, maxLength: 60 })
  .map((chars) => chars.join(''));
const nonce = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') });
const endpoint = fc.oneof(
  fc.constant('https://live.aliyuncs.com'),
  fc.integer({ min: 1, max: 65535 }).map((port) => `http://127.0.0.1:${port}`),
);

describe('our ACS3 signature equals @alicloud/openapi-util getAuthorization', () => {
  it('for 300 random StopLiveMPUTask requests (ids, secrets with +/=, dates, nonces, STS tokens)', () => {
    fc.assert(
      fc.property(
        idOf(64),
        idOf(55),
        idOf(30),
        secret,
        fc.option(secret, { nil: undefined }),
        instant,
        nonce,
        endpoint,
        (appId, taskId, accessKeyId, accessKeySecret, securityToken, timestampMs, attemptNonce, origin) => {
          const credentials = {
            accessKeyId,
            accessKeySecret,
            ...(securityToken === undefined ? {} : { securityToken }),
          };
          const request = aliyunProtocol(appId).buildRequest({
            id: taskId,
            credentials,
            endpoint: new URL(origin),
            timestampMs,
            nonce: attemptNonce,
          });
          const { authorization, ...headers } = request.headers;
          const url = new URL(request.url);
          const expected = sdkAuthorization(
            { pathname: url.pathname, method: request.method, query: Object.fromEntries(url.searchParams), headers },
            accessKeyId,
            accessKeySecret,
          );
          expect(authorization).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('for 200 random query values of any Unicode text (RFC 3986 encoding)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
        secret,
        (a, b, key) => {
          const headers = {
            host: 'live.aliyuncs.com',
            'x-acs-action': 'StopLiveMPUTask',
            'x-acs-version': '2016-11-01',
            'x-acs-date': '2023-10-26T10:22:32Z',
            'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
            'x-acs-content-sha256': emptyBodySha256,
          };
          const query = { AppId: a, TaskId: b };
          const ours = signAcs3({
            method: 'POST',
            path: '/',
            query,
            headers,
            hashedPayload: emptyBodySha256,
            accessKeyId: 'ak',
            accessKeySecret: key,
          });
          expect(ours.authorization).toBe(
            sdkAuthorization({ pathname: '/', method: 'POST', query, headers }, 'ak', key),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
