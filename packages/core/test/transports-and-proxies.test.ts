import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import got from 'got';
import { Agent as HttpAgent } from 'node:http';
import { inspect } from 'node:util';
import { createGotTransport, createNodeTransport, type MixError } from '@mixtask/core';
import { chooseProxy, proxyRefusedCode, proxyUnreachableCode } from '@mixtask/core/internal';
import { refusedPort, startHttpServer, startHttpsServer, startProxy, type LoopbackServer } from '@mixtask/test-kit';
import { testProvider } from './support/test-provider.js';
import { testCert } from '@mixtask/test-kit';

/**
 * Both built-in transports are first-class (issue 20 item 4): each tunnels through http:// and https:// proxies,
 * says the same thing (one code each) when the proxy refuses or cannot be reached (issue 20 item 3, issue 23 item
 * 13), and an app can build either from the public entry, got from its own got instance and node with its own
 * agents. Real servers and proxies on 127.0.0.1.
 */

const answer = (_req: unknown, res: { setHeader(n: string, v: string): void; end(b: string): void }) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"requestId":"r-ok"}');
};

let target: LoopbackServer;
let plainTarget: LoopbackServer;
beforeAll(async () => {
  target = await startHttpsServer(answer as never);
  plainTarget = await startHttpServer(answer as never);
});
afterAll(() => Promise.all([target.close(), plainTarget.close()]));

const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
});
const own = <T extends { close(): Promise<void> }>(thing: T): T => (closing.push(thing), thing);

function leftOf(result: E.Either<MixError, unknown>): MixError {
  if (E.isRight(result)) throw new Error('expected a Left');
  return result.left;
}

