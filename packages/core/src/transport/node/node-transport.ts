import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, type BrotliDecompress, type Gunzip } from 'node:zlib';
import { markBuiltIn, type AbortLike, type BuiltInSendOptions } from '../attempt-signal.js';
import { readCappedBody } from '../capped-body.js';
import { trustOnly, type CaOption } from '../trust.js';
import { recodeProxyFailure } from '../proxy/proxy-codes.js';
import { bareHost, RequestTargets } from './request-target.js';
import type { IncomingResponse, OutgoingRequest } from '../../contract/protocol.js';
import { abortedError, markSendError, type Transport } from '../transport.js';
import { readOptionsOnce } from '../../config/strict-object.js';

export type CertificateAuthority = CaOption;

export interface NodeTransportOptions {
  /**
   * An http:// or https:// proxy. https targets are tunnelled with CONNECT, http targets forwarded; an https://
   * proxy is reached over TLS, trusting `ca` (or Node's roots). Not with `agents`: an app's agents do their own.
   */
  readonly proxy?: string;
  /** Certificate authorities to trust for https targets (and an https:// proxy), instead of Node's bundled ones. */
  readonly ca?: CertificateAuthority;
  /**
   * The app's own agents (keep-alive settings, a proxy agent, its own TLS trust, socket instrumentation). Used as
   * given, for http and https targets; `close()` leaves them alone, they are the app's. Not with `proxy` or `ca`.
   */
  readonly agents?: { readonly http?: HttpAgent; readonly https?: HttpsAgent };
}

/**
 * The lean transport: `node:http`/`node:https` and nothing else (issue 14). A stop is one small JSON request
 * and answer, so everything got does per call — validated options objects, a Duplex wrapper, hooks — is cost
 * without benefit here; this is about what the bare floor does plus the guards the runner relies on: the abort
 * signal, the decoded-size cap, and the facts (`requestSent`, `httpStatus`) the runner classifies by.
 *
 * One keep-alive agent pair per transport, so `close()` ends exactly the sockets this transport opened; or the
 * app's agents, which `close()` does not touch. Throws a TypeError for options that cannot work together (a
 * constructor, called once at start-up); a provider validates its own `proxy`/`ca` before it gets here.
 */
export function createNodeTransport(given: NodeTransportOptions = {}): Transport {
  const { agents: givenAgents, ...read } = readOptionsOnce('createNodeTransport', given, ['proxy', 'ca', 'agents']);
  const options = {
    ...read,
    agents:
      givenAgents === undefined
        ? undefined
        : readOptionsOnce('createNodeTransport', givenAgents, ['http', 'https'], 'agents'),
  } as NodeTransportOptions;
  if (options.agents !== undefined && (options.proxy !== undefined || options.ca !== undefined)) {
    throw new TypeError('createNodeTransport: give `agents` or `proxy`/`ca`, not both (the agents do their own)');
  }
  const proxy = options.proxy === undefined ? undefined : parseProxy(options.proxy);
  const tls = options.ca === undefined ? {} : trustOnly(options.ca);
  const own: HttpAgent[] = [];
  const made = <A extends HttpAgent>(agent: A): A => (own.push(agent), agent);
  const agents: Agents = {
    http: options.agents?.http ?? made(new HttpAgent({ keepAlive: true })),
    https:
      options.agents?.https ??
      made(
        proxy === undefined
          ? new HttpsAgent({ keepAlive: true, ...tls })
          : new TunnellingAgent(proxy, { keepAlive: true, ...tls }),
      ),
    // Plain http through an https:// proxy: a TLS connection to the proxy, kept alive like any other.
    forward:
      proxy?.secure === true
        ? made(new HttpsAgent({ keepAlive: true, servername: proxy.hostname, ...tls }))
        : (options.agents?.http ?? own[0]!),
  };
  const targets = new RequestTargets();
  return markBuiltIn({
    send: (request, sendOptions) => send(agents, targets, proxy, request, sendOptions),
    close: () => {
      for (const agent of own) agent.destroy();
      return Promise.resolve();
    },
  });
}

interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  /** The agent for the connection to a forwarding proxy (plain http targets). */
  readonly forward: HttpAgent;
}

interface Proxy {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** `Basic …` when the proxy URL carries credentials; sent only to the proxy, never put in an error. */
  readonly authorization: string | undefined;
}

function parseProxy(value: string): Proxy {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('proxy must be an http:// or https:// URL');
  }
  const secure = url.protocol === 'https:';
  const user = decodeURIComponent(url.username);
  const authorization =
    user === '' ? undefined : `Basic ${Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  return { secure, hostname: bareHost(url.hostname), port, authorization };
}

/** URL keeps the brackets of an IPv6 literal; http.request wants the address alone. */

function send(
  agents: Agents,
  targets: RequestTargets,
  proxy: Proxy | undefined,
  request: OutgoingRequest,
  { signal, maxResponseBytes }: BuiltInSendOptions,
): Promise<IncomingResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(markSendError(abortedError(), { requestSent: false }));
    let req: ClientRequest | undefined;
    let decoder: Readable | undefined;
    let status: number | undefined;
    // Sent = the whole request was handed to a connected socket. 'finish' alone is not enough: a socket still
    // connecting (or in its TLS handshake) accepts the writes into its own buffer and finishes them early.
    let finished = false;
    let connected = false;
    let settled = false;
    let forwarding = false;

    const settle = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settle();
      // Plain http through a proxy connects to the proxy only: failing to, it was the proxy that could not be
      // reached. (An https target's tunnel reports its own failures, already coded, from TunnellingAgent.)
      if (forwarding && !connected && !signal.aborted) recodeProxyFailure(error);
      const requestSent = finished && connected;
      reject(markSendError(error, status === undefined ? { requestSent } : { requestSent, httpStatus: status }));
      // Destroying the request destroys its socket: a half-read answer never goes back to the keep-alive pool.
      req?.destroy();
      decoder?.destroy();
    };
    const onAbort = () => fail(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });

    try {
      const url = targets.of(request.url);
      const secure = url.protocol === 'https:';
      const onResponse = (res: IncomingMessage) => {
        status = res.statusCode ?? 0;
        res.on('error', fail);
        // A socket closed before the body's end: Node 20 does not always emit 'error' on the response for it.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
        const decoding = decoderFor(contentEncoding(res.rawHeaders));
        decoder = decoding;
        const body: Readable = decoding === undefined ? res : res.pipe(decoding);
        decoding?.on('error', fail);
        readCappedBody(body, maxResponseBytes, fail, (text) => {
          if (settled) return;
          settle();
          resolve(new NodeResponse(status ?? 0, text, res));
        });
      };
      const base = { method: request.method, headers: request.headers };
      if (secure) {
        const options: RequestOptions & { mixtaskSignal?: AbortLike } = {
          ...base,
          agent: agents.https,
          hostname: url.hostname,
          port: url.port === '' ? 443 : Number(url.port),
          path: url.path,
          // Read by the tunnelling agent, so an abort also ends a CONNECT still waiting on the proxy.
          ...(proxy === undefined ? {} : { mixtaskSignal: signal }),
        };
        req = httpsRequest(options, onResponse);
      } else if (proxy !== undefined) {
        // Forward proxying: the absolute URL as the path, the target's Host header as signed.
        const headers =
          proxy.authorization === undefined
            ? request.headers
            : { ...request.headers, 'proxy-authorization': proxy.authorization };
        forwarding = true;
        req = (proxy.secure ? httpsRequest : httpRequest)(
          { ...base, headers, agent: agents.forward, hostname: proxy.hostname, port: proxy.port, path: request.url },
          onResponse,
        );
      } else {
        req = httpRequest(
          {
            ...base,
            agent: agents.http,
            hostname: url.hostname,
            port: url.port === '' ? 80 : Number(url.port),
            path: url.path,
          },
          onResponse,
        );
      }
      req.on('error', fail);
      const sending = req;
      sending.on('socket', (socket) => {
        if (sending.reusedSocket) connected = true;
        else socket.once(secure ? 'secureConnect' : 'connect', () => (connected = true));
      });
      sending.on('finish', () => (finished = true));
      req.end(request.body);
    } catch (error) {
      // A bad URL or a header Node refuses, thrown before anything was sent.
      fail(error);
    }
  });
}

/**
 * The response as the runner reads it. Node builds `IncomingMessage.headers` on first read, and that is about
 * 4 µs per call (measured); a stop's answer is read from its body, and its headers only on the failure paths
 * (Retry-After, a gateway's request id). So they are built when read, once.
 */
class NodeResponse implements IncomingResponse {
  readonly #message: IncomingMessage;
  constructor(
    readonly status: number,
    readonly body: string,
    message: IncomingMessage,
  ) {
    this.#message = message;
  }

  get headers(): IncomingResponse['headers'] {
    // IncomingMessage keeps the object it built.
    return this.#message.headers;
  }

  /** Shown and serialised as the plain object it stands for, without the IncomingMessage (and its socket). */
  toJSON(): IncomingResponse {
    return { status: this.status, headers: this.headers, body: this.body };
  }
}

/**
 * The Content-Encoding of an answer, read from the raw header list without building the headers object; repeated
 * ones are joined with ", " as `IncomingMessage.headers` joins them (and then match no single decoder).
 */
function contentEncoding(raw: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') {
      value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
    }
  }
  return value;
}

/** gzip, deflate and br are decoded; anything else is passed through (and will not parse as an envelope). */
function decoderFor(encoding: string | undefined): Gunzip | BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * An https agent whose sockets are TLS over a CONNECT tunnel through an http:// or https:// proxy. Pooled like any https
 * socket: a kept-alive tunnel carries the next request without a new CONNECT.
 */
class TunnellingAgent extends HttpsAgent {
  private readonly proxyTls: { readonly secureContext?: unknown };
  constructor(
    private readonly proxy: Proxy,
    options: ConstructorParameters<typeof HttpsAgent>[0] & { readonly secureContext?: unknown },
  ) {
    super(options);
    this.proxyTls = options?.secureContext === undefined ? {} : { secureContext: options.secureContext };
  }

  override createConnection(
    options: RequestOptions & { mixtaskSignal?: AbortLike },
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    const target = `${options.host ?? options.hostname}:${options.port}`;
    const signal = options.mixtaskSignal;
    const connectOptions = {
      hostname: this.proxy.hostname,
      port: this.proxy.port,
      method: 'CONNECT',
      path: target,
      headers: {
        host: target,
        ...(this.proxy.authorization === undefined ? {} : { 'proxy-authorization': this.proxy.authorization }),
      },
      agent: false as const,
    };
    // An https:// proxy: the CONNECT itself goes over TLS to the proxy, trusting what the targets are trusted with.
    const connect = this.proxy.secure
      ? httpsRequest({ ...connectOptions, servername: this.proxy.hostname, ...this.proxyTls })
      : httpRequest(connectOptions);
    const onAbort = () => connect.destroy(abortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    connect.once('connect', (res: IncomingMessage, socket: Duplex) => {
      signal?.removeEventListener('abort', onAbort);
      if (res.statusCode !== 200) {
        socket.destroy();
        const error = Object.assign(new Error(`the proxy answered ${res.statusCode} to CONNECT`), {
          proxyStatus: res.statusCode ?? 0,
        });
        recodeProxyFailure(error);
        return done(error, socket);
      }
      // https.Agent's own createConnection does the TLS (and its session cache) over the tunnel's socket.
      const tlsSocket = super.createConnection({ ...options, socket } as RequestOptions) as Duplex;
      tlsSocket.once('close', () => socket.destroy());
      done(null, tlsSocket);
    });
    connect.once('error', (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted !== true) recodeProxyFailure(error);
      done(error, undefined as unknown as Duplex);
    });
    connect.end();
    return undefined;
  }
}
