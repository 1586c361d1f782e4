/**
 * What a log viewer would not show as itself: control characters (C0, DEL, C1), line and paragraph separators,
 * and every invisible format character (Unicode category Cf: bidi overrides and isolates U+202A–U+202E,
 * U+2066–U+2069, zero-width U+200B–U+200F, U+2060, U+FEFF, …). A bidi override in an id would make a log line
 * read differently from what was asked for; a zero-width space would make two ids look alike. Lone surrogates (Cs) are
 * escaped as JSON does.
 */
const invisible = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;

/** `\u202e`, or `\u{e0001}` beyond the BMP: the notation JSON and JavaScript use. */
function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0) as number;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes invisible characters; leaves an already escaped text as it is (a backslash is not escaped here). */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, escapeCodePoint);
}
