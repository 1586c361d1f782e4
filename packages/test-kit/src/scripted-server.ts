import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server does with one request. */
export type Reply =
  | {
      readonly kind: 'json';
      readonly status?: number;
      readonly body: unknown;
      readonly headers?: Record<string, string>;
    }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly headers?: Record<string, string> }
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'huge'; readonly bytes: number };

export interface SeenRequest {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1 that answers from a script, then with `fallback`. */
export interface ScriptedServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  script(...replies: Reply[]): void;
  /** Forgets scripted replies and seen requests. */
  reset(): void;
  fallback: (request: SeenRequest) => Reply;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();
  const state: ScriptedServer = {
    url: '',
    seen: [],
    script: (...replies) => void queue.push(...replies),
    reset: () => {
      queue.length = 0;
      state.seen.length = 0;
    },
    fallback: () => ({ kind: 'json', body: { requestId: 'req-ok' } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.seen.push(seen);
      const reply = queue.shift() ?? state.fallback(seen);
      switch (reply.kind) {
        case 'json':
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(JSON.stringify(reply.body));
          return;
        case 'raw':
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          return;
        case 'huge': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = (): void => {
            while (sent < reply.bytes && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            if (!res.destroyed) res.end();
          };
          pump();
          return;
        }
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