describe.each(['got', 'node'] as const)('transport %s', (transport) => {
  it.each([false, true])('stops through a proxy (https:// proxy: %s), tunnelled with CONNECT', async (tls) => {
    const proxy = own(await startProxy(undefined, { tls }));
    const provider = own(testProvider(target.url, { transport, proxy: proxy.url, ca: testCert }));
    const result = await provider.stopMix('room_1')();
    expect(E.isRight(result) && result.right.requestId).toBe('r-ok');
    expect(proxy.seen).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${target.port}`, auth: undefined }]);
  });

  it('a proxy that refuses the tunnel: a retryable NetworkError that says so, one code on both transports', async () => {
    const proxy = own(await startProxy('Basic expected'));
    const provider = own(
      testProvider(target.url, {
        transport,
        proxy: proxy.url.replace('//', '//user:pr0xy-pass@'),
        ca: testCert,
        retry: { maxAttempts: 2, baseDelayMs: 1 },
      }),
    );
    const error = leftOf(await provider.stopMix('room_1')());
    expect(error).toMatchObject({ _tag: 'NetworkError', retryable: true, attempts: 2 });
    expect(error.message).toContain('the proxy refused the tunnel');
    expect(error.cause).toMatchObject({ code: proxyRefusedCode });
    expect(inspect(error, { showHidden: true, depth: 5 }) + JSON.stringify(error)).not.toContain('pr0xy-pass');
  });

  it.each(['https target', 'http target'])(
    'a proxy that cannot be reached (%s): says it was the proxy, one code on both transports',
    async (kind) => {
      const down = `http://127.0.0.1:${await refusedPort()}`;
      const endpoint = kind === 'https target' ? target.url : plainTarget.url;
      const provider = own(
        testProvider(endpoint, { transport, proxy: down, ca: testCert, retry: { maxAttempts: 2, baseDelayMs: 1 } }),
      );
      const error = leftOf(await provider.stopMix('room_1')());
      // Nothing reached the vendor: retried as far as allowed.
      expect(error).toMatchObject({ _tag: 'NetworkError', retryable: true, attempts: 2 });
      expect(error.message).toContain('the proxy could not be reached');
      expect(error.cause).toMatchObject({ code: proxyUnreachableCode });
    },
  );

  it('reads a proxy option host:port (no scheme) as an http:// proxy', async () => {
    const proxy = own(await startProxy());
    const provider = own(testProvider(target.url, { transport, proxy: `127.0.0.1:${proxy.port}`, ca: testCert }));
    expect(E.isRight(await provider.stopMix('room_1')())).toBe(true);
    expect(proxy.seen.map((s) => s.method)).toEqual(['CONNECT']);
  });

  it('reads HTTPS_PROXY=host:port (no scheme) as an http:// proxy, as curl does', async () => {
    const proxy = own(await startProxy());
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = `127.0.0.1:${proxy.port}`;
    try {
      const provider = own(testProvider(target.url, { transport, ca: testCert }));
      const result = await provider.stopMix('room_1')();
      expect(E.isRight(result)).toBe(true);
      expect(proxy.seen.map((s) => s.method)).toEqual(['CONNECT']);
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });
});

describe('a proxy written without a scheme', () => {
  it.each([
    ['HTTPS_PROXY', 'https://live.example.com'],
    ['https_proxy', 'https://live.example.com'],
    ['ALL_PROXY', 'https://live.example.com'],
    ['HTTP_PROXY', 'http://live.example.com'],
  ])('in %s is http:// (endpoint %s)', (name, endpoint) => {
    const chosen = chooseProxy({ endpoint: new URL(endpoint), env: { [name]: 'proxy.corp:3128' } });
    expect(E.isRight(chosen) && chosen.right?.href).toBe('http://proxy.corp:3128/');
  });

  it('in the proxy option is http:// too; a scheme given is kept', () => {
    const endpoint = new URL('https://live.example.com');
    const bare = chooseProxy({ endpoint, proxy: 'proxy.corp:3128' });
    expect(E.isRight(bare) && bare.right?.href).toBe('http://proxy.corp:3128/');
    const secure = chooseProxy({ endpoint, env: { HTTPS_PROXY: 'https://proxy.corp:3129' } });
    expect(E.isRight(secure) && secure.right?.href).toBe('https://proxy.corp:3129/');
  });
});

describe('an app builds the transport itself, from @mixtask/core', () => {
  it("got from the app's own instance: its hooks and trust are used, mixtask's retry stays the only one", async () => {
    const seen: string[] = [];
    const appGot = got.extend({ hooks: { beforeRequest: [(options) => void seen.push(String(options.url))] } });
    const transport = createGotTransport({ got: appGot });
    const provider = testProvider(target.url, { transport, ca: testCert });
    // The app's got carries the trust here: without it, the test certificate is refused.
    expect(leftOf(await provider.stopMix('room_1')())._tag).toBe('NetworkError');
    const trusting = createGotTransport({ got: appGot.extend({ https: { certificateAuthority: testCert } }) });
    const stops = testProvider(target.url, { transport: trusting, retry: { maxAttempts: 1 } });
    expect(E.isRight(await stops.stopMix('room_1')())).toBe(true);
    expect(seen).toEqual([`${target.url}/`, `${target.url}/`]);
    await stops.close();
    // A 5xx is an answer for the protocol to read, not a got error; got's own retry does not run.
    const failing = own(await startHttpServer((_req, res) => ((res.statusCode = 503), res.end(''))));
    const once = testProvider(failing.url, { transport: trusting, retry: { maxAttempts: 1 } });
    expect(leftOf(await once.stopMix('room_1')())).toMatchObject({ _tag: 'ProviderUnavailable', attempts: 1 });
    expect(failing.accepted).toBe(1);
  });

  it("node with the app's own agents: used as given, and close() leaves them open", async () => {
    let connections = 0;
    class CountingAgent extends HttpAgent {
      override createConnection(...args: Parameters<HttpAgent['createConnection']>) {
        connections++;
        return super.createConnection(...args);
      }
    }
    const agent = new CountingAgent({ keepAlive: true });
    const transport = createNodeTransport({ agents: { http: agent } });
    const provider = testProvider(plainTarget.url, { transport });
    expect(E.isRight(await provider.stopMix('room_1')())).toBe(true);
    expect(E.isRight(await provider.stopMix('room_2')())).toBe(true);
    expect(connections).toBe(1);
    await provider.close();
    await transport.close?.();
    // Still the app's: it goes on serving.
    const again = testProvider(plainTarget.url, { transport: createNodeTransport({ agents: { http: agent } }) });
    expect(E.isRight(await again.stopMix('room_3')())).toBe(true);
    agent.destroy();
  });

  it('refuses options that cannot work together, at construction', () => {
    expect(() => createNodeTransport({ agents: {}, proxy: 'http://127.0.0.1:1' })).toThrow(TypeError);
    expect(() => createGotTransport({ got, ca: testCert })).toThrow(TypeError);
  });
});
