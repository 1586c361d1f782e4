import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { isLoopbackHost } from '@mixtask/core/adapter';
import { createAliyunHalf, type AliyunEmulator } from './aliyun.js';
import { createAwsIvsHalf, type AwsIvsEmulator } from './aws-ivs.js';
import { FaultQueue, type Fault } from './faults.js';
import { createTencentHalf, type TencentEmulator } from './tencent.js';
import { emulatorCertificate, emulatorPrivateKey } from './tls-identity.js';
import type { Now, ReceivedRequest, VendorHalf, VendorName, VendorResponse } from './vendor.js';

export interface EmulatorOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Only loopback makes sense: the providers accept plain http only there. */
  readonly host?: string;
  /** The emulator's clock (ms since the epoch), e.g. to test clock skew. Default Date.now. */
  readonly now?: Now;
  /** Per-second quotas it enforces; `false` turns one off. Defaults: the vendors' (100, 500 and IVS's 5). */
  readonly quota?: {
    readonly tencent?: number | false;
    readonly aliyun?: number | false;
    readonly awsIvs?: number | false;
  };
  /** The AWS region the IVS half serves (its credential scope and ARNs). Default us-east-1. */
  readonly awsRegion?: string;
  /** Serve https with a built-in test certificate for 127.0.0.1/localhost; `ca` then holds the PEM that trusts it. */
  readonly tls?: boolean;
  /** Fixed credentials and AppId (for scripts that start it and already know them). Default: random per run. */
  readonly identity?: EmulatorIdentity;
}

export interface EmulatorIdentity {
  readonly tencent?: { readonly secretId: string; readonly secretKey: string };
  readonly aliyun?: { readonly accessKeyId: string; readonly accessKeySecret: string };
  readonly aliyunAppId?: string;
}

/** One request as recorded for assertions: no secret header is kept. */
export interface RecordedRequest {
  readonly vendor: VendorName | 'unknown';
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly receivedAt: number;
  /** The status answered (undefined when a fault sent none). */
  readonly status?: number;
  /** The vendor code answered, if any. */
  readonly code?: string;
  readonly requestId?: string;
  /** The injected fault that shaped the answer, if any. */
  readonly fault?: Fault['action']['type'];
}

