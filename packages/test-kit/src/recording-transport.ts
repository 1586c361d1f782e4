import { createGotTransport } from '@mixtask/core/internal';
import { type OutgoingRequest, type Transport } from '@mixtask/core/adapter';

/** The real got transport, keeping each request as sent (signed headers included: test-only). */
export function recordingTransport(): { transport: Transport; sent: OutgoingRequest[] } {
  const inner = createGotTransport();
  const sent: OutgoingRequest[] = [];
  return {
    sent,
    transport: {
      send: (request, options) => {
        sent.push(request);
        return inner.send(request, options);
      },
      close: () => inner.close?.() ?? Promise.resolve(),
    },
  };
}
