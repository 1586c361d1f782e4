import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { context, metrics, SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import { type MixError, type StopMixSuccess, type TelemetryOption } from '@mixtask/core';
import type { Transport } from '@mixtask/core/adapter';
import { createGotTransport } from '@mixtask/core/internal';
import { FakeClock } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';

/**
 * The OpenTelemetry side of a stop (docs/observability.md), against the emulator: one CLIENT span per call with
 * an event per attempt and per retry, three metrics, and never a secret or the stopped id on a metric.
 */

/** Collects on demand: the test decides when a metric export happens. */
class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let em: Emulator;
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let reader: ManualReader;
let meterProvider: MeterProvider;
let telemetry: TelemetryOption;
/** The active span each request was sent under, as a transport sees it: where HTTP spans would nest. */
const sentUnder: (SpanContext | undefined)[] = [];

const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
});
afterAll(async () => {
  await em.close();
  context.disable();
});
beforeEach(() => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  reader = new ManualReader();
  meterProvider = new MeterProvider({ readers: [reader] });
  telemetry = { tracerProvider, meterProvider };
  sentUnder.length = 0;
});
afterEach(async () => {
  trace.disable();
  metrics.disable();
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

const got = createGotTransport();
/** Every Authorization / token header value sent, and the signatures in them: none may reach telemetry. */
const signed = new Set<string>();
const watching: Transport = {
  send: (request, options) => {
    sentUnder.push(trace.getActiveSpan()?.spanContext());
    for (const [name, value] of Object.entries(request.headers)) {
      if (!['authorization', 'x-tc-token', 'x-acs-security-token'].includes(name.toLowerCase())) continue;
      signed.add(value);
      for (const signature of value.match(/[0-9a-f]{64}/g) ?? []) signed.add(signature);
    }
    return got.send(request, options);
  },
};

const tencent = (extra: Partial<Parameters<typeof createTencentProvider>[0]> = {}) =>
  createTencentProvider({
    credentials: em.tencent.credentials,
    endpoint: em.url,
    clock: new FakeClock(),
    rateLimit: false,
    telemetry,
    transport: watching,
    ...extra,
  });
const aliyun = () =>
  createAliyunProvider({
    credentials: em.aliyun.credentials,
    appId: em.aliyun.appId,
    endpoint: em.url,
    clock: new FakeClock(),
    rateLimit: false,
    telemetry,
    transport: watching,
  });

function right(result: E.Either<MixError, StopMixSuccess>): StopMixSuccess {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${result.left.message}`);
  return result.right;
}
function left(result: E.Either<MixError, StopMixSuccess>): MixError {
  if (E.isRight(result)) throw new Error(`expected a Left, got ${JSON.stringify(result.right)}`);
  return result.left;
}

function onlySpan(): ReadableSpan {
  const finished = spans.getFinishedSpans();
  expect(finished).toHaveLength(1);
  return finished[0]!;
}

async function collected(): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}
function points(all: MetricData[], name: string): DataPoint<unknown>[] {
  return all.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
}

const serverAttributes = () => {
  const { hostname, port } = new URL(em.url);
  return { 'server.address': hostname, 'server.port': Number(port) };
};
const tencentRpc = {
  'rpc.system.name': 'tencent_cloud_api',
  'rpc.method': 'live/CancelCommonMixStream',
  'mixtask.provider': 'tencent',
};

describe('a span per stopMix', () => {
  it('a stop: one CLIENT span named after the action, the vendor request id, one attempt event, status unset', async () => {
    await em.tencent.createSession('otel_stop');
    const result = right(await tencent().stopMix('otel_stop')());

    const span = onlySpan();
    expect(span.name).toBe('live/CancelCommonMixStream');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.instrumentationScope.name).toBe('@mixtask/core');
    expect(span.attributes).toEqual({
      ...tencentRpc,
      ...serverAttributes(),
      'cloud.provider': 'tencent_cloud',
      'mixtask.id': 'otel_stop',
      'mixtask.outcome': 'stopped',
      'mixtask.attempts': 1,
      'mixtask.request_id': result.requestId,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.map((event) => event.name)).toEqual(['mixtask.attempt']);
    expect(span.events[0]!.attributes).toEqual({
      'mixtask.attempt': 1,
      'mixtask.attempt.duration_ms': expect.any(Number),
      'mixtask.rate_limit.wait_ms': 0,
      'mixtask.request_id': result.requestId,
    });
    // The request went out with the stop's span active: an HTTP instrumentation's span would be its child.
    expect(sentUnder).toEqual([span.spanContext()]);

    const all = await collected();
    const [call] = points(all, 'rpc.client.call.duration') as DataPoint<Histogram>[];
    expect(call!.attributes).toEqual({ ...tencentRpc, ...serverAttributes(), 'mixtask.outcome': 'stopped' });
    expect(call!.value.count).toBe(1);
    expect(points(all, 'mixtask.client.attempts')).toEqual([
      expect.objectContaining({ attributes: { ...tencentRpc, ...serverAttributes() }, value: 1 }),
    ]);
    expect((points(all, 'mixtask.client.rate_limit.wait.duration')[0] as DataPoint<Histogram>).value.count).toBe(1);
    const units = Object.fromEntries(all.map((metric) => [metric.descriptor.name, metric.descriptor.unit]));
    expect(units).toEqual({
      'rpc.client.call.duration': 's',
      'mixtask.client.attempts': '{attempt}',
      'mixtask.client.rate_limit.wait.duration': 's',
    });
  });

  it('a retried stop (Aliyun InternalError, then stopped): two attempt events, a retry event with delay and reason', async () => {
    await em.aliyun.startTask('otel-retried');
    em.inject({ vendor: 'aliyun', action: { type: 'code', code: 'InternalError', status: 500 } });
    const result = right(await aliyun().stopMix('otel-retried')());
    expect(result.attempts).toBe(2);

    const span = onlySpan();
    expect(span.name).toBe('live/StopLiveMPUTask');
    expect(span.attributes).toMatchObject({
      'rpc.system.name': 'alibaba_cloud_api',
      'rpc.method': 'live/StopLiveMPUTask',
      'cloud.provider': 'alibaba_cloud',
      'mixtask.outcome': 'stopped',
      'mixtask.attempts': 2,
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.events.map((event) => event.name)).toEqual(['mixtask.attempt', 'mixtask.retry', 'mixtask.attempt']);
    expect(span.events[0]!.attributes).toMatchObject({
      'mixtask.attempt': 1,
      'error.type': 'ProviderUnavailable',
      'rpc.status_code': 'InternalError',
      'http.response.status_code': 500,
    });
    expect(span.events[1]!.attributes).toEqual({
      'mixtask.attempt': 1,
      'mixtask.retry.delay_ms': expect.any(Number),
      'mixtask.retry.reason': 'ProviderUnavailable',
      'rpc.status_code': 'InternalError',
      'mixtask.request_id': expect.any(String),
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(sentUnder).toEqual([span.spanContext(), span.spanContext()]);

    const attempts = points(await collected(), 'mixtask.client.attempts');
    expect(attempts.map((point) => [point.attributes['error.type'] ?? 'ok', point.value]).sort()).toEqual([
      ['ProviderUnavailable', 1],
      ['ok', 1],
    ]);
  });

  it('a not-found: status ERROR with the tag and the vendor code, error.type on span and metric', async () => {
    const error = left(await tencent().stopMix('otel_never_started')());
    expect(error._tag).toBe('SessionNotFound');

    const span = onlySpan();
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: `SessionNotFound (${error.providerCode})`,
    });
    expect(span.attributes).toMatchObject({
      'error.type': 'SessionNotFound',
      'rpc.status_code': error.providerCode,
      'mixtask.outcome': 'failed',
      'mixtask.attempts': 1,
      'mixtask.request_id': error.requestId,
      'mixtask.id': 'otel_never_started',
    });

    const [call] = points(await collected(), 'rpc.client.call.duration');
    expect(call!.attributes).toEqual({
      ...tencentRpc,
      ...serverAttributes(),
      'mixtask.outcome': 'failed',
      'error.type': 'SessionNotFound',
    });
  });

  it('a throttled-then-stopped call: the retry says RateLimited and the vendor code', async () => {
    await em.tencent.createSession('otel_throttled');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded' } });
    right(await tencent().stopMix('otel_throttled')());

    const span = onlySpan();
    const retry = span.events.find((event) => event.name === 'mixtask.retry');
    expect(retry?.attributes).toMatchObject({
      'mixtask.retry.reason': 'RateLimited',
      'rpc.status_code': 'RequestLimitExceeded',
    });
    expect(span.attributes).toMatchObject({ 'mixtask.outcome': 'stopped', 'mixtask.attempts': 2 });
    const attempts = points(await collected(), 'mixtask.client.attempts');
    expect(attempts.find((point) => point.attributes['error.type'] === 'RateLimited')?.value).toBe(1);
  });

  it('an abort during an attempt: status ERROR Aborted, the attempt recorded', async () => {
    await em.tencent.createSession('otel_aborted');
    em.inject({ vendor: 'tencent', action: { type: 'no-answer' } });
    const controller = new AbortController();
    const provider = tencent({
      onEvent: (event) => {
        if (event.type === 'attempt') setImmediate(() => controller.abort());
      },
    });
    expect(left(await provider.stopMix('otel_aborted', { signal: controller.signal })())._tag).toBe('Aborted');

    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Aborted' });
    expect(span.attributes).toMatchObject({ 'error.type': 'Aborted', 'mixtask.attempts': 1 });
    expect(span.events.map((event) => event.name)).toEqual(['mixtask.attempt']);
    const [call] = points(await collected(), 'rpc.client.call.duration');
    expect(call!.attributes['error.type']).toBe('Aborted');
  });

  it("a deadline: the call's budget spent in an unanswered attempt is a Timeout", async () => {
    await em.tencent.createSession('otel_deadline');
    em.inject({ vendor: 'tencent', action: { type: 'no-answer' } });
    const error = left(await tencent().stopMix('otel_deadline', { timeoutMs: 100 })());
    expect(error._tag).toBe('Timeout');

    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Timeout' });
    expect(span.attributes).toMatchObject({ 'error.type': 'Timeout', 'mixtask.outcome': 'failed' });
  });

  it('records the rate-limit wait of a queued attempt, in seconds', async () => {
    await em.tencent.createSession('otel_rl_1');
    await em.tencent.createSession('otel_rl_2');
    const provider = tencent({ rateLimit: { requestsPerSecond: 1 } });
    right(await provider.stopMix('otel_rl_1')());
    right(await provider.stopMix('otel_rl_2')());

    const [waits] = points(await collected(), 'mixtask.client.rate_limit.wait.duration') as DataPoint<Histogram>[];
    expect(waits!.value.count).toBe(2);
    // The second stop waited for the slot the first had taken: about a second of (fake) time.
    expect(waits!.value.sum).toBeGreaterThanOrEqual(0.9);
    const second = spans.getFinishedSpans()[1]!;
    expect(second.events[0]!.attributes!['mixtask.rate_limit.wait_ms']).toBeGreaterThanOrEqual(900);
  });
});

describe('what telemetry never records', () => {
  it('no secret, signature or token in any exported span or metric, and the id never on a metric', async () => {
    signed.clear();
    await em.tencent.createSession('otel_scan_1');
    await em.aliyun.startTask('otel-scan-2');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'InternalError' } });
    right(await tencent().stopMix('otel_scan_1')());
    right(await aliyun().stopMix('otel-scan-2')());
    left(await tencent().stopMix('otel_scan_missing')());
    left(
      await tencent({ credentials: { secretId: 'AKIDotelWrong', secretKey: 'OTEL_WRONG_KEY_canary' } }).stopMix('x')(),
    );

    const secrets = new Set([
      em.tencent.credentials.secretKey,
      em.aliyun.credentials.accessKeySecret,
      'OTEL_WRONG_KEY_canary',
      ...signed,
    ]);
    // At least 4 distinct signed requests (a retry in the same fake second may repeat its first signature),
    // each an Authorization value with a signature in it.
    expect(signed.size).toBeGreaterThanOrEqual(8);

    const exported = JSON.stringify([
      spans.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
      })),
      await collected(),
    ]);
    expect(spans.getFinishedSpans()).toHaveLength(4);
    for (const secret of secrets) expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/Signature=|Credential=|TC3-HMAC|ACS3-HMAC/);

    const metricAttributes = JSON.stringify((await collected()).flatMap((m) => m.dataPoints.map((p) => p.attributes)));
    expect(metricAttributes).not.toContain('mixtask.id');
    expect(metricAttributes).not.toContain('mixtask.request_id');
    for (const id of ['otel_scan_1', 'otel-scan-2', 'otel_scan_missing']) expect(metricAttributes).not.toContain(id);
  });

  it('telemetry: false records nothing, even with global providers registered', async () => {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    await em.tencent.createSession('otel_off');
    telemetry = false;
    right(await tencent().stopMix('otel_off')());
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(await collected()).toEqual([]);
    expect(sentUnder).toEqual([undefined]);
  });

  it('by default uses the global providers', async () => {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    await em.tencent.createSession('otel_global');
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      rateLimit: false,
      clock: new FakeClock(),
    });
    right(await provider.stopMix('otel_global')());
    expect(onlySpan().name).toBe('live/CancelCommonMixStream');
    expect(points(await collected(), 'rpc.client.call.duration')).toHaveLength(1);
  });
});
