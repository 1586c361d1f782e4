import { kindOf } from './options.js';

const maxShownLength = 200;

/**
 * The id as errors and events show it. A JavaScript caller may pass anything; errors still need a string,
 * and a megabyte-long id should not become a megabyte-long log line.
 */
export function describeId(id: unknown): string {
  if (typeof id !== 'string') return `<${kindOf(id)}>`;
  return id.length > maxShownLength ? `${id.slice(0, maxShownLength)}…(${id.length} chars)` : id;
}
