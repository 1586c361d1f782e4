import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Clock } from './clock.js';
import type { MixEventListener } from './events.js';
import { isLoopbackHost } from './loopback.js';
import { isRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { Transport } from './transport-contract.js';
import { proxyProblem, type CaOption } from './proxy-agents.js';
import type { TelemetryOption } from './telemetry.js';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** The backoff's first ceiling; it doubles per attempt. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** The backoff's cap, which also caps a provider's Retry-After. Default 20 000 ms. */
  readonly maxDelayMs?: number;
}

export interface RateLimitOptions {
  /** At most this many requests start in any one-second window. */
  readonly requestsPerSecond: number;
}

/** Credentials as given: a value, or a function called before every attempt (rotating STS credentials). */
export type CredentialsSource<C> = C | (() => C | Promise<C>);

/** The options every provider takes (the architecture's list); each has a sensible default. */
export interface CommonProviderOptions<C> {
  readonly credentials: CredentialsSource<C>;
  /** The API origin. `http:` only for loopback hosts (the emulator). */
  readonly endpoint?: string;
  /** One attempt's budget. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** The whole call's budget: every attempt, backoff and rate-limiter wait. Default 30 000 ms. */
  readonly deadlineMs?: number;
  /** Full-jitter exponential backoff, or `false` for a single attempt. */
  readonly retry?: RetryOptions | false;
  /**
   * Client-side quota: `{ requestsPerSecond }` for a limiter of this provider's own, a `RateLimiter` to share one
   * (`createRateLimiter`, or `@mixtask/redis` across a fleet), or `false` for none. Default: the vendor's quota.
   */
  readonly rateLimit?: RateLimitOptions | RateLimiter | false;
  /** 'already-stopped' treats an unknown id as success. Default 'error' (SessionNotFound). */
  readonly notFound?: 'error' | 'already-stopped';
  /** Attempt / retry / success / failure events, with timings, never secrets. */
  readonly onEvent?: MixEventListener;
  /** Time source; tests pass a fake one. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Added to the User-Agent every request carries, `mixtask/<version> (<provider>)`, e.g. `rooms-service/2.3`, so
   * that the vendor's support can find your calls in their logs.
   */
  readonly userAgent?: string;
  /**
   * How requests are sent: 'got' (the default), 'node' (lean: node:http with a keep-alive agent, no dependency), or
   * your own `Transport` (docs/transports.md). A transport you pass is yours: `close()` does not close it.
   */
  readonly transport?: TransportChoice;
  /**
   * An HTTP(S) proxy URL (user:password@ allowed, never shown), or `false` for none. Default: from HTTPS_PROXY /
   * https_proxy / HTTP_PROXY / http_proxy, unless NO_PROXY matches the endpoint's host.
   */
  readonly proxy?: string | false;
  /** Extra CAs (PEM) trusted for the endpoint, beside the public roots (e.g. a TLS-inspecting proxy's CA). */
  readonly ca?: CaOption;
  /** OpenTelemetry spans and metrics (docs/observability.md). Default: the global providers; `false` turns it off. */
  readonly telemetry?: TelemetryOption;
}

export type TransportChoice = 'got' | 'node' | Transport;

export const defaults = {
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 20_000 },
  notFound: 'error',
} as const;

const positiveInt = (name: string, max: number): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= max,
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= max ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

const nonNegativeInt = (name: string, max: number): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= max,
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= max ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

const dayMs = 86_400_000;

