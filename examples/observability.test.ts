import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, metrics, trace } from '@opentelemetry/api';
import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createMixTaskProvider } from 'mixtask';
import { startTelemetry } from './otel-setup.js';
import { createLogger, logMixEvents } from './pino-events.js';

/** docs/observability.md's two recipes, run as written: manual OpenTelemetry setup, and pino logging of events. */

class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false, aliyun: false } });
});
afterAll(async () => {
  await em.close();
  trace.disable();
  metrics.disable();
  context.disable();
});

describe('docs/observability.md', () => {
  it('shows examples/pino-events.ts and examples/otel-setup.ts word for word', () => {
    const doc = readFileSync(new URL('../docs/observability.md', import.meta.url), 'utf8');
    for (const file of ['pino-events.ts', 'otel-setup.ts']) {
      expect(doc).toContain(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'));
    }
  });

  it('a retried stop: one span, metrics, and pino lines that carry its trace id and no secret', async () => {
    // Keeps what it is given (the SDK's InMemorySpanExporter forgets everything at shutdown).
    const exported: ReadableSpan[] = [];
    const spans: SpanExporter = {
      export: (batch, done) => {
        exported.push(...batch);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    const reader = new ManualReader();
    const shutdown = startTelemetry(spans, reader);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });

    await em.tencent.createSession('room_logged');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'InternalError' } });
    const mix = createMixTaskProvider({
      provider: 'tencent',
      credentials: em.tencent.credentials,
      endpoint: em.url,
      retry: { baseDelayMs: 0 },
      onEvent: logMixEvents(createLogger(sink)),
    });
    expect(E.isRight(await mix.stopMix('room_logged')())).toBe(true);
    const { resourceMetrics } = await reader.collect();
    await shutdown();

    const [span] = exported;
    expect(exported).toHaveLength(1);
    expect(span?.name).toBe('live/CancelCommonMixStream');
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names).toContain('rpc.client.call.duration');

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // info level: the retry (warn) and the success (info); the attempts are debug.
    expect(logged.map((l) => [l.level, l.msg])).toEqual([
      [40, 'mixtask retry'],
      [30, 'mixtask success'],
    ]);
    expect(logged[1]).toMatchObject({
      component: 'mixtask',
      provider: 'tencent',
      id: 'room_logged',
      attempts: 2,
      outcome: 'stopped',
      trace_id: span!.spanContext().traceId,
      span_id: span!.spanContext().spanId,
    });
    const text = lines.join('\n');
    expect(text).not.toContain(em.tencent.credentials.secretKey);
    expect(text).not.toMatch(/Signature|Authorization|TC3-HMAC/i);
  });
});
