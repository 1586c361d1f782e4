import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { systemClock } from './clock.js';
import { describeId } from '../contract/describe-id.js';
import { mixError, type MixError } from '../contract/errors.js';
import { defaults, validate, type CommonProviderOptions } from '../config/options.js';
import type { ProviderProtocol } from '../contract/protocol.js';
import type { MixTaskProvider, ProviderName, StopMixSuccess } from '../contract/provider.js';
import { createRateLimiter, isRateLimiter, type RateLimiter } from '../limiter/rate-limiter.js';
import { awaitableTask } from './awaitable-task.js';
import { meteredLimiter, type ProviderPacing } from './adaptive-concurrency.js';
import { mixtaskVersion } from '../contract/version.js';
import { createStopMix } from './create-stop-mix.js';
import { createGotTransport } from '../transport/got/got-transport.js';
import { createNodeTransport } from '../transport/node/node-transport.js';
import type { Transport } from '../transport/transport.js';
import { chooseProxy, createTransportAgents } from '../transport/proxy/proxy-agents.js';
import { withPublicRoots } from '../transport/trust.js';
import { withTelemetry } from '../telemetry/telemetry-hook.js';

export interface ProviderDefinition<O extends CommonProviderOptions<C>, C> {
  readonly name: ProviderName;
  /** The provider's whole options shape (common options, credentials and its own fields). */
  readonly optionsCodec: t.Type<O, unknown, unknown>;
  /** The adapter's protocol for a set of valid options (e.g. an app id that goes into every request). */
  readonly protocol: (options: O) => ProviderProtocol<C>;
}

/**
 * Builds a provider from an adapter's definition. It never throws: options that do not validate give a provider
 * whose every call is a `ConfigurationError` naming the bad fields — an app that loads a broken config still
 * gets a typed error where it handles the others, and never a crash at start-up.
 */
export function createProvider<O extends CommonProviderOptions<C>, C>(
  definition: ProviderDefinition<O, C>,
  options: O,
): MixTaskProvider {
  try {
    return buildProvider(definition, options);
  } catch {
    // Options are app code (getters, Proxies, a clock or transport object): whatever they throw, construction
    // does not. The thrown message is not kept: it may quote a secret.
    return refusingProvider(
      definition.name,
      `invalid ${definition.name} options: (root): could not be read (a Proxy or getter threw)`,
    );
  }
}

function buildProvider<O extends CommonProviderOptions<C>, C>(
  definition: ProviderDefinition<O, C>,
  options: O,
): MixTaskProvider {
  const checked = validate(definition.optionsCodec, options);
  if (E.isLeft(checked)) {
    return refusingProvider(definition.name, `invalid ${definition.name} options: ${checked.left.join('; ')}`);
  }
  const valid = checked.right;
  const protocol = definition.protocol(valid);
  const endpoint = new URL(valid.endpoint ?? protocol.defaultEndpoint);
  const built = transportFor(valid, endpoint);
  if (E.isLeft(built)) return refusingProvider(definition.name, `invalid ${definition.name} options: ${built.left}`);
  const { transport: sender, owned: ownTransport } = built.right;
  const clock = valid.clock ?? systemClock;
  const retry = valid.retry === false ? { maxAttempts: 1 } : (valid.retry ?? {});
  const paced = limiterFor(valid.rateLimit, protocol.defaultRequestsPerSecond, clock);
  const stopMix = withTelemetry(createStopMix, valid.telemetry, {
    protocol,
    credentials: valid.credentials,
    endpoint,
    timeoutMs: valid.timeoutMs ?? defaults.timeoutMs,
    deadlineMs: valid.deadlineMs ?? defaults.deadlineMs,
    backoff: { ...defaults.retry, ...retry },
    limiter: paced?.limiter,
    notFound: valid.notFound ?? defaults.notFound,
    onEvent: valid.onEvent,
    clock,
    transport: sender,
    userAgent: `mixtask/${mixtaskVersion} (${protocol.name})${valid.userAgent === undefined ? '' : ` ${valid.userAgent}`}`,
  });
  return lifecycle(
    protocol.name,
    stopMix,
    async () => {
      // Only what this provider made is its to end: a transport or limiter the app passed in is the app's.
      if (ownTransport) await sender.close?.();
    },
    paced?.pacing,
  );
}

