/*
 * The codes both built-in transports give the proxy's own failures, so an app (and the runner) can tell "the proxy"
 * from "the vendor" whichever transport it runs: in either case nothing reached the vendor, so a retry cannot
 * double-stop (docs/transports.md, "Proxies").
 */

/** The proxy answered the CONNECT with something other than 2xx (e.g. 407: proxy credentials refused). */
export const proxyRefusedCode = 'ERR_MIXTASK_PROXY_REFUSED';

/** The proxy could not be reached: connecting to it failed, or it closed before answering the CONNECT. */
export const proxyUnreachableCode = 'ERR_MIXTASK_PROXY_UNREACHABLE';

/**
 * Gives an error from the CONNECT exchange (or from connecting to a forwarding proxy) the proxy's code: a refusal
 * (hpagent's `Bad response: 407`, or `proxyStatus` already set) becomes `proxyRefusedCode` with the status in
 * `proxyStatus`; any other failure `proxyUnreachableCode`, except TLS failures with an https:// proxy, which keep
 * their TLS code (retrying cannot fix a certificate). Reads only `code` and `message`; never throws.
 */
export function recodeProxyFailure(error: unknown): void {
  try {
    if (typeof error !== 'object' || error === null) return;
    const e = error as { code?: unknown; message?: unknown; proxyStatus?: unknown };
    const refusal = typeof e.message === 'string' ? /^Bad response: (\d+)$/.exec(e.message) : null;
    if (typeof e.proxyStatus === 'number' || (e.code === undefined && refusal !== null)) {
      Object.assign(error, { code: proxyRefusedCode, proxyStatus: e.proxyStatus ?? Number(refusal?.[1]) });
    } else if (typeof e.code !== 'string' || !tlsCode.test(e.code)) {
      Object.assign(error, { code: proxyUnreachableCode });
    }
  } catch {
    // A frozen or hostile error keeps what it has; the runner then classifies it by its own code.
  }
}

const tlsCode = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;
