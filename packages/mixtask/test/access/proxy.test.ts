import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import type { MixEvent } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider, type TencentProviderOptions } from '@mixtask/provider-tencent';
import { closedPort, startTappedProxy, type TappedProxy } from './connect-proxy.js';

// Through TLS, the proxy relays bytes it cannot read: none of these may appear in what it receives.
const secretMarkers = (em: Emulator) => [
  'authorization',
  'tc3-hmac',
  'acs3-hmac',
  'x-tc-',
  'x-acs-',
  'signature',
  em.tencent.credentials.secretId.toLowerCase(),
  em.tencent.credentials.secretKey.toLowerCase(),
  em.aliyun.credentials.accessKeyId.toLowerCase(),
  em.aliyun.credentials.accessKeySecret.toLowerCase(),
];

const proxyVariables = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];
let savedEnv: Record<string, string | undefined> = {};
let em: Emulator;
let proxy: TappedProxy;
let sessions = 0;

beforeAll(async () => {
  em = await startEmulator({ tls: true });
  proxy = await startTappedProxy();
});
afterAll(async () => {
  await proxy.close();
  await em.close();
});
beforeEach(() => {
  savedEnv = Object.fromEntries(proxyVariables.map((name) => [name, process.env[name]]));
  for (const name of proxyVariables) delete process.env[name];
  proxy.reset();
});
afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function newSession(): Promise<string> {
  const id = `room_${++sessions}`;
  await em.tencent.createSession(id);
  return id;
}

function tencent(options: Partial<TencentProviderOptions> = {}) {
  return createTencentProvider({
    credentials: em.tencent.credentials,
    endpoint: em.url,
    ca: em.ca!,
    retry: false,
    rateLimit: false,
    ...options,
  });
}

describe('the TLS emulator', () => {
  it('serves https on loopback with a ca that trusts it', async () => {
    expect(em.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(em.ca).toContain('BEGIN CERTIFICATE');
    const result = await tencent({ proxy: false }).stopMix(await newSession())(); // direct
    expect(result).toEqual(E.right(expect.objectContaining({ outcome: 'stopped' })));
  });

  it('is refused without its ca: a TLS NetworkError that is not retried', async () => {
    const provider = createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url, proxy: false });
    const result = await provider.stopMix(await newSession())();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'NetworkError', retryable: false });
  });
});

describe('through a CONNECT proxy', () => {
  it('stops succeed for both vendors, and the proxy sees only CONNECT host:port', async () => {
    const t = tencent({ proxy: proxy.url });
    const first = await t.stopMix(await newSession())();
    const second = await t.stopMix(await newSession())();
    await em.aliyun.startTask('task-proxy-1');
    const a = createAliyunProvider({
      credentials: em.aliyun.credentials,
      appId: em.aliyun.appId,
      endpoint: em.url,
      ca: em.ca!,
      proxy: proxy.url,
      retry: false,
    });
    const third = await a.stopMix('task-proxy-1')();
    for (const result of [first, second, third]) expect(E.isRight(result)).toBe(true);

    const host = new URL(em.url).host;
    expect(proxy.connects().length).toBeGreaterThanOrEqual(1);
    for (const line of proxy.connects()) expect(line).toBe(`CONNECT ${host} HTTP/1.1`);
    const seen = proxy.clientBytes().toLowerCase();
    for (const marker of secretMarkers(em)) expect(seen).not.toContain(marker);
  });

  it('keeps one tunnel alive for consecutive stops', async () => {
    const t = tencent({ proxy: proxy.url });
    await t.stopMix(await newSession())();
    await t.stopMix(await newSession())();
    expect(proxy.connects()).toHaveLength(1);
  });

  it('is taken from HTTPS_PROXY when no proxy option is given', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const result = await tencent().stopMix(await newSession())();
    expect(E.isRight(result)).toBe(true);
    expect(proxy.connects()).toHaveLength(1);
  });

  it('is bypassed when NO_PROXY names the endpoint host', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.com,127.0.0.1';
    const result = await tencent().stopMix(await newSession())();
    expect(E.isRight(result)).toBe(true);
    expect(proxy.connects()).toHaveLength(0);
  });

  it('is bypassed with proxy: false, whatever HTTPS_PROXY says', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const result = await tencent({ proxy: false }).stopMix(await newSession())();
    expect(E.isRight(result)).toBe(true);
    expect(proxy.connects()).toHaveLength(0);
  });

  it('that is down gives a retryable NetworkError, and the stop is retried', async () => {
    const events: MixEvent[] = [];
    const port = await closedPort();
    const result = await tencent({
      proxy: `http://127.0.0.1:${port}`,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      onEvent: (e) => events.push(e),
    }).stopMix(await newSession())();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'NetworkError', retryable: true, attempts: 2 });
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });
});