/**
 * `transport` as given: a built-in one this provider makes (and closes), with the proxy (the option, or
 * HTTPS_PROXY/NO_PROXY) and extra CAs decided once, here, for the endpoint; or the app's own, which it does not
 * close (and which handles proxies and CAs itself).
 */
function transportFor(
  options: CommonProviderOptions<unknown>,
  endpoint: URL,
): E.Either<string, { transport: Transport; owned: boolean }> {
  const choice = options.transport ?? 'got';
  if (typeof choice === 'object') return E.right({ transport: choice, owned: false });
  const access = {
    endpoint,
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  if (choice === 'node') {
    const proxy = chooseProxy(access);
    if (E.isLeft(proxy)) return proxy;
    return E.right({
      transport: createNodeTransport({
        ...(proxy.right === undefined ? {} : { proxy: proxy.right.href }),
        ...(options.ca === undefined ? {} : { ca: withPublicRoots(options.ca) }),
      }),
      owned: true,
    });
  }
  const agents = createTransportAgents(access);
  if (E.isLeft(agents)) return agents;
  return E.right({ transport: createGotTransport({ agents: agents.right }), owned: true });
}

/**
 * `rateLimit` as given: off, a limiter of this provider's own, or one the app shares between providers — timed, so
 * that the provider can tell its pacing (the quota and the round trip) to `stopMixes`.
 */
function limiterFor(
  option: CommonProviderOptions<unknown>['rateLimit'],
  quota: number,
  clock: typeof systemClock,
): { readonly limiter: RateLimiter; readonly pacing?: ProviderPacing } | undefined {
  if (option === false) return undefined;
  if (isRateLimiter(option)) return meteredLimiter(option, undefined, clock);
  const rate = option?.requestsPerSecond ?? quota;
  return meteredLimiter(createRateLimiter({ requestsPerSecond: rate, clock }), rate, clock);
}

type StopMixFn = MixTaskProvider['stopMix'];

/**
 * Adds `close()`: new calls are refused with a ConfigurationError (no request made), calls in flight are let
 * finish (each is bounded by its deadline) so that a stop already asked for is not cut off, then the provider's
 * own sockets are ended.
 */
export function lifecycle(
  name: ProviderName,
  stopMix: StopMixFn,
  release: () => Promise<void>,
  pacing?: ProviderPacing,
): MixTaskProvider {
  let closing: Promise<void> | undefined;
  // A count and one waiter rather than a set of promises: two fewer allocations on every call.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const settled = () => {
    if (--inFlight === 0) drained?.();
  };
  return {
    name,
    stopMix: (id, options) => {
      const run = stopMix(id, options);
      return awaitableTask(() => {
        if (closing !== undefined) return Promise.resolve(closedError(name, id));
        const call = run();
        inFlight++;
        call.then(settled, settled);
        return call;
      });
    },
    close: () => {
      closing ??= (async () => {
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        await release().catch(() => undefined);
      })();
      return closing;
    },
    ...(pacing === undefined ? {} : { pacing }),
  };
}

function closedError(name: ProviderName, id: unknown): E.Either<MixError, StopMixSuccess> {
  return E.left(
    mixError('ConfigurationError', {
      provider: name,
      id: describeId(id),
      reason: 'the provider is closed; make a new one (close() ends its sockets for good)',
    }),
  );
}

/** A provider whose every call is the same ConfigurationError: what a broken config builds. */
export function refusingProvider(name: ProviderName, reason: string): MixTaskProvider {
  return lifecycle(
    name,
    (id) =>
      // A plain task rather than TE.left: importing fp-ts's TaskEither module costs ~7 ms of cold start.
      () =>
        Promise.resolve(E.left(mixError('ConfigurationError', { provider: name, id: describeId(id), reason }))),
    () => Promise.resolve(),
  );
}
