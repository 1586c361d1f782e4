/**
 * A command line the CLI cannot run: an unknown flag, a missing id, a bad --timeout or --concurrency, an unreadable
 * --from file. Not a MixError — no stop was asked for, so there is no provider, id or attempt to name. With --json it
 * is printed as `{"ok":false,"error":{"_tag":"UsageError","message":…}}` (docs/cli.md keeps this shape stable).
 */
export interface UsageError {
  readonly _tag: 'UsageError';
  /** What is wrong with the command line, in words; never a flag's value (it could be a secret). */
  readonly message: string;
  readonly retryable: false;
}

export const usageError = (message: string): UsageError => ({ _tag: 'UsageError', message, retryable: false });

/**
 * Whether the command line asks for --json, judged on the raw words: a command line that did not parse still gets
 * its answer in the format it asked for. Words after `--` are ids, not flags.
 */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** util.parseArgs reports an unknown or malformed flag by throwing a TypeError with an ERR_PARSE_ARGS_* code. */
export function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}
