/** Where a command writes, and what it reads from its surroundings: injectable so tests run the CLI in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /**
   * Aborted when the user asks to stop; its `reason` is 'SIGINT' (Ctrl-C) or 'SIGTERM', which picks the exit code
   * (130 or 143). Any other reason counts as Ctrl-C.
   */
  readonly interrupted: AbortSignal;
}