export interface Emulator {
  /** One origin for every vendor, e.g. http://127.0.0.1:43123; requests are dispatched by their headers. */
  readonly url: string;
  /** With `tls: true`: the certificate (PEM) to pass as a provider's `ca` option. */
  readonly ca?: string;
  readonly tencent: TencentEmulator;
  readonly aliyun: AliyunEmulator;
  readonly awsIvs: AwsIvsEmulator;
  /** Queues a fault for the next matching request(s). */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** The requests received so far, oldest first (the last 10 000). */
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** How many requests `requests()` keeps, newest last. */
export const maxRecordedRequests = 10_000;

/** Bodies of these APIs are tiny; anything larger is refused rather than buffered. */
const maxRequestBytes = 1024 * 1024;

/**
 * Starts the emulator on loopback. A non-loopback `host` is refused (the promise rejects): the emulator accepts
 * anyone who knows its published test keys, so it must not be reachable from another machine.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  if (options.host !== undefined && !isLoopbackHost(options.host.replace(/^(?!\[)(.*:.*)$/, '[$1]'))) {
    throw new Error(
      `startEmulator: host ${JSON.stringify(options.host)} is not a loopback address; use 127.0.0.1, ::1 or localhost`,
    );
  }
  const now = options.now ?? Date.now;
  const identity = options.identity ?? {};
  const tencent = createTencentHalf({
    now,
    requestsPerSecond: options.quota?.tencent ?? 100,
    ...(identity.tencent === undefined ? {} : { credentials: { ...identity.tencent } }),
  });
  const aliyun = createAliyunHalf({
    now,
    requestsPerSecond: options.quota?.aliyun ?? 500,
    ...(identity.aliyun === undefined ? {} : { credentials: { ...identity.aliyun } }),
    ...(identity.aliyunAppId === undefined ? {} : { appId: identity.aliyunAppId }),
  });
  const awsIvs = createAwsIvsHalf({
    now,
    requestsPerSecond: options.quota?.awsIvs ?? 5,
    region: options.awsRegion ?? 'us-east-1',
  });
  const halves: VendorHalf[] = [tencent.half, aliyun.half, awsIvs.half];
  const faults = new FaultQueue();
  const log: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const server =
    options.tls === true
      ? createTlsServer({ cert: emulatorCertificate, key: emulatorPrivateKey }, handler)
      : createServer(handler);
  // 'connection' is the raw TCP socket for both servers: destroying it on close ends TLS sockets too.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: body ?? '',
      receivedAt: now(),
    };
    const half = halves.find((h) => h.matches(request));
    const record = (answer: Partial<RecordedRequest>) => {
      // Bounded, so an emulator left running (the CLI, a benchmark) does not grow without end.
      if (log.length >= maxRecordedRequests) log.shift();
      log.push({
        vendor: half?.vendor ?? 'unknown',
        method: request.method,
        url: request.url,
        headers: safeHeaders(request, half),
        body: request.body,
        receivedAt: request.receivedAt,
        ...answer,
      });
    };

    if (half === undefined || body === undefined) {
      const status = body === undefined ? 413 : 404;
      record({ status });
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end('mixtask emulator: not a Tencent, Aliyun or Amazon IVS API request\n');
      return;
    }

    const fault = faults.take(half.vendor);
    if (fault === undefined) return send(res, half.handle(request), record);

    const action = fault.action;
    if (action.type === 'delay') {
      await sleep(action.ms);
      return send(res, half.handle(request), (a) => record({ ...a, fault: action.type }));
    }
    if (fault.afterApplying === true) half.handle(request);
    const tag = { fault: action.type };
    switch (action.type) {
      case 'code': {
        const answer = half.errorResponse(action.code, action.message, action.status);
        return send(res, { ...answer, headers: { ...answer.headers, ...action.headers } }, (a) =>
          record({ ...a, ...tag }),
        );
      }
      case 'body':
        record({ status: action.status ?? 200, ...tag });
        res.writeHead(action.status ?? 200, { 'content-type': 'text/html', ...action.headers }).end(action.body);
        return;
      case 'no-answer':
        record(tag);
        return; // the socket stays open until the client or close() ends it
      case 'reset':
        record(tag);
        req.socket.destroy();
        return;
      case 'reset-mid-body': {
        const answer = half.handle(request);
        record({ status: answer.status, ...tag });
        // An empty answer (IVS's 200) has no half to send: announce one byte, so the cut is still mid-body.
        const length = Math.max(Buffer.byteLength(answer.body), 1);
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(length) });
        res.write(answer.body.slice(0, Math.floor(answer.body.length / 2)));
        setImmediate(() => req.socket.destroy());
        return;
      }
      case 'stall-body':
        record({ status: 200, ...tag });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"Response":');
        return;
      case 'huge-body':
        record({ status: 200, ...tag });
        return streamHuge(res, action.bytes);
    }
  }

  function send(res: ServerResponse, answer: VendorResponse, record: (a: Partial<RecordedRequest>) => void): void {
    record({
      status: answer.status,
      ...(answer.code === undefined ? {} : { code: answer.code }),
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
    });
    res.writeHead(answer.status, { 'content-length': String(Buffer.byteLength(answer.body)), ...answer.headers });
    res.end(answer.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${options.tls === true ? 'https' : 'http'}://${host}:${address.port}`,
    ...(options.tls === true ? { ca: emulatorCertificate } : {}),
    tencent: tencent.api,
    aliyun: aliyun.api,
    awsIvs: awsIvs.api,
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    requests: () => [...log],
    clearRequests: () => {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Reads a request body up to the cap; undefined when it is larger. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxRequestBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function safeHeaders(request: ReceivedRequest, half: VendorHalf | undefined): Record<string, string> {
  const secret = new Set(['authorization', ...(half?.secretHeaders ?? [])]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || secret.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function streamHuge(res: ServerResponse, bytes: number | 'endless'): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  res.writeHead(200, { 'content-type': 'application/json' });
  const pump = (): void => {
    while (!res.destroyed && (bytes === 'endless' || sent < bytes)) {
      const piece = bytes === 'endless' ? chunk : chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
