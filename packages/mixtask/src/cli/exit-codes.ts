import type { MixErrorTag } from '@mixtask/core';

/** The CLI's exit codes: one per class a script would branch on (docs/cli.md lists them). */
export const exitCodes = {
  ok: 0,
  failed: 1,
  invalid: 2,
  notFound: 3,
  denied: 4,
  unavailable: 5,
  /** Ctrl-C (SIGINT): 128 + 2, as a shell reports a process the signal ended. */
  interrupted: 130,
  /** SIGTERM (a supervisor, `kill`, a container stopping): 128 + 15. */
  terminated: 143,
} as const;

export function exitCodeFor(tag: MixErrorTag): number {
  switch (tag) {
    case 'InvalidArgument':
    case 'ConfigurationError':
      return exitCodes.invalid;
    case 'SessionNotFound':
      return exitCodes.notFound;
    case 'AuthenticationFailed':
    case 'PermissionDenied':
    case 'ServiceDisabled':
      return exitCodes.denied;
    case 'RateLimited':
    case 'ProviderUnavailable':
    case 'NetworkError':
    case 'Timeout':
      return exitCodes.unavailable;
    case 'Aborted':
      // Only the user's signal aborts a CLI stop; the caller replaces this with 143 when it was SIGTERM.
      return exitCodes.interrupted;
    case 'OperationFailed':
    case 'MalformedResponse':
    case 'Unknown':
    case 'Internal':
      return exitCodes.failed;
  }
}
