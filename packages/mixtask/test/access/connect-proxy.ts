import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createProxy } from 'proxy';

/** A real CONNECT proxy (the `proxy` package) on 127.0.0.1, behind a byte tap that records what clients send it. */
export interface TappedProxy {
  /** e.g. http://127.0.0.1:41234 (the tap's port). */
  readonly url: string;
  readonly port: number;
  /** Every byte clients sent towards the proxy, as latin1 text. */
  clientBytes(): string;
  /** The CONNECT request lines seen, e.g. `CONNECT 127.0.0.1:43123 HTTP/1.1`. */
  connects(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startTappedProxy(
  options: { readonly authenticate?: (proxyAuthorization: string | undefined) => boolean } = {},
): Promise<TappedProxy> {
  const proxy = createProxy(createHttpServer());
  if (options.authenticate !== undefined) {
    const check = options.authenticate;
    proxy.authenticate = (req) => check(req.headers['proxy-authorization']);
  }
  const proxySockets = new Set<Socket>();
  proxy.on('connection', (socket: Socket) => track(proxySockets, socket));
  await listen(proxy);
  const proxyPort = (proxy.address() as AddressInfo).port;

  // The tap: a TCP relay in front of the proxy. http.Server reads its sockets without 'data' events, so the
  // bytes are recorded here, before the proxy parses them.
  const chunks: Buffer[] = [];
  // Each client connection's own bytes: its CONNECT line is at its start, which in `chunks` may follow the
  // ciphertext of another tunnel with no line break.
  let connections: Buffer[][] = [];
  const tapSockets = new Set<Socket>();
  const tap = createServer((client) => {
    track(tapSockets, client);
    const upstream = track(tapSockets, createConnection(proxyPort, '127.0.0.1'));
    const own: Buffer[] = [];
    connections.push(own);
    client.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      own.push(chunk);
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await listen(tap);
  const port = (tap.address() as AddressInfo).port;
  const text = () => Buffer.concat(chunks).toString('latin1');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    clientBytes: text,
    connects: () =>
      connections
        .map(
          (own) =>
            Buffer.concat(own)
              .toString('latin1')
              .match(/^CONNECT [^\r\n]*/)?.[0],
        )
        .filter((line): line is string => line !== undefined),
    reset: () => {
      chunks.length = 0;
      connections = [];
    },
    close: async () => {
      for (const socket of [...tapSockets, ...proxySockets]) socket.destroy();
      await Promise.all([close(tap), close(proxy)]);
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (a proxy that is down). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await close(server);
  return port;
}

function track(set: Set<Socket>, socket: Socket): Socket {
  set.add(socket);
  socket.on('close', () => set.delete(socket));
  return socket;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
