import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { backoffDelay } from '@mixtask/core/internal';
import {
  commonOptionsCodec,
  credentialString,
  endpointProblem,
  parseRetryAfter,
  validate,
} from '@mixtask/core/adapter';

describe('endpoint rules', () => {
  it.each([
    ['https://live.tencentcloudapi.com', undefined],
    ['https://live.aliyuncs.com/', undefined],
    ['http://127.0.0.1:4000', undefined],
    ['http://localhost:4000', undefined],
    ['http://[::1]:4000', undefined],
    ['http://live.tencentcloudapi.com', 'plain http'],
    ['http://10.0.0.1', 'plain http'],
    ['ftp://127.0.0.1', 'ftp:'],
    ['https://user:pw@live.aliyuncs.com', 'credentials'],
    ['https://live.aliyuncs.com/v2', 'path'],
    ['not a url', 'not a URL'],
  ])('%s', (endpoint, problem) => {
    const found = endpointProblem(endpoint);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('validate', () => {
  const codec = t.intersection([t.type({ credentials: t.type({ secretKey: credentialString }) }), commonOptionsCodec]);

  it('names the path of each bad field and never echoes a value', () => {
    const result = validate(codec, {
      credentials: { secretKey: 'has space SUPERSECRET' },
      endpoint: 'http://example.com',
      retry: { maxAttempts: 'three' },
      rateLimit: { requestsPerSecond: 0 },
      notFound: 'ignore',
    });
    expect(E.isLeft(result)).toBe(true);
    const lines = E.isLeft(result) ? result.left : [];
    const text = lines.join('\n');
    for (const path of [
      'credentials.secretKey',
      'endpoint',
      'retry.maxAttempts',
      'rateLimit.requestsPerSecond',
      'notFound',
    ]) {
      expect(text).toContain(`${path}:`);
    }
    expect(text).not.toContain('SUPERSECRET');
    expect(text).not.toContain('three');
  });

  it('describes a missing root', () => {
    const result = validate(codec, undefined);
    expect(E.isLeft(result) && result.left.join()).toContain('(root): expected');
  });
});

describe('backoffDelay', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('draws from [0, min(cap, base·2^(n-1))]', () => {
    expect(backoffDelay(policy, 1, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, undefined, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 10, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 2, undefined, () => 0)).toBe(0);
  });
  it('waits at least what the provider asked, capped', () => {
    expect(backoffDelay(policy, 1, 400, () => 0)).toBe(400);
    expect(backoffDelay(policy, 1, 60_000, () => 0)).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 01 Jan 2025 00:00:05 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
