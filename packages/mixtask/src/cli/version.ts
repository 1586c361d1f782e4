import { createRequire } from 'node:module';

/**
 * This package's version, read from its own package.json (shipped in every tarball). The path is the same from
 * src/cli and dist/cli; createRequire reads JSON on every Node the package supports, without import attributes.
 */
export function packageVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('../../package.json');
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
