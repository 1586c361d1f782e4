import type * as Api from '@opentelemetry/api';
import type { Either } from 'fp-ts/lib/Either.js';
import { performance } from 'node:perf_hooks';
import type { MixError } from '../contract/errors.js';
import type { MixEvent, MixEventListener } from '../contract/events.js';
import type { ProtocolTelemetry } from '../contract/protocol.js';
import type { ProviderName, StopMixSuccess } from '../contract/provider.js';
import { mixtaskVersion } from '../contract/version.js';

/**
 * OpenTelemetry for stopMix: one CLIENT span over the whole call (rate-limit waits, attempts and backoffs
 * included) and three metrics. `@opentelemetry/api` is an optional peer: it is imported the first time a
 * provider with telemetry on makes a call, never at import, and when it is missing or no SDK is registered
 * a call costs one global lookup more. Names follow the RPC semantic conventions (release candidate, 1.45);
 * docs/observability.md lists every name and unit. Nothing here reads a credential, a signature or a request.
 */

/** The `telemetry` option: `false` turns it off; the default is the global providers of `@opentelemetry/api`. */
export type TelemetryOption = false | TelemetryProviders;

export interface TelemetryProviders {
  /** A `TracerProvider` of `@opentelemetry/api`. Default: the global one (`trace.getTracerProvider()`). */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** A `MeterProvider` of `@opentelemetry/api`. Default: the global one (`metrics.getMeterProvider()`). */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}

export interface TelemetryInfo {
  readonly provider: ProviderName;
  /** The origin calls go to: server.address and server.port. */
  readonly endpoint: URL;
  /** The adapter's RPC names; without them the span is named after the provider and `stopMix`. */
  readonly protocol?: ProtocolTelemetry;
}

export type StopMixResult = Either<MixError, StopMixSuccess>;

export interface Telemetry {
  /**
   * Runs one stopMix call inside its span. `run` gets a listener to pass to the runner as (part of) its
   * `onEvent`, or `undefined` when nothing records. Resolves with what `run` resolved with; never rejects
   * unless `run` does.
   */
  around(run: (onEvent: MixEventListener | undefined) => Promise<StopMixResult>): Promise<StopMixResult>;
}

/** The instrumentation scope: the package that records. */
const scopeName = '@mixtask/core';
const scopeVersion = mixtaskVersion;

/** Metric names and units (docs/observability.md). */
export const metricNames = {
  callDuration: 'rpc.client.call.duration',
  attempts: 'mixtask.client.attempts',
  rateLimitWait: 'mixtask.client.rate_limit.wait.duration',
} as const;

