import { afterAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { proxyRefusedCode } from '@mixtask/core/internal';
import { createNodeTransport } from '../src/transport/node/node-transport.js';
import type { Transport } from '../src/transport/transport.js';
import {
  startHttpServer,
  startHttpsServer,
  startProxy,
  startSilentServer,
  stopRequest,
  type LoopbackServer,
} from '@mixtask/test-kit';
import { rawTransportSuite } from './support/raw-transport-suite.js';
import { testCert } from '@mixtask/test-kit';

rawTransportSuite('node', (options) => createNodeTransport(options));

const sendOptions = () => ({ timeoutMs: 10_000, signal: new AbortController().signal, maxResponseBytes: 1 << 20 });

describe('node transport', () => {
  const owned: Array<LoopbackServer | Transport> = [];
  const own = <T extends LoopbackServer | Transport>(thing: T): T => (owned.push(thing), thing);
  afterAll(() => Promise.all(owned.map((thing) => thing.close?.())));

  it("checks the agents' keys too: a misspelt one would leave the app's agent unused", () => {
    expect(() => createNodeTransport({ agents: { htps: undefined } } as never)).toThrow(
      new TypeError('createNodeTransport: agents.htps: unknown field; did you mean https?'),
    );
  });

  it('adds no User-Agent of its own', async () => {
    const agents: Array<string | undefined> = [];
    const server = own(await startHttpServer((req, res) => (agents.push(req.headers['user-agent']), res.end('{}'))));
    const transport = own(createNodeTransport());
    await transport.send(stopRequest(server.url), sendOptions());
    await transport.send({ ...stopRequest(server.url), headers: { 'user-agent': 'mixtask/1.0' } }, sendOptions());
    expect(agents).toEqual([undefined, 'mixtask/1.0']);
  });

  it("gives the answer's headers as Node parses them, and serialises without the socket", async () => {
    const server = own(
      await startHttpServer((_req, res) => {
        res.setHeader('X-Acs-Request-Id', 'r-1');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Twice', ['one', 'two']);
        res.end('{}');
      }),
    );
    const transport = own(createNodeTransport());
    const response = await transport.send(stopRequest(server.url), sendOptions());
    expect(response.headers).toMatchObject({
      'x-acs-request-id': 'r-1',
      'set-cookie': ['a=1', 'b=2'],
      'x-twice': 'one, two',
    });
    expect(JSON.parse(JSON.stringify(response))).toEqual({ status: 200, headers: response.headers, body: '{}' });
    expect(inspect(response)).not.toMatch(/Socket|IncomingMessage/);
  });

  it('decodes one Content-Encoding in any case, and passes a repeated one through as Node would join it', async () => {
    const encodings: string[][] = [['GZip'], ['gzip', 'gzip']];
    const server = own(
      await startHttpServer((_req, res) => {
        res.setHeader('Content-Encoding', encodings.shift() ?? []);
        res.end(gzipSync('{"ok":true}'));
      }),
    );
    const transport = own(createNodeTransport());
    const once = await transport.send(stopRequest(server.url), sendOptions());
    const twice = await transport.send(stopRequest(server.url), sendOptions());
    expect(once.body).toBe('{"ok":true}');
    expect(twice.headers['content-encoding']).toBe('gzip, gzip');
    expect(twice.body).not.toBe('{"ok":true}');
  });

  describe('through an http proxy', () => {
    it('tunnels https with CONNECT, trusting the given CA, and reuses the tunnel', async () => {
      const target = own(await startHttpsServer((_req, res) => res.end('{"ok":true}')));
      const proxy = own(await startProxy());
      const transport = own(createNodeTransport({ proxy: proxy.url, ca: testCert }));
      const first = await transport.send(stopRequest(target.url), sendOptions());
      const second = await transport.send(stopRequest(target.url), sendOptions());
      expect([first.body, second.body]).toEqual(['{"ok":true}', '{"ok":true}']);
      expect(proxy.seen).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${target.port}`, auth: undefined }]);
    });

    it('forwards plain http with the absolute URL', async () => {
      const target = own(await startHttpServer((req, res) => res.end(JSON.stringify({ path: req.url }))));
      const proxy = own(await startProxy());
      const transport = own(createNodeTransport({ proxy: proxy.url }));
      const response = await transport.send(stopRequest(target.url, '/?a=1'), sendOptions());
      expect(JSON.parse(response.body)).toEqual({ path: '/?a=1' });
      expect(proxy.seen).toEqual([{ method: 'POST', target: `${target.url}/?a=1`, auth: undefined }]);
    });

    it('sends the proxy credentials to the proxy only, and keeps them out of its errors', async () => {
      const target = own(await startHttpsServer((req, res) => res.end(JSON.stringify(req.headers))));
      const expected = `Basic ${Buffer.from('user:s3cret-pass').toString('base64')}`;
      const proxy = own(await startProxy(expected));
      const transport = own(
        createNodeTransport({ proxy: proxy.url.replace('//', '//user:s3cret-pass@'), ca: testCert }),
      );
      const response = await transport.send(stopRequest(target.url), sendOptions());
      expect(JSON.parse(response.body)).not.toHaveProperty('proxy-authorization');

      const refusing = own(createNodeTransport({ proxy: proxy.url.replace('//', '//user:wrong-pass@'), ca: testCert }));
      const failed = await refusing.send(stopRequest(target.url), sendOptions()).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toMatchObject({ code: proxyRefusedCode, proxyStatus: 407 });
      const { inspect } = await import('node:util');
      expect(inspect(failed, { depth: 5 }) + JSON.stringify(failed)).not.toMatch(/wrong-pass|s3cret/);
    });

    it('ends a CONNECT still waiting on the proxy when aborted', async () => {
      const silent = own(await startSilentServer());
      const transport = own(createNodeTransport({ proxy: silent.url.replace('https:', 'http:') }));
      const controller = new AbortController();
      const sent = transport
        .send(stopRequest('https://127.0.0.1:1'), { ...sendOptions(), signal: controller.signal })
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      while (silent.accepted === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      expect(await sent).toMatchObject({ name: 'AbortError', requestSent: false });
      await silent.drained();
    });
  });
});
