import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { IncomingResponse } from '@mixtask/core/adapter';
import {
  awsIvsProtocol,
  bareErrorName,
  parseCompositionArn,
  safeAwsMessage,
  sigV4Date,
} from '@mixtask/provider-aws-ivs/signing';

const protocol = awsIvsProtocol({ region: 'us-east-1' });
const arn = 'arn:aws:ivs:us-east-1:123456789012:composition/abcdEFGH1234';
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token/+=' };

const answer = (status: number, headers: IncomingResponse['headers'], body = ''): IncomingResponse => ({
  status,
  headers,
  body,
});

describe('validateId', () => {
  it('takes a composition ARN of the provider’s region, as is', () => {
    expect(protocol.validateId(arn)).toEqual(E.right(arn));
    expect(parseCompositionArn(arn)).toEqual({
      region: 'us-east-1',
      accountId: '123456789012',
      compositionId: 'abcdEFGH1234',
    });
  });

  it('refuses an ARN of another region before any request, naming both regions', () => {
    const result = protocol.validateId(arn.replace('us-east-1', 'ap-northeast-1'));
    expect(result).toEqual(
      E.left({
        tag: 'InvalidArgument',
        reason: 'the composition is in ap-northeast-1, this provider stops compositions in us-east-1',
      }),
    );
  });

  it('refuses what is not a composition ARN (pattern and the 128-character limit)', () => {
    const base = 'arn:aws:ivs:us-east-1:123456789012:composition/';
    expect(protocol.validateId(`${base}${'a'.repeat(128 - base.length)}`)).toEqual(
      E.right(`${base}${'a'.repeat(128 - base.length)}`),
    );
    for (const bad of [
      `${base}${'a'.repeat(129 - base.length)}`,
      `${base}`,
      'arn:aws:ivs:us-east-1:123456789012:stage/abcd',
      'arn:aws:ivs:us-east-1:12345678901a:composition/abcd',
      'arn:aws:ivs:US-EAST-1:123456789012:composition/abcd',
      `${arn}\n`,
      42,
    ]) {
      const result = protocol.validateId(bad);
      expect(E.isLeft(result) && result.left.tag).toBe('InvalidArgument');
    }
  });
});

describe('buildRequest', () => {
  const at = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
  const request = protocol.buildRequest({
    id: arn,
    credentials,
    endpoint: new URL('https://ivsrealtime.us-east-1.amazonaws.com'),
    timestampMs: at,
    nonce: 'n',
  });

  it('is POST /StopComposition with {"arn"} and the signed restJson1 headers', () => {
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://ivsrealtime.us-east-1.amazonaws.com/StopComposition',
      body: JSON.stringify({ arn }),
      headers: {
        'content-type': 'application/json',
        host: 'ivsrealtime.us-east-1.amazonaws.com',
        'x-amz-date': sigV4Date(at),
        'x-amz-security-token': 'token/+=',
      },
    });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/20260601\/us-east-1\/ivs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs the Host as sent (with the port) and leaves the token out without one', () => {
    const local = protocol.buildRequest({
      id: arn,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
      endpoint: new URL('http://127.0.0.1:4566'),
      timestampMs: at,
      nonce: 'n',
    });
    expect(local.url).toBe('http://127.0.0.1:4566/StopComposition');
    expect(local.headers.host).toBe('127.0.0.1:4566');
    expect(local.headers).not.toHaveProperty('x-amz-security-token');
    expect(local.headers.authorization).toContain('SignedHeaders=content-type;host;x-amz-date,');
  });

  it('defaults to the regional endpoint of its region', () => {
    expect(awsIvsProtocol({ region: 'eu-central-1' }).defaultEndpoint).toBe(
      'https://ivsrealtime.eu-central-1.amazonaws.com',
    );
  });
});

