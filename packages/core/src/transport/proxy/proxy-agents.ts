import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SecureContext } from 'node:tls';
import { trustOnly, withPublicRoots, type CaOption } from '../trust.js';
import * as E from 'fp-ts/lib/Either.js';
import { isLoopbackHost } from '../loopback.js';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { recodeProxyFailure } from './proxy-codes.js';

export type { CaOption } from '../trust.js';

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

export interface TransportAgentsInput {
  readonly endpoint: URL;
  /** A proxy URL, `false` for none; undefined: from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower case first). */
  readonly proxy?: string | false;
  readonly ca?: CaOption;
  /** Where the *_PROXY variables are read. Default process.env. */
  readonly env?: ProxyEnv;
}

export interface TransportAgents {
  /** For got's `agent` option. */
  readonly agent: { readonly http: HttpAgent; readonly https: HttpsAgent };
  /** The proxy in use, without its user and password (for docs, logs and events); undefined when direct. */
  readonly proxy?: string;
  /** Ends every socket the agents hold. */
  destroy(): void;
}

export { proxyRefusedCode, proxyUnreachableCode } from './proxy-codes.js';

/**
 * Decides the proxy for the endpoint and builds keep-alive agents for it. Never throws: a bad proxy URL (from the
 * option or the environment) is a Left with a reason that shows no user or password.
 */
export function createTransportAgents(input: TransportAgentsInput): E.Either<string, TransportAgents> {
  const chosen = chooseProxy(input);
  if (E.isLeft(chosen)) return chosen;
  const proxy = chosen.right;
  // The agents carry the trust: got is given no `ca` of its own, or Node's agent would put the whole PEM list in the
  // pool name it builds on every request.
  const tls = input.ca === undefined ? {} : trustOnly(withPublicRoots(input.ca));
  const agent =
    proxy === undefined
      ? { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true, ...tls }) }
      : {
          // An https:// proxy is reached over TLS, trusting the same CAs as the endpoint (a company's own CA
          // usually signs both); hpagent sets the proxy's servername itself.
          http: proxyCoded(new HttpProxyAgent({ keepAlive: true, proxy, ...proxyTls(proxy, tls) })),
          https: proxyCoded(new HttpsProxyAgent({ keepAlive: true, proxy, ...tls, ...proxyTls(proxy, tls) })),
        };
  return E.right({
    agent,
    ...(proxy === undefined ? {} : { proxy: redactProxy(proxy) }),
    destroy: () => {
      agent.http.destroy();
      agent.https.destroy();
    },
  });
}

/**
 * hpagent's options for the connection to an https:// proxy: the given trust, if any. Its types list only `ca`,
 * `headers` and `rejectUnauthorized`, but it hands every option to `https.request`, which takes a `secureContext`
 * (one context made once, rather than `ca` building one per tunnel).
 */
const proxyTls = (proxy: URL, tls: { readonly secureContext?: SecureContext }) =>
  proxy.protocol === 'https:' && tls.secureContext !== undefined
    ? { proxyRequestOptions: tls as { readonly rejectUnauthorized?: boolean } }
    : {};

/** The proxy URL for this endpoint, or undefined for a direct connection. */
export function chooseProxy(input: TransportAgentsInput): E.Either<string, URL | undefined> {
  if (input.proxy === false) return E.right(undefined);
  // A plain-http loopback endpoint (the emulator in tests and demos) is not sent through a proxy from the
  // environment: a developer's HTTP_PROXY would otherwise break `npm test`. An explicit `proxy` option still applies.
  if (input.proxy === undefined && input.endpoint.protocol === 'http:' && isLoopbackHost(input.endpoint.hostname)) {
    return E.right(undefined);
  }
  const raw = withDefaultScheme(input.proxy ?? proxyFromEnv(input.endpoint, input.env ?? process.env));
  if (raw === '') return E.right(undefined);
  const problem = proxyProblem(raw);
  if (problem !== undefined) {
    return E.left(`${input.proxy === undefined ? 'the proxy from HTTPS_PROXY/HTTP_PROXY' : 'proxy'} ${problem}`);
  }
  return E.right(new URL(raw));
}

/**
 * A proxy written without a scheme (`HTTPS_PROXY=proxy.corp:3128`) is an http:// proxy, as curl and most tools read
 * it — also in HTTPS_PROXY, where proxy-from-env alone would take the endpoint's scheme and speak TLS to it.
 */
export function withDefaultScheme(raw: string): string {
  return raw === '' || raw.includes('://') ? raw : `http://${raw}`;
}

/** The *_PROXY variables proxy-from-env reads (NO_PROXY aside). */
const proxyVariable = /^(npm_config_)?(https?_|all_)?proxy$/i;

/**
 * Why a proxy URL is refused, or undefined. Never quotes the URL: it may carry a password. A URL without a scheme
 * is read as http:// (withDefaultScheme), here as where it is used.
 */
export function proxyProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(withDefaultScheme(raw));
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses ${url.protocol}, not http: or https:`;
  if (url.hostname === '') return 'has no host';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return 'has a path, query or fragment';
  }
  return undefined;
}

/** The proxy as it may be shown: scheme, host and port, never user or password. */
export function redactProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * proxy-from-env reads `process.env` itself (lower case before upper case, HTTPS_PROXY only for https, NO_PROXY
 * exact/suffix/`*`/ports). To let callers and tests pass their own env, `process.env` is swapped for the length
 * of the synchronous call — nothing else can run in between. A variable without a scheme is read as http:// first.
 */
function proxyFromEnv(endpoint: URL, env: ProxyEnv): string {
  const schemeless = Object.keys(env).filter((name) => proxyVariable.test(name) && !/^$|:\/\//.test(env[name] ?? ''));
  if (env === process.env && schemeless.length === 0) return getProxyForUrl(endpoint.href);
  const normalized = { ...env };
  for (const name of schemeless) normalized[name] = withDefaultScheme(env[name] ?? '');
  const saved = process.env;
  try {
    process.env = normalized as NodeJS.ProcessEnv;
    return getProxyForUrl(endpoint.href);
  } finally {
    process.env = saved;
  }
}

/**
 * hpagent answers a refused CONNECT with a plain `Error('Bad response: 407')`, and a proxy it cannot reach with the
 * socket's own error (ECONNREFUSED, ENOTFOUND, …), which would read as the vendor's. Both get the codes the node
 * transport gives them (proxy-codes.ts), so the runner knows nothing reached the vendor and the app sees it was the
 * proxy.
 */
function proxyCoded<A extends HttpAgent>(agent: A): A {
  const target = agent as unknown as {
    createConnection: (options: unknown, callback: (error: Error | null, socket: unknown) => void) => unknown;
  };
  const original = target.createConnection.bind(agent);
  target.createConnection = (options, callback) =>
    original(options, (error, socket) => {
      if (error !== null) recodeProxyFailure(error);
      callback(error, socket);
    });
  return agent;
}
