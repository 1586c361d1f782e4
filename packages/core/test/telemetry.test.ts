import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MixEvent } from '@mixtask/core';
import { createTelemetry } from '../src/telemetry/telemetry.js';

/** The wrapper alone, without a provider: when it records, and that it never changes the call it wraps. */

const info = { provider: 'test', endpoint: new URL('https://example.invalid') } as const;
const ok = E.right({ provider: 'test', id: 'a', requestId: 'r', outcome: 'stopped', attempts: 1 } as const);
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  context.disable();
  await tracerProvider.shutdown();
});
afterEach(() => {
  trace.disable();
  exporter.reset();
});

describe('createTelemetry', () => {
  it('is off with false', () => {
    expect(createTelemetry(false, info)).toBeUndefined();
  });

  it('hands the call no listener while no SDK is registered, and one as soon as one is', async () => {
    const telemetry = createTelemetry(undefined, info)!;
    const heard: unknown[] = [];
    await telemetry.around(async (listener) => (heard.push(listener), ok));
    expect(heard).toEqual([undefined]);
    expect(exporter.getFinishedSpans()).toEqual([]);

    trace.setGlobalTracerProvider(tracerProvider);
    await telemetry.around(async (listener) => (heard.push(listener), ok));
    expect(typeof heard[1]).toBe('function');
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['test/stopMix']);
  });

  it('makes its span the active one for the whole call, across awaits', async () => {
    const telemetry = createTelemetry({ tracerProvider }, info)!;
    let active: unknown;
    await telemetry.around(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      active = trace.getActiveSpan()?.spanContext().spanId;
      return ok;
    });
    expect(active).toBe(exporter.getFinishedSpans()[0]!.spanContext().spanId);
  });

  it('returns what the call returned, whatever the events it is fed', async () => {
    const telemetry = createTelemetry({ tracerProvider }, info)!;
    const strange = [
      { type: 'attempt-result', attempt: 3 },
      { type: 'retry' },
      { type: 'attempt', attempt: 1, rateLimitWaitMs: Number.NaN },
      { type: 'nonsense' },
    ] as unknown as MixEvent[];
    const result = await telemetry.around(async (listener) => {
      for (const event of strange) listener?.(event);
      return ok;
    });
    expect(result).toBe(ok);
    // The attempt that never settled still has its event.
    expect(exporter.getFinishedSpans()[0]!.events.filter((e) => e.name === 'mixtask.attempt')).toHaveLength(2);
  });
});

describe('loading @opentelemetry/api', () => {
  // Built code in a fresh process (npm test builds first): jest's own module registry would hide the answer.
  const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
  const probe = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@opentelemetry/api'));
    const core = await import(${JSON.stringify(dist('index.js'))});
    const { createTelemetry } = await import(${JSON.stringify(dist('internal.js'))});
    const seen = [loaded()];
    const telemetry = createTelemetry(undefined, { provider: 'x', endpoint: new URL('https://example.invalid') });
    seen.push(loaded());
    await telemetry.around(async () => ({ _tag: 'Right', right: {} }));
    seen.push(loaded(), typeof core.createRateLimiter);
    console.log(JSON.stringify(seen));
  `;

  it('happens at the first call with telemetry on, not when @mixtask/core is imported', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', probe], (error, stdout) =>
        error === null ? resolve(stdout) : reject(error),
      ),
    );
    expect(JSON.parse(out)).toEqual([false, false, true, 'function']);
  });
});
