import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { systemClock, type Clock } from './clock.js';
import { describeId } from './describe-id.js';
import { mixError } from './errors.js';
import { defaults, validate, type CommonProviderOptions } from './options.js';
import type { ProviderProtocol } from './protocol.js';
import type { MixTaskProvider, ProviderName } from './provider.js';
import { isRateLimiterContract, type RateLimiterContract } from './rate-limit-contract.js';
import { RateLimiter } from './rate-limiter.js';
import { createStopMix } from './runner.js';
import { createGotTransport, type Transport } from './transport.js';

export interface ProviderDefinition<O extends CommonProviderOptions<C>, C> {
  readonly name: ProviderName;
  /** The provider's whole options shape (common options, credentials and its own fields). */
  readonly optionsCodec: t.Type<O, unknown, unknown>;
  /** The adapter's protocol for a set of valid options (e.g. Aliyun's AppId goes into every request). */
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
  transport: Transport = createGotTransport(),
): MixTaskProvider {
  const checked = validate(definition.optionsCodec, options);
  if (E.isLeft(checked)) {
    const reason = `invalid ${definition.name} options: ${checked.left.join('; ')}`;
    return {
      name: definition.name,
      stopMix:
        (id) =>
        // A plain task rather than TE.left: importing fp-ts's TaskEither module costs ~7 ms of cold start.
        () =>
          Promise.resolve(
            E.left(mixError('ConfigurationError', { provider: definition.name, id: describeId(id), reason })),
          ),
    };
  }
  const valid = checked.right;
  const protocol = definition.protocol(valid);
  const clock = valid.clock ?? systemClock;
  const retry = valid.retry === false ? { maxAttempts: 1 } : (valid.retry ?? {});
  const rateLimit = valid.rateLimit ?? { requestsPerSecond: protocol.defaultRequestsPerSecond };
  const stopMix = createStopMix({
    protocol,
    credentials: valid.credentials,
    endpoint: new URL(valid.endpoint ?? protocol.defaultEndpoint),
    timeoutMs: valid.timeoutMs ?? defaults.timeoutMs,
    deadlineMs: valid.deadlineMs ?? defaults.deadlineMs,
    backoff: { ...defaults.retry, ...retry },
    limiter:
      rateLimit === false
        ? undefined
        : isRateLimiterContract(rateLimit)
          ? runnerLimiter(rateLimit, clock)
          : new RateLimiter(rateLimit.requestsPerSecond, clock),
    notFound: valid.notFound ?? defaults.notFound,
    onEvent: valid.onEvent,
    clock,
    transport,
  });
  return { name: protocol.name, stopMix };
}

/**
 * The runner's view of a limiter the app passed in: the deadline becomes what is left of it. A limiter that breaks
 * its promise and rejects costs the call its slot wait, never a rejected stopMix.
 */
function runnerLimiter(limiter: RateLimiterContract, clock: Clock): Pick<RateLimiter, 'acquire'> {
  return {
    acquire: (signal, deadlineAt) =>
      limiter
        .acquire({ ...(signal === undefined ? {} : { signal }), timeoutMs: Math.max(0, deadlineAt - clock.now()) })
        .catch(() => ({ ok: false, reason: signal?.aborted === true ? 'aborted' : 'deadline' }) as const),
  };
}
