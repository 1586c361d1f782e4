import { trace } from '@opentelemetry/api';
import type { MixEventListener } from '@mixtask/core';
import { pino, type Logger } from 'pino';

/** What someone on call wants by default: a line per outcome and per retry; attempts only at debug level. */
const levelOf = {
  attempt: 'debug',
  'attempt-result': 'debug',
  retry: 'warn',
  success: 'info',
  failure: 'error',
} as const;

/** The `onEvent` of a provider, logging every mixtask event through pino. Events hold no secrets: log them whole. */
export function logMixEvents(logger: Logger): MixEventListener {
  const log = logger.child({ component: 'mixtask' });
  return (event) => {
    const { type, ...fields } = event;
    log[levelOf[type]](fields, `mixtask ${type}`);
  };
}

/**
 * Optional: with OpenTelemetry on, events are emitted inside the stop's span, so each line can carry its trace
 * and span ids (@opentelemetry/instrumentation-pino does the same for every line of an app).
 */
export function createLogger(destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
      },
    },
    destination,
  );
}
