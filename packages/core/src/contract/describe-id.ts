import { escapeInvisible } from './invisible-characters.js';
import { kindOf } from '../config/options.js';

const maxShownLength = 200;
const plainAscii = /^[!-[\]-~]*$/;

/**
 * The id as errors and events show it. A JavaScript caller may pass anything; errors still need a string,
 * a megabyte-long id should not become a megabyte-long log line, and what is shown must be what was asked for:
 * invisible characters are escaped (a backslash too, so an escape cannot be faked by typing one).
 */
export function describeId(id: unknown): string {
  if (typeof id !== 'string') return `<${kindOf(id)}>`;
  // Every call shows its id: printable ASCII without a backslash is shown as it is, without the per-character walk.
  if (id.length <= maxShownLength && plainAscii.test(id)) return id;
  let shown = '';
  for (const char of id) {
    if (shown.length >= maxShownLength) return `${shown}…(${id.length} chars)`;
    shown += char === '\\' ? '\\\\' : escapeInvisible(char);
  }
  return shown;
}
