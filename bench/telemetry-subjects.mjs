// The telemetry benchmark's subjects: mixtask Tencent stops with OpenTelemetry in three states.
//   'otel off'    telemetry: false — the provider builds no wrapper at all (the baseline)
//   'otel no-sdk' the default: @opentelemetry/api installed, no SDK registered (what most apps without OTel see)
//   'otel sdk'    a registered SDK: BasicTracerProvider + SimpleSpanProcessor(InMemorySpanExporter), a MeterProvider
//                 with a reader that is never collected, AsyncLocalStorage context — every span and point recorded
// Each runs in its own client process (bench/client.mjs), so one SDK's global registration touches no other subject.

function mixtaskTencent(createTencentProvider, telemetry, afterCall = () => undefined) {
  return (env, options = {}) => {
    const provider = createTencentProvider({
      credentials: env.tencent,
      endpoint: env.url,
      ...(options.rateLimit === false ? { rateLimit: false } : {}),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(telemetry === undefined ? {} : { telemetry }),
    });
    return {
      call: async (id) => {
        const either = await provider.stopMix(id)();
        afterCall();
        return either._tag === 'Right' ? 'ok' : either.left._tag;
      },
    };
  };
}

export async function telemetrySubject(name) {
  const { createTencentProvider } = await import('@mixtask/provider-tencent');
  switch (name) {
    case 'otel off':
      return mixtaskTencent(createTencentProvider, false);
    case 'otel no-sdk':
      return mixtaskTencent(createTencentProvider, undefined);
    case 'otel sdk': {
      const { context, metrics, trace } = await import('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
        await import('@opentelemetry/sdk-trace-base');
      const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
      class IdleReader extends MetricReader {
        async onForceFlush() {}
        async onShutdown() {}
      }
      const exporter = new InMemorySpanExporter();
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new IdleReader()] }));
      let calls = 0;
      // The exporter keeps every span: emptied now and then, as a real exporter's batches would be.
      return mixtaskTencent(createTencentProvider, undefined, () => {
        if (++calls % 2000 === 0) exporter.reset();
      });
    }
    default:
      throw new Error(`unknown telemetry subject ${name}`);
  }
}
