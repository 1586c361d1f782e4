import { execFile } from 'node:child_process';

/**
 * Runs an ES-module script in a fresh `node` (its own environment, e.g. a temporary HOME, so a vendor library reads
 * nothing of the developer's), from the repository root. Resolves with its output; rejects, with its stderr, when it
 * fails or runs over 15 s.
 */
export function runModuleChild(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ readonly stdout: string; readonly stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env, cwd: process.cwd(), timeout: 15_000 },
      (error, stdout, stderr) =>
        error === null ? resolve({ stdout, stderr }) : reject(new Error(`child failed: ${error.message}\n${stderr}`)),
    ),
  );
}

/** The last line of a child's output, as JSON (what the child printed last), or `fallback` when it printed nothing. */
export function lastJsonLine<T>(stdout: string, fallback: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() || fallback) as T;
}
