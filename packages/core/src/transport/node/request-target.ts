/** What a request URL comes to for http.request: the host without IPv6 brackets, the path with the query. */
export interface Target {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
}

/** URL keeps the brackets of an IPv6 literal; http.request wants the address alone. */
export const bareHost = (hostname: string): string => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname);

/** The slow path, and the meaning of the fast one: `new URL` on every request. */
export function parseTarget(raw: string): Target {
  const url = new URL(raw);
  return { protocol: url.protocol, hostname: bareHost(url.hostname), port: url.port, path: url.pathname + url.search };
}

/** A query made only of characters URL keeps as they are: then the path is the parsed base's plus the query. */
const plainQuery = /^\?[A-Za-z0-9\-._~%=&]+$/;

/**
 * The last base URL a transport parsed, held by that transport. Parsing the same endpoint with `new URL` on every
 * request is a few µs (measured); a provider sends to one origin, and only its query (Aliyun's signed one) changes.
 * Anything unusual goes through `new URL` (a test holds this equal to `parseTarget` for any sequence of URLs).
 */
export class RequestTargets {
  #base = '';
  #target: Target | undefined;

  of(raw: string): Target {
    const q = raw.indexOf('?');
    const base = q === -1 ? raw : raw.slice(0, q);
    const query = q === -1 ? '' : raw.slice(q);
    const last = this.#target;
    if (last !== undefined && base === this.#base && (query === '' || plainQuery.test(query))) {
      return query === '' ? last : { ...last, path: last.path + query };
    }
    const url = new URL(raw);
    const target = {
      protocol: url.protocol,
      hostname: bareHost(url.hostname),
      port: url.port,
      path: url.pathname + url.search,
    };
    if (url.hash === '' && url.search === '' && query === '') {
      this.#base = base;
      this.#target = target;
    } else if (url.hash === '' && plainQuery.test(query) && url.search === query) {
      this.#base = base;
      this.#target = { ...target, path: url.pathname };
    }
    return target;
  }
}
