import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { awsIvsProtocol, sigV4Date, signSigV4 } from '@mixtask/provider-aws-ivs/signing';
import type { AwsCredentials } from '@mixtask/provider-aws-ivs';
import type { OutgoingRequest } from '@mixtask/core/adapter';
import { send, type RawAnswer } from './support/send.js';
import { IVSRealTimeClient, StopCompositionCommand } from '@aws-sdk/client-ivs-realtime';

type Answer = RawAnswer;

const errorType = (answer: Answer) => String(answer.headers['x-amzn-errortype'] ?? '').split(':')[0] ?? '';

describe('the emulator speaks StopComposition (SigV4)', () => {
  let em: Emulator;
  let clock = 0;
  beforeEach(async () => {
    clock = Date.parse('2026-06-01T12:00:00Z');
    em = await startEmulator({ now: () => clock, quota: { awsIvs: 5 } });
  });
  afterEach(async () => {
    await em.close();
  });

  const build = (
    id: string,
    options: { credentials?: AwsCredentials; region?: string; timestampMs?: number } = {},
  ): OutgoingRequest =>
    awsIvsProtocol({ region: options.region ?? em.awsIvs.region }).buildRequest({
      id,
      credentials: options.credentials ?? em.awsIvs.credentials,
      endpoint: new URL(em.url),
      timestampMs: options.timestampMs ?? clock,
      nonce: 'unused',
    });

  it('stops an ACTIVE composition: 200, empty body, x-amzn-RequestId; then ResourceNotFoundException 404', async () => {
    const arn = await em.awsIvs.createComposition();
    const first = await send(em, build(arn));
    expect(first.status).toBe(200);
    expect(first.text).toBe('');
    expect(first.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(em.awsIvs.compositions()).toEqual([]);
    const second = await send(em, build(arn));
    expect(second.status).toBe(404);
    expect(errorType(second)).toBe('ResourceNotFoundException');
    expect(JSON.parse(second.text)).toEqual({ exceptionMessage: expect.any(String) });
  });

  it('answers ConflictException 409 for a STARTING or STOPPING composition, and stops it once settled', async () => {
    const starting = await em.awsIvs.createComposition({ state: 'STARTING' });
    const stopping = await em.awsIvs.createComposition({ state: 'STOPPING' });
    for (const arn of [starting, stopping]) {
      const answer = await send(em, build(arn));
      expect([answer.status, errorType(answer)]).toEqual([409, 'ConflictException']);
    }
    em.awsIvs.settle(starting);
    em.awsIvs.settle(stopping);
    expect((await send(em, build(starting))).status).toBe(200);
    expect(errorType(await send(em, build(stopping)))).toBe('ResourceNotFoundException');
  });

  it('refuses a wrong secret (quoting its canonical request, as AWS does) and an unknown key', async () => {
    const arn = await em.awsIvs.createComposition();
    const wrongSecret = await send(
      em,
      build(arn, { credentials: { ...em.awsIvs.credentials, secretAccessKey: 'not-the-secret' } }),
    );
    expect([wrongSecret.status, errorType(wrongSecret)]).toEqual([403, 'InvalidSignatureException']);
    expect(JSON.parse(wrongSecret.text).message).toContain('The Canonical String for this request should have been');
    const unknownKey = await send(
      em,
      build(arn, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } }),
    );
    expect([unknownKey.status, errorType(unknownKey)]).toEqual([403, 'UnrecognizedClientException']);
    expect(em.awsIvs.compositions()).toHaveLength(1);
  });

  it('refuses a signature scoped to another region or another service name', async () => {
    const arn = await em.awsIvs.createComposition();
    const otherRegion = arn.replace(em.awsIvs.region, 'eu-west-1');
    const wrongRegion = await send(em, build(otherRegion, { region: 'eu-west-1' }));
    expect(errorType(wrongRegion)).toBe('InvalidSignatureException');
    expect(JSON.parse(wrongRegion.text).message).toContain("not 'eu-west-1'");

    const amzDate = sigV4Date(clock);
    const headers = { 'content-type': 'application/json', host: new URL(em.url).host, 'x-amz-date': amzDate };
    const body = JSON.stringify({ arn });
    const signed = signSigV4({
      method: 'POST',
      path: '/StopComposition',
      query: '',
      headers,
      payload: body,
      ...em.awsIvs.credentials,
      region: em.awsIvs.region,
      service: 'ivsrealtime',
      amzDate,
    });
    const wrongService = await send(em, {
      method: 'POST',
      url: `${em.url}/StopComposition`,
      headers: { ...headers, authorization: signed.authorization },
      body,
    });
    expect([wrongService.status, errorType(wrongService)]).toEqual([403, 'InvalidSignatureException']);
    expect(JSON.parse(wrongService.text).message).toContain("correct service: 'ivs'");
    expect(em.awsIvs.compositions()).toHaveLength(1);
  });

  it('refuses a date more than 5 minutes from its clock either way, and accepts one just inside', async () => {
    const arn = await em.awsIvs.createComposition();
    for (const offset of [-5 * 60_000 - 1000, 5 * 60_000 + 1000]) {
      const stale = await send(em, build(arn, { timestampMs: clock + offset }));
      expect([stale.status, errorType(stale)]).toEqual([403, 'InvalidSignatureException']);
      expect(JSON.parse(stale.text).message).toContain('Signature expired');
    }
    expect((await send(em, build(arn, { timestampMs: clock - 4 * 60_000 }))).status).toBe(200);
  });

  it('refuses a tampered body, a missing Authorization and an unsigned Host', async () => {
    const arn = await em.awsIvs.createComposition();
    const other = await em.awsIvs.createComposition();
    const request = build(arn);
    const tampered = await send(em, { ...request, body: JSON.stringify({ arn: other }) });
    expect(errorType(tampered)).toBe('InvalidSignatureException');
    const { authorization: _dropped, ...unsigned } = request.headers;
    const missing = await send(em, { ...request, headers: unsigned });
    expect([missing.status, errorType(missing)]).toEqual([403, 'MissingAuthenticationTokenException']);
    const noHost = await send(em, {
      ...request,
      headers: { ...request.headers, authorization: (request.headers.authorization ?? '').replace('host;', '') },
    });
    expect(errorType(noHost)).toBe('InvalidSignatureException');
    expect(em.awsIvs.compositions()).toHaveLength(2);
  });

  it('accepts the STS credentials it issued (token signed); refuses a missing, foreign or expired token', async () => {
    const sts = em.awsIvs.issueTemporaryCredentials({ ttlMs: 60_000 });
    const arn = await em.awsIvs.createComposition();
    const { sessionToken: _token, ...withoutToken } = sts;
    expect(errorType(await send(em, build(arn, { credentials: withoutToken })))).toBe('UnrecognizedClientException');
    const foreign = { ...sts, sessionToken: `${sts.sessionToken.slice(0, -4)}AAAA` };
    expect(errorType(await send(em, build(arn, { credentials: foreign })))).toBe('UnrecognizedClientException');
    const withLongTerm = { ...em.awsIvs.credentials, sessionToken: sts.sessionToken };
    expect(errorType(await send(em, build(arn, { credentials: withLongTerm })))).toBe('UnrecognizedClientException');
    expect((await send(em, build(arn, { credentials: sts }))).status).toBe(200);
    clock += 61_000;
    const expired = await send(em, build(await em.awsIvs.createComposition(), { credentials: sts }));
    expect([expired.status, errorType(expired)]).toEqual([403, 'ExpiredTokenException']);
  });

  it('validates the ARN (ValidationException 400) after the signature', async () => {
    const answer = await send(em, build('arn:aws:ivs:us-east-1:1:stage/x'));
    expect([answer.status, errorType(answer)]).toEqual([400, 'ValidationException']);
  });

  it('counts 5 requests per sliding second and answers ThrottlingException like AWS', async () => {
    const arns = await Promise.all(Array.from({ length: 7 }, () => em.awsIvs.createComposition()));
    const statuses: string[] = [];
    for (const arn of arns.slice(0, 6)) {
      const answer = await send(em, build(arn));
      statuses.push(answer.status === 200 ? 'ok' : errorType(answer));
    }
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ThrottlingException']);
    clock += 999;
    expect(errorType(await send(em, build(arns[5] ?? '')))).toBe('ThrottlingException');
    clock += 2;
    expect((await send(em, build(arns[5] ?? ''))).status).toBe(200);
  });

  it('accepts what the official @aws-sdk/client-ivs-realtime sends (its signed amz-sdk-* and checksum headers)', async () => {
    const sts = em.awsIvs.issueTemporaryCredentials();
    const client = new IVSRealTimeClient({
      region: em.awsIvs.region,
      endpoint: em.url,
      credentials: sts,
      maxAttempts: 1,
      systemClockOffset: clock - Date.now(),
    });
    try {
      const arn = await em.awsIvs.createComposition();
      const out = await client.send(new StopCompositionCommand({ arn }));
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect(em.awsIvs.compositions()).toEqual([]);
      const again = await client.send(new StopCompositionCommand({ arn })).catch((error: unknown) => error);
      expect((again as { name?: string }).name).toBe('ResourceNotFoundException');
    } finally {
      client.destroy();
    }
  });

  it('never records the Authorization or the session token', async () => {
    const sts = em.awsIvs.issueTemporaryCredentials();
    await send(em, build(await em.awsIvs.createComposition(), { credentials: sts }));
    const recorded = JSON.stringify(em.requests());
    expect(em.requests()[0]?.vendor).toBe('aws-ivs');
    expect(recorded).not.toContain(sts.sessionToken);
    expect(recorded).not.toContain('Signature=');
  });
});
