import type { Readable } from 'node:stream';
import { responseTooLarge } from './transport.js';

/**
 * Reads a decoded body as utf8, counting its bytes as they arrive: past `maxBytes`, `fail` gets the too-large
 * error (a few KB of gzip can inflate to gigabytes) and nothing more is kept. Both built-in transports read
 * their answers through it; `done` runs on 'end' with the text.
 */
export function readCappedBody(
  body: Readable,
  maxBytes: number,
  fail: (error: Error) => void,
  done: (text: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  body.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return fail(responseTooLarge(maxBytes));
    chunks.push(chunk);
  });
  body.on('end', () =>
    done(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
  );
}
