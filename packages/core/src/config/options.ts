import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Clock } from '../runner/clock.js';
import type { MixEventListener } from '../contract/events.js';
import { isLoopbackHost } from '../transport/loopback.js';
import { isRateLimiter, type RateLimiter } from '../limiter/rate-limiter.js';
import type { Transport } from '../transport/transport.js';
import { proxyProblem } from '../transport/proxy/proxy-agents.js';
import type { CaOption } from '../transport/trust.js';
import type { TelemetryOption } from '../telemetry/telemetry.js';
import { kindOf, strictObject, type FieldAliases } from './strict-object.js';

export { kindOf };

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
  strictObject<RetryOptions>(
    '{ maxAttempts?, baseDelayMs?, maxDelayMs? }',
    {
      optional: {
        maxAttempts: positiveInt('an integer from 1 to 10', 10),
        baseDelayMs: nonNegativeInt('an integer number of ms from 0 to 86400000', dayMs),
        maxDelayMs: nonNegativeInt('an integer number of ms from 0 to 86400000', dayMs),
      },
    },
    {
      attempts: 'did you mean maxAttempts? (attempts in all, the first included)',
      retries: 'did you mean maxAttempts? (attempts in all, the first included)',
      maxretries: 'did you mean maxAttempts? (attempts in all, the first included)',
    },
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
  strictObject<RateLimitOptions>(
    '{ requestsPerSecond }',
    { required: { requestsPerSecond: positiveInt('an integer from 1 to 100000', 100_000) } },
    { rps: 'did you mean requestsPerSecond?', perSecond: 'did you mean requestsPerSecond?' },
  ),
]);

const clockCodec = t.type({ now: functionCodec, sleep: functionCodec }, 'a Clock { now, sleep }');

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

export const transportCodec = t.union([t.keyof({ got: null, node: null }, "'got' or 'node'"), transportObjectCodec]);

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

export const caCodec = t.union([pemCodec, t.array(pemCodec, 'an array of PEM strings or Buffers')]);

/** `false`, or `{ tracerProvider?, meterProvider? }` of @opentelemetry/api (checked by shape: the API is optional). */
const telemetryCodec = t.union([
  t.literal(false),
  strictObject('{ tracerProvider?, meterProvider? }', {
    optional: {
      tracerProvider: t.type({ getTracer: functionCodec }, 'a TracerProvider'),
      meterProvider: t.type({ getMeter: functionCodec }, 'a MeterProvider'),
    },
  }),
]);

/** The shared options, without credentials, by field (each provider adds its credentials and own fields). */
export const commonOptionProps = {
  endpoint: endpointCodec,
  timeoutMs: positiveInt('an integer number of ms from 1 to 86400000', dayMs),
  deadlineMs: positiveInt('an integer number of ms from 1 to 86400000', dayMs),
  retry: retryOptionsCodec,
  rateLimit: rateLimitOptionsCodec,
  notFound: t.keyof({ error: null, 'already-stopped': null }, "'error' or 'already-stopped'"),
  onEvent: functionCodec,
  clock: clockCodec,
  userAgent: userAgentCodec,
  transport: transportCodec,

  proxy: proxyCodec,
  ca: caCodec,
  telemetry: telemetryCodec,
} satisfies t.Props;

/**
 * The shared options as an open codec (unknown keys stripped): for composing. A provider's whole options go
 * through `providerOptionsCodec`, which refuses unknown keys.
 */
export const commonOptionsCodec = t.exact(t.partial(commonOptionProps));

/**
 * Top-level names people bring from other SDKs or guess. None is accepted: the hint says what to write instead.
 * Near spellings (`timeoutMS`, `endpont`) need no entry: the edit distance finds them.
 */
export const commonOptionAliases: FieldAliases = {
  region:
    'there is no region option: the endpoint decides the region (set endpoint to a regional host if you need one)',
  timeout: 'did you mean timeoutMs? (one attempt, in ms)',
  deadline: 'did you mean deadlineMs? (the whole call, in ms)',
  url: 'did you mean endpoint?',
  baseurl: 'did you mean endpoint?',
  host: 'did you mean endpoint?',
  maxattempts: 'did you mean retry.maxAttempts?',
  retries: 'did you mean retry.maxAttempts?',
  maxretries: 'did you mean retry.maxAttempts?',
  requestspersecond: 'did you mean rateLimit.requestsPerSecond?',
  ratelimiter: 'did you mean rateLimit? (it takes a RateLimiter too)',
  onevents: 'did you mean onEvent?',
  listener: 'did you mean onEvent?',
  httpsproxy: 'did you mean proxy?',
  agent: 'there is no agent option: use proxy and ca, or your own transport',
};

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

/**
 * What each vendor SDK calls the three parts of a key pair. A config holding one of these names under
 * `credentials` is refused with the name this provider uses (never accepted silently: see docs/configuration.md).
 */
