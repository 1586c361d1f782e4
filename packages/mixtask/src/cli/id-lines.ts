import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';

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

/** `mixtask stop a b --from f`: the positionals first, then the lines of the opened file or stdin. */
export async function* idsOf(
  positionals: readonly string[],
  source: Readable | undefined,
  onPositional: () => void = () => undefined,
): AsyncGenerator<string> {
  for (const id of positionals) {
    onPositional();
    yield id;
  }
  if (source !== undefined) yield* idLines(source);
}

/**
 * The stream `--from` names (`-` is stdin), opened before any stop is sent, so that a missing or unreadable file is
 * refused up front. The file is opened once and read through that handle: a pipe (`--from <(cmd)`) is not reopened.
 */
export async function openIdSource(from: string, stdin: Readable): Promise<E.Either<string, Readable>> {
  if (from === '-') return E.right(stdin);
  let handle: FileHandle | undefined;
  try {
    handle = await open(from, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      return E.left(`--from ${from}: is a directory, not a file of ids`);
    }
    return E.right(handle.createReadStream());
  } catch (error) {
    await handle?.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return E.left(`--from ${from}: cannot be read (${code})`);
  }
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