describe('proxy credentials', () => {
  const user = 'proxyuser';
  const password = 'pr0xy-Pa55word-canary';
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  let guarded: TappedProxy;
  beforeAll(async () => {
    guarded = await startTappedProxy({ authenticate: (header) => header === `Basic ${basic}` });
  });
  afterAll(async () => {
    await guarded.close();
  });

  const leaks = (u: unknown) => {
    const text = `${JSON.stringify(u)}\n${inspect(u, { depth: 10, showHidden: true })}`;
    return [password, basic, encodeURIComponent(password)].filter((secret) => text.includes(secret));
  };

  it('are sent to the proxy, and a stop goes through', async () => {
    const events: MixEvent[] = [];
    const result = await tencent({
      proxy: `http://${user}:${password}@127.0.0.1:${guarded.port}`,
      onEvent: (e) => events.push(e),
    }).stopMix(await newSession())();
    expect(E.isRight(result)).toBe(true);
    expect(guarded.clientBytes()).toContain(`proxy-authorization: Basic ${basic}`);
    expect(leaks(result)).toEqual([]);
    expect(leaks(events)).toEqual([]);
  });

  it('refused by the proxy give a retryable NetworkError that shows no password', async () => {
    const events: MixEvent[] = [];
    const result = await tencent({
      proxy: `http://${user}:wrong-${password}@127.0.0.1:${guarded.port}`,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      onEvent: (e) => events.push(e),
    }).stopMix(await newSession())();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'NetworkError', retryable: true, attempts: 2 });
    const error = E.isLeft(result) ? result.left : undefined;
    expect(leaks(error)).toEqual([]);
    expect(leaks((error as { cause?: unknown } | undefined)?.cause)).toEqual([]);
    expect(leaks(events)).toEqual([]);
  });

  it('in a proxy URL that is refused as a configuration never show up in the error', async () => {
    for (const bad of [`ftp://${user}:${password}@127.0.0.1:1`, `http://${user}:${password}@127.0.0.1:1/path`]) {
      const result = await tencent({ proxy: bad }).stopMix('room_x')();
      expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'ConfigurationError' });
      expect(leaks(result)).toEqual([]);
    }
  });

  it('from HTTPS_PROXY that is malformed give a ConfigurationError without the password', async () => {
    process.env.HTTPS_PROXY = `socks5://${user}:${password}@127.0.0.1:1`;
    const result = await tencent().stopMix('room_x')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'ConfigurationError' });
    expect(E.isLeft(result) && result.left.message).toContain('HTTPS_PROXY');
    expect(leaks(result)).toEqual([]);
  });
});

describe('a plain-http endpoint', () => {
  it('is refused for a non-loopback host, with or without a proxy', async () => {
    for (const proxyOption of [proxy.url, false] as const) {
      const result = await tencent({ endpoint: 'http://live.tencentcloudapi.com', proxy: proxyOption }).stopMix(
        'room_x',
      )();
      expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'ConfigurationError' });
      expect(E.isLeft(result) && result.left.message).toContain('endpoint');
    }
    expect(proxy.connects()).toHaveLength(0);
  });
});