describe('readResponse', () => {
  it('is a success only for a 2xx with an empty body (or {}) and x-amzn-RequestId', () => {
    expect(protocol.readResponse(answer(200, { 'x-amzn-requestid': 'r-1' }))).toEqual(E.right({ requestId: 'r-1' }));
    expect(protocol.readResponse(answer(200, { 'x-amzn-requestid': 'r-2' }, '{}'))).toEqual(
      E.right({ requestId: 'r-2' }),
    );
    for (const response of [
      answer(200, {}),
      answer(200, { 'x-amzn-requestid': ' ' }),
      answer(200, { 'x-amzn-requestid': 'r' }, '<html>ok</html>'),
      answer(200, { 'x-amzn-requestid': 'r' }, '{"unexpected":true}'),
      answer(200, { 'x-amzn-requestid': 'r' }, '[]'),
    ]) {
      const result = protocol.readResponse(response);
      expect(E.isLeft(result) && result.left.tag).toBe('MalformedResponse');
    }
  });

  it('reads the error type as the SDK does: header, then body code, then __type, each cut to the bare name', () => {
    const cases: [IncomingResponse, string][] = [
      [
        answer(
          404,
          {
            'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.ivsrealtime/',
          },
          '{"exceptionMessage":"gone"}',
        ),
        'ResourceNotFoundException',
      ],
      [answer(409, {}, '{"__type":"com.amazonaws.ivsrealtime#ConflictException","message":"x"}'), 'ConflictException'],
      [answer(400, {}, '{"Code":"ValidationException","__type":"Other"}'), 'ValidationException'],
      [answer(400, { 'x-amzn-errortype': 'ThrottlingException' }, '{"__type":"Other"}'), 'ThrottlingException'],
    ];
    for (const [response, code] of cases) {
      const result = protocol.readResponse(response);
      expect(E.isLeft(result) && result.left.providerCode).toBe(code);
    }
    expect(bareErrorName('A,B')).toBe('A');
    expect(bareErrorName('ns#Name')).toBe('Name');
    expect(bareErrorName(' ')).toBeUndefined();
  });

  it('keeps the request id, the status and the message (exceptionMessage, message or Message); Retry-After is the runner’s', () => {
    const result = protocol.readResponse(
      answer(
        400,
        { 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': 'req-9', 'retry-after': '2' },
        '{"message":"Rate exceeded"}',
      ),
    );
    expect(result).toEqual(
      E.left({
        tag: 'RateLimited',
        providerCode: 'ThrottlingException',
        providerMessage: 'Rate exceeded',
        requestId: 'req-9',
        httpStatus: 400,
      }),
    );
    // The runner reads Retry-After against its clock (the fault matrix's IVS rows check the wait end to end).
    expect(E.isLeft(result) && result.left).not.toHaveProperty('retryAfterMs');
    const conflict = protocol.readResponse(answer(409, { 'x-amzn-errortype': 'ConflictException' }, '{"Message":"m"}'));
    expect(conflict).toEqual(
      E.left({
        tag: 'OperationFailed',
        retryable: true,
        providerCode: 'ConflictException',
        providerMessage: 'm',
        httpStatus: 409,
      }),
    );
  });

  it('falls back to the status without an error type (a proxy’s page): 5xx, 429, 403, else malformed', () => {
    const tag = (response: IncomingResponse) => {
      const result = protocol.readResponse(response);
      return E.isLeft(result) ? result.left.tag : 'Right';
    };
    expect(tag(answer(502, {}, '<html>Bad Gateway</html>'))).toBe('ProviderUnavailable');
    expect(tag(answer(429, { 'retry-after': '1' }, ''))).toBe('RateLimited');
    expect(tag(answer(403, {}, '<html>Forbidden</html>'))).toBe('PermissionDenied');
    expect(tag(answer(404, {}, 'not json'))).toBe('MalformedResponse');
    expect(tag(answer(400, {}, '{"message":"no type"}'))).toBe('MalformedResponse');
  });

  it('withholds the canonical request and string to sign AWS quotes on a signature mismatch', () => {
    const quoted =
      'The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for ' +
      "this request should have been\n'POST\n/StopComposition\n\nx-amz-security-token:SECRET_TOKEN\n'\n\nThe " +
      "String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260601T120000Z\n...'";
    const safe = safeAwsMessage(quoted);
    expect(safe).toContain('does not match the signature you provided');
    expect(safe).not.toContain('SECRET_TOKEN');
    expect(safe).not.toContain('AWS4-HMAC-SHA256');
    expect(safeAwsMessage(`sig ${'ab'.repeat(32)} and ${'Q'.repeat(120)}`)).toBe('sig [withheld] and [withheld]');
  });
});
