// A worker's close when Redis is gone: BullMQ's own close waits for Redis for ever (bullmq#4656, open for BullMQ 6),
// so stop-worker.ts, after a grace, takes apart what BullMQ would have: the connections, then its timers.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Disconnects each client. One that is between reconnection attempts has no socket, so ioredis would emit neither
 * `close` nor `end` for it once its retry timer is cleared, and BullMQ waits for that `end` (bullmq#4656): it is
 * emitted here.
 */
export function dropConnections(clients: readonly Redis[]): void {
  for (const client of clients) {
    const socketless = client.status === 'reconnecting';
    client.disconnect();
    if (socketless) client.emit('end');
  }
}

/**
 * The two timers BullMQ's close stops after the steps that wait for Redis (bullmq#4656, open for BullMQ 6): its
 * lock renewal and its stalled-job check. Not public API, so each is optional: if a later BullMQ renames them, a
 * close without Redis still resolves, and the CLI test of a worker closing without Redis says the process hangs.
 */
export function stopTimers(worker: Worker): void {
  const internals = worker as unknown as {
    lockManager?: { close?: () => unknown };
    stalledCheckStopper?: () => void;
  };
  try {
    void internals.lockManager?.close?.();
    internals.stalledCheckStopper?.();
  } catch {
    // best effort: the close resolves either way
  }
}
