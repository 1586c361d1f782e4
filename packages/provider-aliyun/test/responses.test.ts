import { describe, expect, it } from '@jest/globals';
import type { MixEvent } from '@mixtask/core';
import { againstEmulator, left, right } from './support/against-emulator.js';

describe('answers and requests as sent, against the emulator', () => {
  const { emulator, provider, running, aliyunRequests, sentSince } = againstEmulator();

  it('sends POST / with AppId and TaskId in the query, an empty body and every x-acs header', async () => {
    const id = await running();
    const before = aliyunRequests().length;
    right(await provider().stopMix(id)());
    const [sent] = sentSince(before);
    expect(sent).toMatchObject({ method: 'POST', body: '', status: 200 });
    expect(new URL(sent?.url ?? '', emulator().url).search).toBe(`?AppId=${emulator().aliyun.appId}&TaskId=${id}`);
    expect(sent?.headers).toMatchObject({
      accept: 'application/json',
      'x-acs-action': 'StopLiveMPUTask',
      'x-acs-version': '2016-11-01',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(sent?.headers['x-acs-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(sent?.headers['x-acs-signature-nonce']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ); // a random UUID
  });

  it('an HTML 503 from a proxy → ProviderUnavailable; an HTML 429 → RateLimited with Retry-After', async () => {
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 503, body: '<html><h1>503 Service Unavailable</h1></html>' },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'ProviderUnavailable',
      httpStatus: 503,
      retryable: true,
    });
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 429, body: '<html>slow down</html>', headers: { 'retry-after': '3' } },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'RateLimited',
      retryAfterMs: 3000,
    });
  });

  it('a 200 with garbage, XML or a wrong shape → MalformedResponse; an error status without a code → by status', async () => {
    const bodies = [
      '{"RequestId":',
      '<?xml version="1.0"?><Response><RequestId>x</RequestId></Response>',
      '[]',
      '{}',
      '{"Code":7}',
    ];
    for (const body of bodies) {
      emulator().inject({ vendor: 'aliyun', action: { type: 'body', status: 200, body } });
      expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
        _tag: 'MalformedResponse',
        httpStatus: 200,
        retryable: false,
      });
    }
    emulator().inject({
      vendor: 'aliyun',
      action: {
        type: 'body',
        status: 502,
        body: '{"RequestId":"R-1"}',
        headers: { 'content-type': 'application/json' },
      },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'ProviderUnavailable',
      requestId: 'R-1',
      httpStatus: 502,
    });
    emulator().inject({
      vendor: 'aliyun',
      action: { type: 'body', status: 404, body: 'Not Found', headers: { 'x-acs-request-id': 'R-2' } },
    });
    expect(left(await provider({ retry: false }).stopMix('t')())).toMatchObject({
      _tag: 'MalformedResponse',
      requestId: 'R-2',
    });
  });

  it('Recommend and HostId are on the error (details) and on the failure event', async () => {
    const events: MixEvent[] = [];
    emulator().inject({ vendor: 'aliyun', action: { type: 'code', code: 'Forbidden.RAM' } });
    const error = left(await provider({ onEvent: (e) => events.push(e) }).stopMix('t')());
    expect(error.details?.hostId).toBe('live.aliyuncs.com');
    expect(error.details?.recommend).toMatch(/^https:\/\/api\.aliyun\.com\/troubleshoot\?q=Forbidden\.RAM/);
    const failure = events.find((e) => e.type === 'failure');
    expect(failure).toMatchObject({ type: 'failure', providerCode: 'Forbidden.RAM', details: error.details });
  });
});