const keyPairAliases = {
  id: ['secretId', 'accessKeyId', 'accessKey', 'keyId', 'akId'],
  secret: ['secretKey', 'accessKeySecret', 'secretAccessKey', 'secret', 'accessSecret'],
  token: ['sessionToken', 'securityToken', 'token', 'stsToken'],
} as const;

/** A vendor's key pair: an id and a secret, plus an optional STS token, each a credential string. */
export function keyPairCodec<C>(id: string, secret: string, token: string): t.Type<C, unknown, unknown> {
  const names = { id, secret, token };
  const aliases: Record<string, string> = {};
  for (const role of ['id', 'secret', 'token'] as const) {
    for (const alias of keyPairAliases[role]) {
      if (alias !== names[role]) aliases[alias.toLowerCase()] = `did you mean ${names[role]}?`;
    }
  }
  return strictObject<C>(
    `{ ${id}, ${secret}, ${token}? }`,
    { required: { [id]: credentialString, [secret]: credentialString }, optional: { [token]: credentialString } },
    aliases,
  );
}

/**
 * A provider's whole options: the common ones, its credentials (or a function returning them) and its own fields.
 * The umbrella package's config parser reuses it, so a config is checked by the rules the provider applies.
 */
export function providerOptionsCodec<O>(
  credentials: t.Mixed,
  own: { readonly required?: t.Props; readonly optional?: t.Props; readonly aliases?: FieldAliases } = {},
): t.Type<O, unknown, unknown> {
  return strictObject<O>(
    'an options object',
    {
      required: { credentials: credentialsSourceCodec(credentials), ...own.required },
      optional: { ...commonOptionProps, ...own.optional },
    },
    {
      ...commonOptionAliases,
      secretid: 'did you mean credentials? (the key pair goes inside credentials: { … })',
      secretkey: 'did you mean credentials? (the key pair goes inside credentials: { … })',
      accesskeyid: 'did you mean credentials? (the key pair goes inside credentials: { … })',
      accesskeysecret: 'did you mean credentials? (the key pair goes inside credentials: { … })',
      ...own.aliases,
    },
  );
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
    // A codec that knows better than "expected X" (an unknown field, a getter that threw) says so itself.
    const problem = error.message ?? `expected ${readableName(error.context[error.context.length - 1]?.type.name)}`;
    return { path, problem, got: error.message === undefined ? kindOf(error.value) : undefined };
  });
  const deeper = (path: string) =>
    found.some((other) => other.path.startsWith(path === '' ? '' : `${path}.`) && other.path !== path);
  // Union branches that failed at the same field read as one line: "expected A or B".
  const byPath = new Map<string, { expected: Set<string>; notes: Set<string>; got: string | undefined }>();
  for (const f of found.filter((entry) => !deeper(entry.path))) {
    const entry = byPath.get(f.path) ?? { expected: new Set<string>(), notes: new Set<string>(), got: undefined };
    if (f.got === undefined) entry.notes.add(f.problem);
    else {
      entry.expected.add(f.problem.replace(/^expected /, ''));
      entry.got = f.got;
    }
    byPath.set(f.path, entry);
  }
  return [...byPath].map(([path, { expected, notes, got }]) => {
    // A field that cannot be read or is unknown says only that: what it "expected" would be noise.
    const problem = notes.size > 0 ? [...notes].join('; ') : `expected ${[...expected].join(' or ')}, got ${got}`;
    return `${path === '' ? '(root)' : path}: ${problem}`;
  });
}

/**
 * A codec's name as a person reads it. Names io-ts makes up (`Partial<{| endpoint: … |}>`) are type dumps, not
 * words: every codec mixtask makes has a readable name, and one that slips through is summed up.
 */
function readableName(name: string | undefined): string {
  if (name === undefined) return 'a valid value';
  if (/\{\||\|\}|Partial<|Exact<|Readonly<|Array<|\(\{/.test(name)) return 'an object of known fields';
  return name.replace(/ \| /g, ' or ');
}

/** Whether a codec's members show up as numbered path entries (unions and intersections, also when wrapped). */
function combinesMembers(type: t.Decoder<unknown, unknown> | undefined): boolean {
  let current = type as { _tag?: string; type?: unknown } | undefined;
  while (current?._tag === 'ExactType' || current?._tag === 'RefinementType' || current?._tag === 'ReadonlyType') {
    current = current.type as typeof current;
  }
  return current?._tag === 'UnionType' || current?._tag === 'IntersectionType';
}

/** Validates with a codec and returns the paths of the bad fields (empty when all is well). */
export function validate<A>(codec: t.Type<A, unknown, unknown>, input: unknown): E.Either<string[], A> {
  try {
    return E.mapLeft(describeValidationErrors)(codec.decode(input));
  } catch {
    // A Proxy or a getter deeper than the exact objects read (a clock, a transport) threw: app code. Its message
    // is not kept, as it may quote a secret.
    return E.left(['(root): could not be read (a Proxy or getter threw)']);
  }
}
