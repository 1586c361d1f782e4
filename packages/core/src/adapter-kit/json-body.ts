import * as E from 'fp-ts/lib/Either.js';

/** JSON.parse as a value: a proxy's HTML page or a truncated body is a Left, never a thrown SyntaxError. */
export function parseJsonBody(body: string): E.Either<string, unknown> {
  try {
    return E.right(JSON.parse(body) as unknown);
  } catch {
    return E.left(body.trim() === '' ? 'the body is empty' : 'the body is not JSON');
  }
}
