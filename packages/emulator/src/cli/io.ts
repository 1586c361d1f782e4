/** Where a command writes, and what stops it: injectable so tests run the commands in-process. */
export interface CliIo {
  /** The environment (serve reads MIXTASK_EMULATOR_* from it); none when omitted. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Aborted when the user asks to stop (Ctrl-C / SIGTERM). */
  readonly interrupted: AbortSignal;
}
