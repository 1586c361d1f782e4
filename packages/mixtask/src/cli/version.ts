/**
 * The release number, written into the bundle at build time: scripts/bundle.mjs defines `__MIXTASK_VERSION__` as the
 * package.json `version` (esbuild `define`), and jest.config.js sets the same global for tests, which run the
 * sources. One constant, so the CLI's --version, the User-Agent and the telemetry scope cannot disagree.
 */
declare const __MIXTASK_VERSION__: string;

/** This package's version, as built. */
export function packageVersion(): string {
  return __MIXTASK_VERSION__;
}
