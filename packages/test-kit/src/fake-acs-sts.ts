import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { testCert, testKey } from './tls-fixture.js';

/**
 * A fake Alibaba Cloud STS (RPC style, `https://sts.aliyuncs.com/?Action=…&Format=JSON`) on 127.0.0.1, serving the
 * self-signed 127.0.0.1 certificate of tls-fixture.ts. `@alicloud/credentials` takes
 * `stsEndpoint` as a bare host and builds `https://${stsEndpoint}/?…` from it, so `127.0.0.1:<port>` reaches this
 * server; it has no CA or agent option, so the client must trust the certificate through NODE_EXTRA_CA_CERTS.
 */

/** One call the fake STS received. */
export interface AcsStsCall {
  readonly method: string | undefined;
  readonly host: string | undefined;
  readonly action: string | undefined;
  /** The query parameters (Version, Action, Format, Timestamp; for AssumeRole also AccessKeyId, Signature…). */
  readonly query: Record<string, string>;
  /** The form body (RoleArn, RoleSessionName, DurationSeconds; OIDCProviderArn, OIDCToken…). */
  readonly form: Record<string, string>;
}

export interface AcsStsAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface FakeAcsSts {
  readonly port: number;
  /** For `stsEndpoint`: `127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** What it was asked, oldest first. */
  readonly calls: AcsStsCall[];
  /** Queues answers; with none queued it answers HTTP 500. */
  answer(...answers: AcsStsAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeAcsSts(): Promise<FakeAcsSts> {
  const calls: AcsStsCall[] = [];
  const answers: AcsStsAnswer[] = [];
  const server: Server = createServer({ cert: testCert, key: testKey }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      calls.push({ method: req.method, host: req.headers.host, action: query.Action, query, form });
      const answer = answers.shift() ?? { status: 500, body: { Code: 'InternalError', RequestId: 'fake-sts-500' } };
      res
        .writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8' })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    calls,
    answer: (...more) => void answers.push(...more),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The success answer the library reads: Credentials.{AccessKeyId,AccessKeySecret,SecurityToken,Expiration}. */
export function acsStsCredentials(
  issued: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken: string },
  ttlSeconds = 3600,
): AcsStsAnswer {
  return {
    status: 200,
    body: {
      RequestId: 'fake-sts-request',
      AssumedRoleUser: { Arn: 'acs:ram::1000000000000001:role/fake/session', AssumedRoleId: '300000000000001:session' },
      Credentials: {
        AccessKeyId: issued.accessKeyId,
        AccessKeySecret: issued.accessKeySecret,
        SecurityToken: issued.securityToken,
        Expiration: new Date(Date.now() + ttlSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    },
  };
}

/** An RPC error answer (HTTP 4xx, top-level Code and Message), as STS sends for a refused AssumeRole*. */
export function acsStsError(status: number, code: string, message: string): AcsStsAnswer {
  return { status, body: { RequestId: 'fake-sts-error', HostId: 'sts.aliyuncs.com', Code: code, Message: message } };
}

/** RFC 3986 percent-encoding as Alibaba's RPC signature uses it. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The RPC signature (HMAC-SHA1, version 1.0) of a recorded POST call, computed here from its query and form with
 * `accessKeySecret`: equal to the call's `Signature` only if the client signed with that secret.
 */
export function rpcSignature(call: AcsStsCall, accessKeySecret: string): string {
  const params: Record<string, string> = { ...call.query, ...call.form };
  delete params.Signature;
  const canonical = Object.keys(params)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key] ?? '')}`)
    .join('&');
  const stringToSign = `POST&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}