/** The semantic conventions' advice for rpc.client.call.duration, in seconds. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Rate-limit waits are bounded by a one-second window per slot, longer under a shared fleet quota. */
const waitBuckets = [0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type ApiModule = typeof Api;

let apiLoad: Promise<ApiModule | undefined> | undefined;
/** The module once loaded; `null` once it is known to be missing. */
let apiModule: ApiModule | undefined | null;

/** Imports `@opentelemetry/api` once per process; a missing package resolves to undefined. */
function loadApi(): Promise<ApiModule | undefined> {
  apiLoad ??= import('@opentelemetry/api').then(
    (loaded: unknown) => {
      // The package is CommonJS: Node gives its exports as named ones, some loaders only as `default`.
      const named = loaded as Partial<ApiModule> & { default?: Partial<ApiModule> };
      const api = (typeof named.ProxyTracerProvider === 'function' ? named : named.default) as ApiModule | undefined;
      apiModule = typeof api?.ProxyTracerProvider === 'function' ? api : null;
      return apiModule ?? undefined;
    },
    () => {
      apiModule = null;
      return undefined;
    },
  );
  return apiLoad;
}

/** `undefined` when telemetry is off: the caller then runs the plain call with no wrapper at all. */
export function createTelemetry(option: TelemetryOption | undefined, info: TelemetryInfo): Telemetry | undefined {
  if (option === false) return undefined;
  const recorder = new CallRecorderFactory(option ?? {}, info);
  return {
    async around(run) {
      const api = apiModule ?? (apiModule === null ? undefined : await loadApi());
      const call = api === undefined ? undefined : recorder.start(api);
      if (call === undefined) return run(undefined);
      return call.run(run);
    },
  };
}

interface Instruments {
  readonly callDuration: Api.Histogram;
  readonly attempts: Api.Counter;
  readonly rateLimitWait: Api.Histogram;
}

/** Holds what is the same for every call of one provider, and caches tracer and instruments per provider object. */
class CallRecorderFactory {
  readonly spanName: string;
  readonly spanAttributes: Api.Attributes;
  readonly metricAttributes: Api.Attributes;

  #tracerProvider: unknown;
  #tracer: Api.Tracer | undefined;
  #meterProvider: unknown;
  #instruments: Instruments | undefined;
  #noopTracerProvider: unknown;

  constructor(
    readonly option: TelemetryProviders,
    info: TelemetryInfo,
  ) {
    const protocol = info.protocol;
    const method = `${protocol?.service ?? info.provider}/${protocol?.method ?? 'stopMix'}`;
    const port = Number(info.endpoint.port || (info.endpoint.protocol === 'https:' ? 443 : 80));
    this.spanName = method;
    // Fixed per provider and low-cardinality: the same set goes on every metric point.
    this.metricAttributes = {
      'rpc.system.name': protocol?.system ?? info.provider,
      'rpc.method': method,
      'server.address': info.endpoint.hostname,
      'server.port': port,
      'mixtask.provider': info.provider,
    };
    this.spanAttributes = {
      ...this.metricAttributes,
      ...(protocol?.cloudProvider === undefined ? {} : { 'cloud.provider': protocol.cloudProvider }),
    };
  }

  /** A recorder for one call, or undefined when neither a tracer nor a meter would record anything. */
  start(api: ApiModule): CallRecorder | undefined {
    const tracer = this.#tracerFor(api);
    const instruments = this.#instrumentsFor(api);
    if (tracer === undefined && instruments === undefined) return undefined;
    return new CallRecorder(api, this, tracer, instruments);
  }

  #tracerFor(api: ApiModule): Api.Tracer | undefined {
    const provider = (this.option.tracerProvider ?? api.trace.getTracerProvider()) as Api.TracerProvider;
    // The global provider is a proxy whose delegate is a no-op until an SDK registers: checked on every call,
    // since an app may start its SDK after the first stop.
    this.#noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
    const effective = provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
    if (effective === this.#noopTracerProvider) return undefined;
    if (provider !== this.#tracerProvider) {
      this.#tracerProvider = provider;
      this.#tracer = provider.getTracer(scopeName, scopeVersion);
    }
    return this.#tracer;
  }

  #instrumentsFor(api: ApiModule): Instruments | undefined {
    const provider = (this.option.meterProvider ?? api.metrics.getMeterProvider()) as Api.MeterProvider;
    if (provider === this.#meterProvider) return this.#instruments;
    this.#meterProvider = provider;
    const meter = provider.getMeter(scopeName, scopeVersion);
    // Without an SDK the global meter provider hands out the API's no-op meter.
    this.#instruments = meter === api.createNoopMeter() ? undefined : createInstruments(meter, api);
    return this.#instruments;
  }
}

function createInstruments(meter: Api.Meter, api: ApiModule): Instruments {
  return {
    callDuration: meter.createHistogram(metricNames.callDuration, {
      description: 'Duration of a whole stopMix call: rate-limit waits, every attempt and backoff.',
      unit: 's',
      valueType: api.ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: durationBuckets },
    }),
    attempts: meter.createCounter(metricNames.attempts, {
      description: 'Requests sent to the provider, one per attempt (retries included).',
      unit: '{attempt}',
      valueType: api.ValueType.INT,
    }),
    rateLimitWait: meter.createHistogram(metricNames.rateLimitWait, {
      description: "Time an attempt waited for the client-side rate limiter's slot (0 when it did not wait).",
      unit: 's',
      valueType: api.ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: waitBuckets },
    }),
  };
}

/** One call: its span, the runner's events turned into span events and metric points, and the final outcome. */
class CallRecorder {
  readonly #startedAt = performance.now();
  readonly #span: Api.Span | undefined;
  /** The attempt under way: its span event is added once it settles, stamped with its start. */
  #pending: { attempt: number; startedAt: number; rateLimitWaitMs: number } | undefined;