/** An https origin, or http on a loopback host. */
export const endpointCodec = new t.Type<string, string, unknown>(
  'an https:// URL (http:// only for 127.0.0.1, localhost or [::1]) with no path, query or credentials',
  (u): u is string => typeof u === 'string' && endpointProblem(u) === undefined,
  (u, c) => (typeof u === 'string' && endpointProblem(u) === undefined ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export { isLoopbackHost };

/** Why an endpoint is refused, or undefined when it is fine. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `uses ${url.protocol}, not https:`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'uses plain http: for a non-loopback host; credentials-signed calls need https:';
  }
  if (url.username !== '' || url.password !== '') return 'carries user credentials';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return 'has a path, query or fragment';
  return undefined;
}

const functionCodec = new t.Type<(...args: never[]) => unknown, (...args: never[]) => unknown, unknown>(
  'a function',
  (u): u is (...args: never[]) => unknown => typeof u === 'function',
  (u, c) => (typeof u === 'function' ? t.success(u as (...args: never[]) => unknown) : t.failure(u, c)),
  t.identity,
);

export const retryOptionsCodec = t.union([
  t.literal(false),
  t.exact(
    t.partial({
      maxAttempts: positiveInt('an integer from 1 to 10', 10),
      baseDelayMs: nonNegativeInt('an integer number of ms from 0 to 86400000', dayMs),
      maxDelayMs: nonNegativeInt('an integer number of ms from 0 to 86400000', dayMs),
    }),
  ),
]);

const rateLimiterCodec = new t.Type<RateLimiter, RateLimiter, unknown>(
  'a RateLimiter (an object with an acquire function)',
  isRateLimiter,
  (u, c) => (isRateLimiter(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const rateLimitOptionsCodec = t.union([
  t.literal(false),
  rateLimiterCodec,
  t.exact(t.type({ requestsPerSecond: positiveInt('an integer from 1 to 100000', 100_000) })),
]);

const clockCodec = t.type({ now: functionCodec, sleep: functionCodec });

const userAgentPattern = /^[\x20-\x7e]{1,200}$/;

/** Printable ASCII only: it goes into a header as it is. */
const userAgentCodec = new t.Type<string, string, unknown>(
  'a User-Agent addition of 1 to 200 printable ASCII characters',
  (u): u is string => typeof u === 'string' && userAgentPattern.test(u),
  (u, c) => (typeof u === 'string' && userAgentPattern.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const transportObjectCodec = new t.Type<Transport, Transport, unknown>(
  'a Transport (an object with a send function)',
  (u): u is Transport => typeof u === 'object' && u !== null && typeof (u as Transport).send === 'function',
  (u, c) =>
    typeof u === 'object' && u !== null && typeof (u as Transport).send === 'function'
      ? t.success(u as Transport)
      : t.failure(u, c),
  t.identity,
);

export const transportCodec = t.union([t.keyof({ got: null, node: null }), transportObjectCodec]);

/** A proxy URL; the value is never echoed in errors, as it may hold a password. */
export const proxyCodec = t.union([
  t.literal(false),
  new t.Type<string, string, unknown>(
    'an http:// or https:// proxy URL with no path',
    (u): u is string => typeof u === 'string' && proxyProblem(u) === undefined,
    (u, c) => (typeof u === 'string' && proxyProblem(u) === undefined ? t.success(u) : t.failure(u, c)),
    t.identity,
  ),
]);

const pemCodec = new t.Type<string | Buffer, string | Buffer, unknown>(
  'a PEM string or Buffer',
  (u): u is string | Buffer => (typeof u === 'string' && u !== '') || Buffer.isBuffer(u),
  (u, c) => ((typeof u === 'string' && u !== '') || Buffer.isBuffer(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const caCodec = t.union([pemCodec, t.array(pemCodec)]);

/** `false`, or `{ tracerProvider?, meterProvider? }` of @opentelemetry/api (checked by shape: the API is optional). */
const telemetryCodec = t.union([
  t.literal(false),
  t.exact(
    t.partial({
      tracerProvider: t.type({ getTracer: functionCodec }, 'a TracerProvider'),
      meterProvider: t.type({ getMeter: functionCodec }, 'a MeterProvider'),
    }),
  ),
]);

/** The shared options, without credentials (each provider adds its own shape). */
export const commonOptionsCodec = t.exact(
  t.partial({
    endpoint: endpointCodec,
    timeoutMs: positiveInt('an integer number of ms from 1 to 86400000', dayMs),
    deadlineMs: positiveInt('an integer number of ms from 1 to 86400000', dayMs),
    retry: retryOptionsCodec,
    rateLimit: rateLimitOptionsCodec,
    notFound: t.keyof({ error: null, 'already-stopped': null }),
    onEvent: functionCodec,
    clock: clockCodec,
    userAgent: userAgentCodec,
    transport: transportCodec,

    proxy: proxyCodec,
    ca: caCodec,
    telemetry: telemetryCodec,
  }),
);

/** Credentials: the provider's shape, or a function returning it (checked when called). */
export function credentialsSourceCodec<C>(
  credentials: t.Type<C, unknown, unknown>,
): t.Type<CredentialsSource<C>, unknown, unknown> {
  return t.union([credentials, functionCodec]) as unknown as t.Type<CredentialsSource<C>, unknown, unknown>;
}

/** A non-empty string without surrounding white space or line breaks (header-safe). */
export const credentialString = new t.Type<string, string, unknown>(
  'a non-empty string without spaces or line breaks',
  (u): u is string => typeof u === 'string' && /^[\x21-\x7e]+$/.test(u),
  (u, c) => (typeof u === 'string' && /^[\x21-\x7e]+$/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** A vendor's key pair: an id and a secret, plus an optional STS token, each a credential string. */
export function keyPairCodec<C>(id: string, secret: string, token: string): t.Type<C, unknown, unknown> {
  return t.exact(
    t.intersection([
      t.type({ [id]: credentialString, [secret]: credentialString }),
      t.partial({ [token]: credentialString }),
    ]),
    `{ ${id}, ${secret}, ${token}? }`,
  ) as unknown as t.Type<C, unknown, unknown>;
}

/**
 * A provider's whole options: the common ones, its credentials (or a function returning them) and its own fields.
 * The umbrella package's config parser reuses it, so a config is checked by the rules the provider applies.
 */
export function providerOptionsCodec<O>(
  credentials: t.Mixed,
  own: { readonly required?: t.Props; readonly optional?: t.Props } = {},
): t.Type<O, unknown, unknown> {
  return t.intersection([
    commonOptionsCodec,
    t.type({ credentials: credentialsSourceCodec(credentials), ...own.required }),
    t.exact(t.partial({ ...own.optional })),
  ]) as unknown as t.Type<O, unknown, unknown>;
}

/**
 * Turns io-ts errors into "path: expected …" lines. Values are never echoed: a bad field may hold a secret.
 * When a union fails, io-ts reports every branch; a branch that got further (a deeper path) is the one the
 * caller meant, so the shallower complaints about the same field are dropped.
 */
export function describeValidationErrors(errors: t.Errors): string[] {
  const found = errors.map((error) => {
    const path = error.context
      .map((entry, index) => ({ key: entry.key, parent: error.context[index - 1]?.type }))
      .slice(1)
      // Union and intersection members appear in the path as "0", "1"…: they are not fields.
      .filter(({ key, parent }) => key !== '' && !(/^\d+$/.test(key) && combinesMembers(parent)))
      .map(({ key }) => key)
      .join('.');
    const expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value';
    return { path, expected, got: kindOf(error.value) };
  });
  const deeper = (path: string) =>
    found.some((other) => other.path.startsWith(path === '' ? '' : `${path}.`) && other.path !== path);
  // Union branches that failed at the same field read as one line: "expected A or B".
  const byPath = new Map<string, { expected: Set<string>; got: string }>();
  for (const f of found.filter((entry) => !deeper(entry.path))) {
    const entry = byPath.get(f.path) ?? { expected: new Set<string>(), got: f.got };
    entry.expected.add(f.expected);
    byPath.set(f.path, entry);
  }
  return [...byPath].map(
    ([path, { expected, got }]) =>
      `${path === '' ? '(root)' : path}: expected ${[...expected].join(' or ')}, got ${got}`,
  );
}

/** Whether a codec's members show up as numbered path entries (unions and intersections, also when wrapped). */
function combinesMembers(type: t.Decoder<unknown, unknown> | undefined): boolean {
  let current = type as { _tag?: string; type?: unknown } | undefined;
  while (current?._tag === 'ExactType' || current?._tag === 'RefinementType' || current?._tag === 'ReadonlyType') {
    current = current.type as typeof current;
  }
  return current?._tag === 'UnionType' || current?._tag === 'IntersectionType';
}

/** A value's kind, never its content. */
export function kindOf(u: unknown): string {
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'an array';
  if (typeof u === 'string') return u === '' ? 'an empty string' : 'a string';
  if (typeof u === 'object') return 'an object';
  return typeof u === 'undefined' ? 'nothing' : `a ${typeof u}`;
}

/** Validates with a codec and returns the paths of the bad fields (empty when all is well). */
export function validate<A>(codec: t.Type<A, unknown, unknown>, input: unknown): E.Either<string[], A> {
  return E.mapLeft(describeValidationErrors)(codec.decode(input));
}
