import { createRequire } from 'node:module';

/**
 * This package's version, read from its own package.json (shipped in every tarball, exported as
 * `mixtask/package.json`). By self-reference, not a relative path: the code runs from src/cli, from the bundled
 * dist/cli.js or from a dist/chunks file. createRequire reads JSON on every Node the package supports, without import
 * attributes.
 */
export function packageVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('mixtask/package.json');
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
