import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { OutgoingRequest } from '@mixtask/core/adapter';
import { testCert, testKey } from './tls-fixture.js';

/** A server on 127.0.0.1 that counts the connections it accepted and can tell when they are all gone. */
export interface LoopbackServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted since start. */
  readonly accepted: number;
  /** Connections still open. */
  readonly open: ReadonlySet<Socket>;
  /** Resolves once no connection is open. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

function track(server: Server | ReturnType<typeof createNetServer>, scheme: string): Promise<LoopbackServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  const waiting: Array<() => void> = [];
  // 'connection' is the TCP socket for http, https and net servers alike.
  server.on('connection', (socket: Socket) => {
    accepted++;
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) for (const wake of waiting.splice(0)) wake();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        get accepted() {
          return accepted;
        },
        open,
        drained: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((wake) => waiting.push(wake))),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export const startHttpServer = (handler: RequestListener): Promise<LoopbackServer> =>
  track(createServer({ keepAliveTimeout: 60_000 }, handler), 'http');

export const startHttpsServer = (handler: RequestListener): Promise<LoopbackServer> =>
  track(createHttpsServer({ cert: testCert, key: testKey, keepAliveTimeout: 60_000 }, handler), 'https');

/**
 * Accepts TCP connections, reads and never says a word: a TLS handshake or a request to it waits forever. It
 * reads so that it sees the client close (a socket nobody reads from never notices the EOF).
 */
export const startSilentServer = (): Promise<LoopbackServer> =>
  track(
    createNetServer((socket) => {
      socket.on('error', () => undefined); // a client that resets must not crash the test
      socket.resume();
    }),
    'https',
  );

/** A port nothing listens on (bound, then closed). */
export async function refusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An http proxy: CONNECT tunnels and absolute-URL forwarding, each to 127.0.0.1 only. Records what it was asked
 * and the Proxy-Authorization it saw; answers 407 when `requireAuth` is set and the header differs.
 */
export async function startProxy(
  requireAuth?: string,
  { tls = false }: { readonly tls?: boolean } = {},
): Promise<LoopbackServer & { readonly seen: Array<{ method: string; target: string; auth: string | undefined }> }> {
  const seen: Array<{ method: string; target: string; auth: string | undefined }> = [];
  // `tls`: an https:// proxy (the test certificate), spoken to over TLS before the CONNECT or the forwarded request.
  const make = tls
    ? (handler: RequestListener) => createHttpsServer({ cert: testCert, key: testKey }, handler)
    : (handler: RequestListener) => createServer(handler);
  const server = make((req: IncomingMessage, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { hostname: '127.0.0.1', port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization'];
    seen.push({ method: 'CONNECT', target: req.url ?? '', auth });
    if (requireAuth !== undefined && auth !== requireAuth) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
    upstream.on('close', end);
    client.on('close', end);
  });
  const tracked = await track(server, tls ? 'https' : 'http');
  return Object.assign(tracked, { seen });
}

/** A small signed-looking stop, as a provider would build it for this server. */
export function stopRequest(url: string, path = '/'): OutgoingRequest {
  return {
    method: 'POST',
    url: `${url}${path}`,
    headers: { 'content-type': 'application/json', host: new URL(url).host },
    body: '{"MixStreamSessionId":"room_1"}',
  };
}
