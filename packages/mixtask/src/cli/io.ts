/** Where a command writes, and what it reads from its surroundings: injectable so tests run the CLI in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  readonly interrupted: AbortSignal;
}