  constructor(
    private readonly api: ApiModule,
    private readonly shared: CallRecorderFactory,
    tracer: Api.Tracer | undefined,
    private readonly instruments: Instruments | undefined,
  ) {
    this.#span = tracer?.startSpan(shared.spanName, {
      kind: api.SpanKind.CLIENT,
      // Given at creation: samplers may decide on them.
      attributes: shared.spanAttributes,
    });
  }

  async run(call: (onEvent: MixEventListener) => Promise<StopMixResult>): Promise<StopMixResult> {
    const listener: MixEventListener = (event) => {
      try {
        this.#onEvent(event);
      } catch {
        // Telemetry must never change a stop, nor keep the app's own listener from hearing the event.
      }
    };
    const span = this.#span;
    const result =
      span !== undefined && this.api.trace.isSpanContextValid(span.spanContext())
        ? // Active for the whole call, so that HTTP client spans (got, undici, http) nest under it.
          await this.api.context.with(this.api.trace.setSpan(this.api.context.active(), span), () => call(listener))
        : await call(listener);
    try {
      this.#finish(result);
    } catch {
      // As above: a telemetry bug must not turn a stop into a rejection.
    }
    return result;
  }

  #onEvent(event: MixEvent): void {
    const span = this.#span;
    switch (event.type) {
      case 'attempt':
        this.#flushPending();
        this.#pending = { attempt: event.attempt, startedAt: Date.now(), rateLimitWaitMs: event.rateLimitWaitMs };
        this.instruments?.rateLimitWait.record(event.rateLimitWaitMs / 1000, this.shared.metricAttributes);
        return;
      case 'attempt-result': {
        const pending = this.#pending;
        this.#pending = undefined;
        this.instruments?.attempts.add(
          1,
          event.errorTag === undefined
            ? this.shared.metricAttributes
            : { ...this.shared.metricAttributes, 'error.type': event.errorTag },
        );
        if (span === undefined) return;
        const attributes: Api.Attributes = {
          'mixtask.attempt': event.attempt,
          'mixtask.attempt.duration_ms': event.durationMs,
          'mixtask.rate_limit.wait_ms': pending?.rateLimitWaitMs ?? 0,
        };
        if (event.httpStatus !== undefined) attributes['http.response.status_code'] = event.httpStatus;
        if (event.requestId !== undefined) attributes['mixtask.request_id'] = event.requestId;
        if (event.errorTag !== undefined) attributes['error.type'] = event.errorTag;
        if (event.providerCode !== undefined) attributes['rpc.status_code'] = event.providerCode;
        span.addEvent('mixtask.attempt', attributes, pending?.startedAt);
        return;
      }
      case 'retry': {
        if (span === undefined) return;
        const attributes: Api.Attributes = {
          'mixtask.attempt': event.attempt,
          'mixtask.retry.delay_ms': event.delayMs,
          'mixtask.retry.reason': event.reason,
        };
        if (event.providerCode !== undefined) attributes['rpc.status_code'] = event.providerCode;
        if (event.requestId !== undefined) attributes['mixtask.request_id'] = event.requestId;
        span.addEvent('mixtask.retry', attributes);
        return;
      }
      default:
        // success / failure: the result itself carries the same, and also covers a call that ended in a bug.
        return;
    }
  }

  /** An attempt whose result never came (a bug in an adapter): still one event per attempt. */
  #flushPending(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#span?.addEvent(
      'mixtask.attempt',
      { 'mixtask.attempt': pending.attempt, 'mixtask.rate_limit.wait_ms': pending.rateLimitWaitMs },
      pending.startedAt,
    );
  }

  #finish(result: StopMixResult): void {
    this.#flushPending();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const span = this.#span;
    if (result._tag === 'Right') {
      const success = result.right;
      this.instruments?.callDuration.record(seconds, {
        ...this.shared.metricAttributes,
        'mixtask.outcome': success.outcome,
      });
      if (span === undefined) return;
      span.setAttributes({
        'mixtask.id': success.id,
        'mixtask.outcome': success.outcome,
        'mixtask.attempts': success.attempts,
      });
      if (success.requestId !== '') span.setAttribute('mixtask.request_id', success.requestId);
      span.end();
      return;
    }
    const error = result.left;
    this.instruments?.callDuration.record(seconds, {
      ...this.shared.metricAttributes,
      'mixtask.outcome': 'failed',
      'error.type': error._tag,
    });
    if (span === undefined) return;
    span.setAttributes({
      'mixtask.id': error.id,
      'mixtask.outcome': 'failed',
      'mixtask.attempts': error.attempts,
      'error.type': error._tag,
    });
    if (error.requestId !== undefined) span.setAttribute('mixtask.request_id', error.requestId);
    if (error.providerCode !== undefined) span.setAttribute('rpc.status_code', error.providerCode);
    // The tag and the vendor's code only: the error's message and the vendor's text stay out of traces.
    span.setStatus({
      code: this.api.SpanStatusCode.ERROR,
      message: error.providerCode === undefined ? error._tag : `${error._tag} (${error.providerCode})`,
    });
    span.end();
  }
}
