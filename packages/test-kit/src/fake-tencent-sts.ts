import { Agent as HttpsAgent, createServer, type RequestOptions, type Server } from 'node:https';
import {
  createServer as createTcpServer,
  connect as connectTcp,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { stsServerCert, stsServerKey, stsTestCa } from './sts-tls-fixture.js';

/** The host `tencentcloud-sdk-nodejs-common` always calls for STS (STSCredential, OIDCRoleArnCredential). */
export const stsHost = 'sts.tencentcloudapi.com';

/** One call the fake STS received. */
export interface StsCall {
  readonly action: string | undefined;
  readonly region: string | undefined;
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  /** The JSON body (API 3.0 parameters: RoleArn, RoleSessionName, WebIdentityToken, ProviderId…). */
  readonly params: Record<string, unknown>;
}

export interface StsAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface FakeSts {
  readonly port: number;
  /** What it was asked, oldest first. */
  readonly calls: StsCall[];
  /** Queues answers; with none queued it answers HTTP 500. */
  answer(...answers: StsAnswer[]): void;
  /** An https agent that sends every connection to this server, trusting only the test CA (the SDK's `httpProfile.agent`). */
  agent(): HttpsAgent;
  close(): Promise<void>;
}

/** A fake https://sts.tencentcloudapi.com on 127.0.0.1, serving a certificate for that host signed by the test CA. */
export async function startFakeSts(): Promise<FakeSts> {
  const calls: StsCall[] = [];
  const answers: StsAnswer[] = [];
  const server: Server = createServer({ cert: stsServerCert, key: stsServerKey }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Recorded as empty: a test asserting on the parameters then fails.
      }
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(',') : value;
      };
      calls.push({
        action: header('x-tc-action'),
        region: header('x-tc-region'),
        host: header('host'),
        authorization: header('authorization'),
        params,
      });
      const answer = answers.shift() ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const agents: HttpsAgent[] = [];
  return {
    port,
    calls,
    answer: (...more) => void answers.push(...more),
    agent: () => {
      const agent = new ToLoopback(port);
      agents.push(agent);
      return agent;
    },
    close: async () => {
      for (const agent of agents) agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects to 127.0.0.1:port whatever the URL names, verifying the certificate for the URL's host against the test CA. */
class ToLoopback extends HttpsAgent {
  constructor(private readonly port: number) {
    super({ keepAlive: false });
  }
  // The socket is returned synchronously, as node's own https agent does; the callback is then not needed.
  override createConnection(options: RequestOptions): Duplex {
    return connectTls({
      ...(options as ConnectionOptions),
      host: '127.0.0.1',
      port: this.port,
      servername: options.servername ?? stsHost,
      ca: stsTestCa,
    });
  }
}

/** The success envelope the SDK reads: Response.Credentials.{TmpSecretId,TmpSecretKey,Token}, Response.ExpiredTime. */
export function stsCredentials(
  issued: { readonly secretId: string; readonly secretKey: string; readonly sessionToken: string },
  ttlSeconds = 3600,
): StsAnswer {
  const expiredTime = Math.floor(Date.now() / 1000) + ttlSeconds;
  return {
    status: 200,
    body: {
      Response: {
        Credentials: { TmpSecretId: issued.secretId, TmpSecretKey: issued.secretKey, Token: issued.sessionToken },
        ExpiredTime: expiredTime,
        Expiration: new Date(expiredTime * 1000).toISOString(),
        RequestId: 'fake-sts-request',
      },
    },
  };
}

/** An API 3.0 error envelope (HTTP 200, Response.Error). */
export function stsError(code: string, message: string): StsAnswer {
  return { status: 200, body: { Response: { Error: { Code: code, Message: message }, RequestId: 'fake-sts-error' } } };
}

export interface ConnectStub {
  /** `http://127.0.0.1:<port>`, for `http_proxy`. */
  readonly url: string;
  /** The targets named by CONNECT requests, e.g. `sts.tencentcloudapi.com:443`. */
  readonly targets: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy stub: whatever host the CONNECT names, the tunnel leads to 127.0.0.1:upstreamPort. */
export async function startConnectStub(upstreamPort: number): Promise<ConnectStub> {
  const sockets = new Set<Socket>();
  const targets: string[] = [];
  const tunnel: TcpServer = createTcpServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.once('data', (head: Buffer) => {
      const requestLine = head.toString('latin1').split('\r\n')[0] ?? '';
      const [method, target] = requestLine.split(' ');
      if (method !== 'CONNECT' || target === undefined) return void client.end('HTTP/1.1 405 Not Allowed\r\n\r\n');
      targets.push(target);
      const upstream = connectTcp(upstreamPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
    });
  });
  await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(tunnel.address() as AddressInfo).port}`,
    targets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tunnel.close(() => resolve()));
    },
  };
}
