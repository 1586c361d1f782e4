import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** A line that names no id: blank, or a `#` comment. Lines are trimmed (CRLF files, stray spaces). */
function idOf(line: string): string | undefined {
  const id = line.trim();
  return id === '' || id.startsWith('#') ? undefined : id;
}

/**
 * The ids of a stream, one per line, read as they are asked for: readline pauses the input when 1024 lines wait,
 * so a file of a million ids never sits in memory.
 */
export async function* idLines(input: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const id = idOf(line);
    if (id !== undefined) yield id;
  }
}

/** `mixtask stop a b --from f`: the positionals first, then the lines of the file (`-` is stdin). */
export async function* idsOf(
  positionals: readonly string[],
  from: string | undefined,
  stdin: Readable,
): AsyncGenerator<string> {
  yield* positionals;
  if (from !== undefined) yield* idLines(from === '-' ? stdin : createReadStream(from));
}

/** How many ids a file holds: one streamed pass, for the progress bar's total (only when the bar is shown). */
export async function countIds(path: string): Promise<number | undefined> {
  let count = 0;
  try {
    for await (const _ of idLines(createReadStream(path))) count += 1;
  } catch {
    return undefined; // the real read reports the error
  }
  return count;
}
