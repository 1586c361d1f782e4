import { exitCodes } from './exit-codes.js';

/** The signals the CLI turns into a graceful stop; cli.ts aborts `CliIo.interrupted` with one as the reason. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** What the user's interruption means for the report: which signal, and the exit code it earns (128 + signal). */
export interface Interruption {
  readonly signal: InterruptSignal;
  readonly exitCode: number;
}

/**
 * Which signal aborted `signal`, or undefined while it has not. An abort without a signal name (an in-process
 * caller's plain `abort()`) counts as Ctrl-C, the everyday way to interrupt.
 */
export function interruptionOf(signal: AbortSignal): Interruption | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'SIGTERM'
    ? { signal: 'SIGTERM', exitCode: exitCodes.terminated }
    : { signal: 'SIGINT', exitCode: exitCodes.interrupted };
}

/** How the signal reads in a message: Ctrl-C is what the user pressed; SIGTERM is what a supervisor sent. */
export function signalName(interruption: Interruption): string {
  return interruption.signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : 'SIGTERM';
}
